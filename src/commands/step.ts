/** `oncall step run|skip|done`: the TUI's step keys for scripts and ChatOps; same events. */
import type { RecordedRun } from '../drill/drill.js';
import { refOf } from '../incident/replicas.js';
import { ExitError, UserError } from '../errors.js';
import { secondRunRefused } from '../exec/group.js';
import { shellQuote } from '../runbook/render.js';
import { durationMs } from '../runbook/template.js';
import { executeStep } from '../runner/execute.js';
import { DEFAULT_TIMEOUT_MS, prepareStep } from '../runner/prepare.js';
import { operator, print, printJson, type Context } from './context.js';
import { parseParamFlags } from './open.js';
import { fullMatch } from '../runbook/pattern.js';
import { openTarget, type Target } from './incident-store.js';

export interface StepOptions {
  incident?: string;
  operator?: string;
  json?: boolean;
}

export function findStep(t: Target, stepId: string) {
  const rb = t.state.runbook?.runbook;
  if (!rb) throw new UserError(`incident ${t.id} has no runbook`, { code: 'conflict' });
  const step = rb.steps.find((s) => s.id === stepId);
  if (!step) throw new UserError(`runbook ${rb.id} has no step "${stepId}"`, { code: 'notFound', hint: `steps: ${rb.steps.map((s) => s.id).join(', ')}` });
  return step;
}

