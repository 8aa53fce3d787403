import { UserError } from '../errors.js';
import { refOf } from '../incident/replicas.js';
import { STATUSES, type Status } from '../incident/events.js';
import { loadIncident, resolveIncidentId } from '../incident/incidents.js';
import { operator, print, printJson, type Context } from './context.js';
import { openTarget } from './incident-store.js';

export interface StatusOptions {
  incident?: string;
  operator?: string;
  json?: boolean;
}

/** `oncall status investigating|mitigated|resolved`. */
export async function status(ctx: Context, to: string, opts: StatusOptions): Promise<void> {
  if (!(STATUSES as readonly string[]).includes(to)) throw new UserError(`unknown status "${to}"`, { code: 'usage', hint: `use one of: ${STATUSES.join(', ')}` });
  let t;
  try {
    t = openTarget(ctx, opts.incident);
  } catch (err) {
    // No open incident left: "resolve it" most likely means the one just resolved. Say so, write nothing.
    if (opts.incident || to !== 'resolved' || !(err instanceof UserError) || err.exitCode !== 4) throw err;
    const id = resolveIncidentId(ctx.home, undefined, { anyStatus: true });
    if (loadIncident(ctx.home, id).state.status !== 'resolved') throw err;
    if (opts.json) printJson(ctx, { incident: id, status: to, changed: false });
    else print(ctx, `${id} is already resolved; nothing written`);
    return;
  }
  try {
    // Decided under the log's lock: another terminal may have changed it since we read the log.
    const e = t.store.changeStatus(to as Status, await operator(ctx, opts.operator));
    if (!e) {
      if (opts.json) printJson(ctx, { incident: t.id, status: to, changed: false });
      else print(ctx, `${t.id} is already ${to}; nothing written`);
      return;
    }
    if (opts.json) printJson(ctx, { incident: t.id, status: to, changed: true, seq: e.seq, ...(e.replica ? { replica: e.replica } : {}) });
    else print(ctx, `${t.id} ${e.data.from} → ${to} #${refOf(e)}`);
  } finally {
    t.store.close();
  }
}
