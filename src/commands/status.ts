import { UserError } from '../errors.js';
import { STATUSES, type Status } from '../incident/events.js';
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
  const t = openTarget(ctx, opts.incident);
  try {
    const from = t.state.status;
    if (from === to) {
      if (opts.json) printJson(ctx, { incident: t.id, status: to, changed: false });
      else print(ctx, `${t.id} is already ${to}`);
      return;
    }
    const e = t.store.append({ type: 'status.changed', actor: await operator(ctx, opts.operator), data: { from, to: to as Status } });
    if (opts.json) printJson(ctx, { incident: t.id, status: to, changed: true, seq: e.seq });
    else print(ctx, `${t.id} ${from} → ${to} #${e.seq}`);
  } finally {
    t.store.close();
  }
}
