/**
 * Cross-process lock on the log file: a Linux open-file-description lock (fcntl F_OFD_SETLK;
 * flock on macOS). The kernel drops it the instant its holder dies, so a writer killed while
 * holding it never stalls the others, and there is no stale-timeout to wait out.
 */
import { createRequire } from 'node:module';
import { LogWriteError } from '../errors.js';

interface FsExt {
  tryLock(fd: number, opts?: { shared?: boolean }): boolean;
  unlock(fd: number): void;
}
const require = createRequire(import.meta.url);
let ext: FsExt | undefined;
function fsExt(): FsExt {
  ext ??= require('fs-native-extensions') as FsExt;
  return ext;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks until the lock is held; throws LogWriteError after `timeoutMs`. */
export function lockFd(fd: number, timeoutMs = 10_000): void {
  const deadline = Date.now() + timeoutMs;
  let wait = 0.2;
  while (!fsExt().tryLock(fd)) {
    if (Date.now() > deadline) throw new LogWriteError(`timed out after ${timeoutMs} ms waiting for the incident log lock`, 'another oncall process is holding it; check `ps` for a hung oncall');
    Atomics.wait(sleeper, 0, 0, wait);
    wait = Math.min(wait * 2, 5);
  }
}

export function unlockFd(fd: number): void {
  fsExt().unlock(fd);
}
