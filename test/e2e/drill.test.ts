/**
 * Drills: a recorded incident replayed without running anything (marker files the original
 * commands create prove it), the original's log untouched, the answer hidden until the
 * debrief; every shipped scenario played to the end; the screen's DRILL mark in tmux.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, oncall, ROOT, tempDir } from '../helpers/cli.js';
import { Tmux } from '../helpers/tmux.js';

const t = tempDir('oncall-drill-');
afterAll(() => t.cleanup());

const MARKS = join(t.dir, 'marks');
const RUNBOOK = `id: marker-disk
title: Disk filling (marker test)
summary: Each command leaves a marker file, so a test can tell whether it ran.
severity: warning
parameters:
  - name: marks
    description: where the markers go
    pattern: '^/[A-Za-z0-9._/-]+$'
steps:
  - id: usage
    title: How full is it
    kind: check
    command: 'touch "$MARKS/usage"; echo "/dev/sda1  50G  48G  2.0G  96% /var"'
    shell: true
  - id: top-dirs
    title: What is big
    kind: check
    command: 'touch "$MARKS/top-dirs"; echo "31G /var/log/app"; echo "9.0G /var/lib/docker"'
    shell: true
  - id: rotate
    title: Rotate the app log
    kind: action
    command: 'touch "$MARKS/rotate"; echo "rotated /var/log/app/app.log (31G)"'
    shell: true
  - id: verify
    title: Usage again
    kind: check
    command: 'touch "$MARKS/verify"; echo "/dev/sda1  50G  17G  33G  34% /var"'
    shell: true
`;

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('a drill from a recorded incident', () => {
  it('replays every step without running anything, hides the answer, records the trainee and the debrief, and leaves the original byte-identical', async () => {
    mkdirSync(MARKS, { recursive: true });
    const rb = join(t.dir, 'marker-disk.yaml');
    writeFileSync(rb, RUNBOOK);
    const env = { ONCALL_HOME: join(t.dir, 'home'), ONCALL_OPERATOR: 'alice' };
    const id = (JSON.parse((await oncall(['open', '--runbook', rb, '--param', `marks=${MARKS}`, '--json'], env)).stdout) as { id: string }).id;
    for (const s of ['usage', 'top-dirs', 'rotate', 'verify']) expect((await oncall(['step', 'run', s, '--yes', '--incident', id], env)).exitCode).toBe(0);
    await oncall(['note', '--incident', id, '--kind', 'hypothesis', 'the app log is not rotated'], env);
    await oncall(['note', '--incident', id, '--kind', 'root-cause', 'logrotate skipped app.log after its config moved'], env);
    await oncall(['note', '--incident', id, '--kind', 'resolution', 'rotated app.log by hand and fixed the logrotate path'], env);
    expect((await oncall(['status', 'mitigated', '--incident', id], env)).exitCode).toBe(0);
    expect(readdirSync(MARKS).sort()).toEqual(['rotate', 'top-dirs', 'usage', 'verify']);
    rmSync(MARKS, { recursive: true });
    mkdirSync(MARKS);
    const original = join(env.ONCALL_HOME, 'incidents', id, 'log.jsonl');
    const before = sha(original);

    const bob = { ...env, ONCALL_OPERATOR: 'bob' };
    const started = await oncall(['drill', '--from', id, '--fast', '0', '--json'], bob);
    expect(started.exitCode, started.stderr).toBe(0);
    const drill = (JSON.parse(started.stdout) as { id: string }).id;
    // The answer stays hidden: nothing of the original's notes is in the drill.
    const early = (await oncall(['log', '--json', '--incident', drill], bob)).stdout;
    expect(early).not.toContain('logrotate skipped');
    expect(early).not.toContain('the app log is not rotated');
    expect(early).toContain('"drill.started"');
    // Listed only with --drills; never the default incident of other commands.
    expect((await oncall(['incidents'], bob)).stdout).not.toContain(drill);
    expect((await oncall(['incidents', '--drills'], bob)).stdout).toMatch(new RegExp(`${drill}\\s+DRILL investigating`));
    const hyp = await oncall(['hypothesize', '--incident', drill], bob);
    expect(hyp.exitCode).toBe(2);
    expect(hyp.stderr).toContain('model hypotheses are off');

    const usage = await oncall(['step', 'run', 'usage', '--yes', '--incident', drill], bob);
    expect(usage.exitCode).toBe(0);
    expect(usage.stdout).toContain('96% /var');
    expect(usage.stdout).toContain('[replayed] usage: done');
    expect((await oncall(['note', '--incident', drill, '--kind', 'hypothesis', 'docker images filled it'], bob)).exitCode).toBe(0);
    expect((await oncall(['step', 'run', 'top-dirs', '--yes', '--incident', drill], bob)).stdout).toContain('31G /var/log/app');
    expect((await oncall(['step', 'skip', 'rotate', '--reason', 'will clean docker first', '--incident', drill], bob)).exitCode).toBe(0);
    expect((await oncall(['step', 'run', 'verify', '--yes', '--incident', drill], bob)).stdout).toContain('34% /var');
    await oncall(['note', '--incident', drill, '--kind', 'root-cause', 'docker images'], bob);
    // Nothing of the runbook ran on this machine.
    expect(readdirSync(MARKS)).toEqual([]);

    const end = await oncall(['drill', 'end', '--incident', drill, '--format', 'json'], bob);
    expect(end.exitCode, end.stderr).toBe(0);
    const d = (JSON.parse(end.stdout) as { debrief: Record<string, unknown> }).debrief as {
      steps: { drill: string[]; original: string[] }; skipped: { drill: string[]; original: string[] }; not_taken: string[];
      root_cause: { drill: { text: string }[]; original: { text: string }[] }; time_to_first_hypothesis_s: { drill: number | null; original: number | null };
      resolution: { original: { text: string }[] }; time_to_mitigation_s: { drill: number | null; original: number | null };
    };
    expect(d.steps).toEqual({ drill: ['usage', 'top-dirs', 'verify'], original: ['usage', 'top-dirs', 'rotate', 'verify'] });
    expect(d.skipped).toEqual({ drill: ['rotate'], original: [] });
    expect(d.not_taken).toEqual(['rotate']);
    expect(d.root_cause.drill.map((x) => x.text)).toEqual(['docker images']);
    expect(d.root_cause.original.map((x) => x.text)).toEqual(['logrotate skipped app.log after its config moved']);
    expect(d.resolution.original.map((x) => x.text)).toEqual(['rotated app.log by hand and fixed the logrotate path']);
    expect(d.time_to_first_hypothesis_s.drill).not.toBeNull();
    expect(d.time_to_mitigation_s).toMatchObject({ drill: null });
    expect(d.time_to_mitigation_s.original).not.toBeNull();
    // The debrief is in the drill's log; the text form prints the two side by side.
    const log = (await oncall(['log', '--json', '--incident', drill], bob)).stdout;
    expect(log).toContain('"drill.ended"');
    expect(log).toContain('"text":"docker images filled it"');
    const text = await oncall(['drill', 'end', '--incident', drill], bob);
    expect(text.stdout).toMatch(/steps, in order\s+usage → top-dirs → verify\s+usage → top-dirs → rotate → verify/);
    expect(text.stdout).toContain('Root cause, as the original found it:');
    expect((log.match(/"drill.ended"/g) ?? []).length).toBe(1);
    // The game master's view: the original step by step, with the answer.
    const gm = await oncall(['drill', '--from', id, '--gm'], bob);
    expect(gm.stdout).toContain('GAME MASTER');
    expect(gm.stdout).toContain('31G /var/log/app');
    expect(gm.stdout).toContain('logrotate skipped app.log');

    expect(sha(original)).toBe(before);
    expect((await oncall(['log', 'verify', '--incident', id], env)).exitCode).toBe(0);
    expect((await oncall(['log', 'verify', '--incident', drill], env)).exitCode).toBe(0);
    expect(readdirSync(MARKS)).toEqual([]);
  }, 120_000);

  it('a step the original never ran says so and records nothing; an incident without a runbook cannot be drilled', async () => {
    const env = { ONCALL_HOME: join(t.dir, 'home2'), ONCALL_OPERATOR: 'alice' };
    const id = (JSON.parse((await oncall(['open', '--runbook', 'demo', '--json'], env)).stdout) as { id: string }).id;
    const drill = (JSON.parse((await oncall(['drill', '--from', id, '--fast', '0', '--json'], env)).stdout) as { id: string }).id;
    const r = await oncall(['step', 'run', 'load', '--yes', '--incident', drill], env);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toContain('the original never ran step load');
    expect((await oncall(['log', '--json', '--incident', drill], env)).stdout).not.toContain('"step.started"');
    const bare = (JSON.parse((await oncall(['open', '--title', 'no runbook', '--json'], env)).stdout) as { id: string }).id;
    const no = await oncall(['drill', '--from', bare, '--json'], env);
    expect(no.exitCode).toBe(2);
    expect(no.stderr).toContain('followed no runbook');
  }, 60_000);
});

describe('the shipped scenarios', () => {
  const files = readdirSync(join(ROOT, 'runbooks', 'drills')).filter((f) => f.endsWith('.yaml'));
  it('there are at least three, and drill list shows them', async () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    const list = JSON.parse((await oncall(['drill', 'list', '--json'], { ONCALL_HOME: join(t.dir, 'list') })).stdout) as { scenarios: { id: string }[]; invalid: unknown[] };
    expect(list.invalid).toEqual([]);
    expect(list.scenarios.map((s) => s.id).sort()).toEqual(files.map((f) => f.replace(/\.yaml$/, '')).sort());
  });

  for (const f of files) {
    it(`${f}: validates and plays to the end without a terminal`, async () => {
      const sc = parse(readFileSync(join(ROOT, 'runbooks', 'drills', f), 'utf8')) as { id: string; steps: Record<string, unknown>; root_cause: string };
      const env = { ONCALL_HOME: join(t.dir, `sc-${sc.id}`), ONCALL_OPERATOR: 'trainee' };
      const started = await oncall(['drill', '--scenario', sc.id, '--fast', '0', '--json'], env);
      expect(started.exitCode, started.stderr).toBe(0);
      const id = (JSON.parse(started.stdout) as { id: string }).id;
      expect((await oncall(['log', '--json', '--incident', id], env)).stdout).not.toContain(sc.root_cause.slice(0, 40));
      for (const step of Object.keys(sc.steps)) {
        const r = await oncall(['step', 'run', step, '--yes', '--incident', id], env);
        // A replayed step succeeds or fails as the runbook judges the recorded output.
        expect([0, 9], `${step}: ${r.stderr}`).toContain(r.exitCode);
        expect(r.stdout).toContain(`[replayed] ${step}:`);
      }
      await oncall(['note', '--incident', id, '--kind', 'root-cause', 'my guess'], env);
      const end = await oncall(['drill', 'end', '--incident', id, '--json'], env);
      expect(end.exitCode, end.stderr).toBe(0);
      const d = (JSON.parse(end.stdout) as { debrief: { steps: { drill: string[] }; root_cause: { original: { text: string }[] }; source: unknown } }).debrief;
      expect(d.steps.drill).toEqual(Object.keys(sc.steps));
      expect(d.root_cause.original[0]!.text).toBe(sc.root_cause);
      expect(d.source).toEqual({ scenario: sc.id });
    }, 120_000);
  }
});

describe('the drill screen', () => {
  it('shows the DRILL mark and labels replayed output; a typed command is not run unless confirmed', async () => {
    const env = { ONCALL_HOME: join(t.dir, 'tmux'), ONCALL_OPERATOR: 'trainee', NO_COLOR: '1', XDG_CONFIG_HOME: join(t.dir, 'tmux') };
    const marker = join(t.dir, 'typed-marker');
    const tmux = new Tmux();
    try {
      await tmux.start(`node ${BIN} drill --scenario k8s-crashloop-fd-leak --fast 0`, { cols: 140, rows: 36, env });
      await tmux.waitFor('DRILL · oncall', 20_000);
      await tmux.keys('r');
      await tmux.waitFor('DRILL: nothing runs', 10_000);
      await tmux.keys('y');
      const s = await tmux.waitFor('REPLAYED (drill: nothing ran)', 10_000);
      expect(s).toContain('CrashLoopBackOff');
      expect(s).toContain('[replayed] get-pod done');
      // A step over many targets (restart-pods: kubectl delete pod per target) is refused, never run.
      for (let i = 0; i < 8; i++) await tmux.keys('j');
      await tmux.waitFor('restart-pods', 5_000);
      await tmux.keys('r');
      await tmux.waitFor('drills do not replay those: nothing runs', 10_000);
      // a $ COMMAND: any key but y records it as "would run"; nothing runs.
      await tmux.keys('a');
      await tmux.type(`$ touch ${marker}`);
      await tmux.keys('Enter');
      await tmux.waitFor('run this for real, on THIS machine?', 10_000);
      await tmux.keys('n');
      await tmux.waitFor('action recorded', 10_000);
      expect(existsSync(marker)).toBe(false);
      // Quitting a drill asks whether to end it; y prints the debrief once the screen closes.
      await tmux.keys('q');
      await tmux.waitFor('End the drill?', 10_000);
      await tmux.keys('y');
      const after = await tmux.waitFor('[exited 0]', 15_000);
      expect(after).toContain('DRILL DEBRIEF');
      expect(after).toContain('Root cause, as the original found it:');
    } finally {
      await tmux.kill();
    }
    const id = readdirSync(join(env.ONCALL_HOME, 'incidents'))[0]!;
    const log = (await oncall(['log', '--incident', id], env)).stdout;
    expect(log).toContain('would run (DRILL, not run): touch');
    expect(log).toContain('[replayed, nothing ran]');
    expect(log).toContain('DRILL ended: debrief recorded');
  }, 90_000);
});
