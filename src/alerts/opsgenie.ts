/** Opsgenie's outgoing alert webhook, action Create. */
import { z } from 'zod';
import { AlertPayloadError, check, mapSeverity, normaliseTime } from './common.js';
import type { Alert } from './types.js';

const webhook = z.object({
  action: z.string(),
  alert: z.object({
    alertId: z.string(),
    message: z.string().min(1),
    tags: z.array(z.string()).optional(),
    tinyId: z.string().optional(),
    entity: z.string().optional(),
    alias: z.string().optional(),
    createdAt: z.number(),
    updatedAt: z.number().optional(),
    username: z.string().optional(),
    description: z.string().optional(),
    team: z.string().optional(),
    // Details are strings in Opsgenie's API; integrations send numbers and booleans too.
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
    priority: z.string().optional(),
    source: z.string().optional(),
  }),
  source: z.object({ name: z.string().optional(), type: z.string().optional() }).optional(),
  integrationName: z.string().optional(),
});

export function fromOpsgenie(o: Record<string, unknown>, where: string): Alert {
  if (typeof o.action === 'string' && o.action !== 'Create') {
    throw new AlertPayloadError(where, `field action: ${JSON.stringify(o.action)} is not an alert being opened; expected "Create"`, 'pass the webhook Opsgenie sent when the alert was created');
  }
  const w = check(webhook, o, where);
  const a = w.alert;
  // Details carry the labels the alert was made from; "k=v" tags add to them.
  const labels: Record<string, string> = {};
  for (const t of a.tags ?? []) {
    const eq = t.indexOf('=');
    if (eq > 0) labels[t.slice(0, eq)] = t.slice(eq + 1);
  }
  Object.assign(labels, a.details ?? {});
  // "[FIRING:1] Name rest" (Alertmanager's Opsgenie integration) → "Name".
  const fromMessage = a.message.replace(/^(\[[^\]]*\]\s*)+/, '').trim().split(/\s+/)[0] || a.message;
  const name = labels.alertname ?? fromMessage;
  const real = new Set(Object.keys(labels));
  labels.alertname ??= name;
  if (a.entity) labels.entity ??= a.entity;
  if (a.priority) labels.priority ??= a.priority;
  if (a.team) labels.team ??= a.team;
  const annotations: Record<string, string> = { summary: a.message };
  if (a.description) annotations.description = a.description;
  const runbook = /runbook:\s*(https?:\/\/\S+)/i.exec(a.description ?? '')?.[1] ?? labels.runbook_url;
  if (runbook) annotations.runbook_url = runbook;
  return {
    source: 'opsgenie',
    derived: Object.keys(labels).filter((k) => !real.has(k)),
    name,
    status: 'firing',
    labels,
    annotations,
    severity: mapSeverity(labels.severity ?? a.priority),
    startsAt: normaliseTime(a.createdAt, 'alert.createdAt', where),
    links: [a.source, runbook].filter((u): u is string => !!u && /^https?:\/\//.test(u)),
    count: 1,
    externalId: a.alias ?? a.alertId,
  };
}
