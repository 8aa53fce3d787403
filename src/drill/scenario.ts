/**
 * Drill scenarios: a past incident written down for practice when no recorded one fits. A YAML
 * file gives the alert, what each runbook step printed, and the hidden root cause. Parsed as
 * strictly as runbooks (unknown keys are errors). Schema: runbooks/README.md, "Drill scenarios".
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ValidationError, type Problem } from '../errors.js';
import { readSmallFile } from '../util/safe-fs.js';
import { parseStrictYaml } from '../util/strict-yaml.js';

const text = (max: number) => z.string().max(max);
const recorded = z.strictObject({
  exit_code: z.number().int().min(0).max(255).describe('what the command exited with'),
  stdout: text(64 * 1024).default('').describe('what it printed'),
  stderr: text(64 * 1024).default(''),
  duration_ms: z.number().int().min(0).max(600_000).default(300).describe('how long it took (a drill waits this long, or --fast of it)'),
});

export const scenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).describe('the name `oncall drill --scenario` takes'),
  title: text(200),
  summary: text(2000).describe('what the trainee is told before starting: the page, not the answer'),
  runbook: z.string().min(1).describe('the id of the runbook the drill walks'),
  params: z.record(z.string(), text(1000)).default({}),
  alert: z.strictObject({
    name: text(200),
    severity: z.enum(['critical', 'warning', 'info']),
    labels: z.record(z.string(), text(1000)).default({}),
    annotations: z.record(z.string(), text(4000)).default({}),
  }),
  steps: z.record(z.string(), z.union([recorded, z.array(recorded).min(1).max(20)])).describe('per step id: what its command printed (a list when running it again shows something else)'),
  root_cause: text(4000).describe('hidden until the debrief'),
  resolution: text(4000).describe('hidden until the debrief'),
  based_on: text(500).optional().describe('the public postmortem the scenario is drawn from'),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type RecordedOutput = z.infer<typeof recorded>;

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  sha256: string;
}

export function parseScenario(source: string, file: string): LoadedScenario {
  const r = parseStrictYaml(source, file, { schema: scenarioSchema, what: 'a drill scenario', maxBytes: 512 * 1024, example: 'see runbooks/README.md, "Drill scenarios"' });
  if (!r.ok) throw new ValidationError(r.problems as Problem[]);
  return { scenario: r.value, file, sha256: createHash('sha256').update(source).digest('hex') };
}

export function loadScenarioFile(file: string): LoadedScenario {
  return parseScenario(readSmallFile(file, { what: 'the scenario', maxBytes: 512 * 1024, follow: true }), file);
}

/** Scenario files in each folder's `drills/` (the runbook search path's folders): valid ones, and the problems of the others. */
export function findScenarios(dirs: readonly string[]): { found: LoadedScenario[]; broken: { file: string; problem: string }[] } {
  const found: LoadedScenario[] = [];
  const broken: { file: string; problem: string }[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(join(dir, 'drills')).filter((n) => /\.ya?ml$/.test(n)).sort();
    } catch {
      continue;
    }
    for (const n of names) {
      const file = join(dir, 'drills', n);
      try {
        const s = loadScenarioFile(file);
        // The first folder on the search path wins, as for runbooks.
        if (seen.has(s.scenario.id)) continue;
        seen.add(s.scenario.id);
        found.push(s);
      } catch (err) {
        broken.push({ file, problem: (err as Error).message });
      }
    }
  }
  return { found, broken };
}
