// A writer process for concurrency and crash tests: appends COUNT notes to LOG and prints
// "ACK <tag>" after each one is durable (stdout to a pipe is synchronous on Linux).
// With BIG=1 every 10th note is ~200 KiB, so kills land mid-write more often.
import * as fs from 'node:fs';
import { IncidentStore, type StoreFs } from '../../src/incident/store.js';

const [path, countArg, tag = 'w'] = process.argv.slice(2);
const count = Number(countArg);
const big = process.env.BIG === '1';
// BROKEN_FRAMING=1: the canary. Records are written as JSON + "\n" (no leading newline), the
// framing the reliability notes show loses acknowledged records when a writer is killed. Each
// record is written in two halves with a pause between them, so a kill tears records often
// (a kill inside one write(2) of a record this size almost never tears it on a local disk).
const pause = new Int32Array(new SharedArrayBuffer(4));
const broken: StoreFs | undefined = process.env.BROKEN_FRAMING === '1' ? {
  openSync: fs.openSync, fstatSync: fs.fstatSync, closeSync: fs.closeSync, fsyncSync: fs.fsyncSync,
  readSync: (fd, b, o, l, p) => fs.readSync(fd, b, o, l, p),
  writeSync: (fd, buf) => {
    const rec = buf.subarray(1);
    const half = Math.floor(rec.length / 2);
    fs.writeSync(fd, rec.subarray(0, half));
    Atomics.wait(pause, 0, 0, 15);
    return fs.writeSync(fd, rec.subarray(half)) + half + 1;
  },
} : undefined;
const store = new IncidentStore(path!, undefined, broken);
for (let i = 0; i < count; i++) {
  const text = big && i % 10 === 9 ? `${tag}-${i} ${'x'.repeat(200 * 1024)}` : big && i % 3 === 0 ? `${tag}-${i} ${'y'.repeat(20 * 1024)}` : `${tag}-${i}`;
  store.append({ type: 'note.added', actor: { kind: 'human', name: tag }, data: { text } });
  process.stdout.write(`ACK ${tag}-${i}\n`);
}
store.close();
