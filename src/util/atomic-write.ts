import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync, chmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { checkOutputPath } from './safe-fs.js';

/**
 * A file written so readers see the old one or the whole new one: a temp file beside it,
 * written in parts, then fsync, rename and fsync of the folder on commit. Nothing is left
 * behind on abort or on any error.
 */
export class AtomicFile {
  private readonly tmp: string;
  private fd: number | undefined;

  constructor(private readonly path: string) {
    // Only a regular file is replaced: never a device, FIFO, folder or symlink, nor /proc.
    checkOutputPath(path);
    this.tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
    this.guard(() => {
      this.fd = openSync(this.tmp, 'wx', 0o600);
      // 0600 whatever the umask: incident data is for whoever the operator hands it to.
      fchmodSync(this.fd, 0o600);
    });
  }

  write(data: string | Buffer): void {
    this.guard(() => {
      const buf = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd!, buf, off);
    });
  }

  commit(): void {
    this.guard(() => {
      fsyncSync(this.fd!);
      closeSync(this.fd!);
      this.fd = undefined;
      renameSync(this.tmp, this.path);
      const dfd = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(dfd);
      } finally {
        closeSync(dfd);
      }
    });
  }

  abort(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    try {
      unlinkSync(this.tmp);
    } catch {
      // never created, or already renamed
    }
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.abort();
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(`cannot write ${this.path}: ${code ?? (err as Error).message}`, { code: code === 'ENOENT' ? 'notFound' : 'logWrite', hint: 'check that the folder exists and is writable' });
    }
  }
}

/** Writes a whole file atomically (see AtomicFile). */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  const f = new AtomicFile(path);
  f.write(data);
  f.commit();
}

/** Creates a folder and any missing parents, each new one 0700 whatever the umask. */
export function makePrivateDir(path: string): void {
  let first: string | undefined;
  try {
    first = mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot create the folder ${path}: ${code ?? (err as Error).message}`, { code: code === 'ENOTDIR' || code === 'EEXIST' ? 'usage' : 'logWrite', hint: 'choose another folder' });
  }
  if (first === undefined) return;
  // Every folder from the first one created down to `path`.
  for (let p = path; ; p = dirname(p)) {
    chmodSync(p, 0o700);
    if (p === first || dirname(p) === p) break;
  }
}
