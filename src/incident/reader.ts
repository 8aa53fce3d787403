/**
 * Reading and verifying a log. Torn lines (a writer killed mid-write) are reported and
 * skipped, never a reason to stop: records after them are still read.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, readFileSync, readSync } from 'node:fs';
import { openLog } from '../util/safe-fs.js';
import { UserError } from '../errors.js';
import { GENESIS, type StoredEvent } from './events.js';
import { hashEvent } from './hash.js';

export interface BadLine {
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset of the line's start. */
  offset: number;
  bytes: number;
  reason: string;
  /** How many whole records come before it in the file. */
  after: number;
}

export interface LogRead {
  /**
   * The records every view uses: the chain, each record the next seq after the one before and
   * chaining to its hash. A record that does not (out of order, repeated, a seq like 2.5 or
   * 1e400) is damage, shown by no view and reported by `log verify`; the writer continues
   * the chain from its last record, exactly as this reads it.
   */
  events: StoredEvent[];
  /** Every whole record, in file order: what `log verify` checks. */
  records: StoredEvent[];
  /** Lines that are not whole JSON records (torn writes, garbage). */
  torn: BadLine[];
  /** sha256 of the file's bytes, when asked for (the export's anchor). */
  sha256?: string;
}

/** The chain so far: the seq and hash the next record must follow. */
export interface ChainTail {
  seq: number;
  hash: string;
}

/** Whether `r` is the next record of the chain. */
export function continuesChain(tail: ChainTail, r: StoredEvent): boolean {
  return r.seq === tail.seq + 1 && r.prev === tail.hash;
}

/** The records that form the chain (see LogRead.events). */
export function chainOf(records: readonly StoredEvent[], from: ChainTail = { seq: 0, hash: GENESIS }): { events: StoredEvent[]; tail: ChainTail } {
  const events: StoredEvent[] = [];
  let tail = from;
  for (const r of records) {
    if (!continuesChain(tail, r)) continue;
    events.push(r);
    tail = { seq: r.seq, hash: r.hash };
  }
  return { events, tail };
}

// Past this size a log is read in chunks (below, one read and one JSON.parse is fastest).
const WHOLE_READ_MAX = 8 * 1024 * 1024;

export function readLogFile(path: string, opts: { sha256?: boolean; chunkBytes?: number } = {}): LogRead {
  let fd: number;
  try {
    fd = openLog(path, false);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { code: 'logWrite' });
  }
  try {
    // Hashed from the same bytes that are parsed: no window for a change between two reads.
    const hash = opts.sha256 ? createHash('sha256') : undefined;
    let read: LogRead;
    if (opts.chunkBytes === undefined && fstatSync(fd).size <= WHOLE_READ_MAX) {
      const buf = readFileSync(fd);
      hash?.update(buf);
      read = parseLog(buf);
    } else {
      read = parseLogChunks(fd, opts.chunkBytes ?? 1024 * 1024, hash);
    }
    if (hash) read.sha256 = hash.digest('hex');
    return { ...read, events: chainOf(read.records).events };
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { code: 'logWrite' });
  } finally {
    closeSync(fd);
  }
}

/**
 * A large log read in fixed chunks, so it is never held whole beside its records (the
 * 100,000-event export's peak memory). The same lines, offsets and verdicts as parseLog.
 */
function parseLogChunks(fd: number, chunkBytes: number, hash?: ReturnType<typeof createHash>): LogRead {
  const lines = new LineReader();
  const chunk = Buffer.allocUnsafe(chunkBytes);
  for (let n = readSync(fd, chunk, 0, chunkBytes, null); n > 0; n = readSync(fd, chunk, 0, chunkBytes, null)) {
    const got = chunk.subarray(0, n);
    hash?.update(got);
    lines.push(got);
  }
  return lines.end();
}

/** Pure: bytes → records and bad lines. */
export function parseLog(buf: Buffer): LogRead {
  // Fast path for an intact log of ordinary size: one JSON.parse of all lines is quicker than
  // one per line (first paint). Past 8 MiB the joined copy costs more memory than it saves
  // time. Any torn or odd line sends us down the line-by-line path below.
  const fast = buf.length <= WHOLE_READ_MAX ? parseWhole(buf) : undefined;
  if (fast) return { events: fast, records: fast, torn: [] };
  const lines = new LineReader();
  lines.push(buf);
  return lines.end();
}

/**
 * The line-by-line path, fed bytes in pieces of any size: each "\n" ends a line, and what
 * follows the last one is a line too. Torn lines are kept with their number, offset and size.
 */
class LineReader {
  private readonly events: StoredEvent[] = [];
  private readonly torn: BadLine[] = [];
  private parts: Buffer[] = [];
  private line = 0;
  private lineStart = 0;

  /** `piece` may be reused by the caller afterwards: an unfinished line is copied. */
  push(piece: Buffer): void {
    let start = 0;
    for (let nl = piece.indexOf(10); nl >= 0; nl = piece.indexOf(10, start)) {
      this.endLine(piece.subarray(start, nl));
      start = nl + 1;
    }
    if (start < piece.length) this.parts.push(Buffer.from(piece.subarray(start)));
  }

