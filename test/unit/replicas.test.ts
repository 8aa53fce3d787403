/** Replicas: the merged view's order, references, the clock, and logs written before sharing. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENESIS, type StoredEvent } from '../../src/incident/events.js';
import { hashEvent } from '../../src/incident/hash.js';
import { readLogFile, verifyEvents } from '../../src/incident/reader.js';
import { clockOf, mergeFiles, originOf, parseRef, readIncidentFiles, refOf } from '../../src/incident/replicas.js';
import { replay } from '../../src/incident/replay.js';
import { createIncidentLog, IncidentStore } from '../../src/incident/store.js';
import { checkCite } from '../../src/hypotheses/grounding.js';
import { logSources } from '../../src/hypotheses/run.js';
import { buildContext } from '../../src/hypotheses/context.js';
import { tempDir } from '../helpers/cli.js';

const t = tempDir('oncall-replicas-');
afterAll(() => t.cleanup());

/** A chain of records as a writer would make them (`hlc` given, or none for a record from before sharing). */
function chain(spec: { type?: string; text?: string; ts: string; hlc?: number }[]): StoredEvent[] {
  const out: StoredEvent[] = [];
  let prev = GENESIS;
  spec.forEach((s, i) => {
    const body = { seq: i + 1, id: `id-${i}`, ts: s.ts, ...(s.hlc !== undefined ? { hlc: s.hlc } : {}), actor: { kind: 'human' as const, name: 'x' }, type: (s.type ?? 'note.added') as StoredEvent['type'], data: s.type === 'incident.opened' ? { title: 't', severity: 'warning', via: 'open' } : { text: s.text ?? `n${i}` }, prev } as Omit<StoredEvent, 'hash'>;
    const e = { ...body, hash: hashEvent(body) } as StoredEvent;
    out.push(e);
    prev = e.hash;
  });
  return out;
}
const file = (replica: string, events: StoredEvent[], own = false) => ({ replica, path: `${replica}.jsonl`, own, read: { events, records: events, torn: [] } });

