/**
 * Steps over many targets. A plan lists the targets (from a parameter, the alert group, or the
 * lines of a read-only command), refuses any value its pattern does not accept, and prepares
 * each target's command as a parameter would be; the run records every target as its own
 * result, and the step is done only when every target of the step succeeded. Used by the
 * screen and by `oncall step run`.
 */
import { refOf } from '../incident/replicas.js';
import type { Actor } from '../incident/events.js';
import type { IncidentState, StepState, TargetStatus } from '../incident/replay.js';
import type { IncidentStore } from '../incident/store.js';
import { extractFrom, fullMatch } from '../runbook/pattern.js';
import type { Parameter, Step } from '../runbook/schema.js';
import { hostname } from 'node:os';
import { processAlive, secondRunRefused } from '../exec/group.js';
import { runCommand, secretEnvValues, type RunResult } from '../exec/run.js';
import { commandRecord, fitRecord, judge, recordGroup } from './execute.js';
import { prepareStep, type PreparedCommand, type PrepareOptions } from './prepare.js';

export const DEFAULT_MAX_TARGETS = 1000;

/**
 * Why a step over many targets cannot start now: another oncall on this machine is running a
 * plan of it (its writer lives and the step has no outcome yet), or one of its targets' process
 * groups still runs. A crashed writer's plan does not block.
 */
export function fanoutBusy(st: StepState | undefined): string | undefined {
  const plan = st?.fanout?.plan;
  if (st?.status === 'running' && plan?.writer_pid !== undefined && plan.writer_pid !== process.pid && plan.host === hostname() && processAlive(plan.writer_pid)) {
    return `another oncall (pid ${plan.writer_pid}) is running this step over its targets (#${refOf(plan)}); wait for it, or stop it`;
  }
  for (const r of Object.values(st?.fanout?.results ?? {})) {
    const refused = secondRunRefused(r);
    if (refused) return `${refused.why}; ${refused.fix}`;
  }
  return undefined;
}

/** Which targets a run covers: every one, the ones not yet ok, or the ones named. */
export type Selection = 'all' | 'failed' | string[];

export interface FanoutPlan {
  step: Step;
  source: 'param' | 'label' | 'command';
  selection: 'all' | 'failed' | 'list';
  /** Every target the step has now (its source read today, before selection): what "done" is counted over. */
  all: string[];
  /** The targets this run will run, in order. */
  targets: string[];
  commands: Map<string, PreparedCommand>;
  verify: Map<string, PreparedCommand>;
  refused: { target: string; reason: string }[];
  parallel: number;
  canary?: number;
  stopAfterFailures?: number;
}

export type PlanResult = { ok: true; plan: FanoutPlan } | { ok: false; reason: string; hint?: string; missing?: Parameter[]; code?: 'usage' };

/** `a, b  c\nd` → [a, b, c, d]: commas, spaces or new lines between targets; each once. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** from_command: each non-blank output line (or the match's first group) is a target. */
export function targetsFromOutput(step: Step, text: string): string[] {
  const match = step.targets?.match;
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (match === undefined) out.push(line);
    else {
      const m = extractFrom(match, line);
      if (m !== undefined && m !== '') out.push(m);
    }
  }
  return [...new Set(out)];
}

/** The full list for a step whose targets come from a parameter or the alert group. */
export function listTargets(state: IncidentState, step: Step, params: Readonly<Record<string, string>> = state.params): { ok: true; targets: string[]; source: 'param' | 'label' } | { ok: false; reason: string; hint?: string } {
  const t = step.targets!;
  if (t.from_param !== undefined) {
    const v = params[t.from_param];
    if (v === undefined || v.trim() === '') return { ok: false, reason: `parameter ${t.from_param} holds no targets`, hint: `give it, e.g. --param ${t.from_param}=web-1,web-2` };
    return { ok: true, targets: splitList(v), source: 'param' };
  }
  if (t.from_label !== undefined) {
    const alert = state.alert;
    if (!alert) return { ok: false, reason: `targets come from the alert's "${t.from_label}" label, and this incident has no alert`, hint: 'open the incident from the alert (--alert or --from-alertmanager)' };
    const members = alert.members?.filter((m) => m.status === 'firing') ?? [{ labels: alert.labels }];
    const values = members.map((m) => m.labels[t.from_label!]);
    const missing = values.filter((v) => v === undefined).length;
    if (missing === values.length) return { ok: false, reason: `no firing alert of the incident has the label "${t.from_label}"` };
    return { ok: true, targets: [...new Set(values.filter((v): v is string => v !== undefined))], source: 'label' };
  }
  return { ok: false, reason: 'targets come from a command; run it first' };
}

