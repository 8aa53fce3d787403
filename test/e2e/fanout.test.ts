/**
 * Steps over many targets, through the built binary: each target recorded, the step done only
 * when all are, re-runs of exactly the ones not ok, parallelism measured from inside the
 * commands, the canary and stop rules, targets from a grouped alert, and a SIGKILL mid-run.
 */
import { execa } from 'execa';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, oncall, tempDir } from '../helpers/cli.js';
import { Tmux } from '../helpers/tmux.js';
import { groupState } from '../../src/exec/group.js';

const t = tempDir('oncall-fanout-');
afterAll(() => t.cleanup());

let n = 0;
/** A fresh data home with an incident on a one-step runbook whose step has these targets. */
async function incident(targets: string, command: string, extra = '', params = '') {
  const dir = join(t.dir, `case-${++n}`);
  mkdirSync(dir);
  const rb = join(dir, 'fan.yaml');
  writeFileSync(rb, `id: fan\ntitle: Fan-out\nsummary: Runs over many targets.\nseverity: info\nparameters:\n  - name: hosts\n    pattern: '^[a-z0-9, -]{0,1000}$'\n${params}steps:\n  - id: each\n    title: Each host\n    kind: check\n    command: '${command}'\n    shell: true\n    timeout: 30s\n    targets:\n${targets}${extra}`);
  const env = { ONCALL_HOME: join(dir, 'home') };
  return { dir, rb, env };
}

type Status = { status: string; targets: { target: string; status: string; reason: string | null }[] };
const status = async (env: Record<string, string>) => JSON.parse((await oncall(['step', 'status', 'each', '--json'], env)).stdout) as Status;
const logEvents = async (env: Record<string, string>) => (await oncall(['log', '--json'], env)).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; data: Record<string, unknown> });

const hosts = (k: number) => Array.from({ length: k }, (_, i) => `h${i + 1}`).join(',');

