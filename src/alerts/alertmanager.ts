/**
 * Alertmanager's shapes: the webhook (version "4"), one alert object, and the API v2 alerts
 * array (GET /api/v2/alerts, `amtool alert query -o json`). Grafana's alerting webhook
 * (version "1") is the same envelope with fields of its own.
 */
import { z } from 'zod';
import { AlertPayloadError, check, mapSeverity, normaliseTime } from './common.js';
import type { Alert, AlertMember } from './types.js';

const strMap = z.record(z.string(), z.string());
export const amAlert = z.object({
  status: z.enum(['firing', 'resolved']).optional(),
  labels: strMap,
  annotations: strMap.optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
const webhook = z.object({
  version: z.string(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  alerts: z.array(amAlert).min(1),
  groupLabels: strMap.optional(),
  commonLabels: strMap.optional(),
  commonAnnotations: strMap.optional(),
  externalURL: z.string().optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().optional(),
});
// Grafana adds these per alert; `values` may be null.
const grafanaAlert = amAlert.extend({
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  values: z.record(z.string(), z.unknown()).nullable().optional(),
  valueString: z.string().optional(),
});
const grafanaWebhook = webhook.extend({ orgId: z.number().optional(), title: z.string().optional(), state: z.string().optional(), message: z.string().optional(), alerts: z.array(grafanaAlert).min(1) });
// GET /api/v2/alerts: a gettableAlert array.
const apiAlert = z.object({
  labels: strMap,
  annotations: strMap.optional(),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  updatedAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
  receivers: z.array(z.object({ name: z.string() })).optional(),
  status: z.object({ state: z.enum(['unprocessed', 'active', 'suppressed']), silencedBy: z.array(z.string()).optional(), inhibitedBy: z.array(z.string()).optional(), mutedBy: z.array(z.string()).optional() }),
});
const apiAlerts = z.array(apiAlert);

type AmAlert = z.infer<typeof amAlert>;

type MemberStatus = AlertMember['status'];

function member(a: AmAlert, at: string, where: string, status: MemberStatus): AlertMember {
  return { labels: { ...a.labels }, status, startsAt: normaliseTime(a.startsAt, `${at}startsAt`, where), ...(a.fingerprint ? { externalId: a.fingerprint } : {}) };
}

/** One Alert for a group: the first firing member speaks for it; every member is kept. */
function group(source: Alert['source'], alerts: AmAlert[], statusOf: (a: AmAlert, i: number) => MemberStatus, annotations: Record<string, string>, where: string, prefix: string): Alert {
  const index = Math.max(0, alerts.findIndex((a, i) => statusOf(a, i) === 'firing'));
  const first = alerts[index]!;
  const at = `${prefix}[${index}].`;
  const name = first.labels.alertname;
  if (!name) throw new AlertPayloadError(where, `field ${at}labels.alertname: missing`, 'every Alertmanager alert carries an alertname label');
  const ann = { ...annotations, ...(first.annotations ?? {}) };
  const members = alerts.map((a, i) => member(a, `${prefix}[${i}].`, where, statusOf(a, i)));
  return {
    source,
    name,
    status: statusOf(first, index) === 'resolved' ? 'resolved' : 'firing',
    labels: { ...first.labels },
    annotations: ann,
    severity: mapSeverity(first.labels.severity),
    startsAt: members[index]!.startsAt,
    links: [first.generatorURL, ann.runbook_url].filter((u): u is string => !!u),
    count: alerts.length,
    ...(first.fingerprint ? { externalId: first.fingerprint } : {}),
    ...(alerts.length > 1 ? { members } : {}),
  };
}

/** The Alertmanager webhook, version "4". */
export function fromWebhook(o: Record<string, unknown>, where: string): Alert {
  const w = check(webhook, o, where);
  if (w.version !== '4') throw new AlertPayloadError(where, `field version: Alertmanager webhook version ${JSON.stringify(w.version)} is not supported; expected "4" (Grafana's alerting webhook says "1")`);
  const alert = group('alertmanager', w.alerts, (a) => a.status ?? w.status, w.commonAnnotations ?? {}, where, 'alerts');
  if (w.externalURL && /^https?:\/\/[^/]/.test(w.externalURL)) {
    alert.links.push(w.externalURL);
    alert.origin = w.externalURL.replace(/\/+$/, '');
  }
  return alert;
}

/** Grafana's alerting webhook (unified alerting), version "1". */
export function fromGrafana(o: Record<string, unknown>, where: string): Alert {
  const w = check(grafanaWebhook, o, where);
  const alert = group('grafana', w.alerts, (a) => a.status ?? w.status, w.commonAnnotations ?? {}, where, 'alerts');
  const first = w.alerts.find((a) => (a.status ?? w.status) === 'firing') ?? w.alerts[0]!;
  for (const u of [first.dashboardURL, first.panelURL]) if (u && /^https?:\/\//.test(u)) alert.links.push(u);
  if (first.valueString) alert.annotations.grafana_values ??= first.valueString;
  return alert;
}

/** One Alertmanager alert object. */
export function fromSingle(o: Record<string, unknown>, where: string): Alert {
  const a = check(amAlert, o, where);
  return group('alertmanager', [a], () => a.status ?? 'firing', {}, where, '');
}

/**
 * Alertmanager's API v2 alerts (and `amtool alert query -o json`): active alerts speak for
 * the group; silenced and inhibited ones are kept as suppressed members.
 */
export function fromApi(list: unknown[], where: string): Alert {
  if (list.length === 0) throw new AlertPayloadError(where, 'no alerts: the list is empty', 'nothing matched the query; check the filter, or that the alerts are still firing');
  const api = check(apiAlerts, list, where);
  // The state decides; the webhook-style status field is not part of this shape.
  const alerts: AmAlert[] = api.map(({ status: _state, ...a }) => a);
  return group('alertmanager-api', alerts, (_a, i) => (api[i]!.status.state === 'suppressed' ? 'suppressed' : 'firing'), {}, where, '');
}