/**
 * The targets of `selection` among the step's current ones (`all`, read from its source now):
 * `failed` is every current target not ok yet (failed, drifted, not run, never finished, or
 * new since the last run); a target that is no longer in the source is not run again.
 */
export function selectTargets(state: IncidentState, stepId: string, all: string[], selection: Selection): { ok: true; targets: string[] } | { ok: false; reason: string; code?: 'usage' } {
  if (selection === 'all') return { ok: true, targets: all };
  const fan = state.steps[stepId]?.fanout;
  if (selection === 'failed') {
    const again = all.filter((t) => !['ok', 'refused'].includes(fan?.results[t]?.status ?? 'not-run'));
    if (again.length === 0) {
      const refused = all.filter((t) => fan?.results[t]?.status === 'refused');
      return { ok: false, reason: refused.length ? `only refused targets are left (${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ` and ${refused.length - 5} more` : ''}): their values fail the pattern; fix them where they come from` : `every target of step ${stepId} succeeded; nothing to run again` };
    }
    return { ok: true, targets: again };
  }
  const known = new Set(all);
  const unknown = selection.filter((t) => !known.has(t));
  if (unknown.length) return { ok: false, code: 'usage', reason: `not a target of step ${stepId}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}` };
  return { ok: true, targets: all.filter((t) => selection.includes(t)) };
}

/** Prepares every target's command (and verify command); a target its pattern refuses is listed, never run. */
export function planFanout(state: IncidentState, stepId: string, opts: PrepareOptions & { selection: Selection; discovered?: string[] }): PlanResult {
  const step = state.runbook?.runbook.steps.find((s) => s.id === stepId);
  if (!step?.targets) return { ok: false, reason: `step ${stepId} has no targets` };
  const t = step.targets;
  let all: string[];
  let source: FanoutPlan['source'];
  if (t.from_command !== undefined) {
    if (!opts.discovered) return { ok: false, reason: 'targets come from a command; run it first' };
    all = opts.discovered;
    source = 'command';
  } else {
    const l = listTargets(state, step, { ...state.params, ...(opts.secrets ?? {}) });
    if (!l.ok) return l;
    all = l.targets;
    source = l.source;
  }
  const max = t.max ?? DEFAULT_MAX_TARGETS;
  if (all.length > max) return { ok: false, reason: `step ${stepId} has ${all.length} targets, over its limit of ${max}`, hint: 'narrow the list, or raise targets.max in the runbook' };
  const sel = selectTargets(state, stepId, all, opts.selection);
  if (!sel.ok) return sel;
  if (sel.targets.length === 0) return { ok: false, reason: `step ${stepId} has no targets` };
  const commands = new Map<string, PreparedCommand>();
  const verify = new Map<string, PreparedCommand>();
  const refused: FanoutPlan['refused'] = [];
  for (const target of sel.targets) {
    const why = refusal(t.pattern, target);
    if (why) {
      refused.push({ target, reason: why });
      continue;
    }
    const p = prepareStep(state, stepId, { ...opts, target });
    if (!p.ok) {
      if (p.reason === 'missing-params') return { ok: false, reason: `step ${stepId} needs ${p.missing.map((m) => m.name).join(', ')}`, missing: p.missing };
      if ((p.reason === 'bad-param' || p.reason === 'leading-dash') && p.param.name === 'target') {
        refused.push({ target, reason: p.reason === 'leading-dash' ? 'starts with "-", so a program would read it as an option' : p.why ?? `does not match ${t.pattern}` });
        continue;
      }
      return { ok: false, reason: p.reason === 'bad-param' ? `parameter ${p.param.name} does not match its pattern` : `step ${stepId} cannot run (${p.reason})` };
    }
    commands.set(target, p.command);
    if (t.verify !== undefined) {
      const v = prepareStep(state, stepId, { ...opts, target, command: t.verify });
      if (!v.ok) return { ok: false, reason: `the verify command of step ${stepId} cannot run (${v.reason})` };
      verify.set(target, v.command);
    }
  }
  return {
    ok: true,
    plan: {
      step, source, selection: Array.isArray(opts.selection) ? 'list' : opts.selection, all, targets: [...commands.keys()], commands, verify, refused,
      parallel: t.parallel ?? 1,
      // The canary guards the first run over the targets; a re-run of some of them is already a choice.
      ...(t.canary !== undefined && opts.selection === 'all' ? { canary: t.canary } : {}),
      ...(t.stop_after_failures !== undefined ? { stopAfterFailures: t.stop_after_failures } : {}),
    },
  };
}

