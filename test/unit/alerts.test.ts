import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertPayloadError, parseAlertText } from '../../src/alerts/parse.js';
import { matchRunbook } from '../../src/runbook/match.js';
import { loadCatalog } from '../../src/runbook/catalog.js';
import { ROOT } from '../helpers/cli.js';

const FIX = join(ROOT, 'test/fixtures/alerts');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');

describe('alert payloads', () => {
  it('parses an Alertmanager v4 webhook into one Alert', () => {
    const a = parseAlertText(read('am-disk-full.json'), 'am-disk-full.json');
    expect(a).toMatchObject({
      source: 'alertmanager', name: 'NodeFilesystemSpaceFillingUp', status: 'firing', severity: 'critical',
      startsAt: '2026-11-26T02:47:11.402Z', count: 1, externalId: '3f1c2a9b8d7e6f50',
    });
    expect(a.labels.mountpoint).toBe('/var');
    expect(a.annotations.runbook_url).toMatch(/nodefilesystemspacefillingup$/);
    expect(a.links).toContain('http://alertmanager.example.test:9093');
  });

  it('takes the first firing alert of a group and keeps the group size', () => {
    const a = parseAlertText(read('am-crashloop-group.json'), 'g');
    expect(a.labels.pod).toBe('ledger-7d9f8b6c5-xk2lp');
    expect(a.count).toBe(2);
    expect(a.annotations.runbook_url).toContain('kubepodcrashlooping');
  });

  it('accepts a single Alertmanager alert object and normalises nanosecond times', () => {
    const a = parseAlertText(read('am-single-alert.json'), 's');
    expect(a.startsAt).toBe('2026-11-26T04:00:00.123Z');
    expect(a.count).toBe(1);
  });

  it('parses a PagerDuty v3 incident.triggered, with the label set from its title', () => {
    const a = parseAlertText(read('pd-triggered.json'), 'pd');
    expect(a).toMatchObject({ source: 'pagerduty', name: 'PostgresReplicationLagHigh', severity: 'critical', startsAt: '2026-11-26T03:14:15.000Z', externalId: 'Q1EXAMPLE2ID' });
    expect(a.labels).toMatchObject({ instance: 'db-2.example.test:9187', cluster: 'main', alertname: 'PostgresReplicationLagHigh', service: 'postgres-main', priority: 'P1' });
    expect(a.links).toEqual(['https://acme.pagerduty.example.test/incidents/Q1EXAMPLE2ID']);
  });

  const bad = readFileSync(join(FIX, 'bad/EXPECTED.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t') as [string, string]);
  it('the bad corpus has at least 10 payloads, all listed', () => {
    expect(bad.length).toBeGreaterThanOrEqual(10);
    expect(bad.map((b) => b[0]).sort()).toEqual(readdirSync(join(FIX, 'bad')).filter((f) => f.endsWith('.json')).sort());
  });
  it.each(bad)('%s: %s', (file, message) => {
    let err: unknown;
    try {
      parseAlertText(read(`bad/${file}`), file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AlertPayloadError);
    expect((err as Error).message).toBe(`${file}: ${(err as Error).message.slice(file.length + 2)}`);
    expect((err as Error).message).toContain(message);
  });
});

describe('choosing a runbook for an alert', async () => {
  const cat = await loadCatalog([join(ROOT, 'runbooks')]);

  it('chooses by matchers', () => {
    const m = matchRunbook(parseAlertText(read('am-disk-full.json'), 'x'), cat.entries);
    expect(m.by).toBe('matcher');
    if (m.by === 'matcher') expect(m.entry.runbook.id).toBe('host-disk-full');
  });

  it('falls back to the runbook_url annotation', () => {
    const alert = { ...parseAlertText(read('am-single-alert.json'), 'x') };
    alert.labels = { alertname: 'SomethingUnmatched' };
    const m = matchRunbook(alert, cat.entries);
    expect(m.by).toBe('runbook_url');
    if (m.by === 'runbook_url') expect(m.entry.runbook.id).toBe('prometheus-target-down');
  });

  it('says none matched, naming the url it tried', () => {
    const alert = parseAlertText(read('am-single-alert.json'), 'x');
    alert.labels = { alertname: 'Nope' };
    alert.annotations = { runbook_url: 'https://wiki.example.test/nope' };
    expect(matchRunbook(alert, cat.entries)).toEqual({ by: 'none', tried: cat.entries.length, runbookUrl: 'https://wiki.example.test/nope' });
  });
});

describe('more payload shapes, told apart by their fields', () => {
  it('Grafana\'s alerting webhook (version "1"): the first firing alert speaks for the group, every member is kept', () => {
    const a = parseAlertText(read('grafana-firing.json'), 'g');
    expect(a).toMatchObject({ source: 'grafana', name: 'NodeHighCPUUsage', status: 'firing', severity: 'critical', count: 2, startsAt: '2026-11-26T03:48:50.000Z', externalId: '6f1c0a9b82d4e317' });
    expect(a.labels.instance).toBe('10.0.4.17:9100');
    expect(a.members!.map((m) => m.labels.instance)).toEqual(['10.0.4.17:9100', '10.0.4.23:9100']);
    expect(a.annotations.runbook_url).toBe('https://runbooks.example.net/infrastructure/node-high-cpu');
    expect(a.links.some((l) => l.includes('/d/rYdddlPWk'))).toBe(true);
  });

  it('Alertmanager API v2 alerts (GET /api/v2/alerts): active ones speak, silenced ones are kept as suppressed', () => {
    const a = parseAlertText(read('am-v2-alerts.json'), 'v2');
    expect(a.source).toBe('alertmanager-api');
    expect(a.count).toBe(3);
    expect(a.members!.map((m) => m.status)).toEqual(['firing', 'firing', 'suppressed']);
    expect(a.name).toBe('NodeFilesystemSpaceFillingUp');
  });

  it('amtool alert query -o json', () => {
    const a = parseAlertText(read('amtool-query.json'), 'amtool');
    expect(a).toMatchObject({ source: 'alertmanager-api', status: 'firing' });
    expect(a.count).toBe(2);
  });

  it('Opsgenie\'s alert webhook, action Create: details and k=v tags become labels, priority the severity', () => {
    const a = parseAlertText(read('opsgenie-create.json'), 'og');
    expect(a).toMatchObject({ source: 'opsgenie', name: 'KubePodCrashLooping', severity: 'warning', startsAt: new Date(1795664510217).toISOString() });
    expect(a.labels).toMatchObject({ namespace: 'payments', pod: 'payments-api-7d9f8b6c4-x2lqz', cluster: 'prod-eu-1', priority: 'P3', team: 'platform' });
    expect(a.annotations.runbook_url).toBe('https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping');
  });

  it('an unknown payload says which shapes are accepted', () => {
    let err: AlertPayloadError | undefined;
    try {
      parseAlertText('{"hello":"world"}', 'x');
    } catch (e) {
      err = e as AlertPayloadError;
    }
    expect(err?.message).toBe('x: not a recognised alert payload');
    expect(err?.hint).toMatch(/accepted: an Alertmanager webhook \(version "4"\), Alertmanager API v2 alerts .* Grafana alerting webhook .* PagerDuty v3 .* Opsgenie alert webhook/);
  });
});
