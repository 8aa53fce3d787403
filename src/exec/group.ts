/**
 * Who a command's process group is, and whether it still runs. A step whose oncall was killed
 * mid-run leaves its group behind (nothing can reap it then); on resume the screen says
 * whether it is still running, so nobody starts a second `pg_repack` beside the first.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface GroupIdentity {
  /** The group leader's pid, which is also the group id (commands run in their own group). */
  pid: number;
  host: string;
  /** The leader's start time in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
  start_ticks?: number;
}

export function groupIdentity(pid: number): GroupIdentity {
  const ticks = startTicks(pid);
  return { pid, host: hostname(), ...(ticks !== undefined ? { start_ticks: ticks } : {}) };
}

export type GroupState = 'running' | 'ended' | 'elsewhere';

/** Whether the group still has members on this machine; 'elsewhere' when it ran on another host. */
export function groupState(g: GroupIdentity): GroupState {
  if (g.host !== hostname()) return 'elsewhere';
  try {
    process.kill(-g.pid, 0);
  } catch (err) {
    // EPERM: the group exists but is not ours to signal; it is still running.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'ended';
  }
  // The group id is in use. If its leader is alive and started at another time, the id was
  // reused by something unrelated and ours has ended; a leader that exited may leave members.
  const now = startTicks(g.pid);
  if (g.start_ticks !== undefined && now !== undefined && now !== g.start_ticks) return 'ended';
  return 'running';
}

function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
