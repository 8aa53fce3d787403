/**
 * Sharing over git against a bare repository on local disk:
 * - propagation: a note appended on home A appears in home B's merged view, both running the
 *   screen's background sync at the default interval (p50, p99 over 100 notes), against one
 *   `git fetch` with nothing new measured in the same run;
 * - one sync round with nothing new, and with 1,000 new records, in a repository of 100
 *   incidents x 1,000 events, against the same fetch;
 * - the remote's size per 10,000 events.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS, type StoredEvent } from '../src/incident/events.js';
import { hashEvent } from '../src/incident/hash.js';
import { readIncidentFiles } from '../src/incident/replicas.js';
import { IncidentStore } from '../src/incident/store.js';
import { BackgroundSync } from '../src/share/background.js';
import { defaultLabel, initShare, syncRound } from '../src/share/sync.js';
import { median, percentile, row } from './lib.js';

type Say = (s: string) => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function bareRepo(path: string): void {
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', path]);
}

/** 1,000-event logs written the way the store writes them (framing, chain, hlc), without 1,000 fsyncs each. */
function writeIncident(home: string, id: string, events: number, t0: number): void {
  const dir = join(home, 'incidents', id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let prev = GENESIS;
  const out: string[] = [];
  for (let i = 1; i <= events; i++) {
    const ts = new Date(t0 + i * 1000);
    const body = { seq: i, id: `${id}-${i}`, ts: ts.toISOString(), hlc: ts.getTime() * 1000, actor: { kind: 'human', name: 'alice' }, type: i === 1 ? 'incident.opened' : 'note.added', data: i === 1 ? { title: `incident ${id}`, severity: 'warning', via: 'open' } : { text: `checked db-${i % 7}: replication lag ${i % 90} s, disk ${40 + (i % 50)}% used` }, prev } as Omit<StoredEvent, 'hash'>;
    const e = { ...body, hash: hashEvent(body) };
    out.push(`\n${JSON.stringify(e)}\n`);
    prev = e.hash;
  }
  writeFileSync(join(dir, 'log.jsonl'), out.join(''), { mode: 0o600 });
}

function fetchBaseline(home: string): number {
  const gitDir = join(home, 'share', 'repo.git');
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    spawnSync('git', ['--git-dir', gitDir, 'fetch', '-q', 'origin'], { stdio: 'ignore' });
    times.push(performance.now() - t);
  }
  return median(times);
}

