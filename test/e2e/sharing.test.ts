/**
 * Sharing over git, with real git and bare repositories on local disk as the remote: several
 * data homes ("machines") work one incident, sync, and end with the same merged view.
 */
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/incident/events.js';
import { verifyEvents } from '../../src/incident/reader.js';
import { BIN, oncall, ROOT, tempDir } from '../helpers/cli.js';
import { Tmux } from '../helpers/tmux.js';

const WRITER = join(ROOT, 'test/helpers/writer.ts');
const t = tempDir('oncall-share-');
afterAll(() => t.cleanup());

let n = 0;
/** A fresh bare repository on local disk: the team's remote. */
async function remote(): Promise<string> {
  const dir = join(t.dir, `remote-${++n}.git`);
  await execa('git', ['init', '-q', '--bare', '--initial-branch=main', dir]);
  return dir;
}

/** A data home on its own "machine". */
function home(name: string): Record<string, string> {
  const dir = join(t.dir, `${name}-${++n}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { ONCALL_HOME: dir, ONCALL_OPERATOR: name };
}

async function ok(args: string[], env: Record<string, string>): Promise<string> {
  const r = await oncall(args, env);
  expect(r.exitCode, `oncall ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

async function merged(env: Record<string, string>, id: string): Promise<StoredEvent[]> {
  return (await ok(['log', '--json', '--incident', id], env)).trim().split('\n').map((l) => JSON.parse(l) as StoredEvent);
}

const texts = (events: StoredEvent[]) => events.filter((e) => e.type === 'note.added').map((e) => (e.data as { text: string }).text);

describe('several homes on one remote', () => {
  it('two and three homes: notes, step runs and status changes on each; afterwards every merged view is identical and verifies', async () => {
    const url = await remote();
    const [a, b, c] = [home('alice'), home('bob'), home('carol')];
    const id = (JSON.parse(await ok(['open', '--runbook', 'demo', '--json'], a)) as { id: string }).id;
    await ok(['note', 'alice: load is 12 on a 4-core box'], a);
    expect(await ok(['share', 'init', url], a)).toMatch(/as replica [a-z2-9]{6} \(alice@/);
    // Bob joins: his first sync brings the incident, which `incidents` then lists.
    expect(await ok(['share', 'init', url], b)).toMatch(/1 incident/);
    expect(await ok(['incidents'], b)).toContain(id);
    await ok(['note', '--incident', id, 'bob: the api pods restarted at 03:10'], b);
    await ok(['step', 'run', 'load', '--incident', id, '--yes'], b);
    await ok(['role', 'commander', '--incident', id], b);
    await ok(['sync'], b);
    await ok(['sync'], a);
    // Alice writes after seeing Bob's records: hers sort after his, on every machine.
    await ok(['status', 'mitigated', '--incident', id], a);
    await ok(['share', 'init', url], c);
    await ok(['note', '--incident', id, 'carol: status page updated', '--kind', 'comms'], c);
    await ok(['handoff', '--incident', id, '--to', 'dave', 'watching pg_wal; replication 40 s behind'], c);
    for (const h of [c, a, b, c, a]) await ok(['sync'], h);

    const views = await Promise.all([a, b, c].map((h) => merged(h, id)));
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    const view = views[0]!;
    // Every record exactly once, each replica's own seqs in order.
    const keys = view.map((e) => `${e.replica ?? ''}:${e.seq}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(texts(view)).toEqual(['alice: load is 12 on a 4-core box', 'bob: the api pods restarted at 03:10', 'carol: status page updated']);
    const bobRole = view.findIndex((e) => e.type === 'role.assigned');
    const aliceStatus = view.findIndex((e) => e.type === 'status.changed');
    expect(aliceStatus).toBeGreaterThan(bobRole);
    expect(view.find((e) => e.type === 'status.changed')?.data).toEqual({ from: 'investigating', to: 'mitigated' });
    expect(view.filter((e) => e.type === 'command.ran')).toHaveLength(1);
    // The origin's records are cited by bare seq, the others' as replica:seq, the same everywhere.
    const shown = await Promise.all([a, b, c].map((h) => ok(['log', '--incident', id], h)));
    expect(shown[1]).toBe(shown[0]);
    expect(shown[2]).toBe(shown[0]);
    expect(shown[0]).toMatch(/^ +1 {2}/m);
    expect(shown[0]).toMatch(/^[a-z2-9]{6}:1 {2}.*bob: the api pods/m);
    for (const h of [a, b, c]) {
      const v = JSON.parse(await ok(['log', 'verify', '--json', '--incident', id], h)) as { ok: boolean; replicas: { ok: boolean }[] };
      expect(v.ok).toBe(true);
      expect(v.replicas).toHaveLength(3);
    }
    // The header's facts: the commander, from Bob's record, on Alice's machine too.
    const pm = JSON.parse(await ok(['export-postmortem', '--json', '--incident', id], a)) as { responders: { name: string; roles: string[] }[] };
    expect(pm.responders.find((r) => r.name === 'bob')?.roles).toEqual(['commander']);
    const status = JSON.parse(await ok(['share', 'status', '--json'], c)) as { pending: number; last_error: unknown };
    expect(status).toMatchObject({ pending: 0, last_error: null });
  }, 180_000);

  it('the remote unreachable during work, then back: everything works locally and the next sync catches up', async () => {
    const url = await remote();
    const [a, b] = [home('alice'), home('bob')];
    const id = (JSON.parse(await ok(['open', '--title', 'checkout errors', '--json'], a)) as { id: string }).id;
    await ok(['share', 'init', url], a);
    await ok(['share', 'init', url], b);
    renameSync(url, `${url}.away`);
    await ok(['note', '--incident', id, 'alice offline 1'], a);
    await ok(['note', '--incident', id, 'alice offline 2'], a);
    const r = await oncall(['sync'], a);
    expect(r.exitCode).toBe(18);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/sync failed: cannot reach the remote: .*; everything is recorded locally/);
    const st = JSON.parse(await ok(['share', 'status', '--json'], a)) as { pending: number; last_error: string };
    expect(st.pending).toBe(2);
    expect(st.last_error).toMatch(/cannot reach the remote/);
    renameSync(`${url}.away`, url);
    expect(await ok(['sync'], a)).toMatch(/2 record\(s\) pushed/);
    await ok(['sync'], b);
    expect(texts(await merged(b, id))).toEqual(['alice offline 1', 'alice offline 2']);
  }, 120_000);

  it('a force-pushed remote that rewrote one replica\'s file is refused: exit 5 naming the replica and seq, local data intact', async () => {
    const url = await remote();
    const [a, b] = [home('alice'), home('bob')];
    const id = (JSON.parse(await ok(['open', '--title', 'db down', '--json'], a)) as { id: string }).id;
    for (const x of ['one', 'two', 'three']) await ok(['note', '--incident', id, x], a);
    await ok(['share', 'init', url], a);
    await ok(['share', 'init', url], b);
    const replica = (JSON.parse(readFileSync(join(a.ONCALL_HOME!, 'replica.json'), 'utf8')) as { id: string }).id;
    // Someone with push access rewrites record 3 ("two") in a clone and force-pushes.
    const clone = join(t.dir, `clone-${++n}`);
    await execa('git', ['clone', '-q', url, clone]);
    const file = join(clone, 'incidents', id, `${replica}.jsonl`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"text":"two"', '"text":"TWO"'));
    await execa('git', ['-C', clone, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '-qam', 'rewrite', '--amend']);
    await execa('git', ['-C', clone, 'push', '-qf', 'origin', 'main']);
    const before = readFileSync(join(a.ONCALL_HOME!, 'incidents', id, 'log.jsonl'));
    const peerBefore = readFileSync(join(b.ONCALL_HOME!, 'incidents', id, 'replicas', `${replica}.jsonl`));
    for (const h of [a, b]) {
      const r = await oncall(['sync'], h);
      expect(r.exitCode).toBe(5);
      expect(r.stderr).toContain(`replica ${replica} differs from this home's at seq 3`);
    }
    expect(readFileSync(join(a.ONCALL_HOME!, 'incidents', id, 'log.jsonl')).equals(before)).toBe(true);
    expect(readFileSync(join(b.ONCALL_HOME!, 'incidents', id, 'replicas', `${replica}.jsonl`)).equals(peerBefore)).toBe(true);
    expect(texts(await merged(b, id))).toEqual(['one', 'two', 'three']);
    await ok(['log', 'verify', '--incident', id], b);
  }, 120_000);
});

describe('the postmortem in the incident repository', () => {
  it('export-postmortem --final --share commits the document beside the logs; --share without a shared home is refused', async () => {
    const url = await remote();
    const [a, b] = [home('alice'), home('bob')];
    const id = (JSON.parse(await ok(['open', '--title', 'checkout errors', '--json'], a)) as { id: string }).id;
    const refused = await oncall(['export-postmortem', '--final', '--share', '--incident', id], a);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--share needs a shared data home');
    await ok(['share', 'init', url], a);
    await ok(['share', 'init', url], b);
    await ok(['note', '--incident', id, '--kind', 'summary', 'Checkout failed for 12 minutes.'], b);
    await ok(['note', '--incident', id, '--kind', 'impact', 'users=1200 duration=12m'], b);
    await ok(['sync'], b);
    await ok(['sync'], a);
    await ok(['note', '--incident', id, '--kind', 'root-cause', 'a config push removed the payment backend'], a);
    await ok(['note', '--incident', id, '--kind', 'action', '[prevent] @alice validate config pushes'], a);
    await ok(['status', 'resolved', '--incident', id], a);
    const r = await oncall(['export-postmortem', '--final', '--share', '--incident', id, '--out', join(t.dir, `pm-${++n}.md`)], a);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`committed as incidents/${id}/postmortem.md`);
    const doc = (await execa('git', ['--git-dir', url, 'show', `main:incidents/${id}/postmortem.md`])).stdout;
    expect(doc).toContain('Checkout failed for 12 minutes.');
    expect(doc).toMatch(/\| bob \| — \|/);
    // Bob's next round keeps it: another path than the logs, taken from the remote.
    await ok(['sync'], b);
    expect((await execa('git', ['--git-dir', url, 'show', `main:incidents/${id}/postmortem.md`])).stdout).toBe(doc);
  }, 120_000);
});

describe('concurrent appends and syncs, with syncs killed', () => {
  it('3 writers x 500 events, a sync every 200 ms on each home, 20 syncs SIGKILLed: nothing acknowledged is lost, no torn record reaches the remote, the next sync completes', async () => {
    const url = await remote();
    const homes = [home('w1'), home('w2'), home('w3')];
    const id = (JSON.parse(await ok(['open', '--title', 'busy incident', '--json'], homes[0]!)) as { id: string }).id;
    for (const h of homes) await ok(['share', 'init', url], h);
    const acked = new Set<string>();
    const writers = homes.map((h, i) => {
      const w = execa(process.execPath, ['--import', 'tsx', WRITER, join(h.ONCALL_HOME!, 'incidents', id, 'log.jsonl'), '500', `w${i + 1}`], { cwd: ROOT, reject: false, buffer: false });
      w.stdout?.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n')) if (line.startsWith('ACK ')) acked.add(line.slice(4));
      });
      return w;
    });
    let writing = true;
    const done = Promise.all(writers).then((rs) => {
      writing = false;
      return rs;
    });
    let kills = 0;
    let rounds = 0;
    // Each home syncs every 200 ms while the writers write (and until 20 syncs have been killed).
    const syncer = async (h: Record<string, string>) => {
      while (writing || kills < 20) {
        const p: ResultPromise = execa(process.execPath, [BIN, 'sync'], { env: { ...h, XDG_CONFIG_HOME: h.ONCALL_HOME! }, reject: false });
        // Some rounds are killed at a random moment of their run.
        if (kills < 20 && Math.random() < 0.4) {
          await new Promise((r) => setTimeout(r, 20 + Math.random() * 250));
          if (p.exitCode === null && p.kill('SIGKILL')) kills++;
        }
        await p;
        rounds++;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    await Promise.all([...homes.map(syncer), done]);
    const results = await done;
    for (const r of results) expect(r.exitCode).toBe(0);
    expect(acked.size).toBe(1500);
    expect(kills).toBeGreaterThanOrEqual(20);
    // The next syncs complete (two passes: each home pushes, then each receives the others').
    for (let pass = 0; pass < 2; pass++) for (const h of homes) await ok(['sync'], h);
    const views = await Promise.all(homes.map((h) => merged(h, id)));
    for (const v of views) expect(v).toEqual(views[0]);
    const notes = texts(views[0]!);
    expect(notes).toHaveLength(1500);
    expect(new Set(notes)).toEqual(acked);
    for (const h of homes) await ok(['log', 'verify', '--incident', id], h);
    // What the remote holds: whole records only, each file one chain.
    const files = (await execa('git', ['--git-dir', url, 'ls-tree', '-r', '--name-only', 'main'])).stdout.split('\n').filter((p) => p.endsWith('.jsonl'));
    expect(files).toHaveLength(3);
    for (const f of files) {
      const text = (await execa('git', ['--git-dir', url, 'show', `main:${f}`], { stripFinalNewline: false })).stdout;
      expect(text.endsWith('\n')).toBe(true);
      const records = text.trimEnd().split('\n').map((l) => JSON.parse(l) as StoredEvent);
      expect(verifyEvents(records).ok).toBe(true);
    }
    expect(rounds).toBeGreaterThan(20);
  }, 300_000);
});

describe('the screen', () => {
  it('a note synced from another home appears in the timeline, and the header shows the sync state and the commander', async () => {
    const url = await remote();
    const [a, b] = [home('alice'), home('bob')];
    mkdirSync(join(a.ONCALL_HOME!, 'oncall'), { recursive: true });
    writeFileSync(join(a.ONCALL_HOME!, 'oncall', 'config.yaml'), 'share:\n  interval: 200ms\n');
    const id = (JSON.parse(await ok(['open', '--runbook', 'demo', '--json'], a)) as { id: string }).id;
    await ok(['share', 'init', url], a);
    await ok(['share', 'init', url], b);
    const tmux = new Tmux();
    try {
      await tmux.start(`node ${BIN} start --incident ${id}`, { cols: 160, rows: 40, env: { ...a, XDG_CONFIG_HOME: a.ONCALL_HOME!, NO_COLOR: '1' } });
      await tmux.waitFor(/shared · replica [a-z2-9]{6} · .*synced \d+ s ago/, 30_000);
      await ok(['note', '--incident', id, 'bob: failover finished on db-2'], b);
      await ok(['role', 'commander', '--incident', id], b);
      await ok(['sync'], b);
      const screen = await tmux.waitFor((s) => s.includes('bob: failover finished') && s.includes('IC bob'), 30_000);
      expect(screen).toMatch(/#[a-z2-9]{6}:1 bob: note: bob: failover finished/);
      // A note typed on this screen goes out in the background: Bob receives it without Alice running sync.
      await tmux.keys('n');
      await tmux.type('alice: confirmed from the screen');
      await tmux.keys('Enter');
      await tmux.waitFor('alice: confirmed from the sc', 15_000);
      const end = Date.now() + 30_000;
      let seen = false;
      while (!seen && Date.now() < end) {
        await ok(['sync'], b);
        seen = texts(await merged(b, id)).includes('alice: confirmed from the screen');
        if (!seen) await new Promise((r) => setTimeout(r, 200));
      }
      expect(seen).toBe(true);
      await tmux.keys('q');
      await tmux.waitFor('[exited 0]', 15_000);
    } finally {
      await tmux.kill();
    }
    expect(existsSync(join(a.ONCALL_HOME!, 'share', 'state.json'))).toBe(true);
  }, 120_000);
});
