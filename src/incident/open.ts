/** Opening an incident: the folder, the log, and its first events. Shared by `open` and `start`. */
import type { Alert } from '../alerts/types.js';
import type { RunbookEntry } from '../runbook/catalog.js';
import { UserError } from '../errors.js';
import type { Actor, EventDataMap, NewEvent } from './events.js';
import { newIncidentId } from './incidents.js';
import { createIncidentLog, IncidentStore, MAX_RECORD_BYTES, recordBytes, type AppendOptions, type Clock } from './store.js';

export interface OpenIncidentInput {
  home: string;
  clock: Clock;
  actor: Actor;
  title?: string;
  via: string;
  alert?: Alert;
  runbook?: { entry: RunbookEntry; params: Record<string, string>; matchedBy: EventDataMap['runbook.selected']['matched_by'] };
  /** A drill: recorded right after incident.opened, so every view knows from the start. */
  drill?: EventDataMap['drill.started'];
}

export interface OpenedIncident {
  id: string;
  path: string;
  store: IncidentStore;
}

/** Opens an incident with its first events; if any of them could not be recorded whole, no incident is created at all. */
export function openIncident(i: OpenIncidentInput): OpenedIncident {
  const rb = i.runbook?.entry.runbook;
  const title = i.title?.trim() || i.alert?.annotations.summary || i.alert?.name || rb?.title || 'Untitled incident';
  const severity = i.alert?.severity ?? rb?.severity ?? 'warning';
  const first: [NewEvent, AppendOptions, string][] = [[{ type: 'incident.opened', actor: i.actor, data: { title, severity, via: i.via } }, {}, 'the title']];
  if (i.drill) first.push([{ type: 'drill.started', actor: i.actor, data: i.drill }, {}, 'the drill']);
  if (i.alert) first.push([{ type: 'alert.attached', actor: { kind: 'system', name: i.alert.source }, data: { alert: i.alert } }, {}, 'the alert']);
  if (i.runbook) {
    const { entry, params, matchedBy } = i.runbook;
    first.push([{ type: 'runbook.selected', actor: matchedBy === 'flag' || matchedBy === 'list' ? i.actor : { kind: 'system', name: 'oncall' }, data: { runbook: entry.runbook, file: entry.file, sha256: entry.sha256, params, matched_by: matchedBy } }, { trustedRunbook: true }, `runbook ${entry.runbook.id}`]);
  }
  for (const [event, opts, what] of first) {
    const bytes = recordBytes(event, opts);
    if (bytes > MAX_RECORD_BYTES) throw new UserError(`${what} would take ${bytes} bytes in the log, over the ${MAX_RECORD_BYTES / 1024} KiB a record may hold; no incident was opened`, { code: 'invalidInput', hint: what === 'the alert' ? 'pass one alert or a smaller group (amtool alert query with filters)' : 'shorten it' });
  }
  const id = newIncidentId(i.clock.now());
  const path = createIncidentLog(i.home, id);
  const store = new IncidentStore(path, i.clock);
  for (const [event, opts] of first) store.append(event, opts);
  return { id, path, store };
}
