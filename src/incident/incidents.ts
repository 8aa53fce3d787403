/** Incidents on disk: ids, listing, finding, loading. */
import { randomBytes } from 'node:crypto';
import { closeSync, readdirSync, readSync } from 'node:fs';
import { checkHome, openLog } from '../util/safe-fs.js';
import { LogWriteError, UserError } from '../errors.js';
import { homeReplica, peerFiles, readIncidentFiles, type MergedRead } from './replicas.js';
import { cmp } from '../util/cmp.js';
import { replay, type IncidentState } from './replay.js';
import { incidentsDir, logPath } from './store.js';
import { dirname, join } from 'node:path';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const INCIDENT_ID = /^[0-9]{8}-[0-9]{4}-[a-z2-9]{4}$/;

/** `20261126-0314-k3f9`: sorts by time, short enough to type, unique enough for one team. */
export function newIncidentId(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}`;
  const rnd = [...randomBytes(4)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${stamp}-${rnd}`;
}

/** Newest first: by the time in the id, then by when the first event was written (ids share a minute). */
export function listIncidentIds(home: string): string[] {
  checkHome(home);
  let names: string[];
  try {
    names = readdirSync(incidentsDir(home)).filter((n) => INCIDENT_ID.test(n));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new LogWriteError(`cannot read the data home ${home}: ${code ?? (err as Error).message}`, 'set ONCALL_HOME to a folder you can read and write');
  }
  const opened = new Map(names.map((n) => [n, openedTs(logPath(home, n)) || peerFiles(join(incidentsDir(home), n)).map((p) => openedTs(p.path)).filter(Boolean).sort()[0] || '']));
  return names.sort((a, b) => cmp(b.slice(0, 13), a.slice(0, 13)) || cmp(opened.get(b)!, opened.get(a)!) || cmp(b, a));
}

/** The ts of the log's first record, read from its first few KiB; '' when there is none. */
function openedTs(path: string): string {
  let fd: number | undefined;
  try {
    fd = openLog(path, false);
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return /"ts":"([^"]+)"/.exec(buf.toString('utf8', 0, n))?.[1] ?? '';
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface LoadedIncident {
  id: string;
  path: string;
  /** The merged view of every replica's file (for an incident never shared: its one log). */
  read: MergedRead;
  state: IncidentState;
}

export function loadIncident(home: string, id: string, opts: { sha256?: boolean } = {}): LoadedIncident {
  const path = logPath(home, id);
  const read = readIncidentFiles(path, dirname(path), homeReplica(home)?.id, opts);
  return { id, path, read, state: replay(id, read.events) };
}

/**
 * Resolves what the user typed: a full id, a unique prefix or the 4-letter suffix.
 * Without one, the most recent incident that is not resolved (or the most recent of all, with anyStatus).
 */
export function resolveIncidentId(home: string, wanted: string | undefined, opts: { anyStatus?: boolean } = {}): string {
  return resolveIncident(home, wanted, opts).id;
}

/** As resolveIncidentId; when finding the most recent open incident meant reading it, that read is returned too. */
export function resolveIncident(home: string, wanted: string | undefined, opts: { anyStatus?: boolean } = {}): { id: string; loaded?: LoadedIncident } {
  const ids = listIncidentIds(home);
  if (wanted) {
    if (ids.includes(wanted)) return { id: wanted };
    const hits = ids.filter((id) => id.startsWith(wanted) || id.endsWith(`-${wanted}`));
    if (hits.length === 1) return { id: hits[0]! };
    if (hits.length > 1) throw new UserError(`incident "${wanted}" is ambiguous: ${hits.slice(0, 5).join(', ')}${hits.length > 5 ? ', ...' : ''}`, { code: 'usage', hint: 'type more of the id' });
    throw new UserError(`no incident "${wanted}"`, { code: 'notFound', hint: 'list them with `oncall incidents`' });
  }
  if (opts.anyStatus && ids[0]) return { id: ids[0] };
  // One unreadable or unsafe incident does not block the others: it is skipped here and
  // named when nothing else is found (asked for by id, it gives its own error).
  let skipped: UserError | undefined;
  for (const id of ids) {
    let loaded: LoadedIncident;
    try {
      loaded = loadIncident(home, id);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      skipped ??= err;
      continue;
    }
    // A drill is never the incident a command acts on by default: name it with --incident.
    if (loaded.state.status !== 'resolved' && !loaded.state.drill) return { id, loaded };
  }
  // Nothing else to act on: what kept the skipped one out is the useful error.
  if (skipped) throw skipped;
  throw new UserError(opts.anyStatus ? 'no incidents yet' : 'no open incident', { code: 'notFound', hint: 'open one with `oncall open`, or name one with --incident ID' });
}
