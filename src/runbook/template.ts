/** Parameters in commands: `{{name}}` inside argv elements, `$NAME` in shell strings. */

export const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/** Environment names a parameter may not take: they would change how the shell or loader behaves. */
const RESERVED_ENV = new Set(['PATH', 'HOME', 'USER', 'SHELL', 'IFS', 'TERM', 'PWD', 'OLDPWD', 'LANG', 'TMPDIR', 'ENV', 'CDPATH', 'PS1', 'PS2', 'PS4', 'NODE_OPTIONS', 'LOGNAME', 'MAIL', 'HOSTNAME']);

export function envNameFor(param: string): string {
  return param.toUpperCase();
}

export function isReservedEnv(name: string): boolean {
  return RESERVED_ENV.has(name) || /^(LD_|BASH_|ONCALL_|LC_|DYLD_)/.test(name);
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
