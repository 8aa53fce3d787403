// A command's process group: who it is, whether it still runs, and how replay keeps it.
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { groupIdentity, groupState } from '../../src/exec/group.js';
import type { StoredEvent } from '../../src/incident/events.js';
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
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect(groupState(g)).toBe('ended');
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
    expect(s.malformed).toEqual([2]);
    expect(s.steps.wait).toBeUndefined();
  });
});
