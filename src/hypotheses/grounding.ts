/** The citation check: deterministic, and the only judge of whether a hypothesis is grounded. */
import type { ModelHypothesis } from './answer.js';

export type Grounding = 'grounded' | 'partial' | 'ungrounded';

export interface CheckedCite {
  seq: number;
  quote: string;
  verified: boolean;
}

function norm(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Shorter quotes prove nothing ("the", "ok"). */
export const MIN_QUOTE = 6;

/** A cite counts only if its seq was sent and its quote appears in that event's own content (not oncall's wording around it). */
export function checkCites(h: ModelHypothesis, sent: ReadonlyMap<number, string>): { cites: CheckedCite[]; grounding: Grounding } {
  const cites = h.cites.map((c) => {
    const text = sent.get(c.seq);
    const q = norm(c.quote);
    return { seq: c.seq, quote: c.quote, verified: text !== undefined && q.replace(/\s/g, '').length >= MIN_QUOTE && norm(text).includes(q) };
  });
  const ok = cites.filter((c) => c.verified).length;
  const grounding: Grounding = cites.length > 0 && ok === cites.length ? 'grounded' : ok > 0 ? 'partial' : 'ungrounded';
  return { cites, grounding };
}
