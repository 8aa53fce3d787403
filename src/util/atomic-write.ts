import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';

/**
 * A file written so readers see the old one or the whole new one: a temp file beside it,
 * written in parts, then fsync, rename and fsync of the folder on commit. Nothing is left
 * behind on abort or on any error.
 */
export class AtomicFile {
  private readonly tmp: string;
  private fd: number | undefined;

  constructor(private readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
    this.guard(() => {
      this.fd = openSync(this.tmp, 'wx', 0o644);
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
