// The built binary, as a user types it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupState, processAlive } from '../../src/exec/group.js';
import { GENESIS, type StoredEvent } from '../../src/incident/events.js';
import { readLogFile } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import { unfinishedRun } from '../../src/ui/view.js';
import { hashEvent } from '../../src/incident/hash.js';
import { BIN, oncall, ROOT, tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
const env = { ONCALL_HOME: join(t.dir, 'home') };
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('oncall runbooks', () => {
  it('lists the shipped runbooks', async () => {
    const r = await oncall(['runbooks', 'list', '--json'], env);
    expect(r.exitCode).toBe(0);
    const ids = (JSON.parse(r.stdout) as { runbooks: { id: string }[] }).runbooks.map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['demo', 'host-disk-full', 'k8s-pod-crashloop', 'prometheus-target-down', 'postgres-wal-growth', 'postgres-long-transactions', 'tls-cert-expiring', 'http-5xx-after-deploy']));
  });

  it('validates the shipped runbooks (exit 0) and lists every error in bad ones (exit 3)', async () => {
    const ok = await oncall(['runbooks', 'validate', 'runbooks'], env);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/0 with problems/);
    const bad = await oncall(['runbooks', 'validate', 'test/fixtures/runbooks/bad'], env);
    expect(bad.exitCode).toBe(3);
    expect(bad.stdout).toContain('test/fixtures/runbooks/bad/29-on-fail-missing-target.yaml:10:14 steps.0.on_fail: on_fail points to "escalate"');
    expect(bad.stdout).toMatch(/52 files checked, 52 with problems/);
    noStack(bad.stdout + bad.stderr);
  });

  it('shows a runbook by id', async () => {
    const r = await oncall(['runbooks', 'show', 'demo'], env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/Steps:\n\s+1\. \[/);
  });

  it('finds runbooks in --runbooks DIR and ONCALL_RUNBOOKS, and says which were invalid', async () => {
    const dir = join(t.dir, 'extra');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mine.yaml'), readFileSync(join(ROOT, 'test/fixtures/runbooks/good/minimal.yaml'), 'utf8').replace('id: minimal', 'id: mine'));
    writeFileSync(join(dir, 'broken.yaml'), 'id: [\n');
    const a = await oncall(['--runbooks', dir, 'runbooks', 'list'], env);
    expect(a.stdout).toMatch(/^mine\s/m);
    expect(a.stderr).toContain('invalid: ');
    const b = await oncall(['runbooks', 'list'], { ...env, ONCALL_RUNBOOKS: dir });
    expect(b.stdout).toMatch(/^mine\s/m);
  });

  it('an unknown runbook id is one line with a hint and exit 4', async () => {
    const r = await oncall(['runbooks', 'show', 'disk-ful'], env);
    expect(r.exitCode).toBe(4);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: no runbook with id "disk-ful"/);
  });
});

