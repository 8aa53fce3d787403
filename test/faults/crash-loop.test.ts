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

// Runs until enough has happened (counts), with a generous cap for a loaded machine; a soak
// (SOAK_SECONDS) also runs at least that long.
const SOAK_MS = Number(process.env.SOAK_SECONDS ?? 0) * 1000;
const KILLS = 60;
const DONE_EACH = 15;
const CAP_MS = Math.max(SOAK_MS, 0) + 180_000;
const t = tempDir();
afterAll(() => t.cleanup());

describe('crash loop', () => {
  it(`three writers killed at random (${KILLS} kills, ${DONE_EACH} completed runs of each): every acknowledged event is present, seqs contiguous, chain verifies, nobody stalls`, async () => {
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
    const done = { note: 0, step: 0, hyp: 0 };
    const failures: string[] = [];
    const t0 = Date.now();
    const enough = () => kills >= KILLS && Object.values(done).every((n) => n >= DONE_EACH) && Date.now() - t0 >= SOAK_MS;
    const worker = async (kind: 'note' | 'step' | 'hyp') => {
      let n = 0;
      while (!enough() && Date.now() - t0 < CAP_MS) {
        n++;
        runs++;
        const tag = `${kind}${n}`;
        const args = kind === 'note' ? ['note', '--incident', id, `${tag} ${n % 7 === 0 ? 'z'.repeat(60 * 1024) : 'small'}`]
          : kind === 'step' ? ['--runbooks', rb, 'step', 'run', 'echo', '--incident', id, '--yes', '--param', `tag=${tag}`]
          : ['hypothesize', '--incident', id, '--json'];
        const p: ResultPromise = execa(process.execPath, [BIN, ...args], { env: penv, reject: false, cwd: ROOT });
        const victim = Math.random() < 0.5;
        const timer = victim ? setTimeout(() => p.kill('SIGKILL'), 30 + Math.random() * 250) : undefined;
        const r = await p;
        if (timer) clearTimeout(timer);
        if (r.signal === 'SIGKILL') kills++;
        // A run nobody killed must succeed: a dead writer's lock never stalls it into the lock timeout.
        else if (r.exitCode !== 0) failures.push(`${kind} exit ${r.exitCode}: ${String(r.stderr).slice(0, 200)}`);
        else done[kind]++;
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
    const summary = `crash loop: ${runs} runs in ${Math.round((Date.now() - t0) / 1000)} s, ${kills} SIGKILLs, ${ackedNotes.size + ackedSteps + ackedHypotheses} acknowledged commands, ${lost.length} lost, ${torn.length} torn lines, ${events.length} events, ${failures.length} unkilled runs failed`;
    console.log(summary);
    expect(lost).toEqual([]);
    expect(events.filter((e) => e.type === 'step.completed').length).toBeGreaterThanOrEqual(ackedSteps);
    expect(events.filter((e) => e.type === 'hypothesis.requested' && (e.data as { outcome: string }).outcome === 'ok').length).toBeGreaterThanOrEqual(ackedHypotheses);
    expect(v.ok).toBe(true);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(done).toEqual({ note: expect.any(Number), step: expect.any(Number), hyp: expect.any(Number) });
    for (const n of Object.values(done)) expect(n).toBeGreaterThanOrEqual(DONE_EACH);
    // Nobody stalls: every run that was not killed succeeded (a stall would end in the lock timeout, exit 6).
    expect(failures).toEqual([]);
  }, CAP_MS + 60_000);

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
        // Killed once it is appending (its first acknowledgement seen, however slow the machine
        // is to start it), at a random moment after that: not at a fixed time after start.
        await new Promise<void>((resolve) => {
          const cap = setTimeout(resolve, 60_000);
          v.stdout?.once('data', () => {
            clearTimeout(cap);
            setTimeout(resolve, Math.random() * 400);
          });
          void v.then(() => resolve(), () => resolve());
        });
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
