/**
 * One request for hypotheses, start to finish: probe Ollama, build the context, ask, validate,
 * check every citation, and record the request's provenance and each hypothesis in the log.
 * Whatever the model says ends up as text in the log and on screen: nothing here can run it.
 */
import { parseRef, refOf } from '../incident/replicas.js';
import { createHash } from 'node:crypto';
import type { Actor, StoredEvent } from '../incident/events.js';
import type { IncidentState } from '../incident/replay.js';
import type { IncidentStore } from '../incident/store.js';
import { notReadOnly } from '../runbook/command-safety.js';
import { describeEvidence, matchKnownCauses, type CauseMatch } from '../runbook/known-causes.js';
import { answerJsonSchema, MAX_HYPOTHESES, parseAnswer } from './answer.js';
import { cleanModelText, cleanQuote } from '../util/model-text.js';
import { OllamaClient, OllamaFault, type Deadlines } from './client.js';
import { buildContext } from './context.js';
import { recordSegments, type Segment } from './evidence.js';
import { checkCites, type CheckedCite, type Grounding, type Sources } from './grounding.js';
import type { OllamaHost } from './host.js';

export type Status = 'ok' | 'empty' | 'unavailable' | 'model_missing' | 'timeout' | 'malformed' | 'error' | 'refused';

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
  /** Why the suggested check is not read-only (then it is shown with a warning, never as something to paste). */
  check_warning?: string;
  grounding: Grounding;
  /** Cites dropped because they broke the contract (no integer seq, an empty quote). */
  dropped_cites?: number;
  seq?: number;
  replica?: string;
}

export interface HypothesizeResult {
  status: Status;
  detail: string;
  model: string;
  digest?: string;
  knownCauses: CauseMatch[];
  hypotheses: CheckedHypothesis[];
  omitted: Record<string, number>;
  /** Hypotheses dropped from the answer: past the number asked for, or without a title. */
  dropped?: { extra: number; malformed: number };
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
  /** Without it, an Ollama that is not on this machine is never sent anything. */
  allowRemote?: boolean;
  signal?: AbortSignal;
}

/** `1,2,3,7,8` → `1-3,7-8`: keeps the provenance record small for long incidents. */
/** `1-5,9,k3f9qa:1-3`: references as ranges of consecutive seqs of one replica. */
export function seqRanges(refs: readonly (number | string)[]): string {
  const parsed = refs.map((r) => (typeof r === 'number' ? { seq: r } : parseRef(r) ?? { seq: NaN }));
  const out: string[] = [];
  for (let i = 0; i < parsed.length; i++) {
    let j = i;
    while (j + 1 < parsed.length && parsed[j + 1]!.seq === parsed[j]!.seq + 1 && parsed[j + 1]!.replica === parsed[i]!.replica) j++;
    out.push(j > i ? `${refOf(parsed[i]!)}-${parsed[j]!.seq}` : refOf(parsed[i]!));
    i = j;
  }
  return out.join(',');
}

const ORDER: Record<Grounding, number> = { grounded: 0, partial: 1, ungrounded: 2 };