describe('incidents and the log', () => {
  let id = '';
  let pdId = '';
  it('opens an incident from an alert, choosing the runbook and filling parameters from labels', async () => {
    const r = await oncall(['open', '--alert', 'test/fixtures/alerts/am-disk-full.json', '--json'], env);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as { id: string; runbook: string; params: Record<string, string> };
    expect(out.id).toMatch(/^\d{8}-\d{4}-[a-z2-9]{4}$/);
    expect(out.runbook).toBe('host-disk-full');
    expect(out.params.mountpoint).toBe('/var');
    id = out.id;
  });

  it('reads the alert from stdin with --alert -', async () => {
    const r = await oncall(['open', '--alert', '-', '--json'], env, { input: readFileSync(join(ROOT, 'test/fixtures/alerts/pd-triggered.json'), 'utf8') });
    expect(r.exitCode).toBe(0);
    pdId = (JSON.parse(r.stdout) as { id: string }).id;
    expect(pdId).toMatch(/^\d{8}/);
  });

  it('appends notes from any terminal, of any kind, to the named or most recent open incident', async () => {
    const a = await oncall(['note', '--incident', id, 'purged', 'old', 'logs'], env);
    expect(a.exitCode).toBe(0);
    expect(a.stdout.trim()).toMatch(new RegExp(`^${id} #\\d+$`));
    const b = await oncall(['note', '--kind', 'impact', '--json', 'checkout slow for 20 min'], env);
    expect(b.exitCode).toBe(0);
    // Without --incident the note goes to the most recent open incident: the PagerDuty one.
    expect(JSON.parse(b.stdout)).toMatchObject({ incident: pdId, seq: 4 });
    const bad = await oncall(['note', '--kind', 'rootcause', 'x'], env);
    expect(bad.exitCode).toBe(2);
  });

  it('prints the log, and --json gives one stored event a line', async () => {
    const r = await oncall(['log', '--incident', id, '--json'], env);
    expect(r.exitCode).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; ts: string; actor: unknown; data: unknown });
    expect(events.map((e) => e.type)).toEqual(['incident.opened', 'alert.attached', 'runbook.selected', 'note.added']);
    for (const e of events) expect(Object.keys(e)).toEqual(expect.arrayContaining(['seq', 'type', 'ts', 'actor', 'data']));
    const plain = await oncall(['log', '--incident', id], env);
    expect(plain.stdout).toMatch(/human:tester\s+note: purged old logs/);
  });

  it('lists incidents newest first', async () => {
    const r = await oncall(['incidents', '--json'], env);
    const rows = (JSON.parse(r.stdout) as { incidents: { id: string }[] }).incidents;
    expect(rows.map((x) => x.id)).toEqual([pdId, id]);
  });

  it('log verify passes, then names the first bad seq after an edit (exit 5)', async () => {
    const ok = await oncall(['log', 'verify', '--incident', id], env);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^ok: 4 events/);
    const path = join(env.ONCALL_HOME, 'incidents', id, 'log.jsonl');
    writeFileSync(path, readFileSync(path, 'utf8').replace('purged old logs', 'purged OLD logs'));
    const bad = await oncall(['log', 'verify', '--incident', id], env);
    expect(bad.exitCode).toBe(5);
    expect(bad.stdout).toMatch(/FAILED at seq 4: seq 4 was edited/);
  });

  it('a malformed alert is one line naming the field, exit 3, and opens nothing', async () => {
    const before = (await oncall(['incidents', '--json'], env)).stdout;
    const r = await oncall(['open', '--alert', 'test/fixtures/alerts/bad/07-label-not-string.json'], env);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toBe('error: test/fixtures/alerts/bad/07-label-not-string.json: field alerts[0].labels.replicas: expected string, got number');
    expect((await oncall(['incidents', '--json'], env)).stdout).toBe(before);
  });

  it('unknown incident, unknown flag and missing argument are one line each with documented codes', async () => {
    const a = await oncall(['log', '--incident', 'zzzz'], env);
    expect(a.exitCode).toBe(4);
    const b = await oncall(['open', '--bogus'], env);
    expect(b.exitCode).toBe(2);
    const c = await oncall(['note'], env);
    expect(c.exitCode).toBe(2);
    for (const r of [a, b, c]) noStack(r.stderr);
  });

  it('a data home that is a file is one line, exit 6, for reading commands too', async () => {
    const file = join(t.dir, 'home-is-a-file');
    writeFileSync(file, '');
    const r = await oncall(['incidents'], { ONCALL_HOME: file });
    expect(r.exitCode).toBe(6);
    expect(r.stderr).toMatch(/^error: cannot read the data home/);
  });

  it('an unusable data home is one line, exit 6', async () => {
    const file = join(t.dir, 'not-a-dir');
    writeFileSync(file, '');
    const r = await oncall(['open', '--title', 'x'], { ONCALL_HOME: join(file, 'sub') });
    expect(r.exitCode).toBe(6);
    expect(r.stderr).toMatch(/^error: cannot create the data home/);
    noStack(r.stderr);
  });
});

