import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ExitError, formatProblem, type Problem } from '../errors.js';
import { isRunbookFile, loadRunbookFile, runbookSearchPath } from '../runbook/catalog.js';
import { builtinRunbooks, print, printJson, type Context } from './context.js';

export interface RunbooksValidateOptions {
  json?: boolean;
}

/** `oncall runbooks validate [PATH...]`: every problem in every file; exit 3 when any, else 4 when a path is missing. */
export async function runbooksValidate(ctx: Context, paths: string[], opts: RunbooksValidateOptions): Promise<void> {
  const files: string[] = [];
  const missing: Problem[] = [];
  const targets = paths.length ? paths.map((p) => resolve(ctx.cwd, p)) : runbookSearchPath({ flagDirs: ctx.runbookDirs, env: ctx.env, configDirs: (await ctx.config()).runbooks ?? [], cwd: ctx.cwd, builtinDir: builtinRunbooks(ctx) });
  for (const t of targets) {
    let st;
    try {
      st = statSync(t);
    } catch {
      if (paths.length) missing.push({ file: relative(ctx.cwd, t) || t, line: 1, col: 1, message: 'no such file or folder' });
      continue;
    }
    if (st.isDirectory()) files.push(...readdirSync(t).filter(isRunbookFile).sort().map((n) => join(t, n)));
    else files.push(t);
  }
  // Validation always parses: no cache, so what it reports is what the parser says now.
  const results = [];
  for (const f of files) {
    const shown = f.startsWith(`${ctx.cwd}/`) ? relative(ctx.cwd, f) : f;
    const { entry, problems } = await loadRunbookFile(f);
    results.push({ file: shown, id: entry?.runbook.id, problems: problems.map((p) => ({ ...p, file: shown })) });
  }
  const bad = results.filter((r) => r.problems.length).length + missing.length;
  if (opts.json) {
    printJson(ctx, { ok: bad === 0, files: results, missing });
  } else {
    for (const p of missing) print(ctx, formatProblem(p));
    for (const r of results) {
      if (r.problems.length === 0) print(ctx, `ok    ${r.file} (${r.id})`);
      for (const p of r.problems) print(ctx, formatProblem(p));
    }
    print(ctx, `${results.length} file${results.length === 1 ? '' : 's'} checked, ${results.filter((r) => r.problems.length).length} with problems${missing.length ? `, ${missing.length} not found` : ''}`);
  }
  // A file that does not validate is exit 3; one that is not there at all is exit 4 (not found).
  const invalid = results.filter((r) => r.problems.length).length;
  if (invalid > 0) throw new ExitError('invalidInput', `${invalid} of ${results.length} runbook file${results.length === 1 ? '' : 's'} with problems`);
  if (missing.length > 0) throw new ExitError('notFound', `no such file or folder: ${missing.map((m) => m.file).join(', ')}`);
}