export async function sharingBench(say: Say, work: string, env: NodeJS.ProcessEnv): Promise<void> {
  // --- propagation ---
  const remote = join(work, 'share-remote.git');
  bareRepo(remote);
  const [a, b] = [join(work, 'share-a'), join(work, 'share-b')];
  const id = '20261129-1200-prop';
  writeIncident(a, id, 2, Date.parse('2026-11-29T12:00:00Z'));
  await initShare(a, remote, defaultLabel('alice'), env);
  await syncRound(a, { env, wait: true });
  await initShare(b, remote, defaultLabel('bob'), env);
  await syncRound(b, { env, wait: true });
  const fetch = fetchBaseline(b);
  say(row('sharing: one git fetch, nothing new (baseline)', `${fetch.toFixed(1)} ms`, '-', true));
  const syncA = new BackgroundSync(a, id, env, 1000);
  const syncB = new BackgroundSync(b, id, env, 1000);
  syncA.start();
  syncB.start();
  const store = new IncidentStore(join(a, 'incidents', id, 'log.jsonl'));
  const bDir = join(b, 'incidents', id);
  const lat: number[] = [];
  try {
    for (let i = 0; i < 100; i++) {
      const text = `propagation note ${i}`;
      // Spread over the poll phase, as notes are in life.
      await sleep(Math.random() * 300);
      store.append({ type: 'note.added', actor: { kind: 'human', name: 'alice' }, data: { text } });
      const t = performance.now();
      for (;;) {
        const ev = readIncidentFiles(join(bDir, 'log.jsonl'), bDir, undefined).events;
        if (ev.some((e) => (e.data as { text?: string }).text === text)) break;
        if (performance.now() - t > 30_000) throw new Error(`note ${i} did not reach B in 30 s`);
        await sleep(10);
      }
      lat.push(performance.now() - t);
    }
  } finally {
    syncA.stop();
    syncB.stop();
    store.close();
  }
  const p50 = percentile(lat, 50);
  const p99 = percentile(lat, 99);
  say(row('sharing: note on A → B\'s merged view, default 1 s interval, p50', `${p50.toFixed(0)} ms = ${(p50 / fetch).toFixed(1)}x a fetch`, '-', true));
  say(row('sharing: note on A → B\'s merged view, default 1 s interval, p99', `${p99.toFixed(0)} ms = ${(p99 / fetch).toFixed(1)}x a fetch`, '< 2000 ms', p99 < 2000));

  // --- round costs on 100 incidents x 1,000 events ---
  const big = join(work, 'share-big');
  const bigRemote = join(work, 'share-big.git');
  bareRepo(bigRemote);
  const t0 = Date.parse('2026-10-01T00:00:00Z');
  const ids = Array.from({ length: 100 }, (_, i) => `20261001-${String(Math.floor(i / 60)).padStart(2, '0')}${String(i % 60).padStart(2, '0')}-bn${'abcdefghjk'[Math.floor(i / 10)]}${'abcdefghjk'[i % 10]}`);
  for (const [i, x] of ids.entries()) writeIncident(big, x, 1000, t0 + i * 3_600_000);
  await initShare(big, bigRemote, defaultLabel('alice'), env);
  let t = performance.now();
  const first = await syncRound(big, { env, wait: true });
  const firstMs = performance.now() - t;
  if (!first.ok || first.pushed !== 100_000) throw new Error(`first round: ${JSON.stringify({ ok: first.ok, pushed: first.pushed, error: first.error })}`);
  const fetchBig = fetchBaseline(big);
  const idle: number[] = [];
  for (let i = 0; i < 7; i++) {
    t = performance.now();
    const r = await syncRound(big, { env, wait: true });
    idle.push(performance.now() - t);
    if (!r.ok || r.pushed !== 0) throw new Error('an idle round pushed something');
  }
  const s = new IncidentStore(join(big, 'incidents', ids[42]!, 'log.jsonl'));
  for (let i = 0; i < 1000; i++) s.append({ type: 'note.added', actor: { kind: 'human', name: 'bob' }, data: { text: `new note ${i}: lag 12 s on db-3` } });
  s.close();
  t = performance.now();
  const r1000 = await syncRound(big, { env, wait: true });
  const newMs = performance.now() - t;
  if (!r1000.ok || r1000.pushed !== 1000) throw new Error(`the 1,000-record round pushed ${r1000.pushed}`);
  say(row('sharing: 100 incidents x 1,000 events, first push (100,000 records)', `${(firstMs / 1000).toFixed(1)} s`, '-', true));
  say(row('sharing: 100 x 1,000 events, one git fetch (baseline)', `${fetchBig.toFixed(1)} ms`, '-', true));
  say(row('sharing: one round, nothing new', `${median(idle).toFixed(0)} ms = ${(median(idle) / fetchBig).toFixed(1)}x a fetch`, '-', true));
  say(row('sharing: one round, 1,000 new records', `${newMs.toFixed(0)} ms = ${(newMs / fetchBig).toFixed(1)}x a fetch`, '-', true));
  const kb = (dir: string) => Number(execFileSync('du', ['-sk', dir]).toString().split('\t')[0]);
  const logs = kb(join(big, 'incidents'));
  const size = kb(bigRemote);
  say(row('sharing: remote size per 10,000 events', `${((size / 101_000) * 10_000 / 1024).toFixed(2)} MiB = ${(size / logs).toFixed(2)}x the logs on disk`, '-', true));
}
