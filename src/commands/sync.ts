/** `oncall sync`: one round with the remote (see share/sync.ts); exit 18 when it fails, 5 when the remote rewrote history. */
import { print, printJson, type Context } from './context.js';
import { resolveIncidentId } from '../incident/incidents.js';
import { failure, syncOutcome } from './share.js';

export interface SyncOptions {
  incident?: string;
  json?: boolean;
}

export async function sync(ctx: Context, opts: SyncOptions): Promise<void> {
  const share = await import('../share/sync.js');
  const incident = opts.incident ? resolveIncidentId(ctx.home, opts.incident, { anyStatus: true }) : undefined;
  const r = await share.syncRound(ctx.home, { env: ctx.env, wait: true, ...(incident ? { incident } : {}) });
  if (opts.json) printJson(ctx, syncOutcome(r));
  else if (r.ok) {
    const pending = Object.values(r.pending).reduce((a, b) => a + b, 0);
    print(ctx, `synced: ${r.pushed} record(s) pushed, ${r.received} received${r.changed.length ? ` (${r.changed.join(', ')})` : ''}${pending ? `; ${pending} still pending` : ''}`);
  }
  if (!r.ok) throw failure(r);
}
