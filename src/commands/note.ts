import { UserError } from '../errors.js';
import { refOf } from '../incident/replicas.js';
import { NOTE_KINDS, type NoteKind } from '../incident/events.js';
import { resolveIncidentId, loadIncident } from '../incident/incidents.js';
import { IncidentStore, logPath } from '../incident/store.js';
import { operator, print, printJson, type Context } from './context.js';
import { readInput } from './shared.js';

export interface NoteOptions {
  incident?: string;
  kind?: string;
  operator?: string;
  json?: boolean;
}

export const MAX_NOTE_CHARS = 64 * 1024;

/** `oncall note TEXT`: appends a note from any terminal; prints its seq once it is on disk. */
export async function note(ctx: Context, words: string[], opts: NoteOptions): Promise<void> {
  // What is left once invisible characters are stripped (as the store will) is what counts.
  const { sanitize } = await import('../util/sanitize.js');
  // `oncall note -` reads the note from standard input (`kubectl describe … | oncall note -`).
  let raw = words.join(' ');
  if (words.length === 1 && words[0] === '-') {
    if (ctx.stdin.isTTY) throw new UserError('`oncall note -` reads the note from standard input, but it is a terminal', { code: 'usage', hint: 'pipe the text in, e.g. `pbpaste | oncall note -`, or give it as arguments' });
    raw = (await readInput(ctx, '-', 'note')).text;
  }
  const text = sanitize(raw).trim();
  if (!text) throw new UserError('the note is empty', { code: 'usage', hint: 'e.g. oncall note "restarted the api pods"' });
  if (text.length > MAX_NOTE_CHARS) throw new UserError(`the note is ${text.length} characters, over ${MAX_NOTE_CHARS}`, { code: 'invalidInput', hint: 'attach long output by running it as a step instead' });
  let kind: NoteKind | undefined;
  if (opts.kind !== undefined && opts.kind !== 'plain') {
    if (!(NOTE_KINDS as readonly string[]).includes(opts.kind)) throw new UserError(`unknown note kind "${opts.kind}"`, { code: 'usage', hint: `use one of: ${NOTE_KINDS.join(', ')}` });
    kind = opts.kind as NoteKind;
  }
  const id = resolveIncidentId(ctx.home, opts.incident);
  if (opts.incident) {
    const { state } = loadIncident(ctx.home, id);
    if (state.status === 'resolved' && !kind && !opts.json) ctx.stderr.write(`note: incident ${id} is resolved; the note is recorded anyway\n`);
  }
  const store = new IncidentStore(logPath(ctx.home, id), ctx.clock);
  try {
    const e = store.append({ type: 'note.added', actor: await operator(ctx, opts.operator), data: { text, ...(kind ? { kind } : {}) } });
    if (opts.json) printJson(ctx, { incident: id, seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), hash: e.hash });
    else print(ctx, `${id} #${refOf(e)}`);
  } finally {
    store.close();
  }
}
