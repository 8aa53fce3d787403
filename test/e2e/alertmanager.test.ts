/* eslint-disable no-control-regex -- these tests look for control characters on purpose */
// A real Alertmanager on loopback: incidents opened from its firing alerts, silences created and expired.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { LogFollower } from '../../src/incident/follow.js';
import { readLogFile } from '../../src/incident/reader.js';
import { IncidentStore, logPath } from '../../src/incident/store.js';
import { App } from '../../src/ui/App.js';
import { Alertmanager } from '../helpers/alertmanager.js';
import { oncall, tempDir } from '../helpers/cli.js';

const t = tempDir();
const am = new Alertmanager(join(t.dir, 'am'));
const env = { ONCALL_HOME: join(t.dir, 'home') };
beforeAll(async () => {
  await am.start();
  await am.post([
    { labels: { alertname: 'KubePodCrashLooping', namespace: 'payments', pod: 'api-1', severity: 'critical' }, annotations: { summary: 'api-1 crash looping' } },
    { labels: { alertname: 'KubePodCrashLooping', namespace: 'payments', pod: 'api-2', severity: 'critical' }, annotations: { summary: 'api-2 crash looping' } },
    { labels: { alertname: 'NodeFilesystemSpaceFillingUp', instance: 'web-3:9100', mountpoint: '/var', severity: 'warning' } },
  ]);
}, 60_000);
afterAll(async () => {
  await am.stop();
  t.cleanup();
});

describe('oncall open --from-alertmanager', () => {
  it('several kinds of alert need a choice; one kind becomes one incident with every firing alert in it', async () => {
    const many = await oncall(['open', '--from-alertmanager', am.url], env);
    expect(many.exitCode).toBe(2);
    expect(many.stderr).toMatch(/3 firing alerts of 2 kinds .*KubePodCrashLooping \(2\), NodeFilesystemSpaceFillingUp \(1\) \(choose one with --alertname NAME\)/);
    const r = await oncall(['open', '--from-alertmanager', am.url, '--alertname', 'KubePodCrashLooping', '--json'], env);
    expect(r.exitCode).toBe(0);
    const id = (JSON.parse(r.stdout) as { id: string; runbook: string | null }).id;
    expect(JSON.parse(r.stdout)).toMatchObject({ runbook: 'k8s-pod-crashloop' });
    const alert = (readLogFile(join(env.ONCALL_HOME, 'incidents', id, 'log.jsonl')).events.find((e) => e.type === 'alert.attached')!.data as { alert: { source: string; count: number; members: { labels: { pod: string } }[]; origin: string } }).alert;
    expect(alert).toMatchObject({ source: 'alertmanager-api', count: 2, origin: am.url });
    expect(alert.members.map((m) => m.labels.pod).sort()).toEqual(['api-1', 'api-2']);
  });

  it('--match and --fingerprint narrow it; nothing matching is exit 4; ALERTMANAGER_URL is the default URL', async () => {
    const one = await oncall(['open', '--from-alertmanager', '--match', 'pod=api-2', '--json'], { ...env, ALERTMANAGER_URL: am.url });
    expect(one.exitCode).toBe(0);
    const fp = ((await (await fetch(`${am.url}/api/v2/alerts?filter=pod%3D%22api-1%22`)).json()) as { fingerprint: string }[])[0]!.fingerprint;
    const byFp = await oncall(['open', '--from-alertmanager', am.url, '--fingerprint', fp, '--json'], env);
    expect(byFp.exitCode).toBe(0);
    const none = await oncall(['open', '--from-alertmanager', am.url, '--match', 'namespace=nope'], env);
    expect(none.exitCode).toBe(4);
    expect(none.stderr).toMatch(/^error: no firing alert at http:\/\/127\.0\.0\.1:\d+ matches namespace="nope"/);
  });
});

