import { renderRunbook } from '../runbook/render.js';
import { findRunbook } from '../runbook/catalog.js';
import { print, printJson, type Context } from './context.js';
import { catalogFor } from './shared.js';

export interface RunbooksShowOptions {
  json?: boolean;
}

/** `oncall runbooks show ID|FILE`. */
export async function runbooksShow(ctx: Context, ref: string, opts: RunbooksShowOptions): Promise<void> {
  const entry = await findRunbook(await catalogFor(ctx), ref, ctx.cwd);
  if (opts.json) printJson(ctx, { file: entry.file, sha256: entry.sha256, runbook: entry.runbook });
  else print(ctx, renderRunbook(entry.runbook, entry.file));
}
