import { ExitError } from '../errors.js';
import { GENESIS, type StoredEvent } from '../incident/events.js';
import { resolveIncidentId } from '../incident/incidents.js';
import { readLogFile, verifyEvents } from '../incident/reader.js';
import { logPath } from '../incident/store.js';
import { print, printJson, type Context } from './context.js';

export interface LogVerifyOptions {
  incident?: string;
  json?: boolean;
}

/** `oncall log verify`: seq continuity and the hash chain; exit 5 naming the first bad seq. Torn lines are reported, not fatal. */
export async function logVerify(ctx: Context, opts: LogVerifyOptions): Promise<void> {
  const id = resolveIncidentId(ctx.home, opts.incident, { anyStatus: true });
  // Verification reads records only: no replay, so an odd record cannot stop it.
  const path = logPath(ctx.home, id);
  const read = readLogFile(path, { sha256: true });
  const v = verifyEvents(read.records);
  const fileSha = read.sha256!;
  const torn = read.torn.map((t) => ({ ...t, never_acknowledged: neverAcknowledged(read.records, t.after) }));
  if (opts.json) {
    printJson(ctx, { incident: id, ok: v.ok, events: v.count, head: v.head, file_sha256: fileSha, ...(v.ok ? {} : { first_bad_seq: v.seq, reason: v.reason }), torn: torn.map(({ after: _a, ...t }) => t) });
  } else {
    for (const t of torn) print(ctx, `torn line ${t.line} (byte ${t.offset}, ${t.bytes} bytes): ${t.reason}${t.never_acknowledged ? '; never acknowledged (the next record chains past it)' : '; whether it was ever acknowledged cannot be told'}`);
    if (v.ok) print(ctx, `ok: ${v.count} events, seq 1..${v.count}, chain verifies; head ${v.head}; file sha256 ${fileSha}${torn.length ? `; ${torn.length} torn line(s) skipped` : ''}`);
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
