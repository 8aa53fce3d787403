import { ExitError, UserError } from '../errors.js';
import { GENESIS, type StoredEvent } from '../incident/events.js';
import { resolveIncidentId } from '../incident/incidents.js';
import { readLogFile, verifyEvents } from '../incident/reader.js';
import { logPath } from '../incident/store.js';
import { print, printJson, type Context } from './context.js';

export interface LogVerifyOptions {
  incident?: string;
  json?: boolean;
  /** Verify the records up to this seq only: the head a document exported at that point states. */
  upto?: string;
}

/** `oncall log verify`: seq continuity and the hash chain; exit 5 naming the first bad seq. Torn lines are reported, not fatal. */
export async function logVerify(ctx: Context, opts: LogVerifyOptions): Promise<void> {
  const id = resolveIncidentId(ctx.home, opts.incident, { anyStatus: true });
  // Verification reads records only: no replay, so an odd record cannot stop it.
  const path = logPath(ctx.home, id);
  const read = readLogFile(path, { sha256: true });
  let upto: number | undefined;
  if (opts.upto !== undefined) {
    upto = Number(opts.upto);
    if (!/^[1-9][0-9]*$/.test(opts.upto) || !Number.isSafeInteger(upto)) throw new UserError(`--upto ${JSON.stringify(opts.upto)} is not a seq`, { code: 'usage', hint: 'e.g. --upto 42 (the seq a postmortem says it covers)' });
    const last = read.records.at(-1)?.seq ?? 0;
    if (upto > last) throw new UserError(`incident ${id} has no seq ${upto} (its last is ${last})`, { code: 'notFound' });
  }
  // Records after --upto (an export's own event, later notes) are left out: the chain up to there is what a document covers.
  const v = verifyEvents(upto === undefined ? read.records : read.records.filter((r) => r.seq <= upto!));
  const fileSha = read.sha256!;
  const torn = read.torn.map((t) => ({ ...t, never_acknowledged: neverAcknowledged(read.records, t.after) }));
  if (opts.json) {
    printJson(ctx, { incident: id, ok: v.ok, events: v.count, head: v.head, ...(upto !== undefined ? { upto } : {}), file_sha256: fileSha, ...(v.ok ? {} : { first_bad_seq: v.seq, reason: v.reason }), torn: torn.map(({ after: _a, ...t }) => t) });
  } else {
    for (const t of torn) print(ctx, `torn line ${t.line} (byte ${t.offset}, ${t.bytes} bytes): ${t.reason}${t.never_acknowledged ? '; never acknowledged (the next record chains past it)' : '; whether it was ever acknowledged cannot be told'}`);
    if (v.ok && upto !== undefined) print(ctx, `ok: seq 1..${upto} verifies; head at seq ${upto}: ${v.head} (the log goes on to seq ${read.records.at(-1)?.seq ?? 0})`);
    else if (v.ok) print(ctx, `ok: ${v.count} events, seq 1..${v.count}, chain verifies; head ${v.head}; file sha256 ${fileSha}${torn.length ? `; ${torn.length} torn line(s) skipped` : ''}`);
    else print(ctx, `FAILED at seq ${v.seq}: ${v.reason}`);
  }
  if (!v.ok) throw new ExitError('logCorrupt', `log verification failed at seq ${v.seq}: ${v.reason}`);
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
