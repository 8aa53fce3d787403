// Fail closed on parameters: no shipped check runs with a parameter it uses missing or empty.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLogFile } from '../../src/incident/reader.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { paramsNeeded } from '../../src/runner/prepare.js';
import { oncall, ROOT, tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
const env = { ONCALL_HOME: join(t.dir, 'home') };

const shipped = readdirSync(join(ROOT, 'runbooks')).filter((f) => f.endsWith('.yaml')).map((f) => {
  const r = parseRunbook(readFileSync(join(ROOT, 'runbooks', f), 'utf8'), f);
  if (!r.ok) throw new Error(`${f} does not validate`);
  return r.value;
});

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    for (let x = queue.shift(); x !== undefined; x = queue.shift()) await fn(x);
  }));
}

describe('every shipped check step refuses to run with a parameter it uses missing or empty', () => {
  for (const rb of shipped) {
    // Chosen by plain text, not by the finder under test: any check whose command names a parameter.
    const names = (rb.parameters ?? []).map((p) => p.name);
    const mentioned = (s: (typeof rb.steps)[number]) => names.filter((n) => (typeof s.command === 'string' ? new RegExp(`\\b${n.toUpperCase()}\\b`).test(s.command) : (s.command ?? []).some((a) => a.includes(`{{${n}}}`))));
    const checks = rb.steps.filter((s) => s.kind === 'check' && mentioned(s).length > 0);
    if (checks.length === 0) continue;
    it(`${rb.id}: ${checks.length} check steps`, async () => {
      const opened = await oncall(['open', '--runbook', rb.id], env);
      expect(opened.exitCode).toBe(0);
      const id = opened.stdout.trim();
      let refusedMissing = 0;
      let refusedEmpty = 0;
      let expectMissing = 0;
      await pool(checks, 4, async (step) => {
        const used = paramsNeeded(step, rb.parameters ?? []);
        // The finder sees at least what plain text sees.
        for (const n of mentioned(step)) expect(used.map((p) => p.name), `${rb.id}/${step.id}`).toContain(n);
        const noDefault = used.filter((p) => p.default === undefined);
        // Missing: the ones without a default have no value (no alert, no --param).
        if (noDefault.length) {
          expectMissing++;
          const r = await oncall(['step', 'run', step.id, '--incident', id, '--yes'], env);
          expect(r.exitCode, `${rb.id}/${step.id} missing: ${r.stderr}`).toBe(2);
          expect(r.stderr).toContain(`was not run: it uses parameter`);
          for (const p of noDefault) expect(r.stderr).toContain(p.name);
          refusedMissing++;
        }
        // Empty: every parameter it uses given as "".
        const r = await oncall(['step', 'run', step.id, '--incident', id, '--yes', ...used.flatMap((p) => ['--param', `${p.name}=`])], env);
        expect([2, 3], `${rb.id}/${step.id} empty: ${r.exitCode} ${r.stdout}${r.stderr}`).toContain(r.exitCode);
        expect(r.stdout).not.toMatch(/: done #/);
        refusedEmpty++;
      });
      expect(refusedEmpty).toBe(checks.length);
      expect(refusedMissing).toBe(expectMissing);
      // Nothing ran: no step was started, no command recorded.
      const types = readLogFile(join(env.ONCALL_HOME, 'incidents', id, 'log.jsonl')).events.map((e) => e.type);
      expect(types.filter((x) => x === 'step.started' || x === 'command.ran')).toEqual([]);
    });
  }
});
