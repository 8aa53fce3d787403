import { ExitError } from '../errors.js';
import { resolveIncidentId } from '../incident/incidents.js';
import { readLogFile, verifyEvents } from '../incident/reader.js';
import { logPath } from '../incident/store.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
  const read = readLogFile(path);
  const v = verifyEvents(read.events);
  const fileSha = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (opts.json) {
    printJson(ctx, { incident: id, ok: v.ok, events: v.count, head: v.head, file_sha256: fileSha, ...(v.ok ? {} : { first_bad_seq: v.seq, reason: v.reason }), torn: read.torn });
  } else {
    for (const t of read.torn) print(ctx, `torn line ${t.line} (byte ${t.offset}, ${t.bytes} bytes): ${t.reason}`);
    if (v.ok) print(ctx, `ok: ${v.count} events, seq 1..${v.count}, chain verifies; head ${v.head}; file sha256 ${fileSha}${read.torn.length ? `; ${read.torn.length} torn line(s) skipped (never acknowledged)` : ''}`);
    else print(ctx, `FAILED at seq ${v.seq}: ${v.reason}`);
  }
  if (!v.ok) throw new ExitError('logCorrupt');
}
