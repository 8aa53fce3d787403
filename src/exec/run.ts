/**
 * Running one command for a step: argv (or /bin/sh -c only when the runbook says shell: true),
 * stdin closed, its own process group so a timeout or cancel kills grandchildren too
 * (SIGTERM, then SIGKILL), output captured within fixed bounds, sanitised and redacted.
 */
import type * as Execa from 'execa';
import { existsSync } from 'node:fs';
import { redact } from '../redact/index.js';
import { HeadTail } from './capture.js';
import { sanitize } from '../util/sanitize.js';

export interface RunSpec {
  /** For argv commands the program and its arguments; for shell commands ['/bin/sh', '-c', script]. */
  argv: string[];
  shell: boolean;
  cwd: string;
  /** Added to the environment: parameters as NAME=value. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Values to mask wherever they appear in output (secret parameters, secret-looking env vars). */
  maskValues?: string[];
  /** Bytes kept per stream for the log: half from the start, half from the end. */
  keepBytes?: number;
  /** After SIGTERM, how long before SIGKILL. */
  graceMs?: number;
}

export interface CapturedStream {
  text: string;
  bytes: number;
  truncated: boolean;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
  /** The program could not be started (not found, not executable). */
  spawnError?: string;
  stdout: CapturedStream;
  stderr: CapturedStream;
  pid?: number;
}

export type ExecEvent =
  | { type: 'started'; pid: number | undefined }
  /** A throttled view of the latest output, already sanitised and redacted. */
  | { type: 'output'; tail: string; bytes: number }
  | { type: 'finished'; result: RunResult };

const DEFAULT_KEEP = 64 * 1024;
const LIVE_BYTES = 16 * 1024;
const LIVE_EVERY_MS = 100;

/** Environment names whose values are masked in output when long enough to be secrets. */
const SECRET_ENV = /TOKEN|SECRET|PASS|KEY|CREDENTIAL|AUTH/i;

export function secretEnvValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env).filter(([k, v]) => SECRET_ENV.test(k) && v && v.length >= 8).map(([, v]) => v!);
}

/** Sanitises, masks known values, and redacts secret patterns. */
export function cleanOutput(text: string, maskValues: readonly string[] = []): string {
  let out = sanitize(text);
  for (const v of maskValues) if (v.length >= 4) out = out.split(v).join('[REDACTED:value]');
  // Over the whole captured text, so keys spanning several lines are caught.
  return redact(out);
}

// execa and its dependencies are a quarter of the screen's code. They load on first use, or
// when the screen has painted and calls preloadExec: never before the first frame.
let execaLoading: Promise<typeof Execa> | undefined;
const loadExeca = () => (execaLoading ??= import('execa'));

/** Starts loading the process runner in the background (a failure surfaces on first use). */
export function preloadExec(): void {
  loadExeca().catch(() => undefined);
}

/** Runs a command, yielding progress; the last event is always `finished`. Aborting `signal` cancels it. */
export async function* runCommand(spec: RunSpec, signal?: AbortSignal): AsyncGenerator<ExecEvent> {
  const { execa } = await loadExeca();
  const keep = spec.keepBytes ?? DEFAULT_KEEP;
  const out = new HeadTail(keep / 2, keep / 2);
  const err = new HeadTail(keep / 2, keep / 2);
  const mask = [...(spec.maskValues ?? [])];
  const started = performance.now();
  const [file, ...args] = spec.argv;
  const child = execa(file!, args, {
    cwd: spec.cwd,
    env: { ...withoutOncallVars(process.env), ...spec.env },
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    detached: true,
    cleanup: true,
    stripFinalNewline: false,
  });
  const pid = child.pid;
  yield { type: 'started', pid };

  let timedOut = false;
  let cancelled = false;
  let leaderExited = false;
  let killTimer: NodeJS.Timeout | undefined;
  const grace = spec.graceMs ?? 2000;
  /** SIGTERM the group, then SIGKILL whatever is left after the grace period. */
  const endGroup = () => {
    if (killTimer) return;
    if (signalGroup(pid, 'SIGTERM')) killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), grace);
  };
  const timer = setTimeout(() => {
    if (leaderExited) return;
    timedOut = true;
    endGroup();
  }, spec.timeoutMs);
  const onAbort = () => {
    if (leaderExited) return;
    cancelled = true;
    endGroup();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  // The command's own exit decides its result. A background grandchild may still hold the
  // pipes: give it a moment, then end the group; the step is judged on the command's exit.
  child.on('exit', () => {
    leaderExited = true;
    clearTimeout(timer);
    setTimeout(endGroup, 1000).unref();
  });

  // Progress is pushed by stream callbacks and pulled by this generator.
  let wake: (() => void) | undefined;
  let dirty = false;
  let lastLive = 0;
  child.stdout?.on('data', (c: Buffer) => {
    out.push(c);
    dirty = true;
    wake?.();
  });
  child.stderr?.on('data', (c: Buffer) => {
    err.push(c);
    dirty = true;
    wake?.();
  });
  let done = false;
  const finished = child.then((r) => {
    done = true;
    wake?.();
    return r;
  });

  try {
    while (!done) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, LIVE_EVERY_MS);
      });
      wake = undefined;
      const now = performance.now();
      if (dirty && now - lastLive >= LIVE_EVERY_MS) {
        dirty = false;
        lastLive = now;
        const tail = err.bytes && !out.bytes ? err.last(LIVE_BYTES) : out.last(LIVE_BYTES);
        yield { type: 'output', tail: cleanOutput(tail, mask), bytes: out.bytes + err.bytes };
      }
    }
    const r = await finished;
    const durationMs = Math.round(performance.now() - started);
    const spawnError = r.failed && r.exitCode === undefined && !r.signal && !timedOut && !cancelled ? plainSpawnError(file!, spec.cwd, (r as { code?: string }).code, r.originalMessage || r.shortMessage) : undefined;
    yield {
      type: 'finished',
      result: {
        exitCode: r.exitCode ?? null,
        signal: r.signal ?? null,
        durationMs,
        timedOut,
        cancelled,
        ...(spawnError ? { spawnError: cleanOutput(spawnError, mask) } : {}),
        stdout: { text: cleanOutput(out.text(), mask), bytes: out.bytes, truncated: out.truncated },
        stderr: { text: cleanOutput(err.text(), mask), bytes: err.bytes, truncated: err.truncated },
        ...(pid !== undefined ? { pid } : {}),
      },
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // Whatever happened, leave no process of this group behind (a `nohup x &` included).
    if (!done) signalGroup(pid, 'SIGKILL');
    else endGroup();
    killTimer?.unref();
  }
}

/** Why a program could not start, in the words an operator expects (not `spawn dff ENOENT`). */
export function plainSpawnError(file: string, cwd: string, code: string | undefined, raw: string | undefined): string {
  if (!existsSync(cwd)) return `working directory not found: ${cwd}`;
  if (code === 'ENOENT') return `command not found: ${file} (is it installed and on PATH?)`;
  if (code === 'EACCES') return `permission denied: ${file} (is it executable?)`;
  return raw || 'could not start';
}

/** Signals the whole process group; false when it is already gone. */
function signalGroup(pid: number | undefined, sig: NodeJS.Signals): boolean {
  if (!pid) return false;
  try {
    process.kill(-pid, sig);
    return true;
  } catch {
    return false;
  }
}

function withoutOncallVars(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !k.startsWith('ONCALL_')) out[k] = v;
  return out;
}