describe('oncall silence', () => {
  it('shows the exact matchers and duration, creates only with --yes, records the id both ways, and --expire ends it', async () => {
    const opened = await oncall(['open', '--from-alertmanager', am.url, '--alertname', 'KubePodCrashLooping', '--json'], env);
    const id = (JSON.parse(opened.stdout) as { id: string }).id;
    const shown = await oncall(['silence', '--incident', id, '--for', '2h', '--comment', 'rolling back'], env);
    expect(shown.exitCode).toBe(2);
    expect(shown.stdout).toContain('matchers: alertname="KubePodCrashLooping", namespace="payments", severity="critical"');
    expect(shown.stdout).toMatch(/for 2h \(until /);
    // api-1 and api-2 both fire: the silence leaves pod out, and says what that means.
    expect(shown.stdout).toContain('note: the 2 firing alerts differ in pod; this silence matches every KubePodCrashLooping alert with the labels above, including new ones');
    expect(await am.silences()).toEqual([]);
    const made = await oncall(['silence', '--incident', id, '--for', '2h', '--comment', 'rolling back', '--yes', '--json'], env);
    expect(made.exitCode).toBe(0);
    const sid = (JSON.parse(made.stdout) as { silence_id: string }).silence_id;
    const listed = (await am.silences()).find((s) => s.id === sid)!;
    expect(listed).toMatchObject({ status: { state: 'active' }, createdBy: 'tester' });
    expect(listed.comment).toBe(`rolling back (oncall incident ${id})`);
    const events = readLogFile(join(env.ONCALL_HOME, 'incidents', id, 'log.jsonl')).events;
    expect(events.at(-1)).toMatchObject({ type: 'silence.created', data: { silence_id: sid } });
    // The silence now holds the alerts back.
    const firing = (await (await fetch(`${am.url}/api/v2/alerts?silenced=false&filter=alertname%3D%22KubePodCrashLooping%22`)).json()) as unknown[];
    expect(firing).toEqual([]);
    const expired = await oncall(['silence', '--incident', id, '--expire', '--yes'], env);
    expect(expired.exitCode).toBe(0);
    expect((await am.silences()).find((s) => s.id === sid)!.status.state).toBe('expired');
    expect((await oncall(['silence', '--incident', id, '--expire', '--yes'], env)).exitCode).toBe(4);
    expect((await oncall(['log', '--incident', id], env)).stdout).toMatch(/silence .* expired/);
  });

  it('unreachable, 401 and an error body with escape sequences: one clean line each, exit 16', async () => {
    const opened = await oncall(['open', '--from-alertmanager', am.url, '--alertname', 'NodeFilesystemSpaceFillingUp', '--json'], env);
    const id = (JSON.parse(opened.stdout) as { id: string }).id;
    // A port nothing listens on: one that was free a moment ago.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await oncall(['silence', '--incident', id, '--for', '1h', '--yes', '--alertmanager', `http://127.0.0.1:${port}`], env);
    expect(down.exitCode).toBe(16);
    expect(down.stderr.trim().split('\n').filter((l) => l.startsWith('error:'))).toEqual([expect.stringMatching(new RegExp(`^error: cannot reach Alertmanager at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`))]);
    let status = 401;
    const fake: Server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 401 ? 'Unauthorized' : '\u001b[31mbad matcher\u001b]8;;http://x\u0007 "severity"\n second line');
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    try {
      const denied = await oncall(['silence', '--incident', id, '--for', '1h', '--yes', '--alertmanager', `http://bob:s3cretpw@${url.slice(7)}`], env);
      expect(denied.exitCode).toBe(16);
      expect(denied.stderr).toMatch(/error: Alertmanager at http:\/\/127\.0\.0\.1:\d+ refused access \(401\): Unauthorized/);
      expect(denied.stderr).not.toContain('s3cretpw');
      status = 400;
      const bad = await oncall(['silence', '--incident', id, '--for', '1h', '--yes', '--alertmanager', url], env);
      expect(bad.exitCode).toBe(16);
      expect(bad.stderr).toMatch(/answered 400 to POST \/api\/v2\/silences: bad matcher "severity" second line/);
      expect(bad.stderr).not.toMatch(/\u001b|\u0007/);
    } finally {
      fake.close();
    }
  });
});

describe('an Alertmanager that misbehaves', () => {
  const serve = async (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const failure = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error);

  it('a body that never ends is cut off by the same deadline as the request', async () => {
    const { firingAlerts } = await import('../../src/alerts/alertmanager-client.js');
    const { server, url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      // ...and nothing more: the body never ends.
    });
    try {
      const err = await failure(firingAlerts({ url, headers: {}, timeoutMs: 300 }, []));
      expect(err?.message).toBe(`Alertmanager at ${url} did not answer within 0.3 s`);
      expect((err as { exitCode?: number } | undefined)?.exitCode).toBe(16);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('an answer over 4 MiB is refused, not buffered', async () => {
    const { firingAlerts } = await import('../../src/alerts/alertmanager-client.js');
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const { server, url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      for (let i = 0; i < 6; i++) res.write(chunk);
      res.end(']');
    });
    try {
      const err = await failure(firingAlerts({ url, headers: {} }, []));
      expect(err?.message).toBe(`Alertmanager at ${url} sent an answer larger than 4 MiB`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('the screen\'s S', () => {
  it('proposes the silence with its matchers and duration, and creates it only after y', async () => {
    const opened = await oncall(['open', '--from-alertmanager', am.url, '--alertname', 'NodeFilesystemSpaceFillingUp', '--json'], env);
    const id = (JSON.parse(opened.stdout) as { id: string }).id;
    const path = logPath(env.ONCALL_HOME, id);
    const store = new IncidentStore(path);
    const ui = render(createElement(App, { store, follower: new LogFollower(path, id), actor: { kind: 'human', name: 'alice' }, cwd: t.dir, defaultTimeoutMs: 10_000, color: false, pollMs: 50 }));
    const see = async (text: string) => {
      for (let i = 0; i < 1000 && !(ui.lastFrame() ?? '').includes(text); i++) await new Promise((r) => setTimeout(r, 10));
      expect(ui.lastFrame()).toContain(text);
    };
    try {
      await see('NodeFilesystemSpaceFillingUp');
      ui.stdin.write('S');
      await see('silence this incident');
      for (const c of '30m\r') ui.stdin.write(c);
      await see('Create this silence in Alertmanager?');
      expect(ui.lastFrame()).toContain('alertname="NodeFilesystemSpaceFillingUp"');
      expect(ui.lastFrame()).toContain('for 30m');
      const before = (await am.silences()).length;
      ui.stdin.write('y');
      await see('created until');
      const made = await am.silences();
      expect(made.length).toBe(before + 1);
      expect(made.some((x) => x.comment.endsWith(`(oncall incident ${id})`) && x.createdBy === 'alice')).toBe(true);
      expect(readLogFile(path).events.at(-1)!.type).toBe('silence.created');
    } finally {
      ui.unmount();
      store.close();
    }
  });
});
