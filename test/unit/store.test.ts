import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogWriteError } from '../../src/errors.js';
import { createIncidentLog, IncidentStore, type StoreFs } from '../../src/incident/store.js';
import { parseLog, readLogFile, verifyEvents } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import type { Actor } from '../../src/incident/events.js';
import { renderMarkdown } from '../../src/postmortem/markdown.js';
import { buildPostmortem } from '../../src/postmortem/model.js';
import { tempDir } from '../helpers/cli.js';

const alice: Actor = { kind: 'human', name: 'alice' };
let cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.forEach((c) => c());
  cleanups = [];
});
function freshLog(): { home: string; path: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return { home: t.dir, path: createIncidentLog(t.dir, '20261126-0300-abcd') };
}

describe('incident store', () => {
  it('appends records with seq 1..n, a hash chain, 0600 file and 0700 folders', () => {
    const { home, path } = freshLog();
    const s = new IncidentStore(path);
    s.append({ type: 'incident.opened', actor: alice, data: { title: 'Disk full', severity: 'critical', via: 'test' } });
    for (let i = 0; i < 9; i++) s.append({ type: 'note.added', actor: alice, data: { text: `note ${i}` } });
    s.close();
    const { events, torn } = readLogFile(path);
    expect(torn).toEqual([]);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(verifyEvents(events).ok).toBe(true);
    expect(fs.statSync(path).mode & 0o777).toBe(0o600);
    expect(fs.statSync(join(home, 'incidents')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(join(home, 'incidents', '20261126-0300-abcd')).mode & 0o777).toBe(0o700);
    // Every record starts on a fresh line: "\n" + JSON + "\n".
    expect(fs.readFileSync(path, 'utf8').startsWith('\n{"seq":1,')).toBe(true);
  });

  it('continues the chain across processes/stores opened on the same file', () => {
    const { path } = freshLog();
    const a = new IncidentStore(path);
    const b = new IncidentStore(path);
    a.append({ type: 'note.added', actor: alice, data: { text: 'a1' } });
    b.append({ type: 'note.added', actor: alice, data: { text: 'b1' } });
    a.append({ type: 'note.added', actor: alice, data: { text: 'a2' } });
    const { events } = readLogFile(path);
    expect(events.map((e) => [e.seq, (e.data as { text: string }).text])).toEqual([[1, 'a1'], [2, 'b1'], [3, 'a2']]);
    expect(verifyEvents(events).ok).toBe(true);
  });

  it('redacts secrets before they reach the disk', () => {
    const { path } = freshLog();
    const s = new IncidentStore(path);
    s.append({ type: 'note.added', actor: alice, data: { text: 'db is postgres://app:hunter2secret@db:5432/x, token ghp_' + 'A'.repeat(36) } });
    const raw = fs.readFileSync(path, 'utf8');
    expect(raw).not.toContain('hunter2secret');
    expect(raw).not.toContain('ghp_AAAA');
    expect(raw).toContain('[REDACTED:url-password]');
  });

  it('skips and reports a torn line and keeps reading the records after it', () => {
    const { path } = freshLog();
    const s = new IncidentStore(path);
    s.append({ type: 'note.added', actor: alice, data: { text: 'before' } });
    // A writer killed mid-write leaves a fragment with no newline.
    fs.appendFileSync(path, '\n{"seq":2,"id":"x","ts":"2026-');
    s.append({ type: 'note.added', actor: alice, data: { text: 'after' } });
    const { events, torn } = readLogFile(path);
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    expect(torn).toHaveLength(1);
    expect(torn[0]!.reason).toMatch(/torn/);
    expect(verifyEvents(events).ok).toBe(true);
  });

  it('reads the same records whether or not the log has a torn line (fast and line-by-line paths)', () => {
    const { path } = freshLog();
    const s = new IncidentStore(path);
    for (let i = 1; i <= 20; i++) s.append({ type: 'note.added', actor: alice, data: { text: `n${i} {"x":1},{"y":2}` } });
    const clean = fs.readFileSync(path);
    const torn = Buffer.concat([clean, Buffer.from('\n{"seq":21,"id":"x","ts')]);
    const a = parseLog(clean);
    const b = parseLog(torn);
    expect(a.torn).toEqual([]);
    expect(b.torn).toHaveLength(1);
    expect(b.events).toEqual(a.events);
    expect(a.events).toHaveLength(20);
  });

  it('reads a log in chunks exactly as whole: same records, torn lines, offsets and sha256, whatever the chunk size', () => {
    const { path } = freshLog();
    const s = new IncidentStore(path);
    // Multi-byte text, so chunk edges fall inside characters as well as inside records.
    for (let i = 1; i <= 12; i++) s.append({ type: 'note.added', actor: alice, data: { text: `n${i} café 😀 ${'x'.repeat(i * 7)}` } });
    const clean = fs.readFileSync(path);
    const damaged: [string, Buffer][] = [
      ['intact', clean],
      ['torn tail', Buffer.concat([clean, Buffer.from('\n{"seq":13,"id":"x","ts')])],
      ['garbage in the middle', Buffer.concat([clean.subarray(0, 400), Buffer.from('\nnot json\n'), clean.subarray(400)])],
      ['CRLF', Buffer.from(clean.toString('utf8').replace(/\n/g, '\r\n'))],
      ['NUL tail', Buffer.concat([clean, Buffer.alloc(300)])],
      ['no final newline', clean.subarray(0, clean.length - 1)],
      ['empty', Buffer.alloc(0)],
    ];
    for (const [name, bytes] of damaged) {
      fs.writeFileSync(path, bytes);
      const whole = readLogFile(path, { sha256: true });
      expect(whole.sha256, name).toBe(createHash('sha256').update(bytes).digest('hex'));
      for (const chunkBytes of [1, 3, 7, 64, 4096]) expect(readLogFile(path, { sha256: true, chunkBytes }), `${name}, ${chunkBytes}-byte chunks`).toEqual(whole);
    }
  });

  it('a status change is decided against the log under its lock, not against what a writer read earlier', () => {
    const { path } = freshLog();
    // Two terminals on one incident: each has its own open file (as two processes would).
    const a = new IncidentStore(path);
    const b = new IncidentStore(path);
    const bob: Actor = { kind: 'human', name: 'bob' };
    a.append({ type: 'note.added', actor: alice, data: { text: 'looking' } });
    // a saw "investigating"; meanwhile b mitigates.
    expect(b.changeStatus('mitigated', bob)?.data).toEqual({ from: 'investigating', to: 'mitigated' });
    // a resolves: the record says from mitigated, the status the log had when a wrote.
    expect(a.changeStatus('resolved', alice)?.data).toEqual({ from: 'mitigated', to: 'resolved' });
    // b asks for resolved too: the log already says so, and nothing is written.
    expect(b.changeStatus('resolved', bob)).toBeUndefined();
    // Records replay skips change nothing here either: a malformed target, and a line that is
    // not a whole record (no actor, id or ts).
    fs.appendFileSync(path, `\n${JSON.stringify({ seq: 99, hash: 'x', type: 'status.changed', data: { to: 'gone' } })}\n`);
    fs.appendFileSync(path, `\n${JSON.stringify({ seq: 100, hash: 'y', type: 'status.changed', data: { from: 'resolved', to: 'mitigated' } })}\n`);
    const c = new IncidentStore(path);
    expect(replay('x', readLogFile(path).events).status).toBe('resolved');
    expect(c.changeStatus('investigating', bob)?.data).toEqual({ from: 'resolved', to: 'investigating' });
    for (const s of [a, b, c]) s.close();
    const { events } = readLogFile(path);
    expect(events.filter((e) => e.type === 'status.changed').map((e) => e.data)).toEqual([
      { from: 'investigating', to: 'mitigated' }, { from: 'mitigated', to: 'resolved' }, { from: 'resolved', to: 'investigating' },
    ]);
    expect(replay('x', events).status).toBe('investigating');
  });

  it('names the first bad seq when a line was edited, removed, reordered or duplicated', () => {
    const { path } = freshLog();
    const s = new IncidentStore(path);
    for (let i = 1; i <= 5; i++) s.append({ type: 'note.added', actor: alice, data: { text: `n${i}` } });
    const lines = fs.readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const check = (ls: string[]) => verifyEvents(parseLog(Buffer.from(ls.join('\n'))).events);
    expect(check(lines.map((l, i) => (i === 2 ? l.replace('"n3"', '"n3 edited"') : l)))).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/edited/) });
    expect(check(lines.filter((_, i) => i !== 1))).toMatchObject({ ok: false, seq: 2, reason: expect.stringMatching(/missing/) });
    expect(check([lines[0]!, lines[2]!, lines[1]!, lines[3]!, lines[4]!])).toMatchObject({ ok: false, seq: 2 });
    expect(check([...lines, lines[4]!])).toMatchObject({ ok: false, seq: 5, reason: expect.stringMatching(/again/) });
    expect(check(lines)).toMatchObject({ ok: true, count: 5 });
  });

  it('treats an fsync error as fatal: nothing acknowledged, and no later append succeeds', () => {
    const { path } = freshLog();
    let failNext = false;
    const flaky: StoreFs = {
      openSync: fs.openSync, fstatSync: fs.fstatSync, closeSync: fs.closeSync,
      writeSync: (fd, buf) => fs.writeSync(fd, buf),
      readSync: (fd, b, o, l, p) => fs.readSync(fd, b, o, l, p),
      fsyncSync: (fd) => {
        if (failNext) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        fs.fsyncSync(fd);
      },
    };
    const s = new IncidentStore(path, undefined, flaky);
    s.append({ type: 'note.added', actor: alice, data: { text: 'ok' } });
    failNext = true;
    expect(() => s.append({ type: 'note.added', actor: alice, data: { text: 'lost' } })).toThrow(LogWriteError);
    failNext = false;
    expect(() => s.append({ type: 'note.added', actor: alice, data: { text: 'after' } })).toThrow(/fsync .* failed/);
  });

  it('treats a short write as fatal and never retries it', () => {
    const { path } = freshLog();
    let writes = 0;
    const short: StoreFs = {
      openSync: fs.openSync, fstatSync: fs.fstatSync, closeSync: fs.closeSync, fsyncSync: fs.fsyncSync,
      readSync: (fd, b, o, l, p) => fs.readSync(fd, b, o, l, p),
      writeSync: (fd, buf) => {
        writes++;
        return fs.writeSync(fd, buf.subarray(0, 10));
      },
    };
    const s = new IncidentStore(path, undefined, short);
    expect(() => s.append({ type: 'note.added', actor: alice, data: { text: 'x' } })).toThrow(/short write/);
    expect(writes).toBe(1);
  });

  it('refuses a record over the cap', () => {
    const { path } = freshLog();
    const s = new IncidentStore(path);
    expect(() => s.append({ type: 'note.added', actor: alice, data: { text: 'x'.repeat(300 * 1024) } })).toThrow(/record cap/);
    expect(readLogFile(path).events).toHaveLength(0);
  });
});

