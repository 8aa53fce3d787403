/** One alert, whatever sent it. */
export interface Alert {
  source: 'alertmanager' | 'alertmanager-api' | 'grafana' | 'pagerduty' | 'opsgenie';
  /** alertname for Alertmanager and Grafana, the incident title for PagerDuty, the message for Opsgenie. */
  name: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** critical | warning | info, mapped from the sender's own scale. */
  severity: 'critical' | 'warning' | 'info';
  /** ISO-8601 UTC. */
  startsAt: string;
  links: string[];
  /** How many alerts the payload carried (Alertmanager and Grafana group several). */
  count: number;
  /** The sender's id for this alert: Alertmanager fingerprint, PagerDuty incident id, Opsgenie alias. */
  externalId?: string;
  /**
   * Labels the tool filled in (alertname from a PagerDuty title, Opsgenie's team): useful to
   * match runbooks, never sent to Alertmanager as a silence's matchers.
   */
  derived?: string[];
  /** The Alertmanager it came from (its base URL, no credentials), where a silence would go. */
  origin?: string;
  /**
   * Every alert of a group (when count > 1): the labels that tell them apart, so a step can
   * run once per firing alert (`targets: {from_alert: LABEL}`) and a silence can match them all.
   */
  members?: AlertMember[];
}

export interface AlertMember {
  labels: Record<string, string>;
  /** suppressed: firing, but silenced or inhibited in Alertmanager. */
  status: 'firing' | 'resolved' | 'suppressed';
  startsAt: string;
  externalId?: string;
}
