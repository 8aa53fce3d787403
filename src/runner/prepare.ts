/** Turning a step into the exact command that would run, before anyone confirms it. Pure. */
import type { IncidentState } from '../incident/replay.js';
import { fullMatch } from '../runbook/pattern.js';
import type { Parameter, Step } from '../runbook/schema.js';
import { mentions, scanShell } from '../runbook/shell-vars.js';
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
  /** Added to the process environment: only the ONCALL_P_* carriers of shell variables, which the script unsets first thing. */
  env: Record<string, string>;
  /** Shell steps: the parameters the script uses, as unexported shell variables (NAME → value). */
  vars: Record<string, string>;
  /** Names of vars whose values are secret (never shown or recorded). */
  secretVars: string[];
  timeoutMs: number;
  /** Values to mask in output. */
  secrets: string[];
}

export type Preparation =
  | { ok: true; command: PreparedCommand }
  | { ok: false; reason: 'no-command' | 'unknown-step' | 'no-runbook' }
  /** `masked`: those whose only value is the log's redacted form (give it again). */
  | { ok: false; reason: 'missing-params'; missing: Parameter[]; masked: string[] }
  /** `why`: what is wrong when it is not the pattern (a NUL character, which no command line carries). */
  | { ok: false; reason: 'bad-param' | 'leading-dash'; param: Parameter; value: string; why?: string };

/**
 * Parameters this step uses: {{name}} in argv; in a shell string every expansion the lexer
 * finds (see shell-vars.ts), and, failing closed, any whole-word mention of the variable's
 * name the lexer cannot follow (eval, sh -c '...', ${!ref}).
 */
export function paramsNeeded(step: Step, params: readonly Parameter[]): Parameter[] {
  if (step.command === undefined) return [];
  if (Array.isArray(step.command)) {
    const names = new Set(step.command.flatMap(placeholdersIn));
    return params.filter((p) => names.has(p.name));
  }
  const script = step.command;
  const reads = new Set(scanShell(script).reads);
  return params.filter((p) => reads.has(envNameFor(p.name)) || mentions(script, envNameFor(p.name)));
}

/**
 * The line put before a shell step's script: each parameter it uses becomes a shell variable
 * that is not exported (an inherited one of that name is unset first), so no program the
 * script starts receives it in its environment; the ONCALL_P_* carriers are unset too. One
 * line, so the shell's line numbers in error messages stay those of the script.
 */
export function shellPreamble(names: readonly string[]): string {
  if (names.length === 0) return '';
  return `unset ${names.join(' ')}; ${names.map((n) => `${n}=$ONCALL_P_${n}`).join(' ')}; unset ${names.map((n) => `ONCALL_P_${n}`).join(' ')}; `;
}

export interface PrepareOptions {
  cwd: string;
  defaultTimeoutMs?: number;
  secrets?: Readonly<Record<string, string>>;
  /** Fan-out: the target this run is for, a parameter named "target" checked against the targets' pattern. */
  target?: string;
  /** Fan-out: run this instead of the step's command (its from_command or verify); a string runs with /bin/sh -c. */
  command?: string | string[];
}

export function prepareStep(state: IncidentState, stepId: string, opts: PrepareOptions): Preparation {
  const rb = state.runbook?.runbook;
  if (!rb) return { ok: false, reason: 'no-runbook' };
  const found = rb.steps.find((s) => s.id === stepId);
  if (!found) return { ok: false, reason: 'unknown-step' };
  const step: Step = opts.command === undefined ? found : { ...found, command: opts.command, shell: typeof opts.command === 'string', expect: undefined } as Step;
  if (step.command === undefined) return { ok: false, reason: 'no-command' };
  const params: Parameter[] = [...(rb.parameters ?? [])];
  const values: Record<string, string> = { ...state.params, ...(opts.secrets ?? {}) };
  if (opts.target !== undefined && found.targets) {
    params.push({ name: 'target', pattern: found.targets.pattern, description: 'the fan-out target' });
    values.target = opts.target;
  }
  const needed = paramsNeeded(step, params);
  // Fail closed: a parameter the step uses is never passed empty (grep -F "" matches everything),
  // nor as the log's masked copy of a secret (the command would get "[REDACTED:...]").
  const masked = needed.filter((p) => values[p.name]?.includes('[REDACTED:')).map((p) => p.name);
  const missing = needed.filter((p) => values[p.name] === undefined || values[p.name] === '' || masked.includes(p.name));
  if (missing.length) return { ok: false, reason: 'missing-params', missing, masked };
  // Checked again here, right before use, whatever checked them before.
  for (const p of needed) {
    if (values[p.name]!.includes('\0')) return { ok: false, reason: 'bad-param', param: p, value: values[p.name]!, why: 'holds a NUL character, which no command line can carry' };
    if (!fullMatch(p.pattern, values[p.name]!)) return { ok: false, reason: 'bad-param', param: p, value: values[p.name]! };
  }
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
    return { ok: true, command: { step, argv: fillArgv(step.command, values), shownArgv: fillArgv(step.command, shownValues), shell: false, cwd: opts.cwd, env: {}, vars: {}, secretVars: [], timeoutMs, secrets } };
  }
  // Only the parameters the script uses, each checked above.
  const env: Record<string, string> = {};
  const vars: Record<string, string> = {};
  const secretVars: string[] = [];
  for (const p of needed) {
    const name = envNameFor(p.name);
    vars[name] = values[p.name]!;
    env[`ONCALL_P_${name}`] = values[p.name]!;
    if (p.secret) secretVars.push(name);
  }
  const argv = ['/bin/sh', '-c', shellPreamble(Object.keys(vars)) + step.command];
  return { ok: true, command: { step, argv, shownArgv: ['/bin/sh', '-c', step.command], shell: true, cwd: opts.cwd, env, vars, secretVars, timeoutMs, secrets } };
}
