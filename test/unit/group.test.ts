// A command's process group: who it is, whether it still runs, and how replay keeps it.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupIdentity, groupState, liveRun, parseStat } from '../../src/exec/group.js';
import { isGroupPid, type StoredEvent } from '../../src/incident/events.js';
import { replay } from '../../src/incident/replay.js';

const ev = (seq: number, type: string, data: Record<string, unknown>) =>
  ({ seq, id: `e${seq}`, ts: '2026-11-27T00:00:00.000Z', actor: { kind: 'human', name: 'a' }, type, data, prev: '', hash: '' }) as unknown as StoredEvent;

describe('process groups', () => {
  it('a live group is running; on another host it is elsewhere; a reused id (other start time) has ended; a killed one has ended', async () => {
    const child = spawn('sleep', ['31'], { detached: true, stdio: 'ignore' });
    const g = groupIdentity(child.pid!);
    try {
      expect(g).toMatchObject({ pid: child.pid, host: hostname(), start_ticks: expect.any(Number) });
      expect(groupState(g)).toBe('running');
      expect(groupState({ ...g, host: `${hostname()}-other` })).toBe('elsewhere');
      expect(groupState({ ...g, start_ticks: g.start_ticks! + 1 })).toBe('ended');
      // Whatever the step's status since (skipped while it ran), a live group refuses a second run.
      const skipped = { status: 'skipped', process: g };
      expect(liveRun(skipped)).toBe(g);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect(groupState(g)).toBe('ended');
  });

  it('a killed leader that nobody reaps (a zombie) has ended, though the kernel still answers for its pid', async () => {
    // perl forks a child that leads its own group, and never waits for it.
    const parent = spawn('perl', ['-e', '$| = 1; my $p = fork; if ($p == 0) { setpgrp(0, 0); exec "sleep", "29" } print "$p\\n"; sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((r) => parent.stdout.once('data', (d: Buffer) => r(d.toString()))));
      const end = Date.now() + 5000;
      while (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'S' && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      const g = groupIdentity(pid);
      expect(groupState(g)).toBe('running');
      process.kill(pid, 'SIGKILL');
      while (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z' && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(() => process.kill(-pid, 0)).not.toThrow();
      expect(groupState(g)).toBe('ended');
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('reads the start time and group from /proc even when the command name holds ") ("', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-group-'));
    const odd = join(dir, 'x) y (z');
    copyFileSync('/bin/sleep', odd);
    const child = spawn(odd, ['27'], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      const st = parseStat(readFileSync(`/proc/${child.pid}/stat`, 'utf8'))!;
      expect(st.pgrp).toBe(child.pid);
      // Field 22 is the start time in clock ticks since boot: it must agree with /proc/uptime.
      const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
      const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString());
      expect(Math.abs(st.startTicks / hz - uptime)).toBeLessThan(5);
      expect(groupIdentity(child.pid!).start_ticks).toBe(st.startTicks);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a pid that would name someone else\'s group (0, 1, negative, fractional) is never a group of ours', () => {
    for (const pid of [0, 1, -1, -process.pid, 1.5, Number.NaN]) {
      expect(isGroupPid(pid)).toBe(false);
      expect(groupState({ pid, host: hostname() })).toBe('ended');
      const s = replay('x', [ev(1, 'incident.opened', { title: 't', severity: 'info', via: 'test' }), ev(2, 'command.started', { step: 'wait', pid, host: hostname(), writer_pid: 9 })]);
      expect(s.malformed).toEqual(['2']);
    }
  });

  it('replay keeps a step\'s group until its command.ran, and skips a malformed record', () => {
    const opened = ev(1, 'incident.opened', { title: 't', severity: 'info', via: 'test' });
    const started = ev(2, 'command.started', { step: 'wait', pid: 4242, host: 'h', start_ticks: 7, writer_pid: 99 });
    expect(replay('x', [opened, started]).steps.wait!.process).toEqual({ pid: 4242, host: 'h', start_ticks: 7, writer_pid: 99, seq: 2 });
    const out = { text: '', bytes: 0, truncated: false };
    const ran = ev(3, 'command.ran', { step: 'wait', argv: ['sleep'], shell: false, cwd: '/', exit_code: 0, signal: null, duration_ms: 1, timed_out: false, cancelled: false, stdout: out, stderr: out });
    expect(replay('x', [opened, started, ran]).steps.wait!.process).toBeUndefined();
    const bad = ev(2, 'command.started', { step: 'wait', pid: '4242', host: 'h', writer_pid: 99 });
    const s = replay('x', [opened, bad]);
    expect(s.malformed).toEqual(['2']);
    expect(s.steps.wait).toBeUndefined();
  });
});