  /** `events` and `records` are both every whole record here; readLogFile keeps the chain in `events`. */
  end(): LogRead {
    this.endLine(Buffer.alloc(0));
    return { events: this.events, records: this.events, torn: this.torn };
  }

  private endLine(tail: Buffer): void {
    const bytes = this.parts.length ? Buffer.concat([...this.parts, tail]) : tail;
    this.parts = [];
    this.line++;
    if (bytes.length > 0) {
      const rec = parseRecord(bytes.toString('utf8'));
      if (typeof rec === 'string') this.torn.push({ line: this.line, offset: this.lineStart, bytes: bytes.length, reason: rec, after: this.events.length });
      else this.events.push(rec);
    }
    this.lineStart += bytes.length + 1;
  }
}

function parseWhole(buf: Buffer): StoredEvent[] | undefined {
  const text = buf.toString('utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === 0 || !lines.every((l) => l.charCodeAt(0) === 123 && l.charCodeAt(l.length - 1) === 125)) return undefined;
  let all: unknown[];
  try {
    all = JSON.parse(`[${lines.join(',')}]`) as unknown[];
  } catch {
    return undefined;
  }
  // A line like {"a":1},{"b":2} would parse as two values: the count must match.
  if (all.length !== lines.length) return undefined;
  const events: StoredEvent[] = [];
  for (let i = 0; i < all.length; i++) {
    const r = checkRecord(all[i]);
    if (typeof r === 'string') return undefined;
    // The writer puts seq first and hash last: a line that does not begin and end with its own
    // record's seq and hash was not one record (a crafted file can make lines merge in the join).
    // Compared in place, without building a string per line (this runs before first paint).
    // A hash that JSON would escape never matches here, and such a log takes the slow path.
    const line = lines[i]!;
    const seq = String(r.seq);
    const hashAt = line.length - 2 - r.hash.length;
    if (!line.startsWith('{"seq":') || !line.startsWith(seq, 7) || line.charCodeAt(7 + seq.length) !== 44
      || !line.endsWith('"}') || !line.startsWith(r.hash, hashAt) || !line.startsWith('"hash":"', hashAt - 8)) return undefined;
    events.push(r);
  }
  return events;
}

function parseRecord(text: string): StoredEvent | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return text.startsWith('{') ? 'incomplete record (torn write)' : 'not a JSON record';
  }
  return checkRecord(v);
}

/** A parsed line → the record, or why it is not one (the reader skips such lines as torn). */
export function checkRecord(v: unknown): StoredEvent | string {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const r = v as Record<string, unknown>;
  const actor = r.actor as Record<string, unknown> | undefined;
  if (typeof r.seq !== 'number' || !Number.isInteger(r.seq) || typeof r.id !== 'string' || typeof r.ts !== 'string' || typeof r.type !== 'string'
    || typeof r.prev !== 'string' || typeof r.hash !== 'string' || !actor || typeof actor.kind !== 'string' || typeof actor.name !== 'string'
    || typeof r.data !== 'object' || r.data === null) {
    return 'JSON that is not an event record (missing seq, id, ts, actor, type, data, prev or hash)';
  }
  if (r.hlc !== undefined && (typeof r.hlc !== 'number' || !Number.isSafeInteger(r.hlc) || r.hlc < 0)) return 'an event record whose hlc is not a whole number';
  // `replica` is the merged view's, never stored: a record carrying one is not ours.
  if (r.replica !== undefined) return 'an event record with a replica field (the merged view sets it; no file holds it)';
  return r as unknown as StoredEvent;
}

export type VerifyResult =
  | { ok: true; head: string; count: number }
  | { ok: false; seq: number; line?: number; reason: string; head: string; count: number };

/** Whether a record's hash matches its content. */
export function hashMatches(e: StoredEvent): boolean {
  const { hash, ...body } = e;
  try {
    return hashEvent(body) === hash;
  } catch {
    return false;
  }
}

/** Checks seq continuity and the hash chain. Names the first bad seq. */
export function verifyEvents(events: readonly StoredEvent[]): VerifyResult {
  let prevHash = GENESIS;
  let expected = 1;
  for (const e of events) {
    if (e.seq !== expected) {
      const reason = e.seq < expected ? `seq ${e.seq} appears again or out of order (expected ${expected})` : `seq ${expected}${e.seq - expected > 1 ? `..${e.seq - 1}` : ''} missing (found ${e.seq})`;
      return { ok: false, seq: e.seq < expected ? e.seq : expected, reason, head: prevHash, count: events.length };
    }
    if (e.prev !== prevHash) return { ok: false, seq: e.seq, reason: `seq ${e.seq} does not chain to the record before it (prev hash differs)`, head: prevHash, count: events.length };
    const { hash, ...body } = e;
    let actual: string;
    try {
      actual = hashEvent(body);
    } catch {
      actual = '';
    }
    if (actual !== hash) return { ok: false, seq: e.seq, reason: `seq ${e.seq} was edited (its hash does not match its content)`, head: prevHash, count: events.length };
    prevHash = hash;
    expected++;
  }
  return { ok: true, head: prevHash, count: events.length };
}
