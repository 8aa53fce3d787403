import { join } from 'node:path';
import { openIncident } from '../incident/open.js';
import { findRunbook, loadCatalog } from '../runbook/catalog.js';
import { renderRunbook } from '../runbook/render.js';
import { resolveParams } from '../runbook/params.js';
import { builtinRunbooks, operator, print, type Context } from './context.js';
import { selectRunbook } from './open.js';

export interface StartOptions {
  runbook?: string;
  alert?: string;
  incident?: string;
  operator?: string;
  demo?: boolean;
  param?: string[];
}

/** `oncall start`: opens (or resumes) an incident and walks its runbook. */
export async function start(ctx: Context, opts: StartOptions): Promise<void> {
  const actor = await operator(ctx, opts.operator);
  let sel;
  if (opts.demo) {
    // The demo always uses the shipped runbook, whatever the search path holds.
    const entry = await findRunbook(await loadCatalog([builtinRunbooks(ctx)], ctx.env), 'demo', ctx.cwd);
    sel = { runbook: { entry, params: resolveParams(entry.runbook, {}, {}).values, matchedBy: 'demo' as const }, notes: [] as string[] };
  } else {
    sel = await selectRunbook(ctx, opts);
  }
  const opened = openIncident({ home: ctx.home, clock: ctx.clock, actor, via: opts.demo ? 'demo' : 'start', ...(sel.alert ? { alert: sel.alert } : {}), ...(sel.runbook ? { runbook: sel.runbook } : {}) });
  opened.store.close();
  for (const n of sel.notes) ctx.stderr.write(`${n}\n`);
  print(ctx, `Incident ${opened.id} opened by ${actor.name}; log: ${join(opened.path)}`);
  if (sel.runbook) print(ctx, `\n${renderRunbook(sel.runbook.entry.runbook, sel.runbook.entry.file)}`);
}
