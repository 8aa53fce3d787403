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

const LABEL_WORDS = 'grounded|ungrounded|partial|unchecked|verified|not found|found|supported|refuted|dismissed|runbook|known causes?|oncall|tool|checked|evidence|not evidence';

export function cleanModelText(s: string): string {
  // \r becomes a space first: "keep what was drawn last" is right for progress bars, not for model text.
  let t = sanitize(s.replace(/\r/g, ' ')).replace(/\s+/g, ' ');
  t = t.replace(/[▸›✓✗↷▶•⚠✔✘·]/g, ' ');
  t = t.replace(new RegExp(`\\[[^\\]]{0,80}?\\b(${LABEL_WORDS})\\b[^\\]]{0,80}\\]`, 'gi'), ' ');
  t = t.replace(/\s*[—–-]+\s*(supported|refuted|dismissed|judged|verified|confirmed|grounded)\s+by\s+\S+/gi, ' ');
  t = t.replace(new RegExp(`\\(\\s*(${LABEL_WORDS})\\s*\\)`, 'gi'), ' ');
  t = t.replace(new RegExp(`^\\s*(${LABEL_WORDS})\\s*[:—-]\\s*`, 'i'), '');
  t = t.replace(/#\s?(\d+)/g, 'entry $1');
  return redact(t.replace(/\s+/g, ' ').trim());
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
}

/** Hypotheses proposed again and again (the same title) are shown once, with a count. Keeps first-seen order. */
export function groupHypotheses<H extends { seq: number; title: string }>(list: readonly H[]): HypothesisGroup<H>[] {
  const by = new Map<string, HypothesisGroup<H>>();
  for (const h of list) {
    const key = hypothesisKey(h.title);
    const g = by.get(key);
    if (g) {
      g.latest = h;
      g.count++;
      g.seqs.push(h.seq);
    } else by.set(key, { latest: h, count: 1, seqs: [h.seq] });
  }
  return [...by.values()];
}
