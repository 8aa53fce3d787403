/**
 * The citation check: deterministic, and the only judge of whether a hypothesis is grounded.
 * "Grounded" says that every quote it cites is really in an observation of the log, as whole
 * words, in the entry it names; it does not say the conclusion follows from them.
 */
import type { ModelHypothesis } from './answer.js';
import { normalize } from '../util/model-text.js';
import { findQuote, occurrences, prepared, type Segment } from './evidence.js';

export type Grounding = 'grounded' | 'partial' | 'ungrounded';
export type CiteStatus = 'found' | 'not-found' | 'wrong-event' | 'not-evidence' | 'too-short' | 'future' | 'no-such-entry';

export interface CheckedCite {
  seq: number;
  quote: string;
  /** True only for `found`: the quote is in an observation of the entry it names. */
  verified: boolean;
  status: CiteStatus;
  /** Why, in a few words ("found in the command output of #14", "cites a hypothesis"). */
  reason: string;
  /** Whether the cited entry was in the context sent to the model. */
  sent?: boolean;
}

export interface Sources {
  /** Each sent entry as the model was shown it. */
  shown: ReadonlyMap<number, readonly Segment[]>;
  /** Each entry of the log in full; undefined when there is no such entry. */
  stored: (seq: number) => readonly Segment[] | undefined;
  /** The log's last seq when the model was asked. */
  lastSeq: number;
}

const ALNUM = /[\p{L}\p{N}]/gu;
/** A number, a percentage, a time or a size: it says little unless it occurs once. */
const BARE_NUMBER = /^[\p{N}\s.,:%/+-]*\p{N}[\p{N}\s.,:%/+-]*[kmgtpe]?i?b?$/u;

/** Why a (normalised) quote cannot prove anything by itself; undefined when it can. */
export function tooLittle(quote: string): string | undefined {
  const alnum = quote.match(ALNUM)?.length ?? 0;
  if (alnum === 0) return 'the quote is only punctuation';
  if (alnum < 4) return 'the quote is too short to prove anything';
  return undefined;
}

export function checkCite(c: { seq: number; quote: string }, src: Sources): CheckedCite {
  const base = { seq: c.seq, quote: c.quote, verified: false };
  // A quote the model marked as cut ("...error" or "error...") is checked without the dots.
  const q = normalize(c.quote).trim().replace(/^\.{3,}\s*|\s*\.{3,}$/g, '');
  const little = tooLittle(q);
  if (little) return { ...base, status: 'too-short', reason: little };
  if (!Number.isInteger(c.seq) || c.seq < 1) return { ...base, status: 'no-such-entry', reason: `there is no entry #${c.seq}` };
  if (c.seq > src.lastSeq) return { ...base, status: 'future', reason: `no entry #${c.seq} existed when the model was asked (the log ended at #${src.lastSeq})` };
  const stored = src.stored(c.seq);
  if (!stored) return { ...base, status: 'no-such-entry', reason: `there is no entry #${c.seq} in the log` };
  const shown = src.shown.get(c.seq);
  const hits = [shown && findQuote(shown, q), findQuote(stored, q)];
  const hit = hits.find((h) => h?.evidence) ?? hits.find((h) => h);
  if (hit?.evidence) {
    if (BARE_NUMBER.test(q)) {
      const n = Math.max(occurrences(prepared(stored).text, q), shown ? occurrences(prepared(shown).text, q) : 0);
      if (n > 1) return { ...base, status: 'too-short', reason: `a bare number that occurs ${n} times in #${c.seq}: it does not say which` };
    }
    const sent = shown !== undefined;
    return { ...base, verified: true, status: 'found', reason: `found in ${hit.what} of #${c.seq}${sent ? '' : ', an entry that was not sent to the model'}`, sent };
  }
  if (hit) return { ...base, status: 'not-evidence', reason: `cites ${hit.what}, which is not evidence`, sent: shown !== undefined };
  for (const [seq, segs] of src.shown) {
    if (seq !== c.seq && findQuote(segs, q)?.evidence) return { ...base, status: 'wrong-event', reason: `the quote is in #${seq}, not in #${c.seq}` };
  }
  return { ...base, status: 'not-found', reason: `the quote is not in #${c.seq}`, sent: shown !== undefined };
}

export function groundingOf(cites: readonly { verified: boolean }[]): Grounding {
  const ok = cites.filter((c) => c.verified).length;
  return cites.length > 0 && ok === cites.length ? 'grounded' : ok > 0 ? 'partial' : 'ungrounded';
}

/** Every cite checked; grounded only when there is at least one and all are found in evidence. */
export function checkCites(h: Pick<ModelHypothesis, 'cites'>, src: Sources): { cites: CheckedCite[]; grounding: Grounding } {
  const cites = h.cites.map((c) => checkCite(c, src));
  return { cites, grounding: groundingOf(cites) };
}
