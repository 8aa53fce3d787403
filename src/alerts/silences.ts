/** A silence for an incident's alert: what it matches, for how long, and creating it (recorded in the log). */
import { UserError } from '../errors.js';
import type { Actor, StoredEvent } from '../incident/events.js';
import type { IncidentStore } from '../incident/store.js';
import { alertmanagerTarget, createSilence, type Matcher, type SilenceSpec } from './alertmanager-client.js';
import { commonLabels } from './common.js';
import type { Alert } from './types.js';

/** Silences last minutes to days: `30m`, `2h`, `3d` (at most 30 days). */
export function silenceDurationMs(text: string | undefined): number {
  const m = /^(\d+)(m|h|d)$/.exec(text ?? '');
  const ms = m ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'] : 0;
  if (!m || ms < 60_000 || ms > 30 * 86_400_000) throw new UserError(text === undefined ? 'a silence needs a duration' : `${JSON.stringify(text)} is not a duration from 1m to 30d`, { code: 'usage', hint: 'e.g. 2h' });
  return ms;
}

/** What a silence for this alert matches: the labels every firing member shares (all of the alert's, for one alert). */
export function silenceMatchers(alert: Alert): Matcher[] {
  const firing = alert.members?.filter((m) => m.status !== 'resolved') ?? [];
  const labels = firing.length > 1 ? commonLabels(firing) : alert.labels;
  return Object.entries(labels).filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
}

export function shownMatchers(ms: readonly Matcher[]): string {
  return ms.map((m) => `${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}${JSON.stringify(m.value)}`).join(', ');
}

export interface SilencePlan {
  url: string;
  spec: SilenceSpec;
  /** What the operator confirms, line by line. */
  lines: string[];
}

/** The silence that would be created, for the operator to read before it is. */
export function planSilence(alert: Alert | undefined, incidentId: string, o: { url: string | undefined; duration: string | undefined; comment?: string; creator: string; now: Date }): SilencePlan {
  if (!alert) throw new UserError(`incident ${incidentId} has no alert to silence`, { code: 'conflict', hint: 'silence by hand with amtool; oncall silences the alert an incident was opened from' });
  if (!o.url) throw new UserError('no Alertmanager URL', { code: 'usage', hint: 'give one with --alertmanager URL, or set ALERTMANAGER_URL or alertmanager.url in the config' });
  const ms = silenceDurationMs(o.duration);
  const target = alertmanagerTarget(o.url);
  const matchers = silenceMatchers(alert);
  if (matchers.length === 0) throw new UserError(`the alert of incident ${incidentId} has no labels to match`, { code: 'conflict' });
  const spec: SilenceSpec = {
    matchers,
    startsAt: o.now.toISOString(),
    endsAt: new Date(o.now.getTime() + ms).toISOString(),
    createdBy: o.creator,
    comment: `${(o.comment ?? '').trim() || 'silenced while the incident is handled'} (oncall incident ${incidentId})`,
  };
  return { url: o.url, spec, lines: [`Alertmanager: ${target.url}`, `matchers: ${shownMatchers(matchers)}`, `from ${spec.startsAt} for ${o.duration} (until ${spec.endsAt})`, `created by: ${spec.createdBy}`, `comment: ${spec.comment}`] };
}

/** Creates the planned silence and records it (the id in the log, the incident id in the silence's comment). */
export async function createPlannedSilence(plan: SilencePlan, store: IncidentStore, actor: Actor): Promise<StoredEvent<'silence.created'>> {
  const target = alertmanagerTarget(plan.url);
  const id = await createSilence(target, plan.spec);
  return store.append({ type: 'silence.created', actor, data: { silence_id: id, url: target.url, matchers: plan.spec.matchers, starts_at: plan.spec.startsAt, ends_at: plan.spec.endsAt, comment: plan.spec.comment } });
}
