import { ExitError, UserError, type ExitCodeName } from '../errors.js';
import { refOf } from '../incident/replicas.js';
import { hypothesize as request, type HypothesizeResult, type Status } from '../hypotheses/run.js';
import { hypothesisSettings as settingsFrom } from '../hypotheses/settings.js';
import { describeEvidence } from '../runbook/known-causes.js';
import { cleanModelText, hypothesisKey } from '../util/model-text.js';
import { latestVerdictOn } from '../incident/replay.js';
import { NO_HYPOTHESIS_NOTE } from '../incident/events.js';
import type { IncidentState } from '../incident/replay.js';
import { operator, print, printJson, type Context } from './context.js';
import { openTarget } from './incident-store.js';
import { loadIncident } from '../incident/incidents.js';

export interface HypothesizeOptions {
  incident?: string;
  model?: string;
  timeout?: string;
  youFirst?: boolean;
  mine?: string;
  operator?: string;
  json?: boolean;
  allowRemote?: boolean;
}

const EXIT: Record<Status, ExitCodeName | 'ok'> = { ok: 'ok', empty: 'noHypotheses', unavailable: 'ollamaUnavailable', model_missing: 'modelMissing', timeout: 'ollamaTimeout', malformed: 'answerMalformed', error: 'ollamaError', refused: 'usage' };
const SPIN = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/** Settings shared by the command and the screen. */
export async function hypothesisSettings(ctx: Context, flags: { model?: string; timeout?: string; allowRemote?: boolean }) {
  return settingsFrom(ctx.env, await ctx.config(), flags);
}

async function readLine(ctx: Context, prompt: string): Promise<string> {
  ctx.stderr.write(prompt);
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: ctx.stdin, terminal: false });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