function refusal(pattern: string, target: string): string | undefined {
  if (target.includes('\0')) return 'holds a NUL character';
  // Whatever the command form: in a script "$TARGET" may still reach a program as an argument.
  if (target.startsWith('-')) return 'starts with "-", so a program would read it as an option';
  if (!fullMatch(pattern, target)) return `does not match ${pattern}`;
  return undefined;
}

export type FanoutProgress =
  | { type: 'target'; target: string; status: 'running' | 'ok' | 'failed' | 'drifted'; reason?: string }
  | { type: 'canary'; ok: number; failed: number; rest: number }
  | { type: 'recorded'; ok: boolean; reason?: string; next?: string; seq: number; replica?: string; ref: string; counts: FanoutCounts };

export interface FanoutCounts {
  total: number;
  ok: number;
  failed: string[];
  drifted: string[];
  notRun: string[];
  refused: string[];
}

async function runOne(store: IncidentStore, actor: Actor, cmd: PreparedCommand, step: string, target: string, signal: AbortSignal | undefined, role?: 'verify'): Promise<RunResult> {
  let result: RunResult | undefined;
  for await (const ev of runCommand({ argv: cmd.argv, shell: cmd.shell, cwd: cmd.cwd, env: cmd.env, timeoutMs: cmd.timeoutMs, maskValues: [...cmd.secrets, ...secretEnvValues(process.env)] }, signal)) {
    if (ev.type === 'started') recordGroup(store, actor, ev.pid, step, { target, ...(role ? { role } : {}) });
    if (ev.type === 'finished') result = ev.result;
  }
  store.append({ type: 'command.ran', actor, data: { ...fitRecord(commandRecord(cmd, result!, step)), target, ...(role ? { role } : {}) } });
  return result!;
}

/**
 * Runs a plan: the canary first (then `canaryGate` decides about the rest), then the others,
 * at most `parallel` at once, starting none once `stop_after_failures` have failed or the
 * signal fired. Every target's result is appended as it ends; the step ends `done` only when
 * every target the step knows (`known`, from earlier runs too) is ok, else `partial`.
 */
