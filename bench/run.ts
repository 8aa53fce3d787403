/**
 * `npm run bench`: figures for the foundation's targets, each as a ratio against a baseline
 * measured in the same run on the same machine. Prints; never fails the build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIncidentLog, IncidentStore } from '../src/incident/store.js';
import { readLogFile, verifyEvents } from '../src/incident/reader.js';
import { replay } from '../src/incident/replay.js';
import { loadCatalog } from '../src/runbook/catalog.js';
import { median, percentile, row, timeCommand } from './lib.js';
import { makeIncident, tuiBench } from './tui.js';
import { nodesBench } from './nodes.js';
import { exportBench } from './export.js';
import { hypothesesBench } from './hypotheses.js';
import { redactBench } from './redact.js';
import { fanoutBench } from './fanout.js';
import { sharingBench } from './sharing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/oncall.js');
const work = mkdtempSync(join(tmpdir(), 'oncall-bench-'));
const env = { ...process.env, ONCALL_HOME: join(work, 'home'), XDG_CONFIG_HOME: work };
const lines: string[] = [];
// `npm run bench -- tui export` runs only the named sections.
const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);
const say = (s: string) => {
  lines.push(s);
  console.log(s);
};

try {
  say(`oncall benchmarks — node ${process.version}, ${new Date().toISOString()}`);

  // The baseline several sections compare with.
  const bare = timeCommand(process.execPath, ['-e', '0'], 15, env);

  if (want('startup')) {
    // 1. Start-up: median of 15 against a bare `node -e 0`.
    const help = timeCommand(process.execPath, [BIN, '--help'], 15, env);
    const list = timeCommand(process.execPath, [BIN, 'runbooks', 'list'], 15, { ...env });
    say(row('start-up: node -e 0 (baseline)', `${bare.toFixed(1)} ms`, '-', true));
    say(row('start-up: oncall --help', `${help.toFixed(1)} ms = ${(help / bare).toFixed(2)}x`, '<= 2x', help / bare <= 2));
    say(row('start-up: oncall runbooks list', `${list.toFixed(1)} ms = ${(list / bare).toFixed(2)}x`, '<= 2x', list / bare <= 2));
  }

  if (want('append')) {
    // 2. Append latency with two writer processes at once; baseline: a bare write+fsync of the same size.
    const path = createIncidentLog(env.ONCALL_HOME, '20261126-0000-bnch');
    const N = 1000;
    const run = () => new Promise<number[]>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/append-writer.ts'), path, String(N)], { cwd: ROOT });
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').map(Number)) : reject(new Error(`writer exited ${code}`))));
    });
    const lat = (await Promise.all([run(), run()])).flat();
    const raw: number[] = [];
    const rawFd = openSync(join(work, 'raw.bin'), 'a');
    const buf = Buffer.from(`\n${JSON.stringify({ text: 'x'.repeat(420) })}\n`);
    for (let i = 0; i < N; i++) {
      const t = process.hrtime.bigint();
      writeSync(rawFd, buf);
      fsyncSync(rawFd);
      raw.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    closeSync(rawFd);
    const p99 = percentile(lat, 99);
    say(row('append, bare write+fsync p99 (baseline)', `${percentile(raw, 99).toFixed(2)} ms (p50 ${median(raw).toFixed(2)})`, '-', true));
    say(row(`append (lock+write+fsync), 2 writers x ${N}: p99`, `${p99.toFixed(2)} ms = ${(p99 / percentile(raw, 99)).toFixed(1)}x bare (p50 ${median(lat).toFixed(2)})`, '< 10 ms', p99 < 10));
  }

  if (want('replay')) {
    // 3. Replay + verify 10,000 events; baseline: JSON.parse of the same lines.
    const big = createIncidentLog(env.ONCALL_HOME, '20261126-0000-tenk');
    const store = new IncidentStore(big);
    store.append({ type: 'incident.opened', actor: { kind: 'human', name: 'b' }, data: { title: 'bench', severity: 'warning', via: 'bench' } });
    for (let i = 1; i < 10_000; i++) store.append({ type: i % 3 ? 'note.added' : 'status.changed', actor: { kind: 'human', name: 'b' }, data: i % 3 ? { text: `note ${i} with some words in it` } : { from: 'investigating', to: 'investigating' } } as never);
    store.close();
    const times: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < 7; i++) {
      let t = performance.now();
      const r = readLogFile(big);
      if (!verifyEvents(r.events).ok) throw new Error('verify failed');
      replay('x', r.events);
      times.push(performance.now() - t);
      t = performance.now();
      for (const l of readFileSync(big, 'utf8').split('\n')) if (l) JSON.parse(l);
      base.push(performance.now() - t);
    }
    say(row('10,000 events: read + JSON.parse only (baseline)', `${median(base).toFixed(1)} ms`, '-', true));
    say(row('10,000 events: read + verify chain + replay', `${median(times).toFixed(1)} ms = ${(median(times) / median(base)).toFixed(1)}x`, '< 300 ms', median(times) < 300));
  }

  if (want('runbooks')) {
    // 4. 1,000 runbooks; baseline: reading the same files without parsing.
    const dir = join(work, 'rb');
    mkdirSync(dir);
    const src = readdirSync(join(ROOT, 'runbooks')).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(ROOT, 'runbooks', f), 'utf8'));
    for (let i = 0; i < 1000; i++) writeFileSync(join(dir, `rb-${i}.yaml`), src[i % src.length]!.replace(/^id: .*$/m, `id: rb-${i}`));
    const loadT: number[] = [];
    const readT: number[] = [];
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      // Running from TypeScript there is no cache: every iteration parses all 1,000 files.
      const cat = await loadCatalog([dir]);
      if (cat.entries.length !== 1000) throw new Error(`loaded ${cat.entries.length}`);
      loadT.push(performance.now() - t);
      t = performance.now();
      for (const f of readdirSync(dir)) readFileSync(join(dir, f), 'utf8');
      readT.push(performance.now() - t);
    }
    say(row('1,000 runbooks: read files only (baseline)', `${median(readT).toFixed(1)} ms`, '-', true));
    const kb = src.reduce((n, s) => n + s.length, 0) / src.length / 1024;
    say(row(`1,000 runbooks (avg ${kb.toFixed(1)} KiB): parse + validate, cold`, `${median(loadT).toFixed(1)} ms = ${(median(loadT) / median(readT)).toFixed(1)}x`, '< 1000 ms', median(loadT) < 1000));
    // The built CLI caches validated runbooks by content hash: the first list parses, later ones do not.
    const cacheEnv = { ...env, XDG_CACHE_HOME: join(work, 'cache') };
    const t = performance.now();
    const first = spawnSync(process.execPath, [BIN, '--runbooks', dir, 'runbooks', 'list'], { env: cacheEnv, stdio: 'ignore' });
    const coldCli = performance.now() - t;
    if (first.status !== 0) throw new Error('runbooks list failed');
    const warmCli = timeCommand(process.execPath, [BIN, '--runbooks', dir, 'runbooks', 'list'], 5, cacheEnv);
    say(row('1,000 runbooks: `oncall runbooks list`, first run', `${coldCli.toFixed(1)} ms = ${(coldCli / bare).toFixed(1)}x node -e 0`, '-', true));
    say(row('1,000 runbooks: `oncall runbooks list`, cached', `${warmCli.toFixed(1)} ms = ${(warmCli / bare).toFixed(1)}x node -e 0`, '< 1000 ms', warmCli < 1000));
  }

  if (want('tui')) {
    // 5. The incident screen.
    await tuiBench(say, ROOT, work, env);
  }

  if (want('nodes')) {
    // 6. Per Node version, compile cache on and off.
    const home = join(work, 'nodes-home');
    const big = await makeIncident(home, join(ROOT, 'runbooks/demo.yaml'), 10_000);
    await nodesBench(say, ROOT, work, { ...env, ONCALL_HOME: home }, big.id);
  }

  if (want('export')) {
    // 6. Postmortem export.
    exportBench(say, ROOT, work, env);
  }

  if (want('redact')) {
    // 8. Redaction of ordinary output, before and after the maintained rule set.
    redactBench(say, work);
  }

  if (want('fanout')) {
    // 9. Steps over many targets.
    await fanoutBench(say, ROOT, work, env);
  }

  if (want('sharing')) {
    // 10. Sharing over git, against a bare repository on local disk.
    await sharingBench(say, work, env);
  }

  if (want('hypotheses')) {
    // 7. Hypotheses, against the loopback stand-in.
    await hypothesesBench(say, ROOT, work, env);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
