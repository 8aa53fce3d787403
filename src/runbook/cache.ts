/**
 * A cache of validated runbooks keyed by the sha256 of their text and the build that validated
 * them, so `runbooks list` and start-up skip YAML parsing for files that have not changed.
 * Disposable: a missing, corrupt or foreign cache is ignored and rewritten. ONCALL_NO_CACHE=1
 * turns it off.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkFolder, readSmallFile, UnsafePathError } from '../util/safe-fs.js';
import type { Problem } from '../errors.js';
import type { Env } from '../util/paths.js';
import type { Runbook } from './schema.js';

declare const __ONCALL_BUILD__: string | undefined;
/** Set by the bundler from a hash of the sources; undefined when running from TypeScript (no cache). */
const BUILD = typeof __ONCALL_BUILD__ === 'string' ? __ONCALL_BUILD__ : undefined;
const MAX_ENTRIES = 5000;

export type CachedResult = { runbook: Runbook } | { problems: Omit<Problem, 'file'>[] };

export class RunbookCache {
  private entries: Record<string, CachedResult> = {};
  private used = new Set<string>();
  private dirty = false;
  private file: string | undefined;

  constructor(env: Env) {
    const disabled = !BUILD || env.ONCALL_NO_CACHE === '1';
    const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
    this.file = disabled ? undefined : join(base, 'oncall', 'runbooks.json');
    if (!this.file) return;
    try {
      checkFolder(dirname(this.file), 'the runbook cache folder');
      const data = JSON.parse(readSmallFile(this.file, { what: 'the runbook cache', maxBytes: 64 * 1024 * 1024, follow: false })) as { build?: string; entries?: Record<string, CachedResult> };
      if (data.build === BUILD && data.entries && typeof data.entries === 'object') this.entries = data.entries;
    } catch (err) {
      // A cache others could have written is never trusted, nor rewritten: validate every file instead.
      if (err instanceof UnsafePathError) this.file = undefined;
      // otherwise: no cache yet, or unreadable: start empty
    }
  }

  get(sha: string): CachedResult | undefined {
    const hit = this.entries[sha];
    if (hit) this.used.add(sha);
    return hit;
  }

  set(sha: string, value: CachedResult): void {
    if (!this.file) return;
    this.entries[sha] = value;
    this.used.add(sha);
    this.dirty = true;
  }

  /** Writes atomically (temp + rename); failures are ignored, it is only a cache. */
  save(): void {
    if (!this.file || !this.dirty) return;
    let keys = Object.keys(this.entries);
    if (keys.length > MAX_ENTRIES) keys = [...this.used, ...keys.filter((k) => !this.used.has(k))].slice(0, MAX_ENTRIES);
    const out: Record<string, CachedResult> = {};
    for (const k of keys) out[k] = this.entries[k]!;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(tmp, JSON.stringify({ build: BUILD, entries: out }), { mode: 0o600 });
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // read-only home or full disk: run without a cache
    }
  }
}
