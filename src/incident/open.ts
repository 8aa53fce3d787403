/** Opening an incident: the folder, the log, and its first events. Shared by `open` and `start`. */
import type { Alert } from '../alerts/types.js';
import type { RunbookEntry } from '../runbook/catalog.js';
import type { Actor, EventDataMap } from './events.js';
import { newIncidentId } from './incidents.js';
import { createIncidentLog, IncidentStore, type Clock } from './store.js';

export interface OpenIncidentInput {
  home: string;
  clock: Clock;
  actor: Actor;
  title?: string;
  via: string;
  alert?: Alert;
  runbook?: { entry: RunbookEntry; params: Record<string, string>; matchedBy: EventDataMap['runbook.selected']['matched_by'] };
}

export interface OpenedIncident {
  id: string;
  path: string;
  store: IncidentStore;
}

export function openIncident(i: OpenIncidentInput): OpenedIncident {
  const id = newIncidentId(i.clock.now());
  const path = createIncidentLog(i.home, id);
  const store = new IncidentStore(path, i.clock);
  const rb = i.runbook?.entry.runbook;
  const title = i.title?.trim() || i.alert?.annotations.summary || i.alert?.name || rb?.title || 'Untitled incident';
  const severity = i.alert?.severity ?? rb?.severity ?? 'warning';
  store.append({ type: 'incident.opened', actor: i.actor, data: { title, severity, via: i.via } });
  if (i.alert) store.append({ type: 'alert.attached', actor: { kind: 'system', name: i.alert.source }, data: { alert: i.alert } });
  if (i.runbook) {
    const { entry, params, matchedBy } = i.runbook;
    store.append(
      { type: 'runbook.selected', actor: matchedBy === 'flag' || matchedBy === 'list' ? i.actor : { kind: 'system', name: 'oncall' }, data: { runbook: entry.runbook, file: entry.file, sha256: entry.sha256, params, matched_by: matchedBy } },
      { trustedRunbook: true },
    );
  }
  return { id, path, store };
}
