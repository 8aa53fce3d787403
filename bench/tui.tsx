/** TUI figures: first paint in a real pty, keypress-to-frame latency, resident memory. */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { App } from '../src/ui/App.js';
import { LogFollower } from '../src/incident/follow.js';
import { openIncident } from '../src/incident/open.js';
import { IncidentStore } from '../src/incident/store.js';
import { loadRunbookFile } from '../src/runbook/catalog.js';
import { median, percentile, row } from './lib.js';

type Say = (s: string) => void;

/** Runs `cmd` in a pty (util-linux `script`) and resolves with ms until `marker` is printed. */
export function timeToOutput(cmd: string, marker: string, env: NodeJS.ProcessEnv, input?: (write: (s: string) => void, seen: string) => void, atMarker?: (pgid: number) => void): Promise<{ ms: number; pid: number }> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const p = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...env, TERM: 'xterm-256color', COLUMNS: '100', LINES: '30' }, detached: true });
    let out = '';
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`no "${marker}" within 20 s: ${out.slice(-500)}`));
    }, 20_000);
    const kill = () => {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    };
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      input?.((s) => p.stdin.write(s), out);
      if (out.includes(marker)) {
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        clearTimeout(timer);
        atMarker?.(p.pid!);
        resolve({ ms, pid: p.pid! });
        setTimeout(kill, 0);
      }
    });
  });
}

export function makeIncident(home: string, runbookFile: string, events: number) {
  return loadRunbookFile(runbookFile).then(({ entry }) => {
    const actor = { kind: 'human' as const, name: 'bench' };
    const o = openIncident({ home, clock: { now: () => new Date() }, actor, via: 'bench', runbook: { entry: entry!, params: {}, matchedBy: 'flag' } });
    for (let i = 2; i < events; i++) o.store.append({ type: 'note.added', actor, data: { text: `note ${i}: checked the dashboards again, nothing new` } });
    o.store.close();
    return o;
  });
}

