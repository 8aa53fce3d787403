/**
 * Model text, made safe to show and record: one line, no control or bidi characters, nothing
 * that imitates the marks the tool draws (labels, verdicts, seq markers, "runbook"), secrets
 * masked. Applied before a hypothesis is recorded, and again wherever one is shown.
 */
import { redact } from '../redact/index.js';
import { sanitize } from './sanitize.js';

// Zero-width and format characters that make two equal texts differ.
const INVISIBLE = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** The same normalisation on both sides of a comparison: NFKC, case, invisible characters, the ellipsis of a cut, whitespace. */
export function normalize(s: string): string {
  // The ellipsis first: NFKC would turn it into three dots.
  return s.replace(/…/g, ' ').normalize('NFKC').toLowerCase().replace(INVISIBLE, '').replace(/\s+/g, ' ');
}

const LABEL_WORDS = 'grounded|ungrounded|partial|unchecked|verified|not found|found|supported|refuted|dismissed|runbook|known causes?|oncall|tool|checked|evidence|not evidence|wrong entry|too short|no such entry|read-only';
// Blank characters \s does not know: they would pad a line out to look like another.
const BLANKS = /[\u2800\u3164\u115F\u1160\uFFA0\u180E]/g;
// Latin look-alikes (Cyrillic, Greek): a label word spelt with them is still a label word.
const LOOKALIKE: Record<string, string> = { а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ԁ: 'd', ѕ: 's', һ: 'h', ո: 'n', ս: 'u', ο: 'o', α: 'a', ρ: 'p', ν: 'v', ε: 'e', κ: 'k', τ: 't', ι: 'i', υ: 'u', А: 'A', Е: 'E', О: 'O', Р: 'P', С: 'C', Т: 'T', Н: 'H', К: 'K', М: 'M', В: 'B', Х: 'X', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T' };
const fold = (s: string) => s.replace(/[\u0370-\u03FF\u0400-\u052F]/g, (c) => LOOKALIKE[c] ?? c);

/** Removes every span the pattern finds in the folded copy of `t` (the fold keeps positions). */
function removeFolded(t: string, re: RegExp): string {
  const folded = fold(t);
  let out = '';
  let last = 0;
  for (const m of folded.matchAll(re)) {
    out += `${t.slice(last, m.index)} `;
    last = m.index! + m[0].length;
  }
  return out + t.slice(last);
}

/** One line of text from outside, as it may be shown: no control, escape, bidi or blank tricks, no secrets. */
export function cleanLine(s: string, max = 4000): string {
  // \r becomes a space first: "keep what was drawn last" is right for progress bars, not for model text.
  const t = sanitize(s.replace(/\r/g, ' ')).normalize('NFKC').replace(BLANKS, ' ').replace(/\s+/g, ' ').trim();
  return redact([...t].slice(0, max).join(''));
}

/** A model's quote: cleaned like any line, but otherwise as written (it is checked against the log). */
export function cleanQuote(s: string): string {
  return cleanLine(s, 500);
}

export function cleanModelText(s: string, max = 4000): string {
  let t = sanitize(s.replace(/\r/g, ' ')).normalize('NFKC').replace(BLANKS, ' ').replace(/\s+/g, ' ');
  t = t.replace(/[▸›✓✗↷▶•⚠✔✘·│┃║╎┆]/g, ' ');
  // Any bracket pair (square, full-width, mathematical, CJK…) holding a label word.
  t = removeFolded(t, new RegExp(`[\\p{Ps}][^\\p{Ps}\\p{Pe}]{0,80}?\\b(${LABEL_WORDS})\\b[^\\p{Ps}\\p{Pe}]{0,80}[\\p{Pe}]`, 'giu'));
  t = removeFolded(t, /\s*[—–-]+\s*(supported|refuted|dismissed|judged|verified|confirmed|grounded)\s+by\s*:?\s*\S+/gi);
  t = removeFolded(t, new RegExp(`^\\s*(${LABEL_WORDS})\\s*[:—-]\\s*`, 'gi'));
  t = t.replace(/#\s?(\d+)/g, 'entry $1');
  return redact([...t.replace(/\s+/g, ' ').trim()].slice(0, max).join(''));
}

/** Two hypotheses are the same when their titles are, up to case, spacing and punctuation. */
export function hypothesisKey(title: string): string {
  return normalize(title).replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export interface HypothesisGroup<H> {
  /** The newest occurrence of this hypothesis. */
  latest: H;
  /** How many times it was proposed, across requests. */
  count: number;
  seqs: number[];
  /** Every time it was proposed, in order. */
  members: H[];
}

/** Hypotheses proposed again and again (the same title) are shown once, with a count. Keeps first-seen order. */
export function groupHypotheses<H extends { seq: number; replica?: string; title: string }>(list: readonly H[]): HypothesisGroup<H>[] {
  const by = new Map<string, HypothesisGroup<H>>();
  for (const h of list) {
    const key = hypothesisKey(h.title);
    const g = by.get(key);
    if (g) {
      g.latest = h;
      g.count++;
      g.seqs.push(h.seq);
      g.members.push(h);
    } else by.set(key, { latest: h, count: 1, seqs: [h.seq], members: [h] });
  }
  return [...by.values()];
}
