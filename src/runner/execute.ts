/**
 * Running a prepared step and recording it: step.started, command.ran, then step.completed or
 * step.failed, each appended (fsynced) before the caller hears of it. Used by the TUI and by
 * `oncall step run`.
 */
import { refOf } from '../incident/replicas.js';
import type { Actor, EventDataMap } from '../incident/events.js';
import type { IncidentStore } from '../incident/store.js';
import { matchesIn } from '../runbook/pattern.js';
import type { Step } from '../runbook/schema.js';
import { groupIdentity } from '../exec/group.js';
import { runCommand, secretEnvValues, type ExecEvent, type RunResult } from '../exec/run.js';
import type { PreparedCommand } from './prepare.js';

export type StepProgress =
  | ExecEvent
  | { type: 'recorded'; ok: boolean; reason?: string; next?: string; seq: number; replica?: string; ref: string };

export interface Verdict {
  ok: boolean;
  reason?: string;
}

/** A shell's "not found" (exit 127) in plain words: the last program it could not find. */
export function shellNotFound(r: Pick<RunResult, 'exitCode' | 'stderr'>, shell: boolean): string | undefined {
  if (!shell || r.exitCode !== 127) return undefined;
  const found = [...r.stderr.text.matchAll(/(?:^|\n)[^\n]*?:\s*(?:line \d+:\s*)?([^\s:]+): (?:command )?not found/g)].pop();
  return found ? `command not found: ${found[1]} (is it installed and on PATH?)` : undefined;
}

/** Success as the step's `expect` defines it (default: exit code 0). */
export function judge(step: Step | undefined, r: RunResult, shell = false): Verdict {
  if (r.spawnError) return { ok: false, reason: r.spawnError };
  const notFound = shellNotFound(r, shell);
  if (notFound) return { ok: false, reason: notFound };
  if (r.timedOut) return { ok: false, reason: 'timed out' };
  if (r.cancelled) return { ok: false, reason: 'cancelled by the operator' };
  if (r.signal) return { ok: false, reason: `killed by ${r.signal}` };
  const codes = step?.expect?.exit_code === undefined ? [0] : [step.expect.exit_code].flat();
  if (r.exitCode === null || !codes.includes(r.exitCode)) return { ok: false, reason: `exit code ${r.exitCode}${codes.length === 1 && codes[0] === 0 ? '' : ` (expected ${codes.join(' or ')})`}` };
  const text = `${r.stdout.text}\n${r.stderr.text}`;
  const must = step?.expect?.output_matches;
  if (must && !matchesIn(must, text)) return { ok: false, reason: `output does not match /${must}/` };
  const mustNot = step?.expect?.output_not_matches;
  if (mustNot && matchesIn(mustNot, text)) return { ok: false, reason: `output matches /${mustNot}/` };
  return { ok: true };
}

