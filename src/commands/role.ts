/** `oncall role commander|scribe|ops|comms`: who holds a role from now on (the header shows the commander). */
import { UserError } from '../errors.js';
import { ROLES, type Role } from '../incident/events.js';
import { refOf } from '../incident/replicas.js';
import { operator, print, printJson, type Context } from './context.js';
import { openTarget } from './incident-store.js';

export interface RoleOptions {
  incident?: string;
  operator?: string;
  json?: boolean;
}

export async function role(ctx: Context, which: string, opts: RoleOptions): Promise<void> {
  if (!(ROLES as readonly string[]).includes(which)) throw new UserError(`unknown role "${which}"`, { code: 'usage', hint: `use one of: ${ROLES.join(', ')}` });
  const actor = await operator(ctx, opts.operator);
  const t = openTarget(ctx, opts.incident);
  try {
    const e = t.store.append({ type: 'role.assigned', actor, data: { role: which as Role, name: actor.name } });
    if (opts.json) printJson(ctx, { incident: t.id, seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), role: which, name: actor.name });
    else print(ctx, `${actor.name} is ${which === 'ops' ? 'on ops' : `the ${which}`} of ${t.id} #${refOf(e)}`);
  } finally {
    t.store.close();
  }
}
