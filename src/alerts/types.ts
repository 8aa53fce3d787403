/** One alert, whatever sent it. */
export interface Alert {
  source: 'alertmanager' | 'pagerduty';
  /** alertname for Alertmanager, the incident title for PagerDuty. */
  name: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** critical | warning | info, mapped from the sender's own scale. */
  severity: 'critical' | 'warning' | 'info';
  /** ISO-8601 UTC. */
  startsAt: string;
  links: string[];
  /** How many alerts the payload carried (Alertmanager groups several). */
  count: number;
  /** The sender's id for this alert: Alertmanager fingerprint or PagerDuty incident id. */
  externalId?: string;
}
