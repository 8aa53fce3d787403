// The crash loop: three kinds of writer at once (oncall note, oncall step run, oncall
// hypothesize against the stand-in), SIGKILLed at random moments, large records mixed in.
// SOAK_SECONDS sets how long (npm run soak: 600). A canary with broken framing must lose data.
import { execa, type ResultPromise } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLogFile, verifyEvents } from '../../src/incident/reader.js';
import { BIN, oncall, ROOT, tempDir } from '../helpers/cli.js';
import { OllamaStandin } from '../helpers/ollama-standin.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 40);
const t = tempDir();
afterAll(() => t.cleanup());

describe('crash loop', () => {
  it(`three writers killed at random for ${SECONDS} s: every acknowledged event is present, seqs contiguous, chain verifies, nobody stalls`, async () => {
    const home = join(t.dir, 'home');
    const rb = join(t.dir, 'rb');
    mkdirSync(rb, { recursive: true });
    writeFileSync(join(rb, 'quick.yaml'), 'id: quick\ntitle: Quick\nsummary: S\nseverity: info\nparameters:\n  - {name: tag, pattern: "[a-z0-9-]+"}\nsteps:\n  - {id: echo, title: Echo, kind: check, command: [echo, "{{tag}}"]}\n');
    const env = { ONCALL_HOME: home, ONCALL_OPERATOR: 'loop' };
    const id = (JSON.parse((await oncall(['--runbooks', rb, 'open', '--runbook', 'quick', '--json'], env)).stdout) as { id: string }).id;
    const standin = await new OllamaStandin({ answer: { hypotheses: [{ title: 'h', explanation: 'e', cites: [{ seq: 1, quote: 'quick' }], refute_by: 'r', check: 'c' }] }, chunkSize: 4 }).start();
    const penv = { ...process.env, ...env, OLLAMA_HOST: standin.url, XDG_CONFIG_HOME: t.dir, XDG_CACHE_HOME: t.dir };
    const ackedNotes = new Set<string>();
    let ackedSteps = 0;
    let ackedHypotheses = 0;
    let kills = 0;
    let runs = 0;
    let slowest = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const worker = async (kind: 'note' | 'step' | 'hyp') => {
      let n = 0;
      while (Date.now() < deadline) {
        n++;
        runs++;
        const tag = `${kind}${n}`;
        const args = kind === 'note' ? ['note', '--incident', id, `${tag} ${n % 7 === 0 ? 'z'.repeat(60 * 1024) : 'small'}`]
          : kind === 'step' ? ['--runbooks', rb, 'step', 'run', 'echo', '--incident', id, '--yes', '--param', `tag=${tag}`]
          : ['hypothesize', '--incident', id, '--json'];
        const started = Date.now();
        const p: ResultPromise = execa(process.execPath, [BIN, ...args], { env: penv, reject: false, cwd: ROOT });
        const victim = Math.random() < 0.5;
        const timer = victim ? setTimeout(() => p.kill('SIGKILL'), 30 + Math.random() * 250) : undefined;
        const r = await p;
        if (timer) clearTimeout(timer);
        if (r.signal === 'SIGKILL') kills++;
        else slowest = Math.max(slowest, Date.now() - started);
        if (r.exitCode === 0) {
          if (kind === 'note') ackedNotes.add(tag);
          else if (kind === 'step') ackedSteps++;
          else ackedHypotheses++;
        }
      }
    };
    try {
      await Promise.all([worker('note'), worker('step'), worker('hyp')]);
    } finally {
      await standin.stop();
    }
    const { events, torn } = readLogFile(join(home, 'incidents', id, 'log.jsonl'));
    const notes = new Set(events.filter((e) => e.type === 'note.added').map((e) => (e.data as { text: string }).text.split(' ')[0]));
    const lost = [...ackedNotes].filter((x) => !notes.has(x));
    const v = verifyEvents(events);
    const summary = `crash loop: ${runs} runs, ${kills} SIGKILLs, ${ackedNotes.size + ackedSteps + ackedHypotheses} acknowledged commands, ${lost.length} lost, ${torn.length} torn lines, ${events.length} events, slowest unkilled run ${slowest} ms`;
    console.log(summary);
    expect(lost).toEqual([]);
    expect(events.filter((e) => e.type === 'step.completed').length).toBeGreaterThanOrEqual(ackedSteps);
    expect(events.filter((e) => e.type === 'hypothesis.requested' && (e.data as { outcome: string }).outcome === 'ok').length).toBeGreaterThanOrEqual(ackedHypotheses);
    expect(v.ok).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(kills).toBeGreaterThanOrEqual(Math.min(100, SECONDS * 2));
    // A dead writer's lock never stalls the others: the lock timeout is 10 s.
    expect(slowest).toBeLessThan(8000);
  }, (SECONDS + 120) * 1000);

  it('canary: the same kind of loop with JSON + "\\n" framing loses acknowledged records', async () => {
    const home = tempDir();
    try {
      const { createIncidentLog } = await import('../../src/incident/store.js');
      const path = createIncidentLog(home.dir, '20261126-0000-cana');
      const acked = new Set<string>();
      let kills = 0;
      let lost = 0;
      const steady = execa(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/writer.ts'), path, '3000', 'steady'], { cwd: ROOT, reject: false, env: { ...process.env, BROKEN_FRAMING: '1' } });
      steady.stdout?.on('data', (d: Buffer) => {
        for (const l of d.toString().split('\n')) if (l.startsWith('ACK ')) acked.add(l.slice(4));
      });
      while (kills < 100 && lost === 0) {
        const v = execa(process.execPath, ['--import', 'tsx', join(ROOT, 'test/helpers/writer.ts'), path, '100000', `v${kills}`], { cwd: ROOT, reject: false, env: { ...process.env, BIG: '1', BROKEN_FRAMING: '1' } });
        // Long enough for the writer (tsx start-up ~400 ms) to be appending when it is killed.
        await new Promise((r) => setTimeout(r, 700 + Math.random() * 500));
        v.kill('SIGKILL');
        await v;
        kills++;
        const present = new Set(readLogFile(path).events.map((e) => (e.data as { text: string }).text.split(' ')[0]));
        lost = [...acked].filter((a) => !present.has(a)).length;
      }
      steady.kill('SIGKILL');
      await steady;
      console.log(`canary: broken framing lost ${lost} acknowledged records within ${kills} kills`);
      expect(lost).toBeGreaterThan(0);
    } finally {
      home.cleanup();
    }
  }, 180_000);
});
