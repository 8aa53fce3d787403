/**
 * The cross-process lock on a log, taken for each append. Two kinds:
 *
 * - native: a Linux open-file-description lock (fcntl F_OFD_SETLK; flock on macOS) through
 *   fs-native-extensions. The kernel drops it the instant its holder dies.
 * - portable: where the native addon cannot load (musl without a prebuild, 32-bit ARM,
 *   FreeBSD…), or with ONCALL_LOCK=portable: a lock file created exclusively beside the log
 *   (log.jsonl.lock), recording the holder's pid, start time and host. A holder that died
 *   (no such pid, or the pid now belongs to a process that started later) leaves its file
 *   behind; the next writer removes it, serialised by a second exclusive file so two waiters
 *   never both break the same dead lock and then both hold it.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { LogWriteError } from '../errors.js';

interface FsExt {
  tryLock(fd: number, opts?: { shared?: boolean }): boolean;
  unlock(fd: number): void;
}
const require = createRequire(import.meta.url);
let ext: FsExt | null | undefined;

/** The native addon, or null where it cannot load (or ONCALL_LOCK=portable asks not to use it). */
function fsExt(): FsExt | null {
  if (ext === undefined) {
    if (process.env.ONCALL_LOCK === 'portable') ext = null;
    else {
      try {
        ext = require('fs-native-extensions') as FsExt;
        // Loading can succeed and the first call still fail (a prebuild for another libc).
        if (typeof ext.tryLock !== 'function') ext = null;
      } catch {
        ext = null;
      }
    }
  }
  return ext;
}

/** Which lock this process uses (`oncall doctor` says it). */
export function lockKind(): 'native' | 'portable' {
  return fsExt() ? 'native' : 'portable';
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const nap = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

export interface LogLock {
  lock(): void;
  unlock(): void;
}

/** The lock for one open log: `fd` is its descriptor, `path` its file. */
export function logLock(fd: number, path: string, timeoutMs = 10_000): LogLock {
  const native = fsExt();
  if (native) {
    return {
      lock: () => lockFd(fd, timeoutMs),
      unlock: () => native.unlock(fd),
    };
  }
  const lockPath = `${path}.lock`;
  return { lock: () => lockFile(lockPath, timeoutMs), unlock: () => unlockFile(lockPath) };
}

/** Blocks until the native lock on `fd` is held; throws LogWriteError after `timeoutMs`. */
export function lockFd(fd: number, timeoutMs = 10_000): void {
  const native = fsExt();
  if (!native) throw new Error('lockFd: the native lock is not available');
  const deadline = Date.now() + timeoutMs;
  let wait = 0.2;
  while (!native.tryLock(fd)) {
    if (Date.now() > deadline) throw timedOut(timeoutMs);
    nap(wait);
    wait = Math.min(wait * 2, 5);
  }
}

export function unlockFd(fd: number): void {
  fsExt()?.unlock(fd);
}

function timedOut(ms: number, holder?: Holder): LogWriteError {
  return new LogWriteError(`timed out after ${ms} ms waiting for the incident log lock${holder ? ` (held by pid ${holder.pid} on ${holder.host})` : ''}`, 'another oncall process is holding it; check `ps` for a hung oncall');
}

// ---- the portable lock -------------------------------------------------------------------

interface Holder {
  pid: number;
  /** The process's start time in clock ticks since boot (Linux), '' where it cannot be read. */
  start: string;
  host: string;
}

/** A process's start time from /proc (field 22 of stat), or '' off Linux. */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

let me: Holder | undefined;
function self(): Holder {
  me ??= { pid: process.pid, start: startTime(process.pid), host: hostname() };
  return me;
}

function readHolder(path: string): Holder | 'absent' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'absent' : 'unreadable';
  }
  try {
    const h = JSON.parse(text) as Holder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : 'unreadable';
  } catch {
    // Created but not written yet (or its writer died in between): see isDead.
    return 'unreadable';
  }
}

/** Whether a holder is gone: on this host, no such pid, or that pid started after it. */
function isDead(h: Holder): boolean {
  if (h.host !== self().host) return false;
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (!h.start) return false;
  const now = startTime(h.pid);
  return now !== '' && now !== h.start;
}

function same(a: Holder, b: Holder): boolean {
  return a.pid === b.pid && a.start === b.start && a.host === b.host;
}

/** Creates `path` exclusively with our holder record; false when it exists. */
function create(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new LogWriteError(`cannot take the incident log lock ${path}: ${code ?? (err as Error).message}`, 'check the permissions of the incident folder');
  }
  try {
    writeSync(fd, JSON.stringify(self()));
  } finally {
    closeSync(fd);
  }
  return true;
}

function lockFile(path: string, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  let wait = 0.2;
  let unreadableSince: number | undefined;
  for (;;) {
    if (create(path)) return;
    const h = readHolder(path);
    if (h === 'unreadable') {
      // A lock file with no record: its creator is between open and write, or died there.
      // After a second it is taken as dead (a holder writes its record in microseconds).
      unreadableSince ??= Date.now();
      if (Date.now() - unreadableSince > 1000) breakLock(path, undefined);
    } else {
      unreadableSince = undefined;
      if (h !== 'absent' && isDead(h)) breakLock(path, h);
    }
    if (Date.now() > deadline) throw timedOut(timeoutMs, typeof h === 'object' ? h : undefined);
    nap(wait);
    wait = Math.min(wait * 2, 5);
  }
}

/**
 * Removes a dead holder's lock file. Only one process breaks at a time (the .break file,
 * created exclusively), and it removes the lock only if the file still holds the record it
 * judged dead: a lock someone took in the meantime is never removed.
 */
function breakLock(path: string, dead: Holder | undefined): void {
  const breaker = `${path}.break`;
  if (!create(breaker)) {
    // Another process is breaking it; if that one died mid-break, its file goes the same way.
    const b = readHolder(breaker);
    if (typeof b === 'object' && isDead(b) && !same(b, self())) {
      try {
        unlinkSync(breaker);
      } catch {
        // someone else removed it
      }
    }
    return;
  }
  try {
    const now = readHolder(path);
    // A record-less file is removed only if it is still old (not one created a moment ago).
    const still = dead === undefined ? now === 'unreadable' && Date.now() - statSync(path).mtimeMs > 1000 : typeof now === 'object' && same(now, dead);
    if (still) unlinkSync(path);
  } catch {
    // already gone
  } finally {
    try {
      unlinkSync(breaker);
    } catch {
      // nothing to do
    }
  }
}

function unlockFile(path: string): void {
  // Only our own lock is removed (a holder that outlived its lock never removes another's).
  const h = readHolder(path);
  if (typeof h === 'object' && same(h, self())) unlinkSync(path);
}
