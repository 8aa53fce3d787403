import { dirname } from 'node:path';
import { ExitError, UserError } from '../errors.js';
import { GENESIS, type StoredEvent } from '../incident/events.js';
import { resolveIncidentId } from '../incident/incidents.js';
import { verifyEvents, type LogRead, type VerifyResult } from '../incident/reader.js';
import { homeReplica, parseRef, readIncidentFiles, refOf, type ReplicaRead } from '../incident/replicas.js';
import { logPath } from '../incident/store.js';
import { print, printJson, type Context } from './context.js';

export interface LogVerifyOptions {
  incident?: string;
  json?: boolean;
  /** Verify the records up to this reference only: the head a document exported at that point states. */
  upto?: string;
}

/**
 * `oncall log verify`: seq continuity and the hash chain of every replica's file; exit 5 naming
 * the replica and first bad seq. Torn lines are reported, not fatal.
 */
export async function logVerify(ctx: Context, opts: LogVerifyOptions): Promise<void> {
  const id = resolveIncidentId(ctx.home, opts.incident, { anyStatus: true });
  // Verification reads records only: no replay, so an odd record cannot stop it.
  const path = logPath(ctx.home, id);
  const files = readIncidentFiles(path, dirname(path), homeReplica(ctx.home)?.id, { sha256: true }).replicas;
  let upto: { seq: number; replica?: string } | undefined;
  let only = files;
  if (opts.upto !== undefined) {
    upto = parseRef(opts.upto);
    if (!upto) throw new UserError(`--upto ${JSON.stringify(opts.upto)} is not a seq`, { code: 'usage', hint: 'e.g. --upto 42 (the seq a postmortem says it covers)' });
    const file = files.find((f) => (upto!.replica ? f.replica === upto!.replica && !f.origin : f.origin)) ?? (files.length === 1 && !upto.replica ? files[0] : undefined);
    if (!file) throw new UserError(`incident ${id} has no replica ${upto.replica ?? '(origin)'}`, { code: 'notFound' });
    const last = file.read.records.at(-1)?.seq ?? 0;
    if (upto.seq > last) throw new UserError(`incident ${id} has no seq ${refOf(upto)} (its last is ${refOf({ ...upto, seq: last })})`, { code: 'notFound' });
    only = [file];
  }
  const checked = only.map((f) => check(f, upto?.seq));
  const shared = files.length > 1;
  // With several replicas the top level speaks for the first that fails, else for this home's file.
  const main = checked.find((c) => !c.v.ok) ?? checked.find((c) => c.f.own) ?? checked[0]!;
  const ok = checked.every((c) => c.v.ok);
  const name = (c: Checked) => (shared ? `replica ${c.f.replica || 'local'}${c.f.origin ? ' (opened the incident)' : ''}${c.f.own ? ' (this home)' : ''}: ` : '');
  if (opts.json) {
    printJson(ctx, {
      ...summary(id, main, upto?.seq),
      ok,
      events: checked.reduce((n, c) => n + c.v.count, 0),
      ...(shared ? { replicas: checked.map((c) => ({ replica: c.f.replica || 'local', origin: c.f.origin, own: c.f.own, ...summary(id, c, upto?.seq) })).map(({ incident: _i, ...r }) => r) } : {}),
    });
  } else {
    for (const c of checked) {
      for (const t of c.torn) print(ctx, `${name(c)}torn line ${t.line} (byte ${t.offset}, ${t.bytes} bytes): ${t.reason}${t.never_acknowledged ? '; never acknowledged (the next record chains past it)' : '; whether it was ever acknowledged cannot be told'}`);
      if (c.v.ok && upto !== undefined) print(ctx, `${name(c)}ok: seq 1..${upto.seq} verifies; head at seq ${upto.seq}: ${c.v.head} (the log goes on to seq ${c.f.read.records.at(-1)?.seq ?? 0})`);
      else if (c.v.ok) print(ctx, `${name(c)}ok: ${c.v.count} events, seq 1..${c.v.count}, chain verifies; head ${c.v.head}; file sha256 ${c.f.read.sha256!}${c.torn.length ? `; ${c.torn.length} torn line(s) skipped` : ''}`);
      else print(ctx, `${name(c)}FAILED at seq ${c.v.seq}: ${c.v.reason}`);
    }
  }
  const bad = checked.find((c) => !c.v.ok);
  if (bad && !bad.v.ok) throw new ExitError('logCorrupt', `log verification failed ${shared ? `in replica ${bad.f.replica || 'local'} ` : ''}at seq ${bad.v.seq}: ${bad.v.reason}`);
}

interface Checked {
  f: ReplicaRead;
  v: VerifyResult;
  torn: (LogRead['torn'][number] & { never_acknowledged: boolean })[];
}

function check(f: ReplicaRead, upto: number | undefined): Checked {
  // Records after --upto (an export's own event, later notes) are left out: the chain up to there is what a document covers.
  const v = verifyEvents(upto === undefined ? f.read.records : f.read.records.filter((r) => r.seq <= upto));
  return { f, v, torn: f.read.torn.map((t) => ({ ...t, never_acknowledged: neverAcknowledged(f.read.records, t.after) })) };
}

function summary(id: string, c: Checked, upto: number | undefined) {
  const { v } = c;
  return { incident: id, ok: v.ok, events: v.count, head: v.head, ...(upto !== undefined ? { upto } : {}), file_sha256: c.f.read.sha256!, ...(v.ok ? {} : { first_bad_seq: v.seq, reason: v.reason }), torn: c.torn.map(({ after: _a, ...t }) => t) };
}

/**
 * A torn line was never acknowledged when the record after it chains to the record before it:
 * the writer that came next did not count it. Otherwise (the last line, or damage between
 * records) nobody can tell.
 */
function neverAcknowledged(records: readonly StoredEvent[], after: number): boolean {
  const before = records[after - 1];
  const next = records[after];
  return !!next && next.seq === (before?.seq ?? 0) + 1 && next.prev === (before?.hash ?? GENESIS);
}
