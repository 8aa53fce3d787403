/** Helpers several commands share: the runbook catalog for this context, reading input files. */
import { readFileSync } from 'node:fs';
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
      if (size > 4 * 1024 * 1024) throw new UserError('standard input is over 4 MiB', { code: 'invalidInput' });
      chunks.push(b);
    }
    return { text: Buffer.concat(chunks).toString('utf8'), name: '<stdin>' };
  }
  const file = resolve(ctx.cwd, path);
  try {
    return { text: readFileSync(file, 'utf8'), name: path };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message}`, { code: code === 'ENOENT' ? 'notFound' : 'invalidInput' });
  }
}

/** Pads columns for plain tables. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
