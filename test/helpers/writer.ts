// A writer process for concurrency and crash tests: appends COUNT notes to LOG and prints
// "ACK <tag>" after each one is durable (stdout to a pipe is synchronous on Linux).
// With BIG=1 every 10th note is ~200 KiB, so kills land mid-write more often.
import { IncidentStore } from '../../src/incident/store.js';

const [path, countArg, tag = 'w'] = process.argv.slice(2);
const count = Number(countArg);
const big = process.env.BIG === '1';
const store = new IncidentStore(path!);
for (let i = 0; i < count; i++) {
  const text = big && i % 10 === 9 ? `${tag}-${i} ${'x'.repeat(200 * 1024)}` : `${tag}-${i}`;
  store.append({ type: 'note.added', actor: { kind: 'human', name: tag }, data: { text } });
  process.stdout.write(`ACK ${tag}-${i}\n`);
}
store.close();
