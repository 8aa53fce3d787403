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

describe('what the second review of alerts found', async () => {
  const { planSilence, silenceUrl } = await import('../../src/alerts/silences.js');
  const { alertmanagerTarget } = await import('../../src/alerts/alertmanager-client.js');
  const plan = (alert: Parameters<typeof planSilence>[0]) => planSilence(alert, 'INC', { url: 'http://am:9093', duration: '2h', creator: 'alice', now: new Date('2026-11-29T10:00:00Z') });
  const errorOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return e as Error & { code?: string };
    }
    throw new Error('did not throw');
  };

  it('a "__proto__" label is refused by name, never turned into a prototype', () => {
    const text = '{"labels":{"alertname":"A","__proto__":{"polluted":"yes"}},"startsAt":"2026-11-29T10:00:00Z"}';
    const err = errorOf(() => parseAlertText(text, 'x.json'));
    expect(err).toBeInstanceOf(AlertPayloadError);
    expect(err.message).toBe('x.json: field labels.__proto__: "__proto__" is not a usable name for a label or field');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('Opsgenie details that are numbers or booleans become strings', () => {
    const o = JSON.parse(read('opsgenie-create.json')) as { alert: { details: Record<string, unknown> } };
    o.alert.details.replicas = 3;
    o.alert.details.paging = true;
    const a = parseAlertText(JSON.stringify(o), 'og');
    expect(a.labels).toMatchObject({ replicas: '3', paging: 'true' });
  });

  it('labels the tool made up (PagerDuty title, Opsgenie team) never become silence matchers', () => {
    const pd = parseAlertText(read('pd-triggered.json'), 'pd');
    expect(pd.derived).toContain('service');
    const og = parseAlertText(read('opsgenie-create.json'), 'og');
    expect(og.derived).toEqual(expect.arrayContaining(['team', 'entity']));
    const p = plan(og);
    expect(p.spec.matchers.map((m) => m.name)).not.toContain('team');
    expect(p.spec.matchers.map((m) => m.name)).toContain('alertname');
    // An old log's PagerDuty alert, without the list: refused, not guessed.
    const old = { ...pd };
    delete old.derived;
    expect(errorOf(() => plan(old)).message).toMatch(/came from pagerduty; its labels may not be Alertmanager's/);
  });

  it('refuses a silence without alertname, on alertname alone, or on a label the log holds masked', () => {
    const base = parseAlertText(read('am-single-alert.json'), 'am');
    const { alertname: _n, ...noName } = base.labels;
    expect(errorOf(() => plan({ ...base, labels: noName })).message).toMatch(/has no alertname label to match/);
    expect(errorOf(() => plan({ ...base, labels: { alertname: 'A' } })).message).toMatch(/share only alertname="A": a silence would hush it everywhere/);
    expect(errorOf(() => plan({ ...base, labels: { ...base.labels, db_password: '[REDACTED:secret-assignment]' } })).message).toMatch(/label db_password of incident INC's alert is masked in the log/);
  });

  it('a group whose alerts differ says the silence is broader than any one of them', () => {
    const a = parseAlertText(read('am-crashloop-group.json'), 'am');
    // The fixture's first member has resolved: while it fires too, the two differ in pod.
    const p = plan({ ...a, members: a.members!.map((m) => ({ ...m, status: 'firing' as const })) });
    expect(p.spec.matchers.map((m) => m.name)).toEqual(['alertname', 'container', 'namespace', 'severity']);
    expect(plan(a).lines.some((l) => l.startsWith('note:'))).toBe(false);
    const note = p.lines.find((l) => l.startsWith('note:'));
    expect(note).toMatch(/^note: the \d+ firing alerts differ in .*pod.*; this silence matches every KubePodCrashLooping alert with the labels above, including new ones$/);
  });

  it('silences go back where the alert came from, with the credentials of a configured URL for that server', () => {
    expect(silenceUrl('http://flag:9093', 'http://origin:9093', ['http://env:9093'])).toBe('http://flag:9093');
    expect(silenceUrl(undefined, 'http://origin:9093', ['http://env:9093'])).toBe('http://origin:9093');
    expect(silenceUrl(undefined, 'http://origin:9093', ['http://u:pw@origin:9093/'])).toBe('http://u:pw@origin:9093/');
    expect(silenceUrl(undefined, undefined, [undefined, 'http://config:9093'])).toBe('http://config:9093');
    expect(silenceUrl(undefined, undefined, [])).toBeUndefined();
  });

  it('a stray % in the URL\'s password is one clean line', () => {
    const err = errorOf(() => alertmanagerTarget('http://bob:50%off@am:9093'));
    expect(err.message).toBe('the credentials in the Alertmanager URL are not valid percent-encoding');
    expect(err.message).not.toContain('50%off');
    expect(alertmanagerTarget('http://bob:50%25off@am:9093').headers.authorization).toBe(`Basic ${Buffer.from('bob:50%off').toString('base64')}`);
  });
});