describe('replay', () => {
  it('folds events into incident state', () => {
    const { path } = freshLog();
    const s = new IncidentStore(path);
    s.append({ type: 'incident.opened', actor: alice, data: { title: 'API 5xx', severity: 'critical', via: 'test' } });
    s.append({ type: 'note.added', actor: { kind: 'human', name: 'bob' }, data: { text: 'looking', kind: 'impact' } });
    s.append({ type: 'status.changed', actor: alice, data: { from: 'investigating', to: 'mitigated' } });
    s.append({ type: 'step.skipped', actor: alice, data: { step: 'rollback', reason: 'no deploy today' } });
    const st = replay('20261126-0300-abcd', readLogFile(path).events);
    expect(st).toMatchObject({ title: 'API 5xx', severity: 'critical', status: 'mitigated', operators: ['alice', 'bob'], lastSeq: 4 });
    expect(st.mitigated?.seq).toBe(3);
    expect(st.steps.rollback).toMatchObject({ status: 'skipped', reason: 'no deploy today' });
    expect(st.notes[0]).toMatchObject({ kind: 'impact', text: 'looking', seq: 2 });
  });

  it('skips a command record whose argv is not all strings, and the postmortem still renders', () => {
    const { path } = freshLog();
    const s = new IncidentStore(path);
    s.append({ type: 'incident.opened', actor: alice, data: { title: 'odd', severity: 'warning', via: 'test' } });
    const out = { text: '', bytes: 0, truncated: false };
    // A hand edit or a bug elsewhere: an argv element that is a list. Rendering it used to throw.
    s.append({ type: 'command.ran', actor: alice, data: { argv: [['a b']] as unknown as string[], shell: false, cwd: '/', exit_code: 0, signal: null, duration_ms: 1, timed_out: false, cancelled: false, stdout: out, stderr: out } });
    const events = readLogFile(path).events;
    const st = replay('20261126-0300-abcd', events);
    expect(st.malformed).toEqual(['2']);
    expect(st.commands).toEqual([]);
    const v = verifyEvents(events);
    const doc = renderMarkdown(buildPostmortem(st, events, { verified: v.ok, events: v.count, head: v.head, log_sha256: 'x', torn_lines: [] }, 'draft'));
    expect(doc).toContain('# Postmortem: odd');
  });
});
