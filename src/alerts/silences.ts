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

/** What a silence for this alert matches, and what the operator should know about it. */
export interface SilenceMatch {
  matchers: Matcher[];
  /** Labels that differ between the firing alerts (left out, so the silence is broader than any one of them). */
  differ: string[];
}

/**
 * The labels every firing member shares (all of the alert's, for one alert), exact and equal.
 * Refused rather than guessed: labels the tool made up (a PagerDuty title as alertname) match
 * nothing in Alertmanager; a label the log holds masked would match nothing; a silence on
 * alertname alone would hush that alert everywhere.
 */
export function silenceMatchers(alert: Alert, incidentId: string): SilenceMatch {
  const made = alert.source === 'pagerduty' || alert.source === 'opsgenie';
  if (made && alert.derived === undefined) throw new UserError(`the alert of incident ${incidentId} came from ${alert.source}; its labels may not be Alertmanager's`, { code: 'conflict', hint: 'silence it with amtool, or open the incident with --from-alertmanager' });
  const derived = new Set(alert.derived ?? []);
  const firing = alert.members?.filter((m) => m.status !== 'resolved') ?? [];
  const labels = firing.length > 1 ? commonLabels(firing) : alert.labels;
  const differ = firing.length > 1 ? [...new Set(firing.flatMap((m) => Object.keys(m.labels)))].filter((k) => !(k in labels)).sort() : [];
  const kept = Object.entries(labels).filter(([k, v]) => v !== '' && !derived.has(k));
  if (!kept.some(([k]) => k === 'alertname')) throw new UserError(`the alert of incident ${incidentId} has no alertname label ${alert.source === 'alertmanager' || alert.source === 'alertmanager-api' || alert.source === 'grafana' ? '' : `from ${alert.source} `}to match`, { code: 'conflict', hint: 'silence it with amtool, naming the labels yourself' });
  const masked = kept.filter(([, v]) => v.includes('[REDACTED:')).map(([k]) => k);
  if (masked.length) throw new UserError(`label${masked.length > 1 ? 's' : ''} ${masked.join(', ')} of incident ${incidentId}'s alert ${masked.length > 1 ? 'are' : 'is'} masked in the log; a silence on ${masked.length > 1 ? 'them' : 'it'} would match nothing`, { code: 'conflict', hint: 'silence it with amtool, naming the labels yourself' });
  if (kept.length === 1) throw new UserError(`the firing alerts of incident ${incidentId} share only alertname=${JSON.stringify(labels.alertname)}: a silence would hush it everywhere`, { code: 'conflict', hint: 'silence the ones you mean with amtool' });
  const matchers = kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
  return { matchers, differ };
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

/**
 * Where a silence goes: the flag; else the Alertmanager the alert came from (with the
 * credentials of a configured URL for that same server, if there is one); else
 * ALERTMANAGER_URL or the config's alertmanager.url.
 */
export function silenceUrl(flag: string | undefined, origin: string | undefined, configured: readonly (string | undefined)[]): string | undefined {
  if (flag) return flag;
  const known = configured.filter((c): c is string => !!c);
  if (origin) {
    for (const c of known) {
      try {
        if (alertmanagerTarget(c).url === origin) return c;
      } catch {
        // a configured URL that does not parse is reported when it is used
      }
    }
    return origin;
  }
  return known[0];
}

/** The silence that would be created, for the operator to read before it is. */
export function planSilence(alert: Alert | undefined, incidentId: string, o: { url: string | undefined; duration: string | undefined; comment?: string; creator: string; now: Date }): SilencePlan {
  if (!alert) throw new UserError(`incident ${incidentId} has no alert to silence`, { code: 'conflict', hint: 'silence by hand with amtool; oncall silences the alert an incident was opened from' });
  if (!o.url) throw new UserError('no Alertmanager URL', { code: 'usage', hint: 'give one with --alertmanager URL, or set ALERTMANAGER_URL or alertmanager.url in the config' });
  const ms = silenceDurationMs(o.duration);
  const target = alertmanagerTarget(o.url);
  const { matchers, differ } = silenceMatchers(alert, incidentId);
  const firing = alert.members?.filter((m) => m.status !== 'resolved').length ?? 1;
  const spec: SilenceSpec = {
    matchers,
    startsAt: o.now.toISOString(),
    endsAt: new Date(o.now.getTime() + ms).toISOString(),
    createdBy: o.creator,
    comment: `${(o.comment ?? '').trim() || 'silenced while the incident is handled'} (oncall incident ${incidentId})`,
  };
  const lines = [`Alertmanager: ${target.url}`, `matchers: ${shownMatchers(matchers)}`];
  // Broader than any one alert: it also hushes alerts with these labels that start later.
  if (differ.length) lines.push(`note: the ${firing} firing alerts differ in ${differ.join(', ')}; this silence matches every ${alert.name} alert with the labels above, including new ones`);
  lines.push(`from ${spec.startsAt} for ${o.duration} (until ${spec.endsAt})`, `created by: ${spec.createdBy}`, `comment: ${spec.comment}`);
  return { url: o.url, spec, lines };
}

/** Creates the planned silence and records it (the id in the log, the incident id in the silence's comment). */
export async function createPlannedSilence(plan: SilencePlan, store: IncidentStore, actor: Actor): Promise<StoredEvent<'silence.created'>> {
  const target = alertmanagerTarget(plan.url);
  const id = await createSilence(target, plan.spec);
  return store.append({ type: 'silence.created', actor, data: { silence_id: id, url: target.url, matchers: plan.spec.matchers, starts_at: plan.spec.startsAt, ends_at: plan.spec.endsAt, comment: plan.spec.comment } });
}
