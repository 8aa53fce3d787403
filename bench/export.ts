/** Postmortem export of a 100,000-event log: wall time and peak RSS, against parsing the same log. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS, type StoredEvent } from '../src/incident/events.js';
import { hashEvent } from '../src/incident/hash.js';
import { median, row } from './lib.js';

/** Writes a valid, chained log directly (no fsync per record: this is test data, not a log in use). */
function writeLog(path: string, n: number): void {
  const lines: string[] = [];
  let prev = GENESIS;
  const t0 = Date.parse('2026-11-26T00:00:00.000Z');
  const actor = { kind: 'human' as const, name: 'bench' };
  for (let seq = 1; seq <= n; seq++) {
    const type = seq === 1 ? 'incident.opened' : seq % 10 === 0 ? 'command.ran' : 'note.added';
    const data = seq === 1 ? { title: 'Export benchmark', severity: 'warning', via: 'bench' }
      : type === 'command.ran' ? { argv: ['df', '-h'], shell: false, cwd: '/', exit_code: 0, signal: null, duration_ms: 12, timed_out: false, cancelled: false, stdout: { text: 'Filesystem Size Used Avail Use% Mounted on\n/dev/sda1 50G 20G 30G 40% /\n', bytes: 80, truncated: false }, stderr: { text: '', bytes: 0, truncated: false } }
      : { text: `note ${seq}: checked https://grafana.example.test/d/x again, nothing new`, ...(seq % 1000 === 0 ? { kind: 'lesson' } : {}) };
    const body = { seq, id: `e${seq}`, ts: new Date(t0 + seq * 1000).toISOString(), actor, type, data, prev } as Omit<StoredEvent, 'hash'>;
    const hash = hashEvent(body);
    lines.push(`\n${JSON.stringify({ ...body, hash })}`);
    prev = hash;
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function peak(cmd: string[], env: NodeJS.ProcessEnv): { ms: number; rssMb: number } {
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 20 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr}`);
  const kb = Number(r.stderr.toString().trim().split('\n').pop());
  return { ms, rssMb: kb / 1024 };
}

export function exportBench(say: (s: string) => void, root: string, work: string, env: NodeJS.ProcessEnv): void {
  const home = join(work, 'export-home');
  const id = '20261126-0000-hund';
  mkdirSync(join(home, 'incidents', id), { recursive: true, mode: 0o700 });
  const log = join(home, 'incidents', id, 'log.jsonl');
  writeLog(log, 100_000);
  const e = { ...env, ONCALL_HOME: home };
  const base: { ms: number; rssMb: number }[] = [];
  const runs: { ms: number; rssMb: number }[] = [];
  for (let i = 0; i < 3; i++) {
    base.push(peak([process.execPath, '-e', `const t=require('fs').readFileSync(${JSON.stringify(log)},'utf8');for(const l of t.split('\\n'))if(l)JSON.parse(l)`], e));
    runs.push(peak([process.execPath, join(root, 'bin/oncall.js'), 'export-postmortem', '--incident', id], e));
  }
  const b = median(base.map((x) => x.ms));
  const ms = median(runs.map((x) => x.ms));
  const rss = Math.max(...runs.map((x) => x.rssMb));
  say(row('100,000 events: node reads + JSON.parse (baseline)', `${b.toFixed(0)} ms, ${Math.max(...base.map((x) => x.rssMb)).toFixed(0)} MB`, '-', true));
  say(row('100,000 events: export-postmortem (md), median of 3', `${ms.toFixed(0)} ms = ${(ms / b).toFixed(1)}x`, '< 2000 ms', ms < 2000));
  say(row('100,000 events: export-postmortem peak RSS', `${rss.toFixed(0)} MB`, '< 300 MB', rss < 300));
}