/** Each record of the log as segments, on demand: what cites are checked against beyond what was sent. */
export function logSources(state: IncidentState, events: readonly StoredEvent[], shown: ReadonlyMap<string, readonly Segment[]>): Sources {
  const byRef = new Map(events.map((e) => [refOf(e), e]));
  const last = new Map<string, number>();
  for (const e of events) last.set(e.replica ?? '', Math.max(last.get(e.replica ?? '') ?? 0, e.seq));
  const titles = new Map<string, string>([...state.hypotheses.map((h) => [refOf(h), h.title] as const), ...state.notes.filter((n) => n.kind === 'hypothesis').map((n) => [refOf(n), n.text] as const)]);
  const cache = new Map<string, Segment[]>();
  return {
    shown,
    lastSeq: (replica) => last.get(replica ?? '') ?? 0,
    stored: (ref) => {
      const e = byRef.get(ref);
      if (!e) return undefined;
      let s = cache.get(ref);
      if (!s) cache.set(ref, (s = recordSegments(e, (n) => titles.get(n))));
      return s;
    },
  };
}

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

  if (!i.host.loopback && !i.allowRemote) {
    // Checked before any request: not even the version probe goes out.
    const detail = `OLLAMA_HOST ${i.host.url} is not on this machine, and incident data would leave it; nothing was sent (add --allow-remote, or set hypotheses.allow_remote: true in the config)`;
    return { ...base, status: 'refused', detail, requestSeq: record('refused', detail) };
  }
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
  const built = buildContext(i.state, i.events, numCtx - ANSWER_TOKENS, knownCauses.map((k) => ({ title: k.cause.title, evidence: describeEvidence(k) })), MAX_HYPOTHESES);
  if (!built.ok) {
    // Never sent: a prompt without the incident and its alert would invite guessing.
    const detail = `num_ctx ${numCtx} leaves ${Math.max(0, built.budgetTokens)} tokens for the incident, but the incident and its alert alone need about ${built.needTokens}; nothing was sent`;
    return { ...base, digest: info.digest, status: 'refused', detail, requestSeq: record('refused', detail, { num_ctx: numCtx }) };
  }
  const ctx = built.context;
  // Entries of other replicas are cited as replica:seq, so the answer's seq may be a string.
  const shared = i.events.some((e) => e.replica !== undefined);
  const options = { temperature: 0, seed: SEED, num_ctx: numCtx, num_predict: ANSWER_TOKENS };
  const promptSha = createHash('sha256').update(`${ctx.system}\n${ctx.user}`).digest('hex');
  const provenance = { digest: info.digest, server_version: info.serverVersion, options, prompt_sha256: promptSha, seqs: seqRanges([...ctx.sent.keys()]), estimated_tokens: ctx.estimatedTokens, omitted: ctx.omitted, max_hypotheses: MAX_HYPOTHESES };

  yield { type: 'phase', text: `sent ${ctx.sent.size} entries (~${ctx.estimatedTokens} tokens)`, elapsedMs: since() };
  let chunks = 0;
  let chars = 0;
  const pending: Progress[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  const answer = client.chat({ model: i.model, system: ctx.system, user: ctx.user, format: answerJsonSchema(shared), options }, (n) => {
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
  const parsed = parseAnswer(done.content, MAX_HYPOTHESES, shared);
  if (!parsed.ok) {
    const detail = done.content.trim() === '' && done.thinkingChars > 0 ? 'the model only produced thinking, no answer' : parsed.why;
    return { ...base, digest: info.digest, omitted: ctx.omitted, status: 'malformed', detail, requestSeq: record('malformed', detail, { ...provenance, ...timings }) };
  }
  const sources = logSources(i.state, i.events, ctx.shown);
  const checked: CheckedHypothesis[] = parsed.hypotheses.map((raw) => {
    // Model text is data: one line, nothing that imitates the tool's marks, secrets masked.
    const h = { title: cleanModelText(raw.title, 200), explanation: cleanModelText(raw.explanation), refute_by: cleanModelText(raw.refute_by, 1000), check: cleanModelText(raw.check, 1000), cites: raw.cites.map((c) => ({ seq: c.seq, quote: cleanQuote(c.quote) })) };
    const warn = h.check ? notReadOnly(h.check) : undefined;
    return { ...h, ...checkCites(h, sources), ...(warn ? { check_warning: warn } : {}), ...(raw.droppedCites ? { dropped_cites: raw.droppedCites } : {}) };
  }).filter((h) => h.title !== '');
  checked.sort((a, b) => ORDER[a.grounding] - ORDER[b.grounding]);
  const status: Status = checked.length ? 'ok' : 'empty';
  const dropNote = parsed.dropped.extra || parsed.dropped.malformed ? `; dropped ${[parsed.dropped.extra ? `${parsed.dropped.extra} past the ${MAX_HYPOTHESES} asked for` : '', parsed.dropped.malformed ? `${parsed.dropped.malformed} without a title` : ''].filter(Boolean).join(' and ')}` : '';
  const detail = checked.length ? `${checked.length} hypothes${checked.length === 1 ? 'is' : 'es'}: ${checked.filter((h) => h.grounding === 'grounded').length} grounded${dropNote}` : `the model offered no hypotheses${dropNote}`;
  const requestSeq = record(status, detail, { ...provenance, ...timings, hypotheses: checked.length, dropped: parsed.dropped });
  for (const h of checked) {
    const e = i.store.append({
      type: 'hypothesis.proposed',
      actor: { kind: 'model', name: i.model },
      data: { model: i.model, title: h.title, explanation: h.explanation, cites: h.cites, grounding: h.grounding, refute_by: h.refute_by, check: h.check, ...(h.check_warning ? { check_warning: h.check_warning } : {}), ...(h.dropped_cites ? { dropped_cites: h.dropped_cites } : {}), request_seq: requestSeq },
    });
    h.seq = e.seq;
    if (e.replica) h.replica = e.replica;
  }
  return { ...base, digest: info.digest, omitted: ctx.omitted, status, detail, hypotheses: checked, dropped: parsed.dropped, requestSeq };
}
