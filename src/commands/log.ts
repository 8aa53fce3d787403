import { resolveIncidentId, loadIncident } from '../incident/incidents.js';
import { refOf } from '../incident/replicas.js';
import { describeEvent } from '../incident/format.js';
import { print, type Context } from './context.js';

export interface LogOptions {
  incident?: string;
  json?: boolean;
}

/** `oncall log`: the events, one a line. Torn lines are reported on stderr and skipped. */
export async function log(ctx: Context, opts: LogOptions): Promise<void> {
  const id = resolveIncidentId(ctx.home, opts.incident, { anyStatus: true });
  const { read } = loadIncident(ctx.home, id);
  if (opts.json) {
    for (const e of read.events) ctx.stdout.write(`${JSON.stringify(e)}\n`);
  } else {
    print(ctx, `incident ${id}`);
    for (const e of read.events) print(ctx, `${refOf(e).padStart(5)}  ${e.ts.slice(11, 19)}  ${`${e.actor.kind}:${e.actor.name}`.padEnd(18)}  ${describeEvent(e)}`);
  }
  for (const t of read.torn) ctx.stderr.write(`torn line ${t.line} (byte ${t.offset}, ${t.bytes} bytes): ${t.reason}; skipped\n`);
}
