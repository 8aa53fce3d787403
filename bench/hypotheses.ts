/** Hypotheses with the stand-in answering at once: end to end, context build, first progress. */
import { execa } from 'execa';
import { join } from 'node:path';
import { openIncident } from '../src/incident/open.js';
import { readLogFile } from '../src/incident/reader.js';
import { replay } from '../src/incident/replay.js';
import { IncidentStore } from '../src/incident/store.js';
import { buildContext } from '../src/hypotheses/context.js';
import { checkCites } from '../src/hypotheses/grounding.js';
import { hypothesize, logSources } from '../src/hypotheses/run.js';
import { loadRunbookFile } from '../src/runbook/catalog.js';
import { OllamaStandin } from '../test/helpers/ollama-standin.js';
import { median, row } from './lib.js';

export async function hypothesesBench(say: (s: string) => void, root: string, work: string, env: NodeJS.ProcessEnv): Promise<void> {
  const home = join(work, 'hyp-home');
  const { entry } = await loadRunbookFile(join(root, 'runbooks/demo.yaml'));
  const actor = { kind: 'human' as const, name: 'bench' };
  const o = openIncident({ home, clock: { now: () => new Date() }, actor, via: 'bench', runbook: { entry: entry!, params: {}, matchedBy: 'flag' } });
  for (let i = 2; i < 10_000; i++) {
    if (i % 10 === 0) o.store.append({ type: 'command.ran', actor, data: { step: 'disk', argv: ['df', '-h', '/'], shell: false, cwd: '/', exit_code: i % 30 === 0 ? 1 : 0, signal: null, duration_ms: 9, timed_out: false, cancelled: false, stdout: { text: 'Filesystem Size Used Avail Use% Mounted on\n/dev/sda1 50G 47G 3.0G 94% /\n', bytes: 90, truncated: false }, stderr: { text: '', bytes: 0, truncated: false } } });
    else o.store.append({ type: 'note.added', actor, data: { text: `note ${i}: load still high, checking the api pods again` } });
  }
  o.store.close();
  const answer = { hypotheses: [{ title: 'Disk nearly full', explanation: 'df shows 94%', cites: [{ seq: 9990, quote: '94% /' }], refute_by: 'usage below 80%', check: 'df -h /' }] };
  const standin = await new OllamaStandin({ answer, chunkSize: 8 }).start();
  try {
    const e = { ...env, ONCALL_HOME: home, OLLAMA_HOST: standin.url };
    const bin = join(root, 'bin/oncall.js');
    const runs: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < 5; i++) {
      // Async: the stand-in answers from this process's event loop.
      let t = performance.now();
      await execa(process.execPath, [bin, 'log', 'verify', '--incident', o.id], { env: e });
      base.push(performance.now() - t);
      t = performance.now();
      const r = await execa(process.execPath, [bin, 'hypothesize', '--incident', o.id, '--json'], { env: e, reject: false });
      runs.push(performance.now() - t);
      if (r.exitCode !== 0) throw new Error(`hypothesize exited ${r.exitCode}: ${r.stderr}`);
    }
    say(row('10,000 events: oncall log verify (baseline)', `${median(base).toFixed(0)} ms`, '-', true));
    say(row('10,000 events: oncall hypothesize, end to end', `${median(runs).toFixed(0)} ms = ${(median(runs) / median(base)).toFixed(2)}x`, '< 1000 ms', median(runs) < 1000));

    const read = readLogFile(o.path);
    const state = replay(o.id, read.events);
    const ctxT: number[] = [];
    const strT: number[] = [];
    const both: number[] = [];
    // Ten hypotheses of four cites each: found, misquoted, in another entry, not evidence.
    const ten = Array.from({ length: 10 }, (_, i) => ({ cites: [{ seq: 9990, quote: '94% /' }, { seq: 9990 - i * 10, quote: 'no such words here' }, { seq: 9991, quote: '47G 3.0G 94%' }, { seq: 1, quote: 'Demo: a slow local machine' }] }));
    for (let i = 0; i < 7; i++) {
      let t = performance.now();
      const c = buildContext(state, read.events, 8192 - 1024, []);
      ctxT.push(performance.now() - t);
      if (!c.ok) throw new Error('context');
      const src = logSources(state, read.events, c.context.shown);
      for (const h of ten) checkCites(h, src);
      both.push(performance.now() - t);
      t = performance.now();
      JSON.stringify(read.events);
      strT.push(performance.now() - t);
    }
    say(row('10,000 events: JSON.stringify of the events (baseline)', `${median(strT).toFixed(1)} ms`, '-', true));
    say(row('10,000 events: context build (8k num_ctx)', `${median(ctxT).toFixed(1)} ms = ${(median(ctxT) / median(strT)).toFixed(2)}x`, '< 100 ms', median(ctxT) < 100));
    say(row('10,000 events: context build + grounding of 10 hypotheses (40 cites)', `${median(both).toFixed(1)} ms = ${(median(both) / median(strT)).toFixed(2)}x`, '< 100 ms', median(both) < 100));

    const lags: number[] = [];
    for (let i = 0; i < 5; i++) {
      standin.firstChunkAt = undefined;
      const store = new IncidentStore(o.path);
      const gen = hypothesize({ store, state, events: read.events, actor, host: { url: standin.url, loopback: true }, model: 'llama3.2:3b', deadlines: { connectMs: 2000, firstTokenMs: 10_000, totalMs: 10_000 } });
      let first: number | undefined;
      for (;;) {
        const s = await gen.next();
        if (s.done) break;
        if (s.value.type === 'tokens' && first === undefined) first = performance.now();
      }
      store.close();
      if (first !== undefined && standin.firstChunkAt !== undefined) lags.push(first - standin.firstChunkAt);
    }
    say(row('first progress update after the first token: max of 5', `${Math.max(...lags).toFixed(1)} ms`, '< 200 ms', Math.max(...lags) < 200));
  } finally {
    await standin.stop();
  }
}
