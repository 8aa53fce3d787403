// Regressions for defects found in review: each test failed before its fix.
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { HeadTail } from '../../src/exec/capture.js';
import { runCommand, type RunResult } from '../../src/exec/run.js';
import { redact } from '../../src/redact/index.js';
import { fitRecord, commandRecord, executeStep } from '../../src/runner/execute.js';
import { prepareStep } from '../../src/runner/prepare.js';
import { parseLog, readLogFile, verifyEvents } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import { createIncidentLog, IncidentStore } from '../../src/incident/store.js';
import type { Runbook } from '../../src/runbook/schema.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { tempDir } from '../helpers/cli.js';

async function run(argv: string[], timeoutMs = 10_000): Promise<RunResult> {
  let r: RunResult | undefined;
  for await (const e of runCommand({ argv, shell: false, cwd: tmpdir(), env: {}, timeoutMs, graceMs: 500 })) if (e.type === 'finished') r = e.result;
  return r!;
}

describe('review fixes', () => {
  it('a one-line output keeps its tail (no newline to cut at)', () => {
    const h = new HeadTail(32 * 1024, 32 * 1024);
    h.push(Buffer.from('x'.repeat(100_000)));
    h.push(Buffer.from(' FATAL: the real error is here\n'));
    const text = h.text();
    expect(text).toContain('FATAL: the real error is here');
    const dropped = Number(/\[… (\d+) bytes not kept …\]/.exec(text)![1]);
    // The 100,000-byte token is cut on both sides of the gap: no part of it is kept (it could be half a secret).
    expect(dropped).toBe(100_000);
    expect(text).toBe('\n[… 100000 bytes not kept …]\n FATAL: the real error is here\n');
  });

  it('a background grandchild that ignores SIGTERM does not turn a successful step into a timeout', async () => {
    // Waiting for the grandchild (30 s) would hit the 5 s timeout: timedOut false proves it was not waited for.
    const r = await run(['bash', '-c', "(trap '' TERM; exec sleep 30) & echo bg; exit 0"], 5000);
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
  });

  it('a record that would exceed the cap once serialised is shrunk to fit', async () => {
    const r = await run(['bash', '-c', 'head -c 200000 /dev/zero | tr "\\0" "\\377"; head -c 200000 /dev/zero | tr "\\0" "\\"" >&2']);
    const data = fitRecord(commandRecord({ shownArgv: ['x'], shell: false, cwd: '/' }, r, 'big'));
    expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThan(200 * 1024);
    expect(data.stdout.truncated && data.stderr.truncated).toBe(true);
    const home = tempDir();
    try {
      const store = new IncidentStore(createIncidentLog(home.dir, '20261126-0000-bigg'));
      expect(() => store.append({ type: 'command.ran', actor: { kind: 'human', name: 'a' }, data })).not.toThrow();
    } finally {
      home.cleanup();
    }
  });

  it('secret parameter values are never recorded, in argv or params', async () => {
    const rb: Runbook = { id: 's', title: 'S', summary: 'S', severity: 'info', parameters: [{ name: 'pw', pattern: '\\S+', secret: true }], steps: [{ id: 'use', title: 'use', kind: 'check', command: ['echo', 'pw={{pw}}'] }] };
    const home = tempDir();
    try {
      const path = createIncidentLog(home.dir, '20261126-0000-secr');
      const store = new IncidentStore(path);
      store.append({ type: 'runbook.selected', actor: { kind: 'human', name: 'a' }, data: { runbook: rb, file: 'f', sha256: 'x', params: {}, matched_by: 'flag' } }, { trustedRunbook: true });
      const state = replay('x', readLogFile(path).events);
      const p = prepareStep(state, 'use', { cwd: home.dir, secrets: { pw: 'Sup3rS3cretValue' } });
      if (!p.ok) throw new Error(p.reason);
      expect(p.command.argv).toEqual(['echo', 'pw=Sup3rS3cretValue']);
      expect(p.command.shownArgv).toEqual(['echo', 'pw={{pw}}']);
      for await (const _ of executeStep(store, { kind: 'human', name: 'a' }, p.command)) { /* drain */ }
      const raw = fs.readFileSync(path, 'utf8');
      expect(raw).not.toContain('Sup3rS3cretValue');
      expect(raw).toContain('pw=[REDACTED:value]');
    } finally {
      home.cleanup();
    }
  });

  it('redaction runs in linear time on long runs, and covers URL passwords with "@" and password flags', () => {
    // Backtracking on these would take minutes: the test's own timeout is the cap, no speed is asserted.
    expect(redact(`token ${'a-'.repeat(32_768)}`)).toMatch(/^token /);
    expect(redact(`key ${'A1b2-_'.repeat(11_000)}`)).toMatch(/^key /);
    expect(redact('postgres://app:s3cr@tP4ss@db/x')).toBe('postgres://app:[REDACTED:url-password]@db/x');
    expect(redact('mysql --password s3cretP4ss -u x')).toBe('mysql --password [REDACTED:password-flag] -u x');
    expect(redact('redis-cli -h r -a s3cretP4ss ping')).toBe('redis-cli -h r -a [REDACTED:password-flag] ping');
    expect(redact('mail ops@example.test, see https://user@host/path')).toBe('mail ops@example.test, see https://user@host/path');
  });

  it('a hash-valid record with the wrong data shape is skipped by replay, and verify still works', () => {
    const home = tempDir();
    try {
      const path = createIncidentLog(home.dir, '20261126-0000-odd1');
      const store = new IncidentStore(path);
      store.append({ type: 'runbook.selected', actor: { kind: 'human', name: 'a' }, data: { ref: 'demo' } as never });
      store.append({ type: 'note.added', actor: { kind: 'human', name: 'a' }, data: { text: 'after' } });
      const { events } = readLogFile(path);
      expect(verifyEvents(events).ok).toBe(true);
      const s = replay('x', events);
      expect(s.malformed).toEqual(['1']);
      expect(s.runbook).toBeUndefined();
      expect(s.notes.map((n) => n.text)).toEqual(['after']);
    } finally {
      home.cleanup();
    }
  });

  it('the one-parse fast path refuses lines that are not one record each (crafted files)', () => {
    const home = tempDir();
    try {
      const path = createIncidentLog(home.dir, '20261126-0000-craf');
      const store = new IncidentStore(path);
      for (const t of ['a', 'b', 'c']) store.append({ type: 'note.added', actor: { kind: 'human', name: 'a' }, data: { text: t } });
      const [r1, r2, r3] = fs.readFileSync(path, 'utf8').split('\n').filter(Boolean);
      const crafted = Buffer.from(`{"x":"}\n${r1!.replace(/^\{/, '{","')}\n${r2},${r3}\n`);
      const parsed = parseLog(crafted);
      expect(parsed.events).toHaveLength(0);
      expect(parsed.torn).toHaveLength(3);
    } finally {
      home.cleanup();
    }
  });
});