describe('the merged view', () => {
  it('orders by (clock, replica, seq); the origin is the replica whose chain opens the incident; others are cited replica:seq', () => {
    const a = chain([{ type: 'incident.opened', ts: '2026-11-29T10:00:00.000Z', hlc: 1_000 }, { text: 'a2', ts: '2026-11-29T10:00:03.000Z', hlc: 3_000 }]);
    const b = chain([{ text: 'b1', ts: '2026-11-29T10:00:02.000Z', hlc: 2_000 }, { text: 'b2', ts: '2026-11-29T10:00:03.000Z', hlc: 3_000 }]);
    const m = mergeFiles([file('bbbbbb', b, true), file('aaaaaa', a)]);
    expect(m.events.map((e) => refOf(e))).toEqual(['1', 'bbbbbb:1', '2', 'bbbbbb:2']);
    expect(m.replicas.find((r) => r.replica === 'aaaaaa')?.origin).toBe(true);
    // The same records in another order of files give the same view (every machine agrees).
    const again = mergeFiles([file('aaaaaa', chain([{ type: 'incident.opened', ts: '2026-11-29T10:00:00.000Z', hlc: 1_000 }, { text: 'a2', ts: '2026-11-29T10:00:03.000Z', hlc: 3_000 }]), true), file('bbbbbb', chain([{ text: 'b1', ts: '2026-11-29T10:00:02.000Z', hlc: 2_000 }, { text: 'b2', ts: '2026-11-29T10:00:03.000Z', hlc: 3_000 }]))]);
    expect(again.events.map((e) => refOf(e))).toEqual(['1', 'bbbbbb:1', '2', 'bbbbbb:2']);
  });

  it('a chain whose clock goes backwards still reads in seq order; a record from before sharing takes its time as its clock', () => {
    const events = chain([{ type: 'incident.opened', ts: '2026-11-29T10:00:05.000Z' }, { text: 'old clock', ts: '2026-11-29T10:00:01.000Z' }, { text: 'hlc', ts: '2026-11-29T10:00:02.000Z', hlc: 5 }]);
    expect(clockOf(events[0]!, 0)).toBe(Date.parse('2026-11-29T10:00:05.000Z') * 1000);
    const m = mergeFiles([file('aaaaaa', events, true)]);
    expect(m.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(replay('x', m.events).notes.map((n) => n.text)).toEqual(['old clock', 'hlc']);
  });

  it('originOf: none until a chain starts with incident.opened; the earliest when a crafted file claims it too', () => {
    expect(originOf([{ replica: 'bbbbbb', events: chain([{ ts: '2026-11-29T10:00:00.000Z', hlc: 1 }]) }])).toBeUndefined();
    expect(originOf([
      { replica: 'bbbbbb', events: chain([{ type: 'incident.opened', ts: '2026-11-29T10:00:09.000Z', hlc: 9 }]) },
      { replica: 'cccccc', events: chain([{ type: 'incident.opened', ts: '2026-11-29T10:00:01.000Z', hlc: 1 }]) },
    ])).toBe('cccccc');
  });

  it('parseRef reads what the screen shows, and nothing else', () => {
    expect(parseRef('15')).toEqual({ seq: 15 });
    expect(parseRef('#15')).toEqual({ seq: 15 });
    expect(parseRef('k3f9qa:4')).toEqual({ seq: 4, replica: 'k3f9qa' });
    for (const bad of ['0', '-1', '1.5', 'k3f9q:4', 'K3F9QA:4', 'k3f9qa:', ':4', 'k3f9qa:4x', '1e3', '']) expect(parseRef(bad), bad).toBeUndefined();
  });
});

describe('logs written before sharing', () => {
  it('a log of records without hlc reads and verifies unchanged; records appended now carry hlc, above the old records, and the chain still verifies', () => {
    const path = createIncidentLog(t.dir, '20261101-0300-legc');
    // Written as the previous version wrote them: no hlc field.
    const old = chain([{ type: 'incident.opened', ts: '2026-11-01T03:00:00.000Z' }, { text: 'before sharing', ts: '2026-11-01T03:01:00.000Z' }]);
    writeFileSync(path, old.map((e) => `\n${JSON.stringify(e)}\n`).join(''));
    const bytes = readFileSync(path);
    const read = readIncidentFiles(path, join(t.dir, 'incidents', '20261101-0300-legc'), undefined);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(read.events.every((e) => e.replica === undefined)).toBe(true);
    expect(verifyEvents(read.records).ok).toBe(true);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    // A clock far in the past: the new record's hlc is still above the old ones.
    const store = new IncidentStore(path, { now: () => new Date('2020-01-01T00:00:00.000Z') });
    const e = store.append({ type: 'note.added', actor: { kind: 'human', name: 'x' }, data: { text: 'after' } });
    store.close();
    expect(e.hlc).toBe(Date.parse('2026-11-01T03:01:00.000Z') * 1000 + 1);
    const after = readLogFile(path);
    expect(verifyEvents(after.events)).toMatchObject({ ok: true, count: 3 });
    expect(after.events[2]!.hlc).toBe(e.hlc);
  });

  it('a record whose hlc is edited fails verification (the clock is hashed)', () => {
    const [e] = chain([{ type: 'incident.opened', ts: '2026-11-29T10:00:00.000Z', hlc: 1_000 }]);
    expect(verifyEvents([{ ...e!, hlc: 999 }]).ok).toBe(false);
  });

  it('the writer of a joined incident writes above every other replica\'s record it can see, and its records are cited replica:seq', () => {
    const home = join(t.dir, 'home2');
    const dir = join(home, 'incidents', '20261129-1000-join');
    mkdirSync(join(dir, 'replicas'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, 'replica.json'), JSON.stringify({ id: 'mmmmmm', label: 'me@here' }), { mode: 0o600 });
    // The other machine's clock runs an hour ahead of this one's: this record still sorts after it.
    const ahead = Date.parse('2026-11-29T11:00:00.000Z') * 1000;
    const theirs = chain([{ type: 'incident.opened', ts: '2026-11-29T11:00:00.000Z', hlc: ahead }]);
    writeFileSync(join(dir, 'replicas', 'pppppp.jsonl'), `${JSON.stringify(theirs[0])}\n`, { mode: 0o600 });
    const store = new IncidentStore(join(dir, 'log.jsonl'), { now: () => new Date('2026-11-29T10:00:00.000Z') });
    const e = store.append({ type: 'note.added', actor: { kind: 'human', name: 'me' }, data: { text: 'joined' } });
    store.close();
    expect(e.hlc).toBe(ahead + 1);
    expect(refOf(e)).toBe('mmmmmm:1');
    const m = readIncidentFiles(join(dir, 'log.jsonl'), dir, 'mmmmmm');
    expect(m.events.map((x) => refOf(x))).toEqual(['1', 'mmmmmm:1']);
  });
});

describe('a crafted peer clock', () => {
  it('a peer record claiming a clock far in the future is not followed: the next record stays a safe integer and the chain verifies', () => {
    const home = join(t.dir, 'home3');
    const dir = join(home, 'incidents', '20261129-1100-clck');
    mkdirSync(join(dir, 'replicas'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, 'replica.json'), JSON.stringify({ id: 'nnnnnn', label: 'me@here' }), { mode: 0o600 });
    const theirs = chain([{ type: 'incident.opened', ts: '2026-11-29T11:00:00.000Z', hlc: Number.MAX_SAFE_INTEGER }]);
    writeFileSync(join(dir, 'replicas', 'qqqqqq.jsonl'), `${JSON.stringify(theirs[0])}\n`, { mode: 0o600 });
    const now = new Date('2026-11-29T11:05:00.000Z');
    const store = new IncidentStore(join(dir, 'log.jsonl'), { now: () => now });
    const a = store.append({ type: 'note.added', actor: { kind: 'human', name: 'me' }, data: { text: 'one' } });
    const b = store.append({ type: 'note.added', actor: { kind: 'human', name: 'me' }, data: { text: 'two' } });
    store.close();
    expect(a.hlc).toBe(now.getTime() * 1000);
    expect(b.hlc).toBe(now.getTime() * 1000 + 1);
    const own = readLogFile(join(dir, 'log.jsonl'));
    expect(own.torn).toEqual([]);
    expect(verifyEvents(own.events)).toMatchObject({ ok: true, count: 2 });
  });
});

describe('citations in a shared incident', () => {
  it('the context shows replica:seq, a cite of it is checked against that replica\'s record, and the same seq of another replica is another entry', () => {
    const a = chain([{ type: 'incident.opened', ts: '2026-11-29T10:00:00.000Z', hlc: 1_000 }, { text: 'disk 96% full on db-1', ts: '2026-11-29T10:00:02.000Z', hlc: 2_000 }]);
    const b = chain([{ text: 'replication lag 40 s on db-2', ts: '2026-11-29T10:00:01.000Z', hlc: 1_500 }, { text: 'failover done', ts: '2026-11-29T10:00:03.000Z', hlc: 3_000 }]);
    const events = mergeFiles([file('aaaaaa', a, true), file('bbbbbb', b)]).events;
    const state = replay('x', events);
    const built = buildContext(state, events, 100_000, []);
    if (!built.ok) throw new Error('context');
    expect(built.context.user).toContain('#bbbbbb:1 ');
    const src = logSources(state, events, built.context.shown);
    expect(checkCite({ seq: 'bbbbbb:1', quote: 'replication lag 40 s' }, src)).toMatchObject({ status: 'found', seq: 1, replica: 'bbbbbb' });
    // Seq 1 of the origin is the incident, not Bob's note: the quote is in another entry.
    expect(checkCite({ seq: 1, quote: 'replication lag 40 s' }, src)).toMatchObject({ status: 'wrong-event', verified: false });
    expect(checkCite({ seq: 'bbbbbb:9', quote: 'replication lag 40 s' }, src)).toMatchObject({ status: 'future', verified: false });
    expect(checkCite({ seq: 'cccccc:1', quote: 'replication lag 40 s' }, src)).toMatchObject({ status: 'no-such-entry', verified: false });
  });
});
