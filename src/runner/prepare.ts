/** Turning a step into the exact command that would run, before anyone confirms it. Pure. */
import type { IncidentState } from '../incident/replay.js';
import { fullMatch } from '../runbook/rules.js';
import type { Parameter, Step } from '../runbook/schema.js';
import { durationMs, envNameFor, fillArgv, placeholdersIn } from '../runbook/template.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

export interface PreparedCommand {
  step: Step;
  /** What runs: the argv, or ['/bin/sh', '-c', script]. */
  argv: string[];
  /** What is shown and recorded: the argv with secret parameter values left as {{name}}. */
  shownArgv: string[];
  shell: boolean;
  cwd: string;
  /** Parameters passed as environment variables (shell steps get all known ones). */
  env: Record<string, string>;
  /** Names of env entries whose values are secret (never shown or recorded). */
  secretEnv: string[];
  timeoutMs: number;
  /** Values to mask in output. */
  secrets: string[];
}

export type Preparation =
  | { ok: true; command: PreparedCommand }
  | { ok: false; reason: 'no-command' | 'unknown-step' | 'no-runbook' }
  | { ok: false; reason: 'missing-params'; missing: Parameter[] }
  | { ok: false; reason: 'bad-param' | 'leading-dash'; param: Parameter; value: string };

/** Parameters this step needs: {{name}} in argv, $NAME / ${NAME} in a shell string. */
export function paramsNeeded(step: Step, params: readonly Parameter[]): Parameter[] {
  if (step.command === undefined) return [];
  if (Array.isArray(step.command)) {
    const names = new Set(step.command.flatMap(placeholdersIn));
    return params.filter((p) => names.has(p.name));
  }
  const script = step.command;
  return params.filter((p) => new RegExp(`\\$(\\{${envNameFor(p.name)}\\}|${envNameFor(p.name)}(?![A-Za-z0-9_]))`).test(script));
}

export function prepareStep(state: IncidentState, stepId: string, opts: { cwd: string; defaultTimeoutMs?: number; secrets?: Readonly<Record<string, string>> }): Preparation {
  const rb = state.runbook?.runbook;
  if (!rb) return { ok: false, reason: 'no-runbook' };
  const step = rb.steps.find((s) => s.id === stepId);
  if (!step) return { ok: false, reason: 'unknown-step' };
  if (step.command === undefined) return { ok: false, reason: 'no-command' };
  const params = rb.parameters ?? [];
  const values: Record<string, string> = { ...state.params, ...(opts.secrets ?? {}) };
  const needed = paramsNeeded(step, params);
  const missing = needed.filter((p) => values[p.name] === undefined);
  if (missing.length) return { ok: false, reason: 'missing-params', missing };
  // Checked again here, right before use, whatever checked them before.
  for (const p of needed) if (!fullMatch(p.pattern, values[p.name]!)) return { ok: false, reason: 'bad-param', param: p, value: values[p.name]! };
  const secrets = params.filter((p) => p.secret && values[p.name] !== undefined).map((p) => values[p.name]!);
  const timeoutMs = step.timeout !== undefined ? durationMs(step.timeout) : (opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (Array.isArray(step.command)) {
    // A whole argument that starts with "-" would be read as an option, whatever the pattern says.
    for (const arg of step.command) {
      const m = /^\{\{\s*([A-Za-z0-9_]+)\s*\}\}$/.exec(arg);
      const p = m ? needed.find((x) => x.name === m[1]) : undefined;
      if (p && values[p.name]!.startsWith('-')) return { ok: false, reason: 'leading-dash', param: p, value: values[p.name]! };
    }
    const shownValues = { ...values };
    for (const p of params) if (p.secret && values[p.name] !== undefined) shownValues[p.name] = `{{${p.name}}}`;
    return { ok: true, command: { step, argv: fillArgv(step.command, values), shownArgv: fillArgv(step.command, shownValues), shell: false, cwd: opts.cwd, env: {}, secretEnv: [], timeoutMs, secrets } };
  }
  const env: Record<string, string> = {};
  const secretEnv: string[] = [];
  for (const p of params) {
    if (values[p.name] === undefined || !fullMatch(p.pattern, values[p.name]!)) continue;
    env[envNameFor(p.name)] = values[p.name]!;
    if (p.secret) secretEnv.push(envNameFor(p.name));
  }
  const argv = ['/bin/sh', '-c', step.command];
  return { ok: true, command: { step, argv, shownArgv: argv, shell: true, cwd: opts.cwd, env, secretEnv, timeoutMs, secrets } };
}
