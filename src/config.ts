/** The optional config file (YAML). Strict like runbooks: a typo is an error, not a silent default. */
import { dirname, resolve } from 'node:path';
import { ValidationError, UserError } from './errors.js';
import { configPath, type Env } from './util/paths.js';
import { readSmallFile } from './util/safe-fs.js';

export interface Config {
  runbooks?: string[];
  operator?: string;
  default_timeout?: number | string;
  hypotheses?: { model?: string; you_first?: boolean; timeout?: number | string; first_token_timeout?: number | string; num_ctx?: number; allow_remote?: boolean };
  alertmanager?: { url: string };
  share?: { interval?: number | string; background?: boolean };
  file?: string;
}

/** Loads the config, or {} when there is none. Relative runbook folders resolve against the file's folder. */
export async function loadConfig(env: Env = process.env): Promise<Config> {
  const file = configPath(env);
  let text: string;
  try {
    text = readSmallFile(file, { what: 'the config', maxBytes: 64 * 1024, follow: true });
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && !env.ONCALL_CONFIG) return {};
    throw new UserError(`cannot read config ${file}: ${code ?? (err as Error).message}`, { code: code === 'ENOENT' ? 'notFound' : 'invalidInput', hint: 'fix ONCALL_CONFIG or create the file' });
  }
  // The parser and schema load only when there is a config file to parse.
  const [{ parseStrictYaml }, { configSchema }] = await Promise.all([import('./util/strict-yaml.js'), import('./config-schema.js')]);
  const r = parseStrictYaml(text, file, { schema: configSchema, what: 'a config', maxBytes: 64 * 1024, example: 'e.g. "operator: alice\\nrunbooks: [~/runbooks]"' });
  if (!r.ok) throw new ValidationError(r.problems, 'invalidInput', 'config');
  if (r.value.default_timeout !== undefined) {
    const { durationMs, MAX_TIMEOUT_MS } = await import('./runbook/template.js');
    const ms = durationMs(r.value.default_timeout);
    if (ms < 1 || ms > MAX_TIMEOUT_MS) throw new ValidationError([{ file, line: 1, col: 1, path: 'default_timeout', message: `default_timeout ${JSON.stringify(r.value.default_timeout)} is ${ms < 1 ? 'zero' : 'longer than 24 days'}`, hint: 'e.g. default_timeout: 60s' }], 'invalidInput', 'config');
  }
  const dir = dirname(file);
  const home = env.HOME ?? '';
  return { ...r.value, ...(r.value.runbooks ? { runbooks: r.value.runbooks.map((p) => resolve(dir, p.replace(/^~(?=\/|$)/, home))) } : {}), file };
}
