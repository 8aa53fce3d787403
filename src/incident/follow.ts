/**
 * Following an incident as other processes append to it: reads only the bytes added to each
 * replica's file since the last look and folds the new records into the state. A trailing
 * partial line waits for its end. A record from another replica that sorts before what is
 * already shown (it was written offline, or synced late) rebuilds the state in merged order.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import { openLog } from '../util/safe-fs.js';
import { UserError } from '../errors.js';
import { chainOf, parseLog, type BadLine, type ChainTail, type LogRead } from './reader.js';
import { GENESIS } from './events.js';
import { applyEvents, replay, type IncidentState } from './replay.js';
import { mergeFiles, peerFiles } from './replicas.js';
import type { StoredEvent } from './events.js';

interface Followed {
  replica: string;
  path: string;
  own: boolean;
  offset: number;
  chain: ChainTail;
  events: StoredEvent[];
}

export class LogFollower {
  state: IncidentState;
  /** Every record read so far, in the merged order (the hypotheses' context is built from them). */
  events: StoredEvent[] = [];
  torn: BadLine[] = [];
  /** Whole records that are not their chain's next (damage): never shown, counted here. */
  stray = 0;
  private readonly files = new Map<string, Followed>();

  constructor(private readonly path: string, id: string, private readonly ownReplica?: string) {
    this.state = replay(id, []);
    this.poll();
  }

  /** Returns true when new records arrived (and `state` is a new object). */
  poll(): boolean {
    const fresh: StoredEvent[] = [];
    const paths = [{ replica: this.ownReplica ?? '', path: this.path, own: true }, ...peerFiles(dirname(this.path)).filter((p) => p.replica !== this.ownReplica).map((p) => ({ ...p, own: false }))];
    for (const p of paths) {
      let f = this.files.get(p.path);
      if (!f) {
        f = { ...p, offset: 0, chain: { seq: 0, hash: GENESIS }, events: [] };
        this.files.set(p.path, f);
      }
      for (const e of this.readNew(f)) fresh.push(e);
    }
    if (fresh.length === 0) return false;
    const followed = [...this.files.values()].filter((f) => f.events.length > 0);
    if (followed.length === 1 && followed[0]!.own) {
      // One writer's file (every incident that was never shared): records arrive in order.
      for (const e of fresh) this.events.push(e);
      this.state = this.state.eventCount === 0 ? replay(this.state.id, fresh) : applyEvents(this.state, fresh);
      return true;
    }
    const merged = mergeFiles(followed.map((f) => ({ replica: f.replica, path: f.path, own: f.own, read: { events: f.events, records: f.events, torn: [] } as LogRead }))).events;
    const before = this.events;
    let prefix = before.length <= merged.length;
    for (let i = 0; prefix && i < before.length; i++) if (before[i] !== merged[i]) prefix = false;
    this.events = merged;
    this.state = prefix && this.state.eventCount > 0 ? applyEvents(this.state, merged.slice(before.length)) : replay(this.state.id, merged);
    return true;
  }

  private readNew(f: Followed): StoredEvent[] {
    let fd: number;
    try {
      fd = openLog(f.path, false);
    } catch (err) {
      // A joined incident's own log appears with this home's first record.
      if (err instanceof UserError && err.exitCode === 4) return [];
      throw err;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= f.offset) return [];
      const buf = Buffer.alloc(size - f.offset);
      const n = readSync(fd, buf, 0, buf.length, f.offset);
      const end = buf.lastIndexOf(10, n - 1);
      if (end < 0) return [];
      const { records, torn } = parseLog(buf.subarray(0, end + 1));
      f.offset += end + 1;
      if (f.own) this.torn.push(...torn);
      // The same chain the writer continues and every view reads (see LogRead.events).
      const { events, tail } = chainOf(records, f.chain);
      f.chain = tail;
      this.stray += records.length - events.length;
      for (const e of events) f.events.push(e);
      return events;
    } finally {
      closeSync(fd);
    }
  }
}
