import { listIncidentIds, loadIncident } from '../incident/incidents.js';
import { print, printJson, type Context } from './context.js';
import { table } from './shared.js';

export interface IncidentsOptions {
  json?: boolean;
  open?: boolean;
  drills?: boolean;
}

/** `oncall incidents`: newest first. */
export async function incidents(ctx: Context, opts: IncidentsOptions): Promise<void> {
  const rows = listIncidentIds(ctx.home).map((id) => {
    try {
      const { state, read } = loadIncident(ctx.home, id);
      if (state.drill && !opts.drills) return undefined;
      return { id, ...(state.drill ? { drill: true } : {}), title: state.title, status: state.status, severity: state.severity, opened: state.opened?.ts ?? null, runbook: state.runbook?.runbook.id ?? null, events: state.eventCount, torn: read.torn.length };
    } catch (err) {
      return { id, title: `(unreadable: ${(err as Error).message})`, status: 'unknown', severity: '', opened: null, runbook: null, events: 0, torn: 0 };
    }
  }).filter((r): r is NonNullable<typeof r> => r !== undefined).filter((r) => !opts.open || (r.status !== 'resolved' && r.status !== 'unknown'));
  if (opts.json) {
    printJson(ctx, { incidents: rows });
    return;
  }
  if (rows.length === 0) {
    print(ctx, opts.open ? 'No open incidents.' : 'No incidents yet. Open one with `oncall open` or `oncall start`.');
    return;
  }
  print(ctx, table([['ID', 'STATUS', 'SEVERITY', 'OPENED (UTC)', 'RUNBOOK', 'TITLE'], ...rows.map((r) => [r.id, 'drill' in r ? `DRILL ${r.status}` : r.status, r.severity, r.opened ? r.opened.slice(0, 16).replace('T', ' ') : '', r.runbook ?? '-', r.title])]));
}
