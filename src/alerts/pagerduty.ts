/** A PagerDuty v3 webhook announcing an incident (event_type incident.triggered). */
import { z } from 'zod';
import { AlertPayloadError, check, normaliseTime } from './common.js';
import type { Alert } from './types.js';

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

export function fromPagerDuty(o: Record<string, unknown>, where: string): Alert {
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
  const real = new Set(Object.keys(labels));
  labels.alertname ??= name;
  if (d.service?.summary) labels.service ??= d.service.summary;
  if (d.urgency) labels.urgency ??= d.urgency;
  if (d.priority?.summary) labels.priority ??= d.priority.summary;
  return {
    source: 'pagerduty',
    derived: Object.keys(labels).filter((k) => !real.has(k)),
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
