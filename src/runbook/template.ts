/**
 * Parameters in commands: `{{name}}` inside argv elements, `$NAME` in shell strings, where
 * NAME is an unexported shell variable (see runner/prepare.ts): no program the script starts
 * sees it in its environment.
 */
import { DOCUMENTED_ENV, SHELL_READS } from './shell-vars.js';

export const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

const RESERVED = new Set<string>([...SHELL_READS, ...DOCUMENTED_ENV]);

/** The shell variable a parameter becomes in `shell: true` steps. */
export function envNameFor(param: string): string {
  return param.toUpperCase();
}

/** Names a parameter's shell variable may not take: the shell reads them, or programs need them from the environment. */
export function isReservedEnv(name: string): boolean {
  return RESERVED.has(name.toUpperCase()) || /^(LD_|BASH_|ONCALL_|LC_|DYLD_)/i.test(name);
}

export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Fills `{{name}}` in each argv element; each element stays exactly one argument. */
export function fillArgv(argv: readonly string[], values: Readonly<Record<string, string>>): string[] {
  return argv.map((arg) => arg.replace(PLACEHOLDER, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`parameter ${name} has no value`);
    return v;
  }));
}

/** setTimeout's limit: a longer delay fires at once, so longer timeouts are refused everywhere. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Parses `30`, `30s`, `5m`, `1h`, `250ms` into milliseconds. */
export function durationMs(d: number | string): number {
  if (typeof d === 'number') return d * 1000;
  const m = /^([0-9]+)(ms|s|m|h)?$/.exec(d);
  if (!m) throw new Error(`bad duration ${d}`);
  const n = Number(m[1]);
  switch (m[2]) {
    case 'ms': return n;
    case 'm': return n * 60_000;
    case 'h': return n * 3_600_000;
    default: return n * 1000;
  }
}
