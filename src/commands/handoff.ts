/** `oncall handoff --to NAME TEXT`: a hand-off note, at the end of a shift or when someone takes over. */
import { UserError } from '../errors.js';
import { refOf } from '../incident/replicas.js';
import { operator, print, printJson, type Context } from './context.js';
import { openTarget } from './incident-store.js';
import { MAX_NOTE_CHARS } from './note.js';

export interface HandoffOptions {
  to?: string;
  incident?: string;
  operator?: string;
  json?: boolean;
}

export async function handoff(ctx: Context, words: string[], opts: HandoffOptions): Promise<void> {
  const { sanitize } = await import('../util/sanitize.js');
  const to = sanitize(opts.to ?? '').replace(/\s+/g, ' ').trim().slice(0, 64);
  if (!to) throw new UserError('a hand-off needs --to NAME', { code: 'usage', hint: 'e.g. oncall handoff --to bob "replication still behind; watch pg_wal"' });
  const text = sanitize(words.join(' ')).trim();
  if (!text) throw new UserError('the hand-off note is empty', { code: 'usage', hint: 'say what the next person needs to know: what is done, what is running, what to watch' });
  if (text.length > MAX_NOTE_CHARS) throw new UserError(`the hand-off note is ${text.length} characters, over ${MAX_NOTE_CHARS}`, { code: 'invalidInput' });
  const t = openTarget(ctx, opts.incident);
  try {
    const e = t.store.append({ type: 'handoff.recorded', actor: await operator(ctx, opts.operator), data: { to, text } });
    if (opts.json) printJson(ctx, { incident: t.id, seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), to });
    else print(ctx, `hand-off to ${to} recorded in ${t.id} #${refOf(e)}`);
  } finally {
    t.store.close();
  }
}
