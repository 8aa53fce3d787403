/**
 * Alert payloads → Alert. Pure and loud: each shape is told apart by its fields, and a
 * malformed payload names the field that is wrong.
 */
import { fromApi, fromGrafana, fromSingle, fromWebhook } from './alertmanager.js';
import { AlertPayloadError } from './common.js';
import { fromOpsgenie } from './opsgenie.js';
import { fromPagerDuty } from './pagerduty.js';
import type { Alert } from './types.js';

export { AlertPayloadError };

export const MAX_ALERT_BYTES = 1024 * 1024;

export const ACCEPTED = 'an Alertmanager webhook (version "4"), Alertmanager API v2 alerts (the array GET /api/v2/alerts and `amtool alert query -o json` return), one Alertmanager alert, a Grafana alerting webhook (version "1"), a PagerDuty v3 webhook (incident.triggered) or an Opsgenie alert webhook (action Create)';

/** Parses payload text (JSON). `where` names the source in messages, e.g. the file name. */
export function parseAlertText(text: string, where: string): Alert {
  if (Buffer.byteLength(text) > MAX_ALERT_BYTES) throw new AlertPayloadError(where, `payload is over ${MAX_ALERT_BYTES} bytes`, 'pass one webhook body, not a log of them');
  if (text.trim() === '') throw new AlertPayloadError(where, 'payload is empty', `pass ${ACCEPTED}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // Some JSON.parse messages quote the input across lines: keep the first, so the error stays one line.
    throw new AlertPayloadError(where, `not valid JSON (${(err as Error).message.split('\n')[0]!.trim()})`, 'pass the raw webhook body, or one `amtool -o json` output');
  }
  return parseAlert(json, where);
}

/**
 * JSON.parse keeps "__proto__" as an ordinary key, but copying it into an object sets the
 * prototype instead (the label vanishes, or pollutes): a payload with one is refused.
 */
function refuseProtoKeys(value: unknown, where: string, path = '', depth = 0): void {
  if (depth > 64 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => refuseProtoKeys(v, where, `${path}[${i}]`, depth + 1));
    return;
  }
  for (const k of Object.keys(value)) {
    const at = path ? `${path}.${k}` : k;
    if (k === '__proto__') throw new AlertPayloadError(where, `field ${at}: "__proto__" is not a usable name for a label or field`, 'rename the label where the alert is defined');
    refuseProtoKeys((value as Record<string, unknown>)[k], where, at, depth + 1);
  }
}

export function parseAlert(json: unknown, where: string): Alert {
  refuseProtoKeys(json, where);
  if (Array.isArray(json)) return fromApi(json, where);
  if (json === null || typeof json !== 'object') {
    throw new AlertPayloadError(where, `expected a JSON object or an array of alerts, got ${json === null ? 'null' : typeof json}`, `pass ${ACCEPTED}`);
  }
  const o = json as Record<string, unknown>;
  if ('event' in o) return fromPagerDuty(o, where);
  if ('action' in o && 'alert' in o) return fromOpsgenie(o, where);
  if ('action' in o && 'integrationName' in o) return fromOpsgenie(o, where);
  if ('alerts' in o && (o.version === '1' || 'orgId' in o)) return fromGrafana(o, where);
  if ('alerts' in o || 'version' in o) return fromWebhook(o, where);
  if ('labels' in o) return fromSingle(o, where);
  if ('data' in o && 'status' in o && Array.isArray(o.data)) throw new AlertPayloadError(where, 'this is Alertmanager\'s removed v1 API ({"status","data"}), not a v2 alerts array', 'query /api/v2/alerts, or use `amtool alert query -o json`');
  if ('ruleName' in o || 'evalMatches' in o) throw new AlertPayloadError(where, 'this is a legacy Grafana alert notification (before unified alerting), not the version "1" webhook', 'send it from a Grafana unified alerting webhook contact point');
  throw new AlertPayloadError(where, 'not a recognised alert payload', `accepted: ${ACCEPTED}`);
}
