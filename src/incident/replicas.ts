/**
 * Replicas: one append-only file per writer, merged into one view.
 *
 * A replica is one data home. Locally, this home's records of an incident are in `log.jsonl`
 * (as they always were); other homes' records arrive by `oncall sync` in
 * `replicas/<replica-id>.jsonl` beside it, and nothing but sync writes those. Each file is its own
 * chain (seq 1.., prev/hash). The merged view orders every chain's records by (clock, replica,
 * seq): the same records give the same order on every machine. See docs/SHARING.md.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { checkFolder, readSmallFile } from '../util/safe-fs.js';
import type { StoredEvent } from './events.js';
import { readLogFile, type BadLine, type LogRead } from './reader.js';

export const REPLICAS_DIR = 'replicas';
/** Replica ids: 6 letters of the incident-id alphabet, e.g. `k3f9qa`. */
export const REPLICA_ID = /^[a-hj-km-np-z2-9]{6}$/;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export interface ReplicaInfo {
  id: string;
  /** `operator@host` when it was made: for display only. */
  label: string;
}

function replicaFile(home: string): string {
  return join(home, 'replica.json');
}

/** This home's replica, or undefined when it has never shared. */
export function homeReplica(home: string): ReplicaInfo | undefined {
  let text: string;
  try {
    text = readSmallFile(replicaFile(home), { what: 'the replica file', maxBytes: 4096, follow: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  const r = v as Partial<ReplicaInfo> | undefined;
  if (!r || typeof r.id !== 'string' || !REPLICA_ID.test(r.id)) throw new UserError(`${replicaFile(home)} is not a replica file`, { code: 'invalidInput', hint: 'move it away; `oncall share init` makes a new one (this home then writes as a new replica)' });
  return { id: r.id, label: typeof r.label === 'string' ? r.label.slice(0, 200) : '' };
}

/** This home's replica, made (once, durably) when missing. */
export function ensureHomeReplica(home: string, label: string): ReplicaInfo {
  const have = homeReplica(home);
  if (have) return have;
  const id = [...randomBytes(6)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  const info = { id, label };
  const tmp = `${replicaFile(home)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(info)}\n`, { mode: 0o600, flag: 'wx' });
  const fd = fs.openSync(tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  try {
    // link, not rename: when two processes race, the first one's id stands.
    fs.linkSync(tmp, replicaFile(home));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.unlinkSync(tmp);
  }
  return homeReplica(home)!;
}

/** The other replicas' files of one incident folder. */
export function peerFiles(dir: string): { replica: string; path: string }[] {
  const peers = join(dir, REPLICAS_DIR);
  checkFolder(peers, 'the replicas folder');
  let names: string[];
  try {
    names = fs.readdirSync(peers);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.jsonl') && REPLICA_ID.test(n.slice(0, -6))).sort().map((n) => ({ replica: n.slice(0, -6), path: join(peers, n) }));
}

/**
 * A record's place on the incident's clock: its hlc, or for a record from before sharing the
 * time it was written; never below the record before it in its own chain (a file written by a
 * clock that went backwards still reads in seq order).
 */
export function clockOf(r: StoredEvent, before: number): number {
  let c = r.hlc;
  if (c === undefined) {
    const t = Date.parse(r.ts);
    c = Number.isFinite(t) ? t * 1000 : 0;
  }
  return c > before ? c : before + 1;
}

export interface ReplicaRead {
  /** The replica's id; for this home's own file, its id when it has one, else ''. */
  replica: string;
  path: string;
  own: boolean;
  /** Whether this replica opened the incident: its records are cited by bare seq. */
  origin: boolean;
  read: LogRead;
}

export interface MergedRead extends LogRead {
  /** Every file of the incident: this home's first, then the others by id. */
  replicas: ReplicaRead[];
  torn: (BadLine & { replica?: string })[];
}

/** Reads this home's log and every other replica's file of the incident and merges them. */
export function readIncidentFiles(ownPath: string, dir: string, ownReplica: string | undefined, opts: { sha256?: boolean } = {}): MergedRead {
  const peers = peerFiles(dir).filter((p) => p.replica !== ownReplica);
  let own: LogRead | undefined;
  try {
    own = readLogFile(ownPath, opts);
  } catch (err) {
    // A joined incident has no own file until this home writes to it.
    if (!(err instanceof UserError && err.exitCode === 4 && peers.length > 0)) throw err;
  }
  if (peers.length === 0 && own) return { ...own, replicas: [{ replica: ownReplica ?? '', path: ownPath, own: true, origin: true, read: own }] };
  const files: { replica: string; path: string; own: boolean; read: LogRead }[] = [];
  if (own) files.push({ replica: ownReplica ?? '', path: ownPath, own: true, read: own });
  for (const p of peers) files.push({ ...p, own: false, read: readLogFile(p.path, opts) });
  return mergeFiles(files);
}

/** Pure: the files' chains → the merged view (see the module comment). */
export function mergeFiles(files: { replica: string; path: string; own: boolean; read: LogRead }[]): MergedRead {
  const origin = originOf(files.map((f) => ({ replica: f.replica, events: f.read.events })));
  const keyed: { c: number; r: string; e: StoredEvent }[] = [];
  const replicas: ReplicaRead[] = [];
  const torn: MergedRead['torn'] = [];
  const records: StoredEvent[] = [];
  for (const f of files) {
    const isOrigin = f.replica === origin;
    replicas.push({ ...f, origin: isOrigin });
    let c = 0;
    for (const e of f.read.events) {
      c = clockOf(e, c);
      // Annotated in place: the view's objects are the reader's, and only the view reads them.
      if (!isOrigin) e.replica = f.replica || 'local';
      else delete e.replica;
      keyed.push({ c, r: f.replica, e });
    }
    for (const r of f.read.records) records.push(r);
    for (const t of f.read.torn) torn.push({ ...t, ...(f.own ? {} : { replica: f.replica }) });
  }
  keyed.sort((a, b) => a.c - b.c || (a.r < b.r ? -1 : a.r > b.r ? 1 : 0) || a.e.seq - b.e.seq);
  return { events: keyed.map((k) => k.e), records, torn, replicas };
}

/**
 * The replica that opened the incident: the one whose chain starts with incident.opened
 * (the earliest, should a crafted file claim it too). Undefined when no file holds it yet.
 */
export function originOf(files: readonly { replica: string; events: readonly StoredEvent[] }[]): string | undefined {
  let best: { c: number; r: string } | undefined;
  for (const f of files) {
    const first = f.events[0];
    if (!first || first.seq !== 1 || first.type !== 'incident.opened') continue;
    const c = clockOf(first, 0);
    if (!best || c < best.c || (c === best.c && f.replica < best.r)) best = { c, r: f.replica };
  }
  return best?.r;
}

/** How an event is cited: the bare seq for the origin's records, `replica:seq` for the others'. */
export function refOf(e: { seq: number; replica?: string | undefined }): string {
  return e.replica ? `${e.replica}:${e.seq}` : String(e.seq);
}

/** A reference as typed (`15`, `#15`, `k3f9qa:4`, `#k3f9qa:4`); undefined when it is not one. */
export function parseRef(text: string): { seq: number; replica?: string } | undefined {
  const m = /^#?(?:([a-z2-9]{6}|local):)?([1-9][0-9]{0,14})$/.exec(text.trim());
  if (!m) return undefined;
  return { seq: Number(m[2]), ...(m[1] ? { replica: m[1] } : {}) };
}

/** Whether two things name the same record. */
export function sameRef(a: { seq?: number | undefined; replica?: string | undefined }, b: { seq?: number | undefined; replica?: string | undefined }): boolean {
  return a.seq !== undefined && a.seq === b.seq && (a.replica ?? '') === (b.replica ?? '');
}