describe('review fixes, second round', () => {
  it('quotes of oncall\'s own wording, and quotes too short to mean anything, do not ground a hypothesis', async () => {
    const { buildContext } = await import('../../src/hypotheses/context.js');
    const { checkCites } = await import('../../src/hypotheses/grounding.js');
    const events = parseLog(fs.readFileSync(new URL('../fixtures/postmortem/rich.jsonl', import.meta.url))).events;
    const { logSources } = await import('../../src/hypotheses/run.js');
    const state = replay('x', events);
    const c = buildContext(state, events, 8000, []);
    if (!c.ok) throw new Error('context');
    const h = (seq: number, quote: string) => checkCites({ cites: [{ seq, quote }] }, logSources(state, events, c.context.shown)).grounding;
    expect(h(1, 'incident opened')).toBe('ungrounded');
    expect(h(3, 'runbook:')).toBe('ungrounded');
    expect(h(1, '(severity')).toBe('ungrounded');
    expect(h(9, '/var')).toBe('ungrounded');
    expect(h(9, '31G /var/log')).toBe('grounded');
  });

  it('URLs glued to an underscore become code spans too', async () => {
    const { md } = await import('../../src/postmortem/markdown.js');
    expect(md('see _www.evil.example/login and x_https://evil.example/p.png')).toBe('see \\_`www.evil.example/login` and x\\_`https://evil.example/p.png`');
  });

  it('the importer marks writes that look like reads as actions, keeps Go templates manual, and does not hang on many comments', async () => {
    const { importMarkdown } = await import('../../src/import/markdown.js');
    const { classifyCommand } = await import('../../src/runbook/command-safety.js');
    for (const c of ["psql -c 'drop table users'", 'echo c > /proc/sysrq-trigger', 'find /var/log -name "*.gz" -delete', 'ip link set eth0 down', 'mount -o remount,ro /data', 'redis-cli SHUTDOWN NOSAVE', 'oc exec pod -- mv /a /b', 'curl --request DELETE http://x/api', 'etcdctl put /k v', 'date -s "2020-01-01"']) {
      expect(classifyCommand(c), c).toBe('action');
    }
    const r = importMarkdown('# X\n\n## Check\n\n```sh\ndocker inspect -f "{{.State.Health.Status}}" web\n```\n', { file: 'x.md' });
    expect(r.runbook.steps[0]!.kind).toBe('manual');
    expect(parseRunbook(r.yaml, 'x.yaml').ok).toBe(true);
    // Exponential backtracking here took minutes: the test's own timeout is the cap.
    expect(importMarkdown(`${'<!-- c -->\n'.repeat(40)}---\ntitle: T\n---\n# T\n`, { file: 'x.md' }).runbook.title).toBe('T');
    expect(importMarkdown('# T\n\n![](x.png)\n', { file: 'x.md' }).runbook.summary).toBe('T');
  });

  it('notes that are blank once invisible characters are stripped do not fill required sections', async () => {
    const { buildPostmortem } = await import('../../src/postmortem/model.js');
    const home = tempDir();
    try {
      const path = createIncidentLog(home.dir, '20261126-0000-blnk');
      const store = new IncidentStore(path);
      const a = { kind: 'human' as const, name: 'a' };
      store.append({ type: 'incident.opened', actor: a, data: { title: 't', severity: 'warning', via: 't' } });
      for (const kind of ['summary', 'impact', 'root-cause'] as const) store.append({ type: 'note.added', actor: a, data: { text: '\u200b\u200b', kind } });
      store.append({ type: 'note.added', actor: a, data: { text: '[other]', kind: 'action' } });
      const { events } = readLogFile(path);
      const pm = buildPostmortem(replay('x', events), events, { verified: true, events: 5, head: 'h', log_sha256: 's', torn_lines: [] }, 'draft');
      expect(pm.missing).toEqual(['Summary', 'Impact', 'Root causes', 'Action items']);
    } finally {
      home.cleanup();
    }
  });
});