/** `oncall step run STEP --yes`: runs the step's command exactly as the TUI would, after the same checks. */
export async function stepRun(ctx: Context, stepId: string, opts: StepOptions & { yes?: boolean; param?: string[]; targets?: string }): Promise<void> {
  const t = openTarget(ctx, opts.incident);
  try {
    findStep(t, stepId);
    const refused = secondRunRefused(t.state.steps[stepId]);
    if (refused) throw new UserError(`step ${stepId} was not run: ${refused.why}`, { code: 'conflict', hint: `${refused.fix}, then run the step again` });
    const config = await ctx.config();
    // --param values: secret ones stay in memory; others are recorded like the screen does.
    const given = parseParamFlags(opts.param);
    const secrets: Record<string, string> = {};
    const defs = t.state.runbook?.runbook.parameters ?? [];
    for (const [name, value] of Object.entries(given)) {
      const def = defs.find((d) => d.name === name);
      if (!def) throw new UserError(`the runbook has no parameter "${name}"`, { code: 'usage', hint: defs.length ? `its parameters: ${defs.map((d) => d.name).join(', ')}` : 'it takes no parameters' });
      if (!fullMatch(def.pattern, value)) throw new UserError(`--param ${name}=${def.secret ? '(secret)' : JSON.stringify(value)} does not match ${def.pattern}`, { code: 'invalidInput' });
      if (def.secret) secrets[name] = value;
    }
    const actor = await operator(ctx, opts.operator);
    const step = findStep(t, stepId);
    // A drill replays what the original recorded; nothing real runs (runner/replay.ts).
    const drill = t.state.drill;
    if (drill && step.targets) throw new UserError(`step ${stepId} runs over many targets: drills do not replay those yet`, { code: 'usage', hint: `mark it done or skip it: oncall step done ${stepId} --incident ${t.id}` });
    let replayed: RecordedRun | undefined;
    if (drill && step.command !== undefined) {
      const { sourceOf } = await import('../drill/drill.js');
      const { runFor } = await import('../runner/replay.js');
      replayed = runFor(sourceOf(ctx.home, drill.info).runs(stepId), t.state.steps[stepId]?.runs ?? 0);
      if (!replayed) throw new UserError(`DRILL: the original never ran step ${stepId}, so there is no recorded output to replay`, { code: 'notFound', hint: 'decide without it: skip the step, or mark it done' });
    }
    if (step.targets) {
      if (opts.yes) for (const [name, value] of Object.entries(given)) if (!secrets[name] && t.state.params[name] !== value) t.store.append({ type: 'parameter.set', actor, data: { name, value } });
      const { stepRunFanout } = await import('./step-fanout.js');
      return await stepRunFanout(ctx, t, step, actor, { ...opts, secrets: { ...given }, defaultTimeoutMs: config.default_timeout !== undefined ? durationMs(config.default_timeout) : DEFAULT_TIMEOUT_MS });
    }
    if (opts.targets !== undefined) throw new UserError(`step ${stepId} has no targets; --targets is for steps that run over many`, { code: 'usage' });
    const p = prepareStep(t.state, stepId, { cwd: ctx.cwd, secrets: { ...given }, defaultTimeoutMs: config.default_timeout !== undefined ? durationMs(config.default_timeout) : DEFAULT_TIMEOUT_MS });
    if (p.ok && opts.yes) for (const [name, value] of Object.entries(given)) if (!secrets[name] && t.state.params[name] !== value) t.store.append({ type: 'parameter.set', actor, data: { name, value } });
    if (!p.ok) {
      if (p.reason === 'missing-params') {
        const empty = p.missing.filter((m) => (given[m.name] ?? t.state.params[m.name]) === '');
        const why = [empty.length ? `${empty.map((m) => m.name).join(', ')} empty` : '', p.masked.length ? `${p.masked.join(', ')} recorded only masked, as a secret` : ''].filter(Boolean).join('; ');
        throw new UserError(`step ${stepId} was not run: it uses parameter${p.missing.length > 1 ? 's' : ''} ${p.missing.map((m) => m.name).join(', ')}, which ${p.missing.length > 1 ? 'have' : 'has'} no value${why ? ` (${why})` : ''}`, { code: 'usage', hint: `add ${p.missing.map((m) => `--param ${m.name}=VALUE`).join(' ')}` });
      }
      const shownValue = p.reason === 'bad-param' || p.reason === 'leading-dash' ? (p.param.secret ? '(secret)' : JSON.stringify(p.value)) : '';
      if (p.reason === 'bad-param') throw new UserError(`parameter ${p.param.name}=${shownValue} ${p.why ?? `does not match ${p.param.pattern}`}`, { code: 'invalidInput' });
      if (p.reason === 'leading-dash') throw new UserError(`parameter ${p.param.name}=${shownValue} starts with "-" and would be read as an option`, { code: 'invalidInput' });
      throw new UserError(`step ${stepId} has no command`, { code: 'usage', hint: 'mark a manual step with `oncall step done STEP`' });
    }
    const c = p.command;
    const { redact } = await import('../redact/index.js');
    const vars = Object.entries(c.vars).map(([k, v]) => `${k}=${c.secretVars.includes(k) ? '••••' : redact(shellQuote(v))}`);
    const shown = [`argv: ${redact(c.shownArgv.map(shellQuote).join(' '))}`, `cwd: ${c.cwd}`, `timeout: ${c.timeoutMs / 1000} s`, ...(vars.length ? [`shell variables (not exported to programs): ${vars.join(' ')}`] : [])].join('\n');
    if (!opts.yes) {
      if (opts.json) printJson(ctx, { incident: t.id, step: stepId, ran: false, argv: c.shownArgv.map((a) => redact(a)), cwd: c.cwd, timeout_ms: c.timeoutMs, shell_variables: Object.fromEntries(Object.entries(c.vars).map(([k, v]) => [k, c.secretVars.includes(k) ? '••••' : redact(v)])) });
      else print(ctx, shown);
      throw new UserError('not run: read the command above, then add --yes to run it', { code: 'usage' });
    }
    // With --json, stderr carries nothing but an error object; the log records what ran.
    if (!opts.json) ctx.stderr.write(`${replayed ? 'DRILL: nothing runs. Replaying the output the original recorded for this command:\n' : ''}${shown}\n`);
    const ac = new AbortController();
    // Ctrl-C, a closed terminal or a kill: stop the command's process group and record that.
    const onSigint = () => ac.abort();
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, onSigint);
    let outcome: { ok: boolean; reason?: string; seq: number; replica?: string; ref: string; next?: string } | undefined;
    let output = '';
    try {
      const { replayStep } = replayed ? await import('../runner/replay.js') : { replayStep: undefined };
      for await (const ev of replayed ? replayStep!(t.store, actor, c, replayed, drill!.info.fast, ac.signal) : executeStep(t.store, actor, c, ac.signal)) {
        if (ev.type === 'recorded') outcome = ev;
        // What is printed is what was recorded: sanitised, capped, redacted.
        if (ev.type === 'finished') output = ev.result.stdout.text + ev.result.stderr.text;
      }
    } finally {
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSigint);
    }
    if (opts.json) printJson(ctx, { incident: t.id, step: stepId, ok: outcome!.ok, reason: outcome!.reason ?? null, seq: outcome!.seq, ...(outcome!.replica ? { replica: outcome!.replica } : {}), next: outcome!.next ?? null });
    else {
      if (output) ctx.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
      print(ctx, `${replayed ? '[replayed] ' : ''}${stepId}: ${outcome!.ok ? 'done' : `FAILED (${outcome!.reason})`} #${outcome!.ref}${outcome!.next ? `; next: ${outcome!.next}` : ''}`);
    }
    if (!outcome!.ok) throw new ExitError(ac.signal.aborted ? 'interrupted' : 'stepFailed', `${stepId}: ${ac.signal.aborted ? 'interrupted' : `failed (${outcome!.reason})`}`);
  } finally {
    t.store.close();
  }
}

