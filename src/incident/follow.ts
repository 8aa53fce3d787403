/**
 * Following a log as other processes append to it: reads only the bytes added since the last
 * look and folds the new records into the state. A trailing partial line waits for its end.
 */
import { closeSync, fstatSync, readSync } from 'node:fs';
import { openLog } from '../util/safe-fs.js';
import { chainOf, parseLog, type BadLine, type ChainTail } from './reader.js';
import { GENESIS } from './events.js';
import { applyEvents, replay, type IncidentState } from './replay.js';
import type { StoredEvent } from './events.js';

export class LogFollower {
  private offset = 0;
  state: IncidentState;
  /** Every record read so far, in order (the hypotheses' context is built from them). */
  events: StoredEvent[] = [];
  torn: BadLine[] = [];
  /** Whole records that are not the chain's next (damage): never shown, counted here. */
  stray = 0;
  private chain: ChainTail = { seq: 0, hash: GENESIS };

  constructor(private readonly path: string, id: string) {
    this.state = replay(id, []);
    this.poll();
  }

  /** Returns true when new records arrived (and `state` is a new object). */
  poll(): boolean {
    const fd = openLog(this.path, false);
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return false;
      const buf = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      const end = buf.lastIndexOf(10, n - 1);
      if (end < 0) return false;
      const { records, torn } = parseLog(buf.subarray(0, end + 1));
      this.offset += end + 1;
      this.torn.push(...torn);
      // The same chain the writer continues and every view reads (see LogRead.events).
      const { events, tail } = chainOf(records, this.chain);
      this.chain = tail;
      this.stray += records.length - events.length;
      if (events.length === 0) return false;
      for (const e of events) this.events.push(e);
      this.state = this.state.eventCount === 0 ? replay(this.state.id, events) : applyEvents(this.state, events);
      return true;
    } finally {
      closeSync(fd);
    }
  }
}
