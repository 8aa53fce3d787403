/**
 * Alert payloads → Alert. Pure and loud: a malformed payload names the field that is wrong.
 * Accepts an Alertmanager webhook (version 4), a single Alertmanager alert object, or a
 * PagerDuty v3 webhook whose event is incident.triggered.
 */
import { z } from 'zod';
import { UserError } from '../errors.js';
import type { Alert } from './types.js';

export class AlertPayloadError extends UserError {
  constructor(where: string, message: string, hint?: string) {
    super(`${where}: ${message}`.replace(/\s*\n\s*/g, ' '), { code: 'invalidInput', ...(hint ? { hint } : {}) });
    this.name = 'AlertPayloadError';
  }
}

export const MAX_ALERT_BYTES = 1024 * 1024;

const strMap = z.record(z.string(), z.string());
const amAlert = z.object({
  status: z.enum(['firing', 'resolved']).optional(),
  labels: strMap,
  annotations: strMap.optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
const amWebhook = z.object({
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
const ref = z.object({ summary: z.string().optional(), html_url: z.string().optional() }).nullable().optional();
const pdWebhook = z.object({
  event: z.object({
    id: z.string().optional(),
    event_type: z.string(),
    resource_type: z.string().optional(),
    occurred_at: z.string().optional(),
    data: z.object({
      id: z.string(),
      type: z.literal('incident').optional(),
      html_url: z.string().optional(),
      number: z.number().optional(),
      status: z.string().optional(),
      created_at: z.string().optional(),
      title: z.string().min(1),
      service: ref,
      priority: ref,
      urgency: z.enum(['high', 'low']).optional(),
      incident_key: z.string().nullable().optional(),
    }),
  }),
});

/** Parses payload text (JSON). `where` names the source in messages, e.g. the file name. */
export function parseAlertText(text: string, where: string): Alert {
  if (Buffer.byteLength(text) > MAX_ALERT_BYTES) throw new AlertPayloadError(where, `payload is over ${MAX_ALERT_BYTES} bytes`, 'pass one webhook body, not a log of them');
  if (text.trim() === '') throw new AlertPayloadError(where, 'payload is empty', 'pass the JSON body of an Alertmanager or PagerDuty webhook');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // Some JSON.parse messages quote the input across lines: keep the first, so the error stays one line.
    throw new AlertPayloadError(where, `not valid JSON (${(err as Error).message.split('\n')[0]!.trim()})`, 'pass the raw webhook body');
  }
  return parseAlert(json, where);
}

export function parseAlert(json: unknown, where: string): Alert {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new AlertPayloadError(where, `expected a JSON object, got ${Array.isArray(json) ? 'an array' : json === null ? 'null' : typeof json}`, 'pass one Alertmanager webhook (version "4") or PagerDuty v3 webhook');
  }
  const o = json as Record<string, unknown>;
  if ('event' in o) return fromPagerDuty(o, where);
  if ('alerts' in o || 'version' in o) return fromAlertmanager(o, where);
  if ('labels' in o) return fromAmAlert(check(amAlert, o, where), where, 1, '');
  throw new AlertPayloadError(where, 'not a recognised alert payload: no "alerts" (Alertmanager), "event" (PagerDuty v3) or "labels" (single alert) field', 'pass the JSON body the webhook received');
}

function check<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(root)';
  const input = (issue as { input?: unknown }).input;
  let msg: string;
  if (issue.code === 'invalid_type') msg = input === undefined ? `missing; expected ${issue.expected === 'record' ? 'an object of strings' : issue.expected}` : `expected ${issue.expected === 'record' ? 'an object of strings' : issue.expected}, got ${Array.isArray(input) ? 'array' : input === null ? 'null' : typeof input}`;
  else if (issue.code === 'invalid_value') msg = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (issue.code === 'too_small') msg = 'must not be empty';
  else msg = issue.message;
  throw new AlertPayloadError(where, `field ${field}: ${msg}`);
}

function fromAlertmanager(o: Record<string, unknown>, where: string): Alert {
  const w = check(amWebhook, o, where);
  if (w.version !== '4') throw new AlertPayloadError(where, `field version: Alertmanager webhook version ${JSON.stringify(w.version)} is not supported; expected "4"`);
  // The first firing alert speaks for the group; the group's size is kept.
  const index = Math.max(0, w.alerts.findIndex((a) => (a.status ?? w.status) === 'firing'));
  const first = w.alerts[index]!;
  const alert = fromAmAlert({ ...first, annotations: { ...(w.commonAnnotations ?? {}), ...(first.annotations ?? {}) } }, where, w.alerts.length, `alerts[${index}].`);
  if (w.externalURL && /^https?:\/\/[^/]/.test(w.externalURL)) alert.links.push(w.externalURL);
  if (!first.status) alert.status = w.status;
  return alert;
}

function fromAmAlert(a: z.infer<typeof amAlert>, where: string, count: number, at: string): Alert {
  const name = a.labels.alertname;
  if (!name) throw new AlertPayloadError(where, `field ${at}labels.alertname: missing`, 'every Alertmanager alert carries an alertname label');
  const annotations = { ...(a.annotations ?? {}) };
  const links = [a.generatorURL, annotations.runbook_url].filter((u): u is string => !!u);
  return {
    source: 'alertmanager',
    name,
    status: a.status ?? 'firing',
    labels: { ...a.labels },
    annotations,
    severity: mapSeverity(a.labels.severity),
    startsAt: normaliseTime(a.startsAt, `${at}startsAt`, where),
    links,
    count,
    ...(a.fingerprint ? { externalId: a.fingerprint } : {}),
  };
}

function fromPagerDuty(o: Record<string, unknown>, where: string): Alert {
  const type = (o.event as { event_type?: unknown } | null)?.event_type;
  if (typeof type === 'string' && type !== 'incident.triggered') {
    throw new AlertPayloadError(where, `field event.event_type: ${JSON.stringify(type)} is not an incident being opened; expected "incident.triggered"`, 'pass the webhook that announced the incident');
  }
  const w = check(pdWebhook, o, where);
  const ev = w.event;
  const d = ev.data;
  // Many senders put a Prometheus-style label set in the title: {k="v", ...}.
  const labels: Record<string, string> = {};
  const set = /\{([^{}]*)\}\s*$/.exec(d.title);
  if (set) for (const m of set[1]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!;
  // "[FIRING:1] Name {...}" (Alertmanager's PagerDuty integration) → "Name".
  const name = (set ? d.title.slice(0, set.index) : d.title).replace(/^(\[[^\]]*\]\s*)+/, '').trim() || d.title;
  labels.alertname ??= name;
  if (d.service?.summary) labels.service ??= d.service.summary;
  if (d.urgency) labels.urgency ??= d.urgency;
  if (d.priority?.summary) labels.priority ??= d.priority.summary;
  return {
    source: 'pagerduty',
    name,
    status: 'firing',
    labels,
    annotations: { summary: d.title },
    severity: d.urgency === 'low' ? 'warning' : 'critical',
    startsAt: normaliseTime(d.created_at ?? ev.occurred_at, 'event.data.created_at', where),
    links: [d.html_url].filter((u): u is string => !!u),
    count: 1,
    externalId: d.id,
  };
}

function mapSeverity(s: string | undefined): Alert['severity'] {
  switch ((s ?? '').toLowerCase()) {
    case 'critical': case 'page': case 'high': case 'error': case 'p1': case 'p2': return 'critical';
    case 'info': case 'none': case 'low': return 'info';
    default: return 'warning';
  }
}

function normaliseTime(t: string | undefined, field: string, where: string): string {
  if (t === undefined) throw new AlertPayloadError(where, `field ${field}: missing; expected an RFC 3339 time`);
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new AlertPayloadError(where, `field ${field}: ${JSON.stringify(t)} is not an RFC 3339 time`, 'e.g. "2026-11-26T03:48:56Z"');
  return new Date(ms).toISOString();
}