export async function* executeFanout(store: IncidentStore, actor: Actor, plan: FanoutPlan, opts: { state: IncidentState; signal?: AbortSignal; canaryGate?: (c: { ok: number; failed: number; rest: number }) => Promise<boolean> }): AsyncGenerator<FanoutProgress> {
  const id = plan.step.id;
  const first = plan.commands.get(plan.targets[0]!) ?? [...plan.commands.values()][0];
  store.append({ type: 'step.started', actor, data: { step: id, ...(first ? { argv: first.shownArgv, shell: first.shell, cwd: first.cwd, timeout_ms: first.timeoutMs } : {}) } });
  store.append({
    type: 'fanout.planned', actor,
    data: { step: id, source: plan.source, selection: plan.selection, all: plan.all, targets: plan.targets, refused: plan.refused, writer_pid: process.pid, host: hostname(), parallel: plan.parallel, ...(plan.canary !== undefined ? { canary: plan.canary } : {}), ...(plan.stopAfterFailures !== undefined ? { stop_after_failures: plan.stopAfterFailures } : {}), verify: plan.verify.size > 0 },
  });
  const results = new Map<string, 'ok' | 'failed' | 'drifted'>();
  const queue: FanoutProgress[] = [];
  let wake: (() => void) | undefined;
  const push = (p: FanoutProgress) => {
    queue.push(p);
    wake?.();
  };
  let failures = 0;
  let stopped: string | undefined;

  const runTarget = async (target: string) => {
    push({ type: 'target', target, status: 'running' });
    const cmd = plan.commands.get(target)!;
    const r = await runOne(store, actor, cmd, id, target, opts.signal);
    let v = judge(plan.step, r, cmd.shell);
    let status: 'ok' | 'failed' | 'drifted' = v.ok ? 'ok' : 'failed';
    const verify = plan.verify.get(target);
    if (v.ok && verify && opts.signal?.aborted) {
      // Not verified is not ok: the target may have drifted back.
      status = 'failed';
      v = { ok: false, reason: 'cancelled before verify' };
    } else if (v.ok && verify) {
      const vr = await runOne(store, actor, verify, id, target, opts.signal, 'verify');
      const vv = judge(verify.step, vr, verify.shell);
      if (!vv.ok) {
        status = 'drifted';
        v = { ok: false, reason: `verify: ${vv.reason}` };
      }
    }
    if (status !== 'ok') failures++;
    results.set(target, status);
    store.append({ type: 'target.finished', actor, data: { step: id, target, status, ...(v.reason ? { reason: v.reason } : {}) } });
    push({ type: 'target', target, status, ...(v.reason ? { reason: v.reason } : {}) });
  };

  /** Runs `targets` with at most `parallel` at once; stops starting new ones when told to. */
  const pool = async (targets: string[]) => {
    let next = 0;
    const worker = async () => {
      while (next < targets.length) {
        if (opts.signal?.aborted) stopped ??= 'cancelled by the operator';
        if (plan.stopAfterFailures !== undefined && failures >= plan.stopAfterFailures) stopped ??= `stopped after ${failures} failed (stop_after_failures: ${plan.stopAfterFailures})`;
        if (stopped) return;
        await runTarget(targets[next++]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(plan.parallel, targets.length) }, worker));
  };

  const work = (async () => {
    const canary = plan.canary !== undefined && plan.canary < plan.targets.length ? plan.targets.slice(0, plan.canary) : [];
    const rest = plan.targets.slice(canary.length);
    if (canary.length) {
      await pool(canary);
      if (opts.signal?.aborted) stopped ??= 'cancelled by the operator';
      if (!stopped) {
        const c = { ok: canary.filter((t) => results.get(t) === 'ok').length, failed: canary.filter((t) => results.get(t) !== 'ok' && results.has(t)).length, rest: rest.length };
        push({ type: 'canary', ...c });
        // A cancel (Ctrl-C, a closed terminal) while the question is open is a no.
        const go = opts.canaryGate ? await new Promise<boolean>((resolve) => {
          opts.canaryGate!(c).then(resolve, () => resolve(false));
          opts.signal?.addEventListener('abort', () => resolve(false), { once: true });
        }) : false;
        if (!go) stopped = `stopped after the canary (${c.ok} ok, ${c.failed} failed)`;
      }
    }
    if (!stopped) await pool(rest);
  })();
  let done = false;
  let failure: unknown;
  work.then(() => (done = true), (err: unknown) => {
    failure = err;
    done = true;
  }).finally(() => wake?.());
  while (!done || queue.length) {
    if (!queue.length) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    while (queue.length) yield queue.shift()!;
  }
  if (failure) throw failure;

  // The step's standing over every target it knows: earlier runs' results for the ones not in this plan.
  const known = plan.selection === 'all' ? undefined : opts.state.steps[id]?.fanout;
  const all = plan.all;
  const statusOf = (t: string): TargetStatus => results.get(t) ?? (plan.refused.some((r) => r.target === t) ? 'refused' : plan.targets.includes(t) ? 'not-run' : known?.results[t]?.status ?? 'not-run');
  const counts: FanoutCounts = { total: all.length, ok: 0, failed: [], drifted: [], notRun: [], refused: [] };
  for (const t of all) {
    const s = statusOf(t);
    if (s === 'ok') counts.ok++;
    else if (s === 'failed') counts.failed.push(t);
    else if (s === 'drifted') counts.drifted.push(t);
    else if (s === 'refused') counts.refused.push(t);
    else counts.notRun.push(t);
  }
  const allOk = counts.ok === counts.total;
  const reason = allOk ? undefined : `${counts.ok} of ${counts.total} targets ok${counts.failed.length ? `, ${counts.failed.length} failed` : ''}${counts.drifted.length ? `, ${counts.drifted.length} drifted` : ''}${counts.notRun.length ? `, ${counts.notRun.length} not run` : ''}${counts.refused.length ? `, ${counts.refused.length} refused` : ''}${stopped ? ` (${stopped})` : ''}`;
  const e = allOk
    ? store.append({ type: 'step.completed', actor, data: { step: id, via: 'command' } })
    : store.append({ type: 'step.partial', actor, data: { step: id, total: counts.total, ok: counts.ok, failed: counts.failed, drifted: counts.drifted, not_run: counts.notRun, refused: counts.refused, reason: reason! } });
  // A partial step never routes as a success: only its on_fail, if it has one.
  const next = allOk ? plan.step.next : plan.step.on_fail;
  yield { type: 'recorded', ok: allOk, ...(reason ? { reason } : {}), ...(next ? { next } : {}), seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), ref: refOf(e), counts };
}

