import { createHash } from 'node:crypto';
import { refOf } from '../incident/replicas.js';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { loadIncident, resolveIncidentId } from '../incident/incidents.js';
import { verifyEvents } from '../incident/reader.js';
import { IncidentStore } from '../incident/store.js';
import { renderMarkdownParts } from '../postmortem/markdown.js';
import { buildPostmortem } from '../postmortem/model.js';
import { AtomicFile } from '../util/atomic-write.js';
import { JSON_SCHEMA_VERSION, operator, type Context } from './context.js';

export interface ExportOptions {
  incident?: string;
  format?: string;
  out?: string;
  final?: boolean;
  allowOpen?: boolean;
  operator?: string;
  /** Same as --format json (one CLI contract: --json on every command that prints data). */
  json?: boolean;
  /** With --final on a shared home: commit the document beside the logs in the incident repository. */
  share?: boolean;
}

/** `oncall export-postmortem`: facts from the log, analysis from people; --final is gated. */
export async function exportPostmortem(ctx: Context, opts: ExportOptions): Promise<void> {
  const format = opts.json ? 'json' : opts.format ?? 'md';
  if (opts.json && opts.format && opts.format !== 'md' && opts.format !== 'json') throw new UserError(`--json and --format ${opts.format} disagree`, { code: 'usage', hint: 'use one of them' });
  if (format !== 'md' && format !== 'json') throw new UserError(`unknown format "${format}"`, { code: 'usage', hint: 'use --format md or --format json' });
  if (opts.share) {
    if (!opts.final) throw new UserError('--share commits the final document: add --final', { code: 'usage', hint: 'oncall export-postmortem --final --share' });
    const { shareConfig } = await import('../share/sync.js');
    if (!shareConfig(ctx.home)) throw new UserError('--share needs a shared data home', { code: 'usage', hint: 'set it up with `oncall share init REMOTE-URL`' });
  }
  // Postmortems are usually written after resolution: default to the most recent incident of any status.
  const id = resolveIncidentId(ctx.home, opts.incident, { anyStatus: true });
  // In a function of its own so the events and state can be freed before the document is rendered.
  const { path, v, logSha, pm } = ((): { path: string; v: ReturnType<typeof verifyEvents>; logSha: string; pm: ReturnType<typeof buildPostmortem> } => {
    const { path, read, state } = loadIncident(ctx.home, id, { sha256: true });
    // Every whole record of every replica's file is verified; the document is built from the
    // merged chains (what every view shows). The top level speaks for this home's file (a
    // shared incident lists each replica too), or for the first that fails.
    const checked = read.replicas.map((f) => ({ f, v: verifyEvents(f.read.records) }));
    const main = checked.find((c) => !c.v.ok) ?? checked.find((c) => c.f.own) ?? checked[0]!;
    const logSha = main.f.read.sha256!;
    const v = { ...main.v, count: checked.length > 1 ? main.v.count : read.events.length };
    const pm = buildPostmortem(state, read.events, {
      verified: checked.every((c) => c.v.ok),
      ...(v.ok ? {} : { first_bad_seq: v.seq, reason: v.reason }),
      events: v.count,
      head: v.head,
      log_sha256: logSha,
      torn_lines: main.f.read.torn.map((t) => ({ line: t.line, offset: t.offset, bytes: t.bytes })),
      ...(checked.length > 1 ? { replicas: checked.map((c) => ({ replica: c.f.replica || 'local', origin: c.f.origin, verified: c.v.ok, ...(c.v.ok ? {} : { first_bad_seq: c.v.seq, reason: c.v.reason }), events: c.v.count, head: c.v.head, log_sha256: c.f.read.sha256! })) } : {}),
    }, opts.final ? 'final' : 'draft');
    return { path, v, logSha, pm };
  })();

  if (opts.final) {
    if (!v.ok) throw new UserError(`not exported as final: the log fails verification at seq ${v.seq} (${v.reason})`, { code: 'logCorrupt', hint: 'run `oncall log verify`; a draft export still works' });
    if (pm.missing.length) throw new UserError(`not exported as final: ${pm.missing.join(', ')} ${pm.missing.length === 1 ? 'is' : 'are'} empty`, { code: 'conflict', hint: `write them with oncall note --kind summary|impact|root-cause|action "..." (--incident ${id.slice(-4)})` });
    if (pm.facts.times.mitigated === null && pm.facts.times.resolved === null && !opts.allowOpen) throw new UserError(`not exported as final: incident ${id} was never marked mitigated or resolved`, { code: 'conflict', hint: 'mark it (oncall status mitigated|resolved), or add --allow-open to export it as final anyway' });
  }
  const out = opts.out ? resolve(ctx.cwd, opts.out) : undefined;
  // Markdown is rendered in parts, so a long timeline is never held as lines and as one string
  // at once. To a file the parts go out as they come (the temp file is dropped on any error);
  // to stdout only once all are rendered, so a failure never leaves half a document in pm.md.
  // (Held as UTF-8 bytes: half the memory of the strings, which hold em dashes as UTF-16.)
  const parts: Iterable<string | Buffer> = format === 'json' ? [`${JSON.stringify({ schema_version: JSON_SCHEMA_VERSION, ...pm }, null, 2)}\n`] : out ? renderMarkdownParts(pm) : Array.from(renderMarkdownParts(pm), (p) => Buffer.from(p));
  const docHash = createHash('sha256');
  const sharedDoc: Buffer[] | undefined = opts.share ? [] : undefined;
  const file = out ? new AtomicFile(out) : undefined;
  try {
    for (const part of parts) {
      docHash.update(part);
      sharedDoc?.push(typeof part === 'string' ? Buffer.from(part) : part);
      if (file) file.write(part);
      else ctx.stdout.write(part);
    }
    file?.commit();
  } catch (err) {
    file?.abort();
    throw err;
  }
  if (opts.final) {
    const store = new IncidentStore(path, ctx.clock);
    try {
      const e = store.append({ type: 'postmortem.exported', actor: await operator(ctx, opts.operator), data: { format, head: v.head, log_sha256: logSha, document_sha256: docHash.digest('hex'), events: v.count, ...(out ? { out } : {}) } });
      if (format !== 'json') ctx.stderr.write(`final postmortem recorded as #${refOf(e)}; log head ${v.head}, log sha256 ${logSha}\n`);
    } finally {
      store.close();
    }
    if (sharedDoc) await shareDocument(ctx, id, format, Buffer.concat(sharedDoc));
  } else if (out && format !== 'json') ctx.stderr.write(`draft written to ${opts.out}${pm.missing.length ? `; still to write: ${pm.missing.join(', ')}` : ''}\n`);
}

/** The final document into the incident repository, beside the logs, in one sync round. */
async function shareDocument(ctx: Context, id: string, format: string, content: Buffer): Promise<void> {
  const share = await import('../share/sync.js');
  const path = `incidents/${id}/postmortem.${format === 'json' ? 'json' : 'md'}`;
  const r = await share.syncRound(ctx.home, { env: ctx.env, wait: true, files: [{ path, content }] });
  const { failure } = await import('./share.js');
  if (!r.ok) throw failure(r);
  if (format !== 'json') ctx.stderr.write(`committed as ${path} in the incident repository and pushed\n`);
}
