// One of the two writer processes in the append benchmark: prints one latency (ms) a line.
import { IncidentStore } from '../src/incident/store.js';

const [path, n] = process.argv.slice(2);
const store = new IncidentStore(path!);
const out: string[] = [];
for (let i = 0; i < Number(n); i++) {
  const t = process.hrtime.bigint();
  store.append({ type: 'note.added', actor: { kind: 'human', name: 'bench' }, data: { text: `bench note ${i} ${'x'.repeat(200)}` } });
  out.push((Number(process.hrtime.bigint() - t) / 1e6).toFixed(4));
}
process.stdout.write(out.join('\n'));