export function commandRecord(cmd: Pick<PreparedCommand, 'shownArgv' | 'shell' | 'cwd'>, r: RunResult, step?: string): EventDataMap['command.ran'] {
  return {
    ...(step ? { step } : {}),
    argv: cmd.shownArgv,
    shell: cmd.shell,
    cwd: cmd.cwd,
    exit_code: r.exitCode,
    signal: r.signal,
    duration_ms: r.durationMs,
    timed_out: r.timedOut,
    cancelled: r.cancelled,
    ...(r.spawnError ? { error: r.spawnError } : {}),
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

/** Output can grow when serialised (invalid bytes, quotes, backslashes): shrink until the record fits. */
export function fitRecord(data: EventDataMap['command.ran'], maxBytes = 200 * 1024): EventDataMap['command.ran'] {
  let d = data;
  for (let i = 0; i < 12 && Buffer.byteLength(JSON.stringify(d)) > maxBytes; i++) {
    const cut = (o: EventDataMap['command.ran']['stdout']) => {
      if (o.text.length < 64) return o;
      const keep = Math.floor(o.text.length / 4);
      return { ...o, text: `${o.text.slice(0, keep)}\n[… cut to fit the log …]\n${o.text.slice(-keep)}`, truncated: true };
    };
    d = { ...d, stdout: cut(d.stdout), stderr: cut(d.stderr) };
  }
  return d;
}

/**
 * Records the running command's process group. Best effort: if the log cannot take it, the
 * command's result cannot be recorded either, and that failure is the one reported.
 */
export function recordGroup(store: IncidentStore, actor: Actor, pid: number | undefined, step?: string, fanout?: { target: string; role?: 'verify' }): void {
  if (pid === undefined) return;
  try {
    store.append({ type: 'command.started', actor, data: { ...(step ? { step } : {}), ...(fanout ? { target: fanout.target, ...(fanout.role ? { role: fanout.role } : {}) } : {}), ...groupIdentity(pid), writer_pid: process.pid } });
  } catch {
    // see above
  }
}

/** Runs the step's command and records everything. The caller has already had it confirmed. */
export async function* executeStep(store: IncidentStore, actor: Actor, cmd: PreparedCommand, signal?: AbortSignal): AsyncGenerator<StepProgress> {
  const step = cmd.step;
  store.append({ type: 'step.started', actor, data: { step: step.id, argv: cmd.shownArgv, shell: cmd.shell, cwd: cmd.cwd, timeout_ms: cmd.timeoutMs } });
  let result: RunResult | undefined;
  for await (const ev of runCommand({ argv: cmd.argv, shell: cmd.shell, cwd: cmd.cwd, env: cmd.env, timeoutMs: cmd.timeoutMs, maskValues: [...cmd.secrets, ...secretEnvValues(process.env)] }, signal)) {
    if (ev.type === 'started') recordGroup(store, actor, ev.pid, step.id);
    if (ev.type === 'finished') result = ev.result;
    yield ev;
  }
  const r = result!;
  try {
    store.append({ type: 'command.ran', actor, data: fitRecord(commandRecord(cmd, r, step.id)) });
  } catch (err) {
    // The step must not stay "running" in the log: record that its result could not be.
    try {
      store.append({ type: 'step.failed', actor, data: { step: step.id, reason: `the command's result could not be recorded: ${(err as Error).message}` } });
    } catch {
      // the store is broken; the caller reports the first error
    }
    throw err;
  }
  yield recordOutcome(store, actor, cmd, r);
}

/** The step's outcome as its `expect` judges the result, recorded; what the caller is told. Shared with drills' replays. */
export function recordOutcome(store: IncidentStore, actor: Actor, cmd: Pick<PreparedCommand, 'step' | 'shell'>, r: RunResult): Extract<StepProgress, { type: 'recorded' }> {
  const step = cmd.step;
  const v = judge(step, r, cmd.shell);
  const e = v.ok
    ? store.append({ type: 'step.completed', actor, data: { step: step.id, via: 'command' } })
    : store.append({ type: 'step.failed', actor, data: { step: step.id, reason: v.reason! } });
  const next = v.ok ? step.next : step.on_fail;
  return { type: 'recorded', ok: v.ok, ...(v.reason ? { reason: v.reason } : {}), ...(next ? { next } : {}), seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), ref: refOf(e) };
}

/** A command the operator typed (recorded as an action outside the runbook). Runs with /bin/sh -c, as typed. */
export async function* executeTyped(store: IncidentStore, actor: Actor, line: string, opts: { cwd: string; timeoutMs: number }, signal?: AbortSignal): AsyncGenerator<StepProgress> {
  const argv = ['/bin/sh', '-c', line];
  const cmd = { argv, shownArgv: argv, shell: true, cwd: opts.cwd };
  store.append({ type: 'action.recorded', actor, data: { text: `ran: ${line}`, argv: cmd.argv } });
  let result: RunResult | undefined;
  for await (const ev of runCommand({ ...cmd, env: {}, timeoutMs: opts.timeoutMs, maskValues: secretEnvValues(process.env) }, signal)) {
    if (ev.type === 'started') recordGroup(store, actor, ev.pid);
    if (ev.type === 'finished') result = ev.result;
    yield ev;
  }
  const r = result!;
  const e = store.append({ type: 'command.ran', actor, data: fitRecord(commandRecord(cmd, r)) });
  const v = judge(undefined, r, true);
  yield { type: 'recorded', ok: v.ok, ...(v.reason ? { reason: v.reason } : {}), seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), ref: refOf(e) };
}
