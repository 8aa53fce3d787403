// Power loss, simulated: a file system that keeps only fsynced bytes when the power goes,
// and truncates, zero-fills or garbles whatever was written after the last fsync.
// Every event the store acknowledged must survive; a store that skips fsync must fail this.
import { describe, expect, it } from 'vitest';
import { IncidentStore, type StoreFs } from '../../src/incident/store.js';
import { parseLog, verifyEvents } from '../../src/incident/reader.js';

class PowerCut extends Error {}

/** One file; `durable` is what survives power loss, `pending` what was written since the last fsync. */
class SimFs implements StoreFs {
  durable = Buffer.alloc(0);
  pending = Buffer.alloc(0);
  ops = 0;
  constructor(private readonly cutAfter: number, private readonly fsyncWorks = true) {}
  private tick() {
    if (++this.ops > this.cutAfter) throw new PowerCut('power cut');
  }
  openSync = (() => 3) as unknown as StoreFs['openSync'];
  closeSync = (() => undefined) as StoreFs['closeSync'];
  lock = () => undefined;
  unlock = () => undefined;
  fstatSync = (() => ({ size: this.durable.length + this.pending.length })) as unknown as StoreFs['fstatSync'];
  readSync = (_fd: number, buf: Buffer, off: number, len: number, pos: number) => {
    const all = Buffer.concat([this.durable, this.pending]);
    return all.copy(buf, off, pos, Math.min(all.length, pos + len));
  };
  writeSync = (_fd: number, buf: Buffer) => {
    this.tick();
    // The power can go in the middle of a write: part of it reaches the (volatile) cache.
    if (this.ops === this.cutAfter) {
      this.pending = Buffer.concat([this.pending, buf.subarray(0, Math.floor(buf.length / 2))]);
      throw new PowerCut('power cut mid-write');
    }
    this.pending = Buffer.concat([this.pending, buf]);
    return buf.length;
  };
  fsyncSync = ((_fd: number) => {
    this.tick();
    if (this.fsyncWorks) {
      this.durable = Buffer.concat([this.durable, this.pending]);
      this.pending = Buffer.alloc(0);
    }
  }) as StoreFs['fsyncSync'];

  /** What the disk holds after the cut: the durable bytes, then some damaged remnant of the rest. */
  afterCut(rand: () => number): Buffer {
    const keep = Math.floor(rand() * (this.pending.length + 1));
    const tail = Buffer.from(this.pending.subarray(0, keep));
    const how = rand();
    if (how < 0.33) tail.fill(0);
    else if (how < 0.66) for (let i = 0; i < tail.length; i++) tail[i] = Math.floor(rand() * 256);
    return Buffer.concat([this.durable, tail]);
  }
}

function trial(seed: number, fsyncWorks: boolean): { acked: string[]; lost: string[]; verified: boolean } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const fs = new SimFs(1 + Math.floor(rand() * 60), fsyncWorks);
  const store = new IncidentStore('/sim/log.jsonl', undefined, fs);
  const acked: string[] = [];
  for (let i = 0; i < 40; i++) {
    const text = `e${seed}-${i} ${'x'.repeat(Math.floor(rand() * 3000))}`;
    try {
      store.append({ type: 'note.added', actor: { kind: 'human', name: 'a' }, data: { text } });
      acked.push(text.split(' ')[0]!);
    } catch (err) {
      if (err instanceof PowerCut || (err as Error).message.includes('power cut')) break;
      throw err;
    }
  }
  const { events } = parseLog(fs.afterCut(rand));
  const present = new Set(events.map((e) => (e.data as { text: string }).text.split(' ')[0]));
  return { acked, lost: acked.filter((a) => !present.has(a)), verified: verifyEvents(events).ok };
}

describe('simulated power loss', () => {
  it('2,000 random cuts: every acknowledged event survives and the chain verifies', () => {
    let acked = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const r = trial(seed, true);
      acked += r.acked.length;
      expect(r.lost, `seed ${seed}`).toEqual([]);
      expect(r.verified, `seed ${seed}`).toBe(true);
    }
    expect(acked).toBeGreaterThan(10_000);
  });

  it('canary: a store whose fsync does nothing loses acknowledged events (the test can fail)', () => {
    let lost = 0;
    for (let seed = 1; seed <= 200; seed++) lost += trial(seed, false).lost.length;
    expect(lost).toBeGreaterThan(0);
  });
});
