/** Finding runbooks on disk. Earlier folders win when two runbooks share an id. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { UserError, ValidationError, type Problem } from '../errors.js';
import type { Env } from '../util/paths.js';
import { RunbookCache } from './cache.js';
import type { Runbook } from './schema.js';
import type * as ParseNs from './parse.js';

type ParseModule = typeof ParseNs;

// The YAML parser and zod load only on a cache miss: most start-ups never need them.
let parser: ParseModule | undefined;
async function parse(text: string, file: string) {
  parser ??= await import('./parse.js');
  return parser.parseRunbook(text, file);
}

export interface RunbookEntry {
  runbook: Runbook;
  file: string;
  sha256: string;
}

export interface Catalog {
  dirs: string[];
  entries: RunbookEntry[];
  /** Files that failed to load, with every problem. */
  invalid: { file: string; problems: Problem[] }[];
  /** Later files whose id an earlier one already took. */
  shadowed: { file: string; id: string; by: string }[];
}

export interface SearchPathInput {
  flagDirs?: string[];
  env?: Env;
  configDirs?: string[];
  cwd: string;
  /** The runbooks that ship with oncall. */
  builtinDir?: string;
}

/** --runbooks, then ONCALL_RUNBOOKS (path-list), then the config's list, then ./runbooks, then the shipped ones. */
export function runbookSearchPath(i: SearchPathInput): string[] {
  const envDirs = (i.env?.ONCALL_RUNBOOKS ?? '').split(delimiter).filter(Boolean);
  const dirs = [...(i.flagDirs ?? []), ...envDirs, ...(i.configDirs ?? [])].map((d) => resolve(i.cwd, d));
  dirs.push(resolve(i.cwd, 'runbooks'));
  if (i.builtinDir) dirs.push(i.builtinDir);
  const seen = new Set<string>();
  return dirs.filter((d) => {
    let key = d;
    try {
      key = realpathSync(d);
    } catch {
      // missing folders are kept so `list` can say so
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function isRunbookFile(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !name.startsWith('.');
}

export async function loadRunbookFile(file: string, cache?: RunbookCache): Promise<{ entry?: RunbookEntry; problems: Problem[] }> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problems: [{ file, line: 1, col: 1, message: code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? (err as Error).message}` }] };
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  const hit = cache?.get(sha256);
  if (hit) return 'runbook' in hit ? { entry: { runbook: hit.runbook, file, sha256 }, problems: [] } : { problems: hit.problems.map((p) => ({ ...p, file })) };
  const r = await parse(text, file);
  if (!r.ok) {
    cache?.set(sha256, { problems: r.problems.map(({ file: _f, ...p }) => p) });
    return { problems: r.problems };
  }
  cache?.set(sha256, { runbook: r.value });
  return { entry: { runbook: r.value, file, sha256 }, problems: [] };
}

export async function loadCatalog(dirs: string[], env: Env = {}): Promise<Catalog> {
  const cat: Catalog = { dirs, entries: [], invalid: [], shadowed: [] };
  const cache = new RunbookCache(env);
  const byId = new Map<string, string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter(isRunbookFile).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(dir, name);
      const { entry, problems } = await loadRunbookFile(file, cache);
      if (!entry) {
        cat.invalid.push({ file, problems });
        continue;
      }
      const taken = byId.get(entry.runbook.id);
      if (taken) {
        cat.shadowed.push({ file, id: entry.runbook.id, by: taken });
        continue;
      }
      byId.set(entry.runbook.id, file);
      cat.entries.push(entry);
    }
  }
  cache.save();
  return cat;
}

/** `--runbook ID|FILE`: a path when it looks like one and exists, else an id in the catalog. */
export async function findRunbook(cat: Catalog, ref: string, cwd: string): Promise<RunbookEntry> {
  const looksLikePath = ref.includes('/') || isRunbookFile(ref);
  if (looksLikePath) {
    const file = resolve(cwd, ref);
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {
      isFile = false;
    }
    if (isFile) {
      const { entry, problems } = await loadRunbookFile(file);
      if (!entry) throw new ValidationError(problems);
      return entry;
    }
    if (ref.includes('/')) throw new UserError(`no runbook file ${ref}`, { code: 'notFound', hint: 'check the path, or pass a runbook id from `oncall runbooks list`' });
  }
  const hit = cat.entries.find((e) => e.runbook.id === ref);
  if (hit) return hit;
  const broken = cat.invalid.find((i) => i.file.endsWith(`/${ref}.yaml`) || i.file.endsWith(`/${ref}.yml`));
  if (broken) throw new ValidationError(broken.problems);
  const near = cat.entries.map((e) => e.runbook.id).filter((id) => id.includes(ref) || ref.includes(id)).slice(0, 3);
  throw new UserError(`no runbook with id "${ref}"`, { code: 'notFound', hint: near.length ? `did you mean ${near.join(', ')}?` : 'list them with `oncall runbooks list`' });
}
