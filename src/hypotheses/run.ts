/**
 * One request for hypotheses, start to finish: probe Ollama, build the context, ask, validate,
 * check every citation, and record the request's provenance and each hypothesis in the log.
 * Whatever the model says ends up as text in the log and on screen: nothing here can run it.
 */
import { createHash } from 'node:crypto';
import type { Actor, StoredEvent } from '../incident/events.js';
import type { IncidentState } from '../incident/replay.js';
import type { IncidentStore } from '../incident/store.js';
import { matchKnownCauses, type CauseMatch } from '../runbook/known-causes.js';
import { answerJsonSchema, parseAnswer } from './answer.js';
import { OllamaClient, OllamaFault, type Deadlines } from './client.js';
import { buildContext } from './context.js';
import { checkCites, type CheckedCite, type Grounding } from './grounding.js';
import type { OllamaHost } from './host.js';
import { sanitize } from '../util/sanitize.js';

export type Status = 'ok' | 'empty' | 'unavailable' | 'model_missing' | 'timeout' | 'malformed' | 'error';

export const DEFAULT_NUM_CTX = 8192;
/** Room kept for the answer inside num_ctx. */
const ANSWER_TOKENS = 1024;
const SEED = 42;

export interface CheckedHypothesis {
  title: string;
  explanation: string;
  cites: CheckedCite[];
  refute_by: string;
  check: string;
  grounding: Grounding;
  seq?: number;
}

export interface HypothesizeResult {
  status: Status;
  detail: string;
  model: string;
  digest?: string;
  knownCauses: CauseMatch[];
  hypotheses: CheckedHypothesis[];
  omitted: Record<string, number>;
  warnings: string[];
  requestSeq?: number;
}

export type Progress =
  | { type: 'phase'; text: string; elapsedMs: number }
  | { type: 'tokens'; chunks: number; chars: number; elapsedMs: number };

export interface HypothesizeInput {
  store: IncidentStore;
  state: IncidentState;
  events: readonly StoredEvent[];
  actor: Actor;
  host: OllamaHost;
  model: string;
  numCtx?: number;
  deadlines: Deadlines;
  signal?: AbortSignal;
}

/** `1,2,3,7,8` → `1-3,7-8`: keeps the provenance record small for long incidents. */
export function seqRanges(seqs: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < seqs.length; i++) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === seqs[j]! + 1) j++;
    out.push(j > i ? `${seqs[i]}-${seqs[j]}` : String(seqs[i]));
    i = j;
  }
  return out.join(',');
}

const ORDER: Record<Grounding, number> = { grounded: 0, partial: 1, ungrounded: 2 };

