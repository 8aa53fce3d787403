/**
 * Who a command's process group is, and whether it still runs. A step whose oncall was killed
 * mid-run leaves its group behind (nothing can reap it then); on resume the screen says
 * whether it is still running, and a second run beside it is refused, so nobody starts a
 * second `pg_repack` beside the first.
 */
import { refOf } from '../incident/replicas.js';
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isGroupPid } from '../incident/events.js';

export interface GroupIdentity {
  /** The group leader's pid, which is also the group id (commands run in their own group). */
  pid: number;
  host: string;
  /** The leader's start time in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
  start_ticks?: number;
}

export function groupIdentity(pid: number): GroupIdentity {
  const ticks = readStat(pid)?.startTicks;
  return { pid, host: hostname(), ...(ticks !== undefined ? { start_ticks: ticks } : {}) };
}

export type GroupState = 'running' | 'ended' | 'elsewhere';

/** Whether the group still has live members on this machine; 'elsewhere' when it ran on another host. */
export function groupState(g: GroupIdentity): GroupState {
  if (g.host !== hostname()) return 'elsewhere';
  if (!isGroupPid(g.pid) || !answers(-g.pid)) return 'ended';
  if (!hasProc()) return 'running';
  // The group id is in use. A leader alive with another start time means the id was reused by
  // something unrelated. A leader that is gone or a zombie (killed, not yet reaped: the kernel
  // still answers for it) may have left members: the group runs while one of them is alive.
  const leader = readStat(g.pid);
  if (leader && leader.pgrp === g.pid && leader.state !== 'Z') {
    return g.start_ticks === undefined || leader.startTicks === g.start_ticks ? 'running' : 'ended';
  }
  return liveMember(g.pid, g.start_ticks) ? 'running' : 'ended';
}

/** Whether a process is alive on this machine (an oncall that wrote a log, say). */
export function processAlive(pid: number): boolean {
  if (!isGroupPid(pid) || !answers(pid)) return false;
  const st = hasProc() ? readStat(pid) : undefined;
  return !st || st.state !== 'Z';
}

/** kill(target, 0): a process (or, negative, a group) exists; EPERM means it exists but is not ours. */
function answers(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Stat {
  state: string;
  pgrp: number;
  startTicks: number;
}

/** /proc/PID/stat: the fields after the command name, which is in parentheses and may hold anything. */
export function parseStat(text: string): Stat | undefined {
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state), f[2] field 5 (pgrp), f[19] field 22 (starttime).
  const pgrp = Number(f[2]);
  const startTicks = Number(f[19]);
  if (!f[0] || !Number.isFinite(pgrp) || !Number.isFinite(startTicks)) return undefined;
  return { state: f[0], pgrp, startTicks };
}

function readStat(pid: number): Stat | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

let procSeen: boolean | undefined;
function hasProc(): boolean {
  procSeen ??= readStat(process.pid) !== undefined;
  return procSeen;
}

/** A live (non-zombie) process in group `pgid` that started no earlier than its leader did. */
function liveMember(pgid: number, leaderTicks: number | undefined): boolean {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of names) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const st = readStat(Number(name));
    if (st && st.pgrp === pgid && st.state !== 'Z' && (leaderTicks === undefined || st.startTicks >= leaderTicks)) return true;
  }
  return false;
}

/**
 * A step's earlier run whose group still runs here, whatever the log says of the step since
 * (interrupted, or skipped while it ran): a second run beside it is refused until it ends.
 */
export function liveRun<T extends GroupIdentity>(st: { process?: T } | undefined): T | undefined {
  return st?.process && groupState(st.process) === 'running' ? st.process : undefined;
}

/** Why a new run of the step is refused and the way out, for the screen and `oncall step run` alike. */
export function secondRunRefused(st: { process?: GroupIdentity & { seq: number } } | undefined): { why: string; fix: string } | undefined {
  const live = liveRun(st);
  return live && { why: `its previous run (#${refOf(live)}) is still going as process group ${live.pid}`, fix: `wait for it, or stop it with kill -TERM -- -${live.pid}` };
}