/** `oncall step skip STEP --reason TEXT`. */
export async function stepSkip(ctx: Context, stepId: string, opts: StepOptions & { reason?: string }): Promise<void> {
  const reason = opts.reason?.trim();
  if (!reason) throw new UserError('a skip needs a reason', { code: 'usage', hint: 'e.g. --reason "no deploy in the last 24 h"' });
  const t = openTarget(ctx, opts.incident);
  try {
    findStep(t, stepId);
    const e = t.store.append({ type: 'step.skipped', actor: await operator(ctx, opts.operator), data: { step: stepId, reason } });
    if (opts.json) printJson(ctx, { incident: t.id, step: stepId, seq: e.seq, ...(e.replica ? { replica: e.replica } : {}) });
    else print(ctx, `${stepId}: skipped #${refOf(e)}`);
  } finally {
    t.store.close();
  }
}

/** `oncall step done STEP`: ticks off a manual step. */
export async function stepDone(ctx: Context, stepId: string, opts: StepOptions): Promise<void> {
  const t = openTarget(ctx, opts.incident);
  try {
    const step = findStep(t, stepId);
    if (step.kind !== 'manual') throw new UserError(`step ${stepId} is a ${step.kind} step with a command`, { code: 'usage', hint: `run it: oncall step run ${stepId} --yes` });
    const e = t.store.append({ type: 'step.completed', actor: await operator(ctx, opts.operator), data: { step: stepId, via: 'manual' } });
    if (opts.json) printJson(ctx, { incident: t.id, step: stepId, seq: e.seq, ...(e.replica ? { replica: e.replica } : {}) });
    else print(ctx, `${stepId}: done #${refOf(e)}`);
  } finally {
    t.store.close();
  }
}

/** `oncall step status STEP`: where a step stands; for a step with targets, every target. */
export async function stepStatus(ctx: Context, stepId: string, opts: { incident?: string; json?: boolean }): Promise<void> {
  const { loadIncident, resolveIncidentId } = await import('../incident/incidents.js');
  const id = resolveIncidentId(ctx.home, opts.incident, { anyStatus: true });
  const { state } = loadIncident(ctx.home, id);
  const rb = state.runbook?.runbook;
  if (!rb) throw new UserError(`incident ${id} has no runbook`, { code: 'conflict' });
  const step = rb.steps.find((s) => s.id === stepId);
  if (!step) throw new UserError(`runbook ${rb.id} has no step "${stepId}"`, { code: 'notFound', hint: `steps: ${rb.steps.map((s) => s.id).join(', ')}` });
  const st = state.steps[stepId] ?? { status: 'pending', runs: 0 };
  const fan = st.fanout;
  const { redact } = await import('../redact/index.js');
  const rows = fan ? fan.targets.map((t) => ({ target: redact(t), status: fan.results[t]?.status ?? 'not-run', reason: fan.results[t]?.reason ?? null, seq: fan.results[t]?.seq ?? null, ...(fan.results[t]?.replica ? { replica: fan.results[t]!.replica } : {}) })) : null;
  if (opts.json) {
    printJson(ctx, { incident: id, step: stepId, status: st.status, reason: st.reason ?? null, targets: rows });
    return;
  }
  print(ctx, `${stepId}: ${st.status}${st.reason ? ` (${st.reason})` : ''}`);
  if (!rows) {
    if (step.targets) print(ctx, 'not run over its targets yet');
    return;
  }
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  print(ctx, `${rows.length} targets: ${count('ok')} ok, ${count('failed')} failed, ${count('drifted')} drifted, ${count('not-run') + count('pending')} not run, ${count('running')} running when last recorded, ${count('refused')} refused`);
  const { table } = await import('./shared.js');
  const { TARGET_MARK } = await import('../incident/format.js');
  print(ctx, table([['', 'TARGET', 'STATUS', 'SEQ', 'WHY'], ...rows.map((r) => [TARGET_MARK[r.status as keyof typeof TARGET_MARK] ?? '?', r.target, r.status === 'pending' ? 'never started' : r.status === 'running' ? 'was running' : r.status, r.seq === null ? '' : `#${refOf({ seq: r.seq, ...('replica' in r && r.replica ? { replica: r.replica } : {}) })}`, r.reason ?? ''])]));
}
