/** Opening the store and state of the incident a command acts on. */
import { loadIncident, resolveIncidentId, type LoadedIncident } from '../incident/incidents.js';
import { IncidentStore } from '../incident/store.js';
import type { Context } from './context.js';

export interface Target extends LoadedIncident {
  store: IncidentStore;
}

export function openTarget(ctx: Context, wanted: string | undefined): Target {
  const id = resolveIncidentId(ctx.home, wanted);
  const loaded = loadIncident(ctx.home, id);
  return { ...loaded, store: new IncidentStore(loaded.path, ctx.clock) };
}