describe('oncall start without a terminal', () => {
  it('refuses with one line naming the non-interactive commands, exit 7, and opens nothing', async () => {
    const home = join(t.dir, 'demo-home');
    const r = await oncall(['start', '--demo'], { ONCALL_HOME: home });
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toBe('error: oncall start needs a terminal (stdin and stdout must be a TTY) (from scripts use oncall open, oncall note, oncall status, oncall step run|skip|done)');
    expect(JSON.parse((await oncall(['incidents', '--json'], { ONCALL_HOME: home })).stdout)).toEqual({ schema_version: 1, incidents: [] });
  });
});

describe('non-interactive twins', () => {
  const home = join(t.dir, 'twins');
  const tenv = { ONCALL_HOME: home };
  let id = '';
  it('open with the demo runbook, then step run needs --yes and shows what would run', async () => {
    id = (JSON.parse((await oncall(['open', '--runbook', 'demo', '--json'], tenv)).stdout) as { id: string }).id;
    const r = await oncall(['step', 'run', 'load'], tenv);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('argv: uptime');
    expect(r.stderr).toMatch(/add --yes/);
  });

  it('step run --yes runs, prints the output, and records the same events as the UI', async () => {
    const r = await oncall(['step', 'run', 'load', '--yes'], tenv);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/load average/);
    expect(r.stdout).toMatch(/load: done #\d+/);
    const f = await oncall(['step', 'run', 'maintenance-flag', '--yes', '--json'], tenv);
    expect(f.exitCode).toBe(9);
    expect(JSON.parse(f.stdout)).toMatchObject({ ok: false, reason: 'exit code 1', next: 'memory' });
  });

  it('killing `step run` with SIGTERM stops the command\'s group and records the cancellation', async () => {
    const dir = join(t.dir, 'sig-rb');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'slow.yaml'), 'id: slow\ntitle: Slow\nsummary: S\nseverity: info\nsteps:\n  - {id: wait, title: Wait, kind: check, command: [sleep, "47"]}\n');
    const senv = { ONCALL_HOME: join(t.dir, 'sig-home') };
    const id = (JSON.parse((await oncall(['--runbooks', dir, 'open', '--runbook', 'slow', '--json'], senv)).stdout) as { id: string }).id;
    const { execa } = await import('execa');
    const child = execa(process.execPath, [BIN, 'step', 'run', 'wait', '--yes', '--incident', id], { env: { ...process.env, ...senv, ONCALL_OPERATOR: 'tester' }, reject: false });
    const end = Date.now() + 10_000;
    while (!(await execa('pgrep', ['-f', '^sleep 47$'], { reject: false })).stdout.trim() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect((await execa('pgrep', ['-f', '^sleep 47$'], { reject: false })).stdout.trim()).toBe('');
    const types = (await oncall(['log', '--incident', id, '--json'], senv)).stdout.trim().split('\n').map((l) => (JSON.parse(l) as { type: string; data: { cancelled?: boolean } }));
    expect(types.map((e) => e.type)).toEqual(['incident.opened', 'runbook.selected', 'step.started', 'command.started', 'command.ran', 'step.failed']);
    expect(types[4]!.data.cancelled).toBe(true);
  });

  it('a `step run` killed with SIGKILL leaves its command running; the log says which group, the screen says whether it runs, and a second run is refused', async () => {
    const dir = join(t.dir, 'kill9-rb');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'slow.yaml'), 'id: slow\ntitle: Slow\nsummary: S\nseverity: info\nsteps:\n  - {id: wait, title: Wait, kind: check, command: [sleep, "53"]}\n');
    const kenv = { ONCALL_HOME: join(t.dir, 'kill9-home') };
    const id = (JSON.parse((await oncall(['--runbooks', dir, 'open', '--runbook', 'slow', '--json'], kenv)).stdout) as { id: string }).id;
    const { execa } = await import('execa');
    const child = execa(process.execPath, [BIN, 'step', 'run', 'wait', '--yes', '--incident', id], { env: { ...process.env, ...kenv, ONCALL_OPERATOR: 'tester' }, reject: false });
    const path = join(kenv.ONCALL_HOME, 'incidents', id, 'log.jsonl');
    // Only this test's own process group is ever killed: a pattern (pkill -f) would also hit
    // the same test of a second suite running at once on this machine.
    let group: number | undefined;
    try {
      const end = Date.now() + 20_000;
      while (!readLogFile(path).events.some((e) => e.type === 'command.started') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGKILL');
      await child;
      const st = replay(id, readLogFile(path).events).steps.wait!;
      expect(st.status).toBe('running');
      expect(st.process).toMatchObject({ pid: expect.any(Number), host: hostname(), writer_pid: child.pid });
      const pid = st.process!.pid;
      group = pid;
      // Nothing can reap the group of a SIGKILLed writer: it is still there, and the screen says so.
      expect(groupState(st.process!)).toBe('running');
      expect(processAlive(child.pid!)).toBe(false);
      expect(unfinishedRun(st, { group: groupState(st.process!), writerAlive: false })).toContain(`its process group ${pid} is still running here`);
      // A second run beside it is refused.
      const again = await oncall(['step', 'run', 'wait', '--yes', '--incident', id], kenv);
      expect(again.exitCode).toBe(8);
      expect(again.stderr).toContain(`its previous run (#${st.process!.seq}) is still going as process group ${pid}`);
      expect(again.stderr).toContain(`kill -TERM -- -${pid}`);
      process.kill(-pid, 'SIGKILL');
      const until = Date.now() + 10_000;
      while (groupState(st.process!) === 'running' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(unfinishedRun(st, { group: groupState(st.process!), writerAlive: false })).toContain(`its process group ${pid} has ended`);
    } finally {
      // Whatever failed above, leave no sleep behind.
      child.kill('SIGKILL');
      const started = readLogFile(path).events.find((e) => e.type === 'command.started');
      for (const g of [group, (started?.data as { pid?: number } | undefined)?.pid]) {
        if (g === undefined || g <= 1) continue;
        try {
          process.kill(-g, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });

  it('step skip needs a reason; step done only for manual steps; status changes', async () => {
    expect((await oncall(['step', 'skip', 'vmstat'], tenv)).exitCode).toBe(2);
    expect((await oncall(['step', 'skip', 'vmstat', '--reason', 'not useful here'], tenv)).exitCode).toBe(0);
    const notManual = await oncall(['step', 'done', 'disk'], tenv);
    expect(notManual.exitCode).toBe(2);
    expect(notManual.stderr).toMatch(/oncall step run disk --yes/);
    expect((await oncall(['step', 'done', 'look-around'], tenv)).exitCode).toBe(0);
    expect((await oncall(['step', 'run', 'nope', '--yes'], tenv)).exitCode).toBe(4);
    expect((await oncall(['status', 'mitigated'], tenv)).exitCode).toBe(0);
    expect((await oncall(['status', 'fixed'], tenv)).exitCode).toBe(2);
    const log = (await oncall(['log', '--incident', id, '--json'], tenv)).stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(log.map((e) => e.type)).toEqual([
      'incident.opened', 'runbook.selected',
      'step.started', 'command.started', 'command.ran', 'step.completed',
      'step.started', 'command.started', 'command.ran', 'step.failed',
      'step.skipped', 'step.completed', 'status.changed',
    ]);
  });
});

describe('the runbook cache', () => {
  it('serves unchanged runbooks from the cache and re-validates a changed file', async () => {
    const dir = join(t.dir, 'cached');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'c.yaml');
    const good = readFileSync(join(ROOT, 'test/fixtures/runbooks/good/minimal.yaml'), 'utf8').replace('id: minimal', 'id: cached-one');
    writeFileSync(file, good);
    const cenv = { ...env, XDG_CACHE_HOME: join(t.dir, 'cache') };
    const a = await oncall(['--runbooks', dir, 'runbooks', 'list', '--json'], cenv);
    expect(a.stdout).toContain('"cached-one"');
    const cache = JSON.parse(readFileSync(join(t.dir, 'cache/oncall/runbooks.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(cache.entries).length).toBeGreaterThan(0);
    // Same size, different content: the cache is keyed by content hash, not mtime or size.
    writeFileSync(file, good.replace('kind: check', 'kind: chekc'));
    const b = await oncall(['--runbooks', dir, 'runbooks', 'list', '--json'], cenv);
    expect(b.stdout).not.toContain('"cached-one"');
    expect((JSON.parse(b.stdout) as { invalid: { file: string }[] }).invalid.map((i) => i.file)).toContain(file);
  });
});

describe('oncall export-postmortem', () => {
  const home = join(t.dir, 'pm');
  const penv = { ONCALL_HOME: home };
  let id = '';
  it('prints a draft to stdout, deterministic across runs, and records nothing', async () => {
    id = (JSON.parse((await oncall(['open', '--runbook', 'demo', '--title', 'Slow box', '--json'], penv)).stdout) as { id: string }).id;
    await oncall(['note', 'looked at top'], penv);
    const a = await oncall(['export-postmortem'], penv);
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toMatch(/^# Postmortem: Slow box/);
    expect(a.stdout).toContain('**Status:** Draft');
    expect((await oncall(['export-postmortem'], penv)).stdout).toBe(a.stdout);
    const j = await oncall(['export-postmortem', '--format', 'json'], penv);
    expect(JSON.parse(j.stdout)).toMatchObject({ schema: 'oncall.postmortem/v1', status: 'draft', missing: ['Summary', 'Impact', 'Root causes', 'Action items'] });
    const log = (await oncall(['log', '--json'], penv)).stdout;
    expect(log).not.toContain('postmortem.exported');
  });

  it('--final refuses, listing what is missing, until the sections are written', async () => {
    const r = await oncall(['export-postmortem', '--final'], penv);
    expect(r.exitCode).toBe(8);
    expect(r.stderr).toMatch(/^error: not exported as final: Summary, Impact, Root causes, Action items are empty/);
    expect(r.stdout).toBe('');
    for (const [kind, text] of [['summary', 'Box slow for 10 min'], ['impact', 'One developer waited'], ['root-cause', 'A runaway build'], ['action', 'Cap build CPU [prevent] @ops']]) {
      expect((await oncall(['note', '--kind', kind!, text!], penv)).exitCode).toBe(0);
    }
    const out = join(t.dir, 'pm.md');
    // Never mitigated or resolved: a final export would claim an ending that did not happen.
    const open = await oncall(['export-postmortem', '--final', '--out', out], penv);
    expect(open.exitCode).toBe(8);
    expect(open.stderr).toMatch(/^error: not exported as final: incident \S+ was never marked mitigated or resolved \(mark it .*--allow-open/);
    expect(existsSync(out)).toBe(false);
    expect((await oncall(['status', 'mitigated'], penv)).exitCode).toBe(0);
    const ok = await oncall(['export-postmortem', '--final', '--out', out], penv);
    expect(ok.exitCode).toBe(0);
    const doc = readFileSync(out, 'utf8');
    expect(doc).toContain('**Status:** Final');
    expect(doc).toContain('- Box slow for 10 min _(tester, #');
    const events = (await oncall(['log', '--json'], penv)).stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> });
    const exported = events.at(-1)!;
    expect(exported.type).toBe('postmortem.exported');
    expect(exported.data).toMatchObject({ format: 'md', out });
    // The document names the log as it was before the export event.
    expect(doc).toContain(String(exported.data.head));
    expect(doc).toContain(String(exported.data.log_sha256));
    // The recorded document hash is of the bytes written, though they were written in parts.
    expect(exported.data.document_sha256).toBe(createHash('sha256').update(readFileSync(out)).digest('hex'));
    // The seq the document covers, and `log verify --upto` reproduces its head after the export's own record.
    const covers = Number(/Covers seq 1\.\.(\d+)/.exec(doc)![1]);
    expect(covers).toBe(events.length - 1);
    const upto = await oncall(['log', 'verify', '--upto', String(covers), '--json'], penv);
    expect(JSON.parse(upto.stdout)).toMatchObject({ ok: true, upto: covers, head: exported.data.head });
    expect((await oncall(['log', 'verify', '--upto', '99999'], penv)).exitCode).toBe(4);
  });

  it('--final refuses an edited log (exit 5); a draft still exports', async () => {
    const path = join(home, 'incidents', id, 'log.jsonl');
    writeFileSync(path, readFileSync(path, 'utf8').replace('looked at top', 'looked at htop'));
    const r = await oncall(['export-postmortem', '--final'], penv);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toMatch(/fails verification at seq 3/);
    const d = await oncall(['export-postmortem'], penv);
    expect(d.exitCode).toBe(0);
    expect(d.stdout).toContain('**FAILS at seq 3**');
  });
});

describe('oncall export-postmortem on a long incident', () => {
  it('a 12,000-event, 10 MiB log: read in chunks, written in parts, nothing lost or doubled at the seams', async () => {
    const home = join(t.dir, 'long');
    const id = '20261126-0900-long';
    mkdirSync(join(home, 'incidents', id), { recursive: true, mode: 0o700 });
    const path = join(home, 'incidents', id, 'log.jsonl');
    // A chained log written directly: 12,000 appends with fsync would only slow the test.
    const lines: string[] = [];
    let prev = GENESIS;
    for (let seq = 1; seq <= 12_000; seq++) {
      const body = {
        seq, id: `e${seq}`, ts: new Date(Date.parse('2026-11-26T09:00:00Z') + seq * 1000).toISOString(), actor: { kind: 'human', name: 'ana' },
        type: seq === 1 ? 'incident.opened' : 'note.added',
        data: seq === 1 ? { title: 'Long one', severity: 'critical', via: 'test' } : { text: `note ${seq} ${'é'.repeat(seq % 7)} ${'checked the queue depth again; '.repeat(25)}` },
        prev,
      } as Omit<StoredEvent, 'hash'>;
      prev = hashEvent(body);
      lines.push(`\n${JSON.stringify({ ...body, hash: prev })}\n`);
    }
    writeFileSync(path, lines.join(''));
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(10 * 1024 * 1024);

    const penv = { ONCALL_HOME: home };
    const r = await oncall(['export-postmortem', '--incident', id], penv);
    expect(r.exitCode).toBe(0);
    const seqs = [...r.stdout.matchAll(/^- \d\d:\d\d:\d\d #(\d+) /gm)].map((m) => Number(m[1]));
    expect(seqs).toEqual(Array.from({ length: 12_000 }, (_, i) => i + 1));
    expect(r.stdout).toContain(`- Covers seq 1..12000 (head hash \`${prev}\`); \`oncall log verify --upto 12000\` prints the same head`);
    expect(r.stdout).toContain(`- Log file sha256: \`${createHash('sha256').update(bytes).digest('hex')}\``);
    // (execa strips the final newline from stdout; the file keeps it.)
    expect(r.stdout.endsWith('prints the same value._')).toBe(true);

    const out = join(t.dir, 'long.md');
    expect((await oncall(['export-postmortem', '--incident', id, '--out', out], penv)).exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`${r.stdout}\n`);
  });
});

describe('oncall runbooks import', () => {
  it('writes validated YAML, refuses to overwrite without --force, and the imported runbook runs', async () => {
    const out = join(t.dir, 'imported');
    const ienv = { ONCALL_HOME: join(t.dir, 'imp-home') };
    const a = await oncall(['runbooks', 'import', 'test/fixtures/import/prom-op-KubeDeploymentReplicasMismatch.md', '--out', out], ienv);
    expect(a.exitCode).toBe(0);
    expect(a.stdout).toMatch(/→ kube-deployment-replicas-mismatch: 11 steps/);
    expect(a.stdout).toMatch(/review: .*TODO/);
    const v = await oncall(['runbooks', 'validate', out], ienv);
    expect(v.exitCode).toBe(0);
    const again = await oncall(['runbooks', 'import', 'test/fixtures/import/prom-op-KubeDeploymentReplicasMismatch.md', '--out', out], ienv);
    expect(again.exitCode).toBe(8);
    expect(again.stderr).toMatch(/exists; not overwritten \(use --force/);
    expect((await oncall(['runbooks', 'import', 'test/fixtures/import/prom-op-KubeDeploymentReplicasMismatch.md', '--out', out, '--force'], ienv)).exitCode).toBe(0);
    // A no-code page imports too, and runs like any other runbook.
    const nc = await oncall(['runbooks', 'import', 'test/fixtures/import/no-code.md', '--out', out], ienv);
    expect(nc.exitCode).toBe(0);
    const id = (JSON.parse((await oncall(['--runbooks', out, 'open', '--runbook', 'payment-provider-outage', '--json'], ienv)).stdout) as { id: string }).id;
    const first = (JSON.parse((await oncall(['--runbooks', out, 'runbooks', 'show', 'payment-provider-outage', '--json'], ienv)).stdout) as { runbook: { steps: { id: string }[] } }).runbook.steps[0]!.id;
    expect((await oncall(['step', 'done', first, '--incident', id], ienv)).exitCode).toBe(0);
    const dry = await oncall(['runbooks', 'import', '-', '--dry-run', '--id', 'from-stdin'], ienv, { input: '# Something broke\n\n## Check\n\n```sh\nuptime\n```\n' });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(/^# Imported from stdin\.md/);
    expect(dry.stdout).toContain('id: from-stdin');
  });
});

describe('oncall judge', () => {
  it('judges a runbook known cause by id, even an all-digit one', async () => {
    const dir = join(t.dir, 'judge-rb');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'j.yaml'), 'id: j\ntitle: J\nsummary: S\nseverity: info\nsteps:\n  - {id: one, title: One, kind: check, command: [echo, "HTTP 404"]}\nknown_causes:\n  - {id: "404", title: Missing route, signals: [{step: one, output_matches: "404"}]}\n');
    const jenv = { ONCALL_HOME: join(t.dir, 'judge-home') };
    const id = (JSON.parse((await oncall(['--runbooks', dir, 'open', '--runbook', 'j', '--json'], jenv)).stdout) as { id: string }).id;
    const r = await oncall(['judge', '404', 'refuted', '--reason', 'the route exists', '--incident', id], jenv);
    expect(r.exitCode).toBe(0);
    const last = (await oncall(['log', '--incident', id, '--json'], jenv)).stdout.trim().split('\n').pop()!;
    expect(JSON.parse(last)).toMatchObject({ type: 'hypothesis.judged', data: { cause: '404', verdict: 'refuted' } });
    expect((await oncall(['judge', '77', 'supported', '--reason', 'x', '--incident', id], jenv)).exitCode).toBe(4);
  });
});

describe('plain words for common failures', () => {
  it('a program that is not installed: "command not found" from step run and in the log; status resolved twice says so and writes nothing', async () => {
    const e = { ONCALL_HOME: join(t.dir, 'plain') };
    const dir = join(t.dir, 'plain-rb');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'typo.yaml'), 'id: typo\ntitle: T\nsummary: S\nseverity: info\nsteps:\n  - {id: df, title: Disk, kind: check, command: [dff, -h]}\n  - {id: sh, title: Shell, kind: check, shell: true, command: "dff -h"}\n');
    const id = (await oncall(['--runbooks', dir, 'open', '--runbook', 'typo'], e)).stdout.trim();
    const a = await oncall(['step', 'run', 'df', '--yes'], e);
    expect(a.exitCode).toBe(9);
    expect(a.stdout).toContain('df: FAILED (command not found: dff (is it installed and on PATH?))');
    expect(a.stdout + a.stderr).not.toMatch(/ENOENT|exit null/);
    const b = await oncall(['step', 'run', 'sh', '--yes'], e);
    expect(b.exitCode).toBe(9);
    expect(b.stdout).toContain('sh: FAILED (command not found: dff (is it installed and on PATH?))');
    const log = await oncall(['log'], e);
    expect(log.stdout).toContain('ran dff -h → command not found: dff (is it installed and on PATH?)');
    expect(log.stdout).not.toMatch(/ENOENT|exit null/);

    expect((await oncall(['status', 'resolved'], e)).exitCode).toBe(0);
    const count = readLogFile(join(e.ONCALL_HOME, 'incidents', id, 'log.jsonl')).events.length;
    const again = await oncall(['status', 'resolved'], e);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toBe(`${id} is already resolved; nothing written`);
    expect(readLogFile(join(e.ONCALL_HOME, 'incidents', id, 'log.jsonl')).events).toHaveLength(count);
  });
});
