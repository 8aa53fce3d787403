/**
 * The append-only incident log: one folder per incident holding log.jsonl.
 * An append is: take the cross-process lock, learn the tail (seq, hash), one write(2) of
 * "\n" + JSON + "\n", fsync, release. Only then is the caller told it succeeded.
 * The leading newline keeps a record whole even after another writer was killed mid-write
 * (its fragment ends up on a line of its own, which readers report as torn).
 */
import { randomUUID } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { LogWriteError, UserError } from '../errors.js';
import { redactDeep } from '../redact/index.js';
import { sanitize } from '../util/sanitize.js';
import { mapStrings } from '../util/map-strings.js';
import { GENESIS, MAX_RECORD_BYTES, STATUSES, type Actor, type EventType, type NewEvent, type Status, type StoredEvent } from './events.js';
import { hashEvent } from './hash.js';
import { checkRecord, continuesChain, readLogFile } from './reader.js';
import { clockOf, homeReplica, peerFiles, REPLICAS_DIR } from './replicas.js';
import { logLock, type LogLock } from './lock.js';
import { checkHome, openLog } from '../util/safe-fs.js';

export { MAX_RECORD_BYTES };
const NFS_SUPER_MAGIC = 0x6969;

/** The file-system calls the store makes; injectable so fault tests can simulate power loss. */
export interface StoreFs {
  openSync: typeof nodeFs.openSync;
  writeSync: (fd: number, buf: Buffer) => number;
  fsyncSync: typeof nodeFs.fsyncSync;
  fstatSync: typeof nodeFs.fstatSync;
  readSync: (fd: number, buf: Buffer, offset: number, length: number, position: number) => number;
  closeSync: typeof nodeFs.closeSync;
  /** The cross-process lock; a simulated file system brings its own. */
  lock?: (fd: number) => void;
  unlock?: (fd: number) => void;
}
const realFs: StoreFs = {
  openSync: nodeFs.openSync,
  writeSync: (fd, buf) => nodeFs.writeSync(fd, buf),
  fsyncSync: nodeFs.fsyncSync,
  fstatSync: nodeFs.fstatSync,
  readSync: (fd, buf, off, len, pos) => nodeFs.readSync(fd, buf, off, len, pos),
  closeSync: nodeFs.closeSync,
};

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export function incidentsDir(home: string): string {
  return join(home, 'incidents');
}
export function logPath(home: string, incidentId: string): string {
  return join(incidentsDir(home), incidentId, 'log.jsonl');
}