export async function* hypothesize(i: HypothesizeInput): AsyncGenerator<Progress, HypothesizeResult> {
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  const knownCauses = matchKnownCauses(i.state);
  const warnings: string[] = [];
  if (!i.host.loopback) warnings.push(`Ollama at ${i.host.url} is not on this machine: incident data leaves it`);
  const client = new OllamaClient(i.host, i.deadlines);
  const base = { model: i.model, knownCauses, hypotheses: [] as CheckedHypothesis[], omitted: {}, warnings };
  const record = (outcome: Status, detail: string, extra: Record<string, unknown> = {}): number =>
    i.store.append({ type: 'hypothesis.requested', actor: i.actor, data: { model: i.model, host_loopback: i.host.loopback, outcome, detail, wall_ms: since(), ...extra } }).seq;

  yield { type: 'phase', text: `asking ${i.host.url} for ${i.model}`, elapsedMs: since() };
  let info;
  try {
    info = await client.probe(i.model, i.signal);
  } catch (err) {
    const f = err instanceof OllamaFault ? err : new OllamaFault('error', String(err));
    const detail = f.kind === 'model_missing' ? `${f.message}: run \`ollama pull ${i.model}\`` : f.message;
    return { ...base, status: f.kind, detail, requestSeq: record(f.kind, detail) };
  }
  const numCtx = Math.min(i.numCtx ?? DEFAULT_NUM_CTX, info.contextLength ?? Number.MAX_SAFE_INTEGER);
  const ctx = buildContext(i.state, i.events, numCtx - ANSWER_TOKENS, knownCauses.map((k) => k.cause.title));
  const options = { temperature: 0, seed: SEED, num_ctx: numCtx, num_predict: ANSWER_TOKENS };
  const promptSha = createHash('sha256').update(`${ctx.system}\n${ctx.user}`).digest('hex');
  const provenance = { digest: info.digest, server_version: info.serverVersion, options, prompt_sha256: promptSha, seqs: seqRanges([...ctx.sent.keys()]), estimated_tokens: ctx.estimatedTokens, omitted: ctx.omitted };

  yield { type: 'phase', text: `sent ${ctx.sent.size} entries (~${ctx.estimatedTokens} tokens)`, elapsedMs: since() };
  let chunks = 0;
  let chars = 0;
  const pending: Progress[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  const answer = client.chat({ model: i.model, system: ctx.system, user: ctx.user, format: answerJsonSchema(), options }, (n) => {
    chunks++;
    chars += n;
    pending.push({ type: 'tokens', chunks, chars, elapsedMs: since() });
    wake?.();
  }, i.signal).finally(() => {
    finished = true;
    wake?.();
  });
  // Progress is yielded as chunks arrive; the answer itself is awaited below.
  while (!finished || pending.length) {
    if (pending.length) {
      // Only the latest count matters to a spinner.
      const last = pending[pending.length - 1]!;
      pending.length = 0;
      yield last;
      continue;
    }
    await new Promise<void>((r) => (wake = r));
    wake = undefined;
  }
  let done;
  try {
    done = await answer;
  } catch (err) {
    const f = err instanceof OllamaFault ? err : new OllamaFault('error', String(err));
    return { ...base, digest: info.digest, omitted: ctx.omitted, status: f.kind, detail: f.message, requestSeq: record(f.kind, f.message, provenance) };
  }
  const timings = { prompt_eval_count: done.promptEvalCount, eval_count: done.evalCount, load_duration_ms: done.loadDurationMs, done_reason: done.doneReason };
  // Ollama truncates an over-long prompt silently; prompt_eval_count is the only sign.
  if (done.promptEvalCount !== undefined && done.promptEvalCount < ctx.estimatedTokens * 0.5) {
    warnings.push(`Ollama evaluated ${done.promptEvalCount} prompt tokens where ~${ctx.estimatedTokens} were sent: it may have truncated the context`);
  }
  const parsed = parseAnswer(done.content);
  if (!parsed.ok) {
    const detail = done.content.trim() === '' && done.thinkingChars > 0 ? 'the model only produced thinking, no answer' : parsed.why;
    return { ...base, digest: info.digest, omitted: ctx.omitted, status: 'malformed', detail, requestSeq: record('malformed', detail, { ...provenance, ...timings }) };
  }
  // Model text is data: no control characters, no line breaks (it could fake labels or lines on a terminal).
  // (\r becomes a space first: "keep what was drawn last" is right for progress bars, not for model text.)
  const flat = (s: string) => sanitize(s.replace(/\r/g, ' ')).replace(/\s+/g, ' ').trim();
  const checked: CheckedHypothesis[] = parsed.answer.hypotheses.map((raw) => {
    const h = { title: flat(raw.title), explanation: flat(raw.explanation), refute_by: flat(raw.refute_by), check: flat(raw.check), cites: raw.cites.map((c) => ({ seq: c.seq, quote: flat(c.quote) })) };
    return { ...h, ...checkCites(h, ctx.quoted) };
  });
  checked.sort((a, b) => ORDER[a.grounding] - ORDER[b.grounding]);
  const status: Status = checked.length ? 'ok' : 'empty';
  const detail = checked.length ? `${checked.length} hypothes${checked.length === 1 ? 'is' : 'es'}: ${checked.filter((h) => h.grounding === 'grounded').length} grounded` : 'the model offered no hypotheses';
  const requestSeq = record(status, detail, { ...provenance, ...timings, hypotheses: checked.length });
  for (const h of checked) {
    h.seq = i.store.append({ type: 'hypothesis.proposed', actor: { kind: 'model', name: i.model }, data: { model: i.model, title: h.title, explanation: h.explanation, cites: h.cites, grounding: h.grounding, refute_by: h.refute_by, check: h.check, request_seq: requestSeq } }).seq;
  }
  return { ...base, digest: info.digest, omitted: ctx.omitted, status, detail, hypotheses: checked, requestSeq };
}

