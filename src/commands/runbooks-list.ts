import { relative } from 'node:path';
import { print, printJson, type Context } from './context.js';
import { catalogFor, table } from './shared.js';

export interface RunbooksListOptions {
  json?: boolean;
}

/** `oncall runbooks list`: every runbook on the search path, and which files failed to load. */
export async function runbooksList(ctx: Context, opts: RunbooksListOptions): Promise<void> {
  const cat = await catalogFor(ctx);
  const show = (f: string) => (f.startsWith(ctx.cwd) ? relative(ctx.cwd, f) : f);
  if (opts.json) {
    printJson(ctx, {
      dirs: cat.dirs,
      runbooks: cat.entries.map((e) => ({ id: e.runbook.id, title: e.runbook.title, severity: e.runbook.severity, steps: e.runbook.steps.length, file: e.file, tags: e.runbook.tags ?? [] })),
      invalid: cat.invalid.map((i) => ({ file: i.file, problems: i.problems.length, first: i.problems[0] })),
      shadowed: cat.shadowed,
    });
    return;
  }
  if (cat.entries.length === 0) print(ctx, 'No runbooks found.');
  else print(ctx, table([['ID', 'SEVERITY', 'STEPS', 'TITLE'], ...cat.entries.map((e) => [e.runbook.id, e.runbook.severity, String(e.runbook.steps.length), e.runbook.title])]));
  for (const i of cat.invalid) ctx.stderr.write(`invalid: ${show(i.file)} (${i.problems.length} problem${i.problems.length === 1 ? '' : 's'}; run \`oncall runbooks validate ${show(i.file)}\`)\n`);
  for (const s of cat.shadowed) ctx.stderr.write(`shadowed: ${show(s.file)} has id ${s.id}, already taken by ${show(s.by)}\n`);
}