/** `oncall hypothesize`: asks the local model, checks every citation, records it all. */
export async function hypothesize(ctx: Context, opts: HypothesizeOptions): Promise<void> {
  const settings = await hypothesisSettings(ctx, opts);
  const t = openTarget(ctx, opts.incident);
  if (t.state.drill && !t.state.drill.info.with_model) {
    t.store.close();
    throw new UserError('this is a drill: model hypotheses are off, so the practice is yours', { code: 'usage', hint: 'start the drill with --with-model to have them' });
  }
  const actor = await operator(ctx, opts.operator);
  let result: HypothesizeResult;
  let interrupted = false;
  try {
    if (opts.youFirst || settings.youFirst) {
      // Humans keep the skill: their own hypothesis is on record before the model's is shown.
      let mine = opts.mine;
      if (mine === undefined) {
        if (!ctx.stdin.isTTY) throw new UserError('you-first mode needs your hypothesis before the model\'s', { code: 'usage', hint: 'add --mine "your hypothesis" (or --mine none)' });
        mine = await readLine(ctx, 'Your hypothesis first (or "none"): ');
      }
      mine = mine.trim();
      if (!mine) throw new UserError('no hypothesis given', { code: 'usage', hint: 'type one, or "none"' });
      if (mine.toLowerCase() === 'none') t.store.append({ type: 'note.added', actor, data: { text: NO_HYPOTHESIS_NOTE } });
      else t.store.append({ type: 'note.added', actor, data: { text: mine, kind: 'hypothesis' } });
      // The model sees the operator's hypothesis too (as data, like every other entry).
      const fresh = loadIncident(ctx.home, t.id);
      t.read = fresh.read;
      t.state = fresh.state;
    }
    const ac = new AbortController();
    const onSig = () => {
      interrupted = true;
      ac.abort();
    };
    process.once('SIGINT', onSig);
    const spin = ctx.stderr.isTTY && !opts.json;
    let frame = 0;
    try {
      const gen = request({ store: t.store, state: t.state, events: t.read.events, actor, host: settings.host, model: settings.model, deadlines: settings.deadlines, allowRemote: settings.allowRemote, signal: ac.signal, ...(settings.numCtx ? { numCtx: settings.numCtx } : {}) });
      for (;;) {
        const step = await gen.next();
        if (step.done) {
          result = step.value;
          break;
        }
        const p = step.value;
        const secs = (p.elapsedMs / 1000).toFixed(1);
        if (p.type === 'phase' && !spin && !opts.json) ctx.stderr.write(`${p.text}\n`);
        if (spin) ctx.stderr.write(`\r\u001b[K${SPIN[frame++ % SPIN.length]} ${secs} s · ${p.type === 'tokens' ? `${p.chunks} tokens received` : p.text}`);
      }
    } finally {
      process.off('SIGINT', onSig);
      if (spin) ctx.stderr.write('\r\u001b[K');
    }
  } finally {
    t.store.close();
  }
  if (!opts.json) for (const w of result.warnings) ctx.stderr.write(`warning: ${w}\n`);
  if (opts.json) {
    printJson(ctx, {
      status: result.status === 'empty' ? 'ok' : result.status,
      detail: result.detail,
      model: result.model,
      digest: result.digest ?? null,
      request_seq: result.requestSeq ?? null,
      known_causes: result.knownCauses.map((k) => ({ id: k.cause.id, title: k.cause.title, source: 'runbook', evidence: k.evidence })),
      hypotheses: result.hypotheses.map((h) => ({ seq: h.seq ?? null, ...(h.replica ? { replica: h.replica } : {}), title: h.title, explanation: h.explanation, cites: h.cites, refute_by: h.refute_by, check: h.check, check_read_only: !h.check_warning, check_warning: h.check_warning ?? null, grounding: h.grounding, dropped_cites: h.dropped_cites ?? 0, earlier: earlierRequests(t.state, h.title).map((x) => (x.replica ? refOf(x) : x.seq)) })),
      omitted: result.omitted,
      dropped: result.dropped ?? { extra: 0, malformed: 0 },
      warnings: result.warnings,
    });
  } else {
    printHuman(ctx, result, t.state);
  }
  if (interrupted) {
    if (!opts.json) ctx.stderr.write('hypotheses: interrupted; the request is recorded as cancelled\n');
    throw new ExitError('interrupted', 'interrupted; the request is recorded as cancelled');
  }
  const code = EXIT[result.status];
  if (code !== 'ok') {
    if (!opts.json) ctx.stderr.write(`hypotheses ${result.status.replace('_', ' ')}: ${result.detail}${result.status === 'unavailable' ? ` (is \`ollama serve\` running at ${settings.host.url}? the runbook, the log and the export work without it)` : ''}\n`);
    throw new ExitError(code, `hypotheses ${result.status.replace('_', ' ')}: ${result.detail}`);
  }
}

/** Earlier model hypotheses with the same title (the same idea, proposed again). */
function earlierRequests(state: IncidentState, title: string): IncidentState['hypotheses'] {
  const key = hypothesisKey(title);
  return state.hypotheses.filter((x) => hypothesisKey(x.title) === key);
}

const CITE_MARK: Record<string, string> = { found: 'found', 'not-found': 'NOT FOUND', 'wrong-event': 'WRONG ENTRY', 'not-evidence': 'NOT EVIDENCE', 'too-short': 'TOO SHORT', future: 'NO SUCH ENTRY YET', 'no-such-entry': 'NO SUCH ENTRY' };

function printHuman(ctx: Context, r: HypothesizeResult, before: IncidentState): void {
  if (r.knownCauses.length) {
    print(ctx, 'Known causes (runbook, matched deterministically):');
    for (const k of r.knownCauses) print(ctx, `  ▸ ${k.cause.title} — ${describeEvidence(k)}`);
    print(ctx);
  }
  if (r.hypotheses.length) {
    print(ctx, `Hypotheses from ${r.model} (suggestions to test, not findings; nothing was run). Model text follows each "model:" mark.`);
    r.hypotheses.forEach((h, i) => {
      const again = earlierRequests(before, h.title);
      const label = h.grounding === 'ungrounded' ? 'UNGROUNDED: no cite checks out' : h.grounding === 'partial' ? 'PARTIAL: some cites do not check out' : 'grounded: every quote is in the log';
      const judged = latestVerdictOn(before, again);
      print(ctx, `  ${i + 1}. [${label}]${h.seq ? ` #${refOf({ seq: h.seq, ...(h.replica ? { replica: h.replica } : {}) })}` : ''}${again.length ? ` (proposed before: ${again.map((x) => `#${refOf(x)}`).join(', ')}${judged ? `; ${judged.verdict} by ${judged.actor.name}: ${cleanModelText(judged.reason)}` : ''})` : ''}`);
      print(ctx, `     model: ${h.title}`);
      if (h.explanation) print(ctx, `     model explanation: ${h.explanation}`);
      for (const c of h.cites) print(ctx, `     cite #${refOf(c)} [${CITE_MARK[c.status] ?? c.status}] ${c.reason}: model quote "${c.quote}"`);
      if (!h.cites.length) print(ctx, '     cites: none');
      if (h.dropped_cites) print(ctx, `     (${h.dropped_cites} malformed cite${h.dropped_cites === 1 ? '' : 's'} dropped)`);
      if (h.refute_by) print(ctx, `     model, refuted if: ${h.refute_by}`);
      if (h.check) print(ctx, h.check_warning ? `     WARNING: the suggested check is not known to be read-only (${h.check_warning}); do not paste it as it is. It reads: ${h.check}` : `     model, a read-only check to do by hand: ${h.check}`);
    });
  }
  const left = Object.entries(r.omitted);
  if (left.length) print(ctx, `  (left out to fit the context: ${left.map(([k, v]) => `${v} ${k}`).join(', ')})`);
  if (r.dropped && (r.dropped.extra || r.dropped.malformed)) print(ctx, `  (dropped from the answer: ${[r.dropped.extra ? `${r.dropped.extra} past the number asked for` : '', r.dropped.malformed ? `${r.dropped.malformed} without a title` : ''].filter(Boolean).join(', ')})`);
  if (r.hypotheses.length) print(ctx, 'Judge one with: oncall judge SEQ supported|refuted|dismissed --reason TEXT');
}
