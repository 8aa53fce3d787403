/** Helpers several commands share: the runbook catalog for this context, reading input files. */
import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { loadCatalog, runbookSearchPath, type Catalog } from '../runbook/catalog.js';
import { builtinRunbooks, type Context } from './context.js';

export async function catalogFor(ctx: Context): Promise<Catalog> {
  const dirs = runbookSearchPath({ flagDirs: ctx.runbookDirs, env: ctx.env, configDirs: (await ctx.config()).runbooks ?? [], cwd: ctx.cwd, builtinDir: builtinRunbooks(ctx) });
  return loadCatalog(dirs, ctx.env);
}

/** Reads a file argument, or standard input for "-". */
export async function readInput(ctx: Context, path: string, what: string): Promise<{ text: string; name: string }> {
  if (path === '-') {
    if (ctx.stdin.isTTY) throw new UserError(`--${what} - reads standard input, but it is a terminal`, { code: 'usage', hint: `pipe the payload in, e.g. \`pbpaste | oncall open --${what} -\`` });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.stdin) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += b.length;
      if (size > MAX_INPUT) throw new UserError(`standard input is over ${MAX_INPUT / 1024 / 1024} MiB`, { code: 'invalidInput' });
      chunks.push(b);
    }
    return { text: Buffer.concat(chunks).toString('utf8'), name: '<stdin>' };
  }
  const file = resolve(ctx.cwd, path);
  let fd: number;
  try {
    // Blocking on purpose: <(curl ...) is a FIFO, and its writer is on the way.
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message}`, { code: code === 'ENOENT' ? 'notFound' : 'invalidInput' });
  }
  try {
    // Read up to the cap, whatever the file claims: /dev/zero or a FIFO that never ends is stopped.
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const buf = Buffer.alloc(64 * 1024);
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new UserError(`cannot read ${path}: ${code === 'EISDIR' ? 'it is a folder' : code ?? (err as Error).message}`, { code: 'invalidInput' });
      }
      if (n <= 0) break;
      size += n;
      if (size > MAX_INPUT) throw new UserError(`${path} is over ${MAX_INPUT / 1024 / 1024} MiB`, { code: 'invalidInput', hint: `pass one ${what === 'alert' ? 'alert payload' : 'file'}, not a log of them` });
      chunks.push(buf.subarray(0, n));
    }
    return { text: Buffer.concat(chunks).toString('utf8'), name: path };
  } finally {
    closeSync(fd);
  }
}

const MAX_INPUT = 4 * 1024 * 1024;

/** Pads columns for plain tables. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