/** Creates the data home (0700) and refuses file systems where appends are not safe, and homes others can write. */
export function ensureHome(home: string): void {
  checkHome(home);
  try {
    nodeFs.mkdirSync(incidentsDir(home), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new LogWriteError(`cannot create the data home ${home}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'set ONCALL_HOME to a writable local folder');
  }
  let type: number | undefined;
  try {
    type = nodeFs.statfsSync(home).type;
  } catch {
    type = undefined;
  }
  if (type === NFS_SUPER_MAGIC) throw new LogWriteError(`the data home ${home} is on NFS, where concurrent appends can be lost`, 'set ONCALL_HOME to a local disk');
  checkHome(home);
}

function fsyncDir(dir: string): void {
  const fd = nodeFs.openSync(dir, 'r');
  try {
    nodeFs.fsyncSync(fd);
  } finally {
    nodeFs.closeSync(fd);
  }
}

/** Makes the incident's folder and empty log durable; fails if it already exists. */
export function createIncidentLog(home: string, incidentId: string): string {
  ensureHome(home);
  const dir = join(incidentsDir(home), incidentId);
  try {
    nodeFs.mkdirSync(dir, { mode: 0o700 });
    const fd = nodeFs.openSync(join(dir, 'log.jsonl'), 'ax', 0o600);
    nodeFs.fsyncSync(fd);
    nodeFs.closeSync(fd);
    // A new file's directory entry is durable only once its parent is fsynced.
    fsyncDir(dir);
    fsyncDir(incidentsDir(home));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UserError(`incident ${incidentId} already exists`, { code: 'conflict' });
    throw new LogWriteError(`cannot create the log for incident ${incidentId}: ${code ?? (err as Error).message}`, 'check free space and permissions of the data home');
  }
  return join(dir, 'log.jsonl');
}

interface Tail {
  offset: number;
  seq: number;
  hash: string;
  /** The incident's status as of this record: status changes are decided against it, under the lock. */
  status: Status;
  /** The clock of the last record (see replicas.ts clockOf). */
  clock: number;
  /** The clock of the record that set `status` (0: none did). */
  statusAt: number;
  /** Whether this chain opened the incident (its seq 1 is incident.opened): its records are cited by bare seq. */
  origin: boolean;
}

const START: Tail = { offset: 0, seq: 0, hash: GENESIS, status: 'investigating', clock: 0, statusAt: 0, origin: false };

export interface AppendOptions {
  /** Skip redaction of data.runbook: runbook text is trusted input, and masking it would break its commands. */
  trustedRunbook?: boolean;
}

/**
 * How many bytes an event would take as a record (cleaned and redacted, with seq, id, time and
 * hashes at their longest), so a caller can refuse what would not fit before writing anything.
 */
export function recordBytes<T extends EventType>(event: NewEvent<T>, opts: AppendOptions = {}): number {
  const body = { seq: Number.MAX_SAFE_INTEGER, id: randomUUID(), ts: new Date(0).toISOString(), hlc: Number.MAX_SAFE_INTEGER, actor: event.actor, type: event.type, data: redactData(event.data, opts), prev: 'f'.repeat(64), hash: 'f'.repeat(64) };
  return Buffer.byteLength(`\n${JSON.stringify(body)}\n`);
}

/** An open incident log. Keep one per process and incident; appends are synchronous and durable. */
export class IncidentStore {
  readonly path: string;
  private fd: number;
  private tail: Tail = START;
  private broken: LogWriteError | null = null;
  private readonly lock: LogLock;
  /** Other replicas' files of this incident, by path: their size when last read and their last clock. */
  private readonly peers = new Map<string, PeerTail>();

  constructor(path: string, private readonly clock: Clock = systemClock, private readonly fs: StoreFs = realFs) {
    this.path = path;
    try {
      this.fd = fs === realFs ? openOwnLog(path) : fs.openSync(path, 'a+');
    } catch (err) {
      if (err instanceof UserError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UserError(`no incident log at ${path}`, { code: 'notFound' });
      throw new LogWriteError(`cannot open ${path}: ${code ?? (err as Error).message}`);
    }
    // A simulated file system brings its own lock; otherwise the native one, or the portable one where it cannot load.
    this.lock = fs.lock ? { lock: () => fs.lock!(this.fd), unlock: () => fs.unlock?.(this.fd) } : logLock(this.fd, path);
  }

  /** Appends one event durably and returns it as stored. Throws LogWriteError; after one, the store refuses further appends. */
  append<T extends EventType>(event: NewEvent<T>, opts: AppendOptions = {}): StoredEvent<T> {
    // Cleaned and redacted before the lock is taken: other writers do not wait on the regexes.
    const data = redactData(event.data, opts);
    return this.write(event.type, event.actor, () => data)!;
  }

  /**
   * Records a status change. Its `from` is the status in the log at the moment of writing,
   * read under the lock, so two operators changing it at once both record the truth; when the
   * log already says `to`, nothing is written and undefined comes back.
   */
  changeStatus(to: Status, actor: Actor): StoredEvent<'status.changed'> | undefined {
    return this.write('status.changed', actor, (tail) => (tail.status === to ? undefined : { from: tail.status, to }));
  }

  /** One durable append under the lock; `makeData` sees the log's tail and may decline (undefined). */
  private write<T extends EventType>(type: T, actor: Actor, makeData: (tail: Tail) => NewEvent<T>['data'] | undefined): StoredEvent<T> | undefined {
    if (this.broken) throw this.broken;
    this.lock.lock();
    try {
      const tail = this.readTail();
      this.tail = tail;
      const peer = this.peerTail();
      // In a shared incident the status is the latest change on the merged clock, whichever replica wrote it.
      const data = makeData(peer.statusAt > tail.statusAt ? { ...tail, status: peer.status } : tail);
      if (data === undefined) return undefined;
      const now = this.clock.now();
      // The hybrid logical clock: above the wall clock, this chain and every other replica's record on disk.
      // A peer clock more than a day ahead of this machine's is not trusted (a crafted file could push every later record past the last safe integer).
      const peerClock = peer.clock <= now.getTime() * 1000 + 86_400_000_000 ? peer.clock : 0;
      const hlc = Math.max(now.getTime() * 1000, tail.clock + 1, peerClock + 1);
      if (!Number.isSafeInteger(hlc)) throw new LogWriteError(`the log's clock is out of range (${hlc}): a record claims a time far in the future`, 'run `oncall log verify` and look at the last records of each replica');
      const body: Omit<StoredEvent<T>, 'hash'> = {
        seq: tail.seq + 1,
        id: randomUUID(),
        ts: now.toISOString(),
        hlc,
        actor,
        type,
        data,
        prev: tail.hash,
      };
      const stored = { ...body, hash: hashEvent(body as Omit<StoredEvent, 'hash'>) } as StoredEvent<T>;
      const buf = Buffer.from(`\n${JSON.stringify(stored)}\n`, 'utf8');
      if (buf.length > MAX_RECORD_BYTES) throw new UserError(`event is ${buf.length} bytes, over the ${MAX_RECORD_BYTES}-byte record cap`, { code: 'invalidInput', hint: 'shorten the text' });
      let written: number;
      try {
        written = this.fs.writeSync(this.fd, buf);
      } catch (err) {
        throw this.fail(`writing to ${this.path} failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      // A short write is never retried: the tail now holds a torn record that readers will report.
      if (written !== buf.length) throw this.fail(`short write to ${this.path} (${written} of ${buf.length} bytes)`);
      try {
        this.fs.fsyncSync(this.fd);
      } catch (err) {
        // After a failed fsync Linux may drop the dirty pages; a retry could falsely succeed.
        throw this.fail(`fsync of ${this.path} failed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      this.tail = next(tail, stored as StoredEvent, tail.offset + written);
      // Returned as the merged view shows it: a joined replica's record is cited as replica:seq.
      if (!this.tail.origin) stored.replica = this.replicaId();
      return stored;
    } finally {
      try {
        this.lock.unlock();
      } catch {
        // Closing the fd releases the lock anyway.
      }
    }
  }

  private ownReplica: string | undefined;
  private replicaId(): string {
    this.ownReplica ??= homeReplica(dirname(dirname(dirname(this.path))))?.id ?? 'local';
    return this.ownReplica;
  }

  /** The highest clock and the latest status among the other replicas' files (each re-read only when it changed size). */
  private peerTail(): PeerTail {
    const out: PeerTail = { size: 0, clock: 0, status: 'investigating', statusAt: 0 };
    if (this.fs !== realFs) return out;
    for (const p of peerFiles(dirname(this.path))) {
      let size: number;
      try {
        size = nodeFs.statSync(p.path).size;
      } catch {
        continue;
      }
      let known = this.peers.get(p.path);
      if (!known || known.size !== size) {
        try {
          known = peerTailOf(size, readLogFile(p.path).events);
        } catch {
          // An unreadable peer file is reported by the views and `log verify`; it does not stop this writer.
          continue;
        }
        this.peers.set(p.path, known);
      }
      if (known.clock > out.clock) out.clock = known.clock;
      if (known.statusAt > out.statusAt) {
        out.statusAt = known.statusAt;
        out.status = known.status;
      }
    }
    return out;
  }

  close(): void {
    try {
      this.fs.closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private fail(message: string): LogWriteError {
    this.broken = new LogWriteError(`${message}; this event is not acknowledged (it may or may not be on disk) and this process writes nothing more`, 'free space or fix the disk, then run `oncall log verify`');
    return this.broken;
  }

  /** Reads records appended since our last look (by any process) to find the current tail. Called under the lock. */
  private readTail(): Tail {
    const size = this.fs.fstatSync(this.fd).size;
    if (size === this.tail.offset) return this.tail;
    const from = size < this.tail.offset ? 0 : this.tail.offset;
    let tail: Tail = from === 0 ? START : { ...this.tail };
    const chunk = Buffer.allocUnsafe(Math.min(size - from, 4 * 1024 * 1024));
    let pos = from;
    let carry = '';
    const decoder = new StringDecoder('utf8');
    while (pos < size) {
      const n = this.fs.readSync(this.fd, chunk, 0, Math.min(chunk.length, size - pos), pos);
      if (n <= 0) break;
      pos += n;
      const text = carry + decoder.write(chunk.subarray(0, n));
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) tail = lastRecord(line, tail);
    }
    tail = lastRecord(carry, tail);
    return { ...tail, offset: size };
  }
}

/**
 * Opens this home's log of an incident. A shared incident this home joined has other replicas'
 * files and no log of its own until its first record: the log is made then.
 */
function openOwnLog(path: string): number {
  try {
    return openLog(path, true);
  } catch (err) {
    if (!(err instanceof UserError && err.exitCode === 4 && nodeFs.existsSync(join(dirname(path), REPLICAS_DIR)))) throw err;
  }
  try {
    nodeFs.closeSync(nodeFs.openSync(path, nodeFs.constants.O_CREAT | nodeFs.constants.O_EXCL | nodeFs.constants.O_WRONLY | nodeFs.constants.O_NOFOLLOW, 0o600));
    fsyncDir(dirname(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return openLog(path, true);
}

interface PeerTail {
  size: number;
  clock: number;
  status: Status;
  statusAt: number;
}

function peerTailOf(size: number, events: readonly StoredEvent[]): PeerTail {
  let t: PeerTail = { size, clock: 0, status: 'investigating', statusAt: 0 };
  for (const e of events) {
    const clock = clockOf(e, t.clock);
    const status = statusAfter(e, t.status);
    t = { size, clock, status, statusAt: e.type === 'status.changed' && status !== t.status ? clock : t.statusAt };
  }
  return t;
}

function lastRecord(line: string, tail: Tail): Tail {
  if (line.length === 0 || line.charCodeAt(0) !== 123 /* { */) return tail;
  let r: { seq?: unknown; hash?: unknown };
  try {
    r = JSON.parse(line) as typeof r;
  } catch {
    // a torn line: never acknowledged, so the chain continues from the record before it
    return tail;
  }
  // Only the chain's next record moves the tail, exactly as readers choose the records they
  // show (see LogRead.events): a stray one (seq 50 after 12, 2.5, 1e400, a repeat) is damage,
  // skipped, and the next append continues from the last record of the chain.
  const rec = checkRecord(r);
  if (typeof rec === 'string' || !continuesChain(tail, rec)) return tail;
  return { ...advance(tail, rec), offset: tail.offset };
}

function next(tail: Tail, r: StoredEvent, offset: number): Tail {
  return { ...advance(tail, r), offset };
}

function advance(tail: Tail, r: StoredEvent): Tail {
  const clock = clockOf(r, tail.clock);
  const status = statusAfter(r, tail.status);
  return { offset: tail.offset, seq: r.seq, hash: r.hash, status, clock, statusAt: r.type === 'status.changed' && status !== tail.status ? clock : tail.statusAt, origin: r.seq === 1 ? r.type === 'incident.opened' : tail.origin };
}

/** The status once `r` is applied, as replay applies it (a malformed target changes nothing). */
function statusAfter(r: StoredEvent, status: Status): Status {
  if (r.type !== 'status.changed') return status;
  const to = (r.data as { to?: unknown }).to;
  return (STATUSES as readonly unknown[]).includes(to) ? (to as Status) : status;
}

/** Terminal escapes and invisible characters never enter the log (a note pasted with them could redraw the screen); then secrets are masked. */
function cleanDeep<T>(value: T): T {
  return mapStrings(value, sanitize);
}

function redactData<T>(data: T, opts: AppendOptions): T {
  if (opts.trustedRunbook && data && typeof data === 'object' && 'runbook' in data) {
    const { runbook, ...rest } = data as Record<string, unknown>;
    return { ...redactDeep(cleanDeep(rest)), runbook } as T;
  }
  return redactDeep(cleanDeep(data));
}
