/** Opening the store and state of the incident a command acts on. */
import { loadIncident, resolveIncident, type LoadedIncident } from '../incident/incidents.js';
import { IncidentStore } from '../incident/store.js';
import type { Context } from './context.js';

export interface Target extends LoadedIncident {
  store: IncidentStore;
}

export function openTarget(ctx: Context, wanted: string | undefined): Target {
  // Finding the most recent open incident already read its log: read it once.
  const found = resolveIncident(ctx.home, wanted);
  const loaded = found.loaded ?? loadIncident(ctx.home, found.id);
  return { ...loaded, store: new IncidentStore(loaded.path, ctx.clock) };
}
