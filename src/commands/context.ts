/** What every command gets injected, so tests need no globals. */
import { userInfo } from 'node:os';
import { loadConfig, type Config } from '../config.js';
import { systemClock, type Clock } from '../incident/store.js';
import { dataHome, type Env } from '../util/paths.js';
import type { Actor } from '../incident/events.js';

export interface Context {
  cwd: string;
  env: Env;
  /** The data home: incidents live under it. */
  home: string;
  clock: Clock;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** The folder holding oncall's package.json and shipped runbooks/. */
  packageRoot: string;
  /** Extra runbook folders from --runbooks. */
  runbookDirs: string[];
  config(): Promise<Config>;
}

export function defaultContext(overrides: Partial<Context> = {}): Context {
  const env = overrides.env ?? process.env;
  let config: Promise<Config> | undefined;
  return {
    cwd: process.cwd(),
    env,
    home: dataHome(env),
    clock: systemClock,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    packageRoot: process.cwd(),
    runbookDirs: [],
    config: () => (config ??= loadConfig(env)),
    ...overrides,
  };
}

export function print(ctx: Context, text = ''): void {
  ctx.stdout.write(text.endsWith('\n') || text === '' ? text || '\n' : `${text}\n`);
}

/** Every JSON document a command prints is an object that starts with its schema_version (docs/JSON.md). */
export const JSON_SCHEMA_VERSION = 1;

export function printJson(ctx: Context, value: Record<string, unknown>): void {
  ctx.stdout.write(`${JSON.stringify({ schema_version: JSON_SCHEMA_VERSION, ...value }, null, 2)}\n`);
}

/**
 * --operator, else ONCALL_OPERATOR, else the config, else the OS user. The name is stored and
 * shown everywhere: one line, no control or escape characters, nothing the redactor masks, at
 * most 64 characters.
 */
export async function operator(ctx: Context, flag?: string): Promise<Actor> {
  let name = flag || ctx.env.ONCALL_OPERATOR || (await ctx.config()).operator;
  if (!name) {
    try {
      name = userInfo().username;
    } catch {
      name = ctx.env.USER || 'operator';
    }
  }
  const [{ sanitize }, { redact }] = await Promise.all([import('../util/sanitize.js'), import('../redact/index.js')]);
  const clean = [...redact(sanitize(name).replace(/\s+/g, ' ').trim())].slice(0, 64).join('');
  return { kind: 'human', name: clean || 'operator' };
}

export function builtinRunbooks(ctx: Context): string {
  return `${ctx.packageRoot.replace(/\/$/, '')}/runbooks`;
}
