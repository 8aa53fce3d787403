/**
 * A drill's step: nothing runs. The output the original recorded for the step is shown after
 * its recorded duration (or `fast` of it), recorded as replayed, and judged by the step's own
 * `expect`, as a real run would be. The same events as executeStep, so every view works as is.
 */
import type { Actor } from '../incident/events.js';
import type { IncidentStore } from '../incident/store.js';
import type { RecordedRun } from '../drill/drill.js';
import type { ExecEvent, RunResult } from '../exec/run.js';
import { commandRecord, fitRecord, recordOutcome, type StepProgress } from './execute.js';
import type { PreparedCommand } from './prepare.js';

/** Which recorded run the drill's n-th run of a step shows: the n-th, and the last one after that. */
export function runFor(runs: readonly RecordedRun[], alreadyRun: number): RecordedRun | undefined {
  return runs.length ? runs[Math.min(alreadyRun, runs.length - 1)] : undefined;
}

export async function* replayStep(store: IncidentStore, actor: Actor, cmd: PreparedCommand, run: RecordedRun, fast: number, signal?: AbortSignal): AsyncGenerator<StepProgress | ExecEvent> {
  const step = cmd.step;
  store.append({ type: 'step.started', actor, data: { step: step.id, argv: cmd.shownArgv, shell: cmd.shell, cwd: cmd.cwd, timeout_ms: cmd.timeoutMs } });
  yield { type: 'started', pid: undefined };
  const wait = Math.min(600_000, Math.round(run.duration_ms * fast));
  const t0 = performance.now();
  let cancelled = false;
  if (wait > 0) {
    cancelled = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), wait);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve(true);
      }, { once: true });
    });
  }
  const text = `${run.stdout.text}${run.stderr.text}`;
  if (!cancelled) yield { type: 'output', tail: text.slice(-16 * 1024), bytes: run.stdout.bytes + run.stderr.bytes };
  const r: RunResult = cancelled
    ? { exitCode: null, signal: null, durationMs: Math.round(performance.now() - t0), timedOut: false, cancelled: true, stdout: { text: '', bytes: 0, truncated: false }, stderr: { text: '', bytes: 0, truncated: false } }
    : { exitCode: run.exit_code, signal: run.signal, durationMs: run.duration_ms, timedOut: run.timed_out, cancelled: run.cancelled, ...(run.error ? { spawnError: run.error } : {}), stdout: run.stdout, stderr: run.stderr };
  yield { type: 'finished', result: r };
  store.append({ type: 'command.ran', actor, data: { ...fitRecord(commandRecord(cmd, r, step.id)), replayed: run.from } });
  yield recordOutcome(store, actor, cmd, r);
}