export async function tuiBench(say: Say, root: string, work: string, env: NodeJS.ProcessEnv): Promise<void> {
  const bin = join(root, 'bin/oncall.js');
  const home = join(work, 'tui-home');
  mkdirSync(home, { recursive: true });
  const big = await makeIncident(home, join(root, 'runbooks/demo.yaml'), 10_000);
  const tenv = { ...env, ONCALL_HOME: home };

  // 1. First paint in a pty vs a bare node printing one line in the same pty.
  const bare: number[] = [];
  const paint: number[] = [];
  for (let i = 0; i < 11; i++) {
    bare.push((await timeToOutput(`${process.execPath} -e "console.log('ready')"`, 'ready', tenv)).ms);
    paint.push((await timeToOutput(`${process.execPath} ${bin} start --incident ${big.id}`, `oncall ${big.id}`, tenv)).ms);
  }
  say(row('pty: node prints a line (baseline), median of 11', `${median(bare).toFixed(1)} ms`, '-', true));
  say(row('pty: first paint, 10,000-event incident', `${median(paint).toFixed(1)} ms = ${(median(paint) / median(bare)).toFixed(2)}x`, '<= 3x', median(paint) / median(bare) <= 3));

  // 1b. A drill started from that incident: it reads the original, opens a new incident, then paints.
  const drill: number[] = [];
  const bare2: number[] = [];
  for (let i = 0; i < 11; i++) {
    bare2.push((await timeToOutput(`${process.execPath} -e "console.log('ready')"`, 'ready', tenv)).ms);
    drill.push((await timeToOutput(`${process.execPath} ${bin} drill --from ${big.id}`, 'DRILL: Demo', tenv)).ms);
  }
  say(row('pty: drill --from a 10,000-event incident, first paint', `${median(drill).toFixed(1)} ms = ${(median(drill) / median(bare2)).toFixed(2)}x (start: ${(median(paint) / median(bare)).toFixed(2)}x)`, '<= 3x, as start', median(drill) / median(bare2) <= 3));

  // 2. Keypress to updated frame, in process (ink-testing-library), 10,000 events vs a fresh incident.
  const latency = async (path: string, id: string, first = '') => {
    const store = new IncidentStore(path);
    const follower = new LogFollower(path, id);
    const ui = render(<App store={store} follower={follower} actor={{ kind: 'human', name: 'b' }} cwd={work} defaultTimeoutMs={10_000} color={false} pollMs={1_000_000} />);
    // e.g. t: open the timeline first, so j/k move through its 10,000 entries.
    if (first) {
      const before = ui.lastFrame();
      ui.stdin.write(first);
      while (ui.lastFrame() === before) await new Promise((r) => setImmediate(r));
    }
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const before = ui.lastFrame();
      const t = performance.now();
      // Alternate so every key changes the selection (j at the last step would change nothing).
      ui.stdin.write(i % 2 === 0 ? 'j' : 'k');
      while (ui.lastFrame() === before) await new Promise((r) => setImmediate(r));
      times.push(performance.now() - t);
    }
    ui.unmount();
    store.close();
    return times.slice(10);
  };
  const small = await makeIncident(home, join(root, 'runbooks/demo.yaml'), 2);
  const base = await latency(small.path, small.id);
  const lat = await latency(big.path, big.id);
  say(row('keypress → frame, 2-event incident (baseline): p50', `${median(base).toFixed(2)} ms (p99 ${percentile(base, 99).toFixed(2)})`, '-', true));
  say(row('keypress → frame, 10,000-event incident: p99', `${percentile(lat, 99).toFixed(2)} ms = ${(percentile(lat, 99) / percentile(base, 99)).toFixed(2)}x (p50 ${median(lat).toFixed(2)})`, '< 50 ms', percentile(lat, 99) < 50));
  const tl = await latency(big.path, big.id, 't');
  say(row('keypress → frame, timeline open, 10,000 events: p99', `${percentile(tl, 99).toFixed(2)} ms = ${(percentile(tl, 99) / percentile(base, 99)).toFixed(2)}x (p50 ${median(tl).toFixed(2)})`, '< 50 ms', percentile(tl, 99) < 50));

  // 2b. A note appended by another process, to the moment the open timeline shows it (the screen polls every 250 ms).
  {
    const store = new IncidentStore(big.path);
    const follower = new LogFollower(big.path, big.id);
    const ui = render(<App store={store} follower={follower} actor={{ kind: 'human', name: 'b' }} cwd={work} defaultTimeoutMs={10_000} color={false} />);
    ui.stdin.write('t');
    const other = new IncidentStore(big.path);
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const marker = `from-elsewhere-${i}`;
      const t0 = performance.now();
      other.append({ type: 'note.added', actor: { kind: 'human', name: 'bob' }, data: { text: marker } });
      while (!(ui.lastFrame() ?? '').includes(marker)) await new Promise((r) => setTimeout(r, 2));
      seen.push(performance.now() - t0);
    }
    other.close();
    ui.unmount();
    store.close();
    say(row('note from another process → on the open timeline, 10,000 events: p99', `${percentile(seen, 99).toFixed(0)} ms (p50 ${median(seen).toFixed(0)}; poll interval 250 ms)`, '< 1000 ms', percentile(seen, 99) < 1000));
  }

  // 3. Resident memory: the 10,000-event incident after a step that printed 10 MiB.
  const rbDir = join(work, 'tui-rb');
  mkdirSync(rbDir, { recursive: true });
  writeFileSync(join(rbDir, 'big-output.yaml'), 'id: big-output\ntitle: Big output\nsummary: Prints 10 MiB.\nseverity: info\nsteps:\n  - id: spew\n    title: Print 10 MiB\n    kind: check\n    shell: true\n    command: "yes oncall-bench-line | head -c 10485760"\n');
  const mem = await makeIncident(home, join(rbDir, 'big-output.yaml'), 10_000);
  let sent = '';
  let rssKb = 0;
  // script puts the program in a session of its own: find the node process by its arguments
  // and read its RSS while it is still running.
  const readRss = () => {
    for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
        if (cmd[0] === process.execPath && cmd.includes('--incident') && cmd.includes(mem.id)) rssKb = Math.max(rssKb, Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1] ?? 0));
      } catch {
        // process ended meanwhile
      }
    }
  };
  await timeToOutput(`${process.execPath} ${bin} start --incident ${mem.id}`, 'spew done', tenv, (write, seen) => {
    if (!sent && seen.includes(`oncall ${mem.id}`)) write((sent = 'r'));
    else if (sent === 'r' && seen.includes('Run this command?')) write((sent = 'y'));
  }, readRss);
  const nodeIdle = await new Promise<number>((resolve) => {
    const p = spawn(process.execPath, ['-e', 'setTimeout(()=>{},500); console.log(process.memoryUsage().rss)']);
    let o = '';
    p.stdout.on('data', (d: Buffer) => (o += d));
    p.on('exit', () => resolve(Number(o.trim()) / 1024));
  });
  say(row('RSS: idle node process (baseline)', `${(nodeIdle / 1024).toFixed(1)} MB`, '-', true));
  say(row('RSS: TUI, 10,000 events + 10 MiB of output', rssKb ? `${(rssKb / 1024).toFixed(1)} MB = ${(rssKb / nodeIdle).toFixed(1)}x` : 'not measured', '< 150 MB', rssKb > 0 && rssKb / 1024 < 150));
}