/** from_command: runs the discovery command (read-only by the format's contract) and records it. */
export async function discoverTargets(store: IncidentStore, actor: Actor, state: IncidentState, stepId: string, opts: PrepareOptions, signal?: AbortSignal): Promise<{ ok: true; targets: string[]; seq: number; ref: string } | { ok: false; reason: string }> {
  const step = state.runbook?.runbook.steps.find((s) => s.id === stepId);
  if (!step?.targets?.from_command) return { ok: false, reason: `step ${stepId} does not find its targets with a command` };
  const p = prepareStep(state, stepId, { ...opts, command: step.targets.from_command });
  if (!p.ok) return { ok: false, reason: p.reason === 'missing-params' ? `finding the targets needs ${p.missing.map((m) => m.name).join(', ')}` : `the command that finds the targets cannot run (${p.reason})` };
  let result: RunResult | undefined;
  for await (const ev of runCommand({ argv: p.command.argv, shell: p.command.shell, cwd: p.command.cwd, env: p.command.env, timeoutMs: p.command.timeoutMs, maskValues: [...p.command.secrets, ...secretEnvValues(process.env)] }, signal)) {
    if (ev.type === 'finished') result = ev.result;
  }
  const e = store.append({ type: 'command.ran', actor, data: { ...fitRecord(commandRecord(p.command, result!, stepId)), role: 'discover' } });
  const v = judge(p.command.step, result!, p.command.shell);
  if (!v.ok) return { ok: false, reason: `the command that finds the targets failed: ${v.reason}` };
  if (result!.stdout.truncated) return { ok: false, reason: 'the command that finds the targets printed more than oncall keeps; narrow it' };
  return { ok: true, targets: targetsFromOutput(step, result!.stdout.text), seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), ref: refOf(e) };
}
