/**
 * The citation check: deterministic, and the only judge of whether a hypothesis is grounded.
 * "Grounded" says that every quote it cites is really in an observation of the log, as whole
 * words, in the entry it names; it does not say the conclusion follows from them.
 */
import type { ModelHypothesis } from './answer.js';
import { cleanLine, normalize } from '../util/model-text.js';
import { parseRef, refOf } from '../incident/replicas.js';
import { findQuote, occurrences, prepared, type Segment } from './evidence.js';

export type Grounding = 'grounded' | 'partial' | 'ungrounded';
export type CiteStatus = 'found' | 'not-found' | 'wrong-event' | 'not-evidence' | 'too-short' | 'future' | 'no-such-entry';

export interface CheckedCite {
  /** The entry cited, canonical (see incident/replicas.ts): seq, and the replica unless it is the origin. */
  seq: number;
  replica?: string;
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
  /** Each sent entry as the model was shown it, by reference (`12`, `k3f9qa:4`). */
  shown: ReadonlyMap<string, readonly Segment[]>;
  /** Each entry of the log in full, by reference; undefined when there is no such entry. */
  stored: (ref: string) => readonly Segment[] | undefined;
  /** A replica's last seq when the model was asked (undefined: the origin's). */
  lastSeq: (replica?: string) => number;
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

export function checkCite(c: { seq: number | string; quote: string }, src: Sources): CheckedCite {
  const parsed = typeof c.seq === 'number' ? (Number.isSafeInteger(c.seq) && c.seq >= 1 ? { seq: c.seq } : undefined) : parseRef(c.seq);
  const base = { seq: parsed?.seq ?? (typeof c.seq === 'number' && Number.isSafeInteger(c.seq) ? c.seq : 0), ...(parsed?.replica ? { replica: parsed.replica } : {}), quote: c.quote, verified: false };
  const ref = parsed ? refOf(parsed) : String(c.seq);
  // A quote the model marked as cut ("...error" or "error...") is checked without the dots.
  const q = normalize(c.quote).trim().replace(/^\.{3,}\s*|\s*\.{3,}$/g, '');
  const little = tooLittle(q);
  if (little) return { ...base, status: 'too-short', reason: little };
  if (!parsed) return { ...base, status: 'no-such-entry', reason: `there is no entry #${cleanLine(ref).slice(0, 40)}` };
  const last = src.lastSeq(parsed.replica);
  if (parsed.seq > last && (last > 0 || !parsed.replica)) return { ...base, status: 'future', reason: `no entry #${ref} existed when the model was asked (${parsed.replica ? `that replica's entries ended at #${refOf({ seq: last, replica: parsed.replica })}` : `the log ended at #${last}`})` };
  const stored = src.stored(ref);
  if (!stored) return { ...base, status: 'no-such-entry', reason: `there is no entry #${ref} in the log` };
  const shown = src.shown.get(ref);
  const hits = [shown && findQuote(shown, q), findQuote(stored, q)];
  const hit = hits.find((h) => h?.evidence) ?? hits.find((h) => h);
  if (hit?.evidence) {
    if (BARE_NUMBER.test(q)) {
      const n = Math.max(occurrences(prepared(stored).text, q), shown ? occurrences(prepared(shown).text, q) : 0);
      if (n > 1) return { ...base, status: 'too-short', reason: `a bare number that occurs ${n} times in #${ref}: it does not say which` };
    }
    const sent = shown !== undefined;
    return { ...base, verified: true, status: 'found', reason: `found in ${hit.what} of #${ref}${sent ? '' : ', an entry that was not sent to the model'}`, sent };
  }
  if (hit) return { ...base, status: 'not-evidence', reason: `cites ${hit.what}, which is not evidence`, sent: shown !== undefined };
  for (const [other, segs] of src.shown) {
    if (other !== ref && findQuote(segs, q)?.evidence) return { ...base, status: 'wrong-event', reason: `the quote is in #${other}, not in #${ref}` };
  }
  return { ...base, status: 'not-found', reason: `the quote is not in #${ref}`, sent: shown !== undefined };
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