describe('a step over many targets', () => {
  it('50 targets, 3 fail: partial, the 3 named; --targets failed runs exactly those 3', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      parallel: 8\n`, 'case "$TARGET" in h7|h23|h41) echo "$TARGET is down"; exit 3 ;; *) echo "$TARGET fine" ;; esac');
    await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(50)}`], c.env);
    const r = await oncall(['step', 'run', 'each', '--yes', '--json'], c.env);
    expect(r.exitCode).toBe(9);
    const out = JSON.parse(r.stdout) as { ok: boolean; targets: { total: number; ok: number; failed: string[]; not_run: string[] } };
    expect(out).toMatchObject({ ok: false, targets: { total: 50, ok: 47, failed: ['h7', 'h23', 'h41'], not_run: [] } });
    const s = await status(c.env);
    expect(s.status).toBe('partial');
    expect(s.targets.filter((x) => x.status === 'failed').map((x) => x.target)).toEqual(['h7', 'h23', 'h41']);
    expect(s.targets.find((x) => x.target === 'h7')!.reason).toBe('exit code 3');
    // Every target has its own recorded run, with its own output.
    const ran = (await logEvents(c.env)).filter((e) => e.type === 'command.ran');
    expect(ran).toHaveLength(50);
    expect((ran.find((e) => e.data.target === 'h23')!.data.stdout as { text: string }).text).toBe('h23 is down\n');

    const before = ran.length;
    const again = await oncall(['step', 'run', 'each', '--targets', 'failed', '--yes', '--json'], c.env);
    expect(again.exitCode).toBe(9);
    const reran = (await logEvents(c.env)).filter((e) => e.type === 'command.ran').slice(before);
    expect(reran.map((e) => e.data.target).sort()).toEqual(['h23', 'h41', 'h7']);
    // The 47 that were ok stay ok: the step's standing covers all 50.
    expect((JSON.parse(again.stdout) as { targets: { total: number; ok: number } }).targets).toMatchObject({ total: 50, ok: 47 });
    // A list picks exactly those; a name that is not a target is refused before anything runs.
    expect((await oncall(['step', 'run', 'each', '--targets', 'h7,nope', '--yes'], c.env)).stderr).toMatch(/not a target of step each: nope/);
  });

  it('the step is done when every target succeeded', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n`, 'echo "$TARGET"');
    await oncall(['open', '--runbook', c.rb, '--param', 'hosts=h1,h2,h3'], c.env);
    const r = await oncall(['step', 'run', 'each', '--yes'], c.env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/each: done \(3 of 3 targets ok\)/);
    expect((await status(c.env)).status).toBe('done');
  });

  it('parallel: 8 never runs more than 8 at once (measured inside the commands)', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      parallel: 8\n`, 'mkdir "$RUNDIR/$TARGET" && ls "$RUNDIR" | wc -l >> "$RUNDIR.counts"; sleep 0.3; rmdir "$RUNDIR/$TARGET"', '', '  - name: rundir\n    pattern: \'^/[A-Za-z0-9._/-]+$\'\n');
    const runDir = join(c.dir, 'running');
    mkdirSync(runDir);
    await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(40)}`, '--param', `rundir=${runDir}`], c.env);
    const r = await oncall(['step', 'run', 'each', '--yes'], c.env, { timeout: 120_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const counts = readFileSync(`${runDir}.counts`, 'utf8').trim().split('\n').map(Number);
    expect(counts).toHaveLength(40);
    expect(Math.max(...counts)).toBeLessThanOrEqual(8);
    // It did run several at once (40 targets of 0.3 s each overlap whatever the load).
    expect(Math.max(...counts)).toBeGreaterThan(1);
  }, 150_000);

  it('canary: 2 runs two, then from a script stops: the rest are recorded as not run', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      canary: 2\n`, 'echo "$TARGET"');
    await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(10)}`], c.env);
    const r = await oncall(['step', 'run', 'each', '--yes', '--json'], c.env);
    expect(r.exitCode).toBe(9);
    const out = JSON.parse(r.stdout) as { reason: string; targets: { ok: number; not_run: string[] } };
    expect(out.targets.ok).toBe(2);
    expect(out.targets.not_run).toHaveLength(8);
    expect(out.reason).toMatch(/stopped after the canary \(2 ok, 0 failed\)/);
    expect((await logEvents(c.env)).filter((e) => e.type === 'command.ran').map((e) => e.data.target)).toEqual(['h1', 'h2']);
    expect((await status(c.env)).targets.filter((x) => x.status === 'not-run')).toHaveLength(8);
  });

  it('canary at a terminal asks, and y runs the rest', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      canary: 1\n`, 'echo "$TARGET"');
    await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(4)}`], c.env);
    // `script` gives the command a terminal on stdin; "y" answers the canary question.
    const r = await execa('script', ['-qec', `${process.execPath} ${BIN} step run each --yes`, '/dev/null'], { env: { ...process.env, ...c.env, ONCALL_OPERATOR: 'tester', XDG_CONFIG_HOME: c.dir }, input: 'y\n', reject: false, timeout: 60_000 });
    expect(String(r.stdout)).toMatch(/Run the other 3\? \[y\/N\]/);
    expect((await status(c.env)).status).toBe('done');
  });

  it('canary at a terminal: end of input (Ctrl-D) at the question is a no, and the step is recorded partial, not left running', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      canary: 1\n`, 'echo "$TARGET"');
    await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(3)}`], c.env);
    const r = await execa('script', ['-qec', `${process.execPath} ${BIN} step run each --yes`, '/dev/null'], { env: { ...process.env, ...c.env, ONCALL_OPERATOR: 'tester', XDG_CONFIG_HOME: c.dir }, input: '\u0004', reject: false, timeout: 60_000 });
    expect(String(r.stdout)).toMatch(/Run the other 2\? \[y\/N\]/);
    const s = await status(c.env);
    expect(s.status).toBe('partial');
    expect(s.targets.map((x) => x.status)).toEqual(['ok', 'not-run', 'not-run']);
  });

  it('stop_after_failures: 2 leaves the rest not run', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      stop_after_failures: 2\n`, 'case "$TARGET" in h2|h3) exit 1 ;; esac; echo ok');
    await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(10)}`], c.env);
    const out = JSON.parse((await oncall(['step', 'run', 'each', '--yes', '--json'], c.env)).stdout) as { reason: string; targets: { ok: number; failed: string[]; not_run: string[] } };
    expect(out.targets).toMatchObject({ ok: 1, failed: ['h2', 'h3'] });
    expect(out.targets.not_run).toEqual(['h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10']);
    expect(out.reason).toMatch(/stopped after 2 failed/);
  });

  it('verify: a target whose check fails after the step is drifted, not ok', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      verify: 'test "$TARGET" != h2'\n`, 'echo "$TARGET"');
    await oncall(['open', '--runbook', c.rb, '--param', 'hosts=h1,h2,h3'], c.env);
    const out = JSON.parse((await oncall(['step', 'run', 'each', '--yes', '--json'], c.env)).stdout) as { targets: { ok: number; drifted: string[] } };
    expect(out.targets).toMatchObject({ ok: 2, drifted: ['h2'] });
    expect((await status(c.env)).targets.find((x) => x.target === 'h2')).toMatchObject({ status: 'drifted', reason: 'verify: exit code 1' });
  });

  it('targets from a command\'s output, filtered by match; nothing runs without --yes', async () => {
    const c = await incident(`      from_command: 'printf "node/web-1 Ready\\nnode/web-2 NotReady\\nnode/db-1 Ready\\n"'\n      match: '^node/([a-z0-9-]+) Ready$'\n      pattern: '^[a-z0-9-]+$'\n`, 'echo "checked $TARGET"');
    await oncall(['open', '--runbook', c.rb], c.env);
    const shown = await oncall(['step', 'run', 'each'], c.env);
    expect(shown.exitCode).toBe(2);
    expect((await logEvents(c.env)).some((e) => e.type === 'command.ran')).toBe(false);
    const r = await oncall(['step', 'run', 'each', '--yes', '--json'], c.env);
    expect(r.exitCode).toBe(0);
    const ran = (await logEvents(c.env)).filter((e) => e.type === 'command.ran');
    expect(ran.map((e) => e.data.role ?? e.data.target)).toEqual(['discover', 'web-1', 'db-1']);
  });

  it('a grouped Alertmanager payload with 15 alerts gives 15 targets; a value that fails the pattern is refused, never run', async () => {
    const c = await incident(`      from_label: instance\n      pattern: '^[a-z0-9.-]+:[0-9]+$'\n      parallel: 4\n`, 'echo "$TARGET"');
    const alerts = Array.from({ length: 15 }, (_, i) => ({ status: 'firing', labels: { alertname: 'NodeDown', instance: i === 9 ? 'web-10:9100; touch /tmp/pwned' : `web-${i + 1}:9100` }, annotations: {}, startsAt: '2026-11-29T10:00:00Z' }));
    writeFileSync(join(c.dir, 'alert.json'), JSON.stringify({ version: '4', status: 'firing', receiver: 'x', groupLabels: { alertname: 'NodeDown' }, commonLabels: { alertname: 'NodeDown' }, commonAnnotations: {}, externalURL: 'http://am.example.test', groupKey: 'k', alerts }));
    await oncall(['open', '--runbook', c.rb, '--alert', join(c.dir, 'alert.json')], c.env);
    const out = JSON.parse((await oncall(['step', 'run', 'each', '--yes', '--json'], c.env)).stdout) as { targets: { total: number; ok: number; refused: string[] } };
    expect(out.targets).toMatchObject({ total: 15, ok: 14, refused: ['web-10:9100; touch /tmp/pwned'] });
    const ran = (await logEvents(c.env)).filter((e) => e.type === 'command.ran').map((e) => e.data.target);
    expect(ran).toHaveLength(14);
    expect(ran).not.toContain('web-10:9100; touch /tmp/pwned');
  });

  it('SIGKILL mid fan-out: the record says which finished, which were running, and which never started', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      parallel: 2\n`, 'case "$TARGET" in h1|h2) echo quick ;; *) sleep 30 ;; esac');
    await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(6)}`], c.env);
    const child = execa(process.execPath, [BIN, 'step', 'run', 'each', '--yes'], { env: { ...process.env, ...c.env, ONCALL_OPERATOR: 'tester', XDG_CONFIG_HOME: c.dir }, reject: false });
    // Until two targets finished and two more are running (count-based, generous cap).
    const logFile = () => readdirSync(join(c.env.ONCALL_HOME, 'incidents')).map((d) => join(c.env.ONCALL_HOME, 'incidents', d, 'log.jsonl'))[0]!;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const text = readFileSync(logFile(), 'utf8');
      if ((text.match(/"type":"target.finished"/g) ?? []).length >= 2 && (text.match(/"type":"command.started"/g) ?? []).length >= 4) break;
      if (Date.now() > deadline) throw new Error(`not there in 60 s:\n${text.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    await child;
    const s = await status(c.env);
    const by = Object.fromEntries(s.targets.map((x) => [x.target, x.status]));
    expect(by).toEqual({ h1: 'ok', h2: 'ok', h3: 'running', h4: 'running', h5: 'pending', h6: 'pending' });
    const text = (await oncall(['step', 'status', 'each'], c.env)).stdout;
    expect(text).toMatch(/h3 +was running/);
    expect(text).toMatch(/h5 +never started/);
    // The sleeping process groups of h3 and h4 outlived oncall: stop them.
    const events = await logEvents(c.env);
    for (const e of events.filter((x) => x.type === 'command.started')) {
      try {
        process.kill(-(e.data.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    // The log is whole after the kill.
    expect((await oncall(['log', 'verify'], c.env)).exitCode).toBe(0);
  }, 90_000);

  it('Ctrl-C stops the running targets (their process groups) and records the rest as not run', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      parallel: 2\n`, 'sleep 30; echo "$TARGET"');
    await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(6)}`], c.env);
    const child = execa(process.execPath, [BIN, 'step', 'run', 'each', '--yes', '--json'], { env: { ...process.env, ...c.env, ONCALL_OPERATOR: 'tester', XDG_CONFIG_HOME: c.dir }, reject: false });
    const logFile = () => readdirSync(join(c.env.ONCALL_HOME, 'incidents')).map((d) => join(c.env.ONCALL_HOME, 'incidents', d, 'log.jsonl'))[0]!;
    const deadline = Date.now() + 60_000;
    while ((readFileSync(logFile(), 'utf8').match(/"type":"command.started"/g) ?? []).length < 2) {
      if (Date.now() > deadline) throw new Error('two targets never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    const out = JSON.parse(String(r.stdout)) as { targets: { ok: number; failed: string[]; not_run: string[] } };
    expect(out.targets).toEqual({ total: 6, ok: 0, failed: ['h1', 'h2'], drifted: [], not_run: ['h3', 'h4', 'h5', 'h6'], refused: [] });
    const s = await status(c.env);
    expect(s.targets.find((x) => x.target === 'h1')).toMatchObject({ status: 'failed', reason: 'cancelled by the operator' });
    // Their process groups have no live member: nothing of the step still runs (zombies waiting to be reaped do not count).
    for (const e of (await logEvents(c.env)).filter((x) => x.type === 'command.started')) expect(groupState(e.data as never)).toBe('ended');
  }, 90_000);

  it('counts are over every current target: a first run of a named few is not done; a changed list is what counts', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      canary: 1\n`, 'echo "$TARGET"');
    await oncall(['open', '--runbook', c.rb, '--param', 'hosts=h1,h2,h3'], c.env);
    const first = await oncall(['step', 'run', 'each', '--targets', 'h1', '--yes', '--json'], c.env);
    expect(first.exitCode).toBe(9);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: false, targets: { total: 3, ok: 1, not_run: ['h2', 'h3'] } });
    // --targets failed runs the ones not ok, and the canary (a first-run guard) does not stop it.
    const again = JSON.parse((await oncall(['step', 'run', 'each', '--targets', 'failed', '--yes', '--json'], c.env)).stdout) as { ok: boolean; targets: { total: number; ok: number } };
    expect(again).toMatchObject({ ok: true, targets: { total: 3, ok: 3 } });
    // The source changed: h2 is gone, h4 is new; "failed" runs only h4, and h2 no longer counts.
    const changed = JSON.parse((await oncall(['step', 'run', 'each', '--param', 'hosts=h1,h3,h4', '--targets', 'failed', '--yes', '--json'], c.env)).stdout) as { targets: { total: number; ok: number } };
    expect(changed.targets).toMatchObject({ total: 3, ok: 3 });
    const ran = (await logEvents(c.env)).filter((e) => e.type === 'command.ran').map((e) => e.data.target);
    expect(ran).toEqual(['h1', 'h2', 'h3', 'h4']);
  });

  it('a target that starts with "-" is refused in a shell step too; when only refused ones are left, it says so', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^[-a-z0-9]+$'\n`, 'echo delete "$TARGET"');
    await oncall(['open', '--runbook', c.rb, '--param', 'hosts=web-1,--all'], c.env);
    const r = await oncall(['step', 'run', 'each', '--yes', '--json'], c.env);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, targets: { ok: 1, refused: ['--all'] } });
    const again = await oncall(['step', 'run', 'each', '--targets', 'failed', '--yes'], c.env);
    expect(again.stderr).toMatch(/only refused targets are left \(--all\)/);
    expect((await oncall(['step', 'run', 'each', '--targets', 'nope', '--yes'], c.env)).exitCode).toBe(2);
  });

  it('a run is refused while another oncall runs the same step over its targets', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      canary: 1\n`, 'echo "$TARGET"');
    await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(3)}`], c.env);
    // The first run waits at its canary question (it has a terminal), the second is refused.
    const first = execa('script', ['-qec', `${process.execPath} ${BIN} step run each --yes`, '/dev/null'], { env: { ...process.env, ...c.env, ONCALL_OPERATOR: 'tester', XDG_CONFIG_HOME: c.dir }, reject: false, timeout: 60_000 });
    const deadline = Date.now() + 30_000;
    while (!(await logEvents(c.env)).some((e) => e.type === 'target.finished')) {
      if (Date.now() > deadline) throw new Error('the canary never finished');
      await new Promise((r) => setTimeout(r, 100));
    }
    const second = await oncall(['step', 'run', 'each', '--targets', 'h2', '--yes'], c.env);
    expect(second.exitCode).toBe(8);
    expect(second.stderr).toMatch(/another oncall \(pid \d+\) is running this step over its targets/);
    first.stdin?.end('n\n');
    await first;
    expect((await status(c.env)).targets.map((x) => x.status)).toEqual(['ok', 'not-run', 'not-run']);
  }, 90_000);

  it('the postmortem lists every target of a fan-out step', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n`, 'test "$TARGET" != h2');
    await oncall(['open', '--runbook', c.rb, '--param', 'hosts=h1,h2,h3'], c.env);
    await oncall(['step', 'run', 'each', '--yes'], c.env);
    const md = (await oncall(['export-postmortem'], c.env)).stdout;
    expect(md).toContain('#### Targets of `each`: 2 of 3 ok');
    expect(md).toMatch(/\| `h2` \| failed \| exit code 1 \| #\d+ \|/);
    expect(md).toMatch(/\| Each host \(`each`\) \| check \| partial \|/);
  });
});

describe('the screen', () => {
  it('at 80x24: the plan in the confirm box, a table of 50 targets that scrolls with its counts in view, r offers only the ones not ok', async () => {
    const c = await incident(`      from_param: hosts\n      pattern: '^h[0-9]+$'\n      parallel: 8\n`, 'case "$TARGET" in h7|h23|h41) echo "$TARGET is down"; exit 3 ;; *) echo "$TARGET fine" ;; esac');
    const id = (JSON.parse((await oncall(['open', '--runbook', c.rb, '--param', `hosts=${hosts(50)}`, '--json'], c.env)).stdout) as { id: string }).id;
    const tmux = new Tmux();
    try {
      await tmux.start(`node ${BIN} start --incident ${id}`, { cols: 80, rows: 24, env: { ...c.env, ONCALL_OPERATOR: 'alice', XDG_CONFIG_HOME: c.dir, CI: 'true' } });
      await tmux.waitFor('Each host');
      await tmux.keys('r');
      let screen = await tmux.waitFor('Run each over 50 targets?');
      expect(screen).toContain('50 targets from parameter hosts: 8 at once');
      expect(screen).toContain('h1: TARGET=h1');
      expect(screen).toContain('… 44 more');
      await tmux.keys('y');
      screen = await tmux.waitFor('each PARTIAL');
      // The counts stay in the output header whatever is scrolled into view.
      expect(screen).toContain('47 ok, 3 failed of 50 ──');
      expect(screen).toMatch(/lines \d+-\d+ of 50/);
      await tmux.keys('g');
      screen = await tmux.waitFor(/lines 1-\d+ of 50/);
      expect(screen).toMatch(/✓ h1 +ok/);
      expect(screen).toMatch(/✗ h7 +failed: exit code 3/);
      expect(screen).toContain('47 ok, 3 failed of 50 ──');
      await tmux.keys('G');
      screen = await tmux.waitFor(/lines \d+-50 of 50/);
      expect(screen).toMatch(/✓ h50 +ok/);
      // r on a partial step: the plan is the 3 not ok, never the 47 that succeeded.
      await tmux.keys('r');
      screen = await tmux.waitFor('Run each over 3 targets?');
      expect(screen).toContain('(the ones not ok)');
      await tmux.keys('n');
      await tmux.waitFor('cancelled: nothing was run');
      await tmux.keys('q');
      await tmux.waitFor('[exited 0]');
    } finally {
      await tmux.kill();
    }
  }, 60_000);
});

describe('runbooks validate: targets', () => {
  it('targets cannot come from a secret parameter (they are recorded and shown by name)', async () => {
    const c = await incident(`      from_param: toks\n      pattern: x\n`, 'echo "$TARGET"', '', '  - name: toks\n    pattern: x\n    secret: true\n');
    const r = await oncall(['runbooks', 'validate', c.rb], c.env);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/parameter toks is secret, and targets are recorded and shown by name/);
  });

  it('needs one source, a command that uses the target, and patterns RE2 can run', async () => {
    const cases: [string, string, RegExp][] = [
      ['      pattern: x\n', 'echo "$TARGET"', /targets need a source/],
      ['      from_param: hosts\n      from_label: instance\n      pattern: x\n', 'echo "$TARGET"', /targets come from one place, not from_param and from_label/],
      ['      from_param: hosts\n      pattern: x\n', 'echo same', /must use its target/],
      ['      from_param: nope\n      pattern: x\n', 'echo "$TARGET"', /"nope" is not a declared parameter/],
      ['      from_param: hosts\n      pattern: \'(?=x)\'\n', 'echo "$TARGET"', /cannot be used: it uses lookahead/],
      ['      from_param: hosts\n      pattern: x\n      verify: [echo, "{{nope}}"]\n', 'echo "$TARGET"', /\{\{nope\}\} is not a declared parameter/],
      ['      from_command: [echo, "{{target}}"]\n      pattern: x\n', 'echo "$TARGET"', /\{\{target\}\} is not known while the targets are being found/],
    ];
    for (const [targets, command, want] of cases) {
      const c = await incident(targets, command);
      const r = await oncall(['runbooks', 'validate', c.rb], c.env);
      expect(r.exitCode, targets).toBe(3);
      expect(r.stdout, targets).toMatch(want);
    }
  });
});
