/** Choosing a runbook for an alert: by matchers, else by the runbook_url annotation. Deterministic. */
import { cmp } from '../util/cmp.js';
import type { Alert } from '../alerts/types.js';
import type { RunbookEntry } from './catalog.js';
import { fullMatch } from './pattern.js';
import type { Matcher } from './schema.js';

export type MatchResult =
  | { by: 'matcher'; entry: RunbookEntry; score: number; others: string[] }
  | { by: 'runbook_url'; entry: RunbookEntry; others: string[] }
  | { by: 'none'; tried: number; runbookUrl?: string };

/** How many label conditions matched, or -1 when the matcher does not match. */
export function matcherScore(m: Matcher, labels: Readonly<Record<string, string>>): number {
  let score = 0;
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    if (labels[k] !== v) return -1;
    score++;
  }
  for (const [k, re] of Object.entries(m.regex ?? {})) {
    const v = labels[k];
    if (v === undefined || !fullMatch(re, v)) return -1;
    score++;
  }
  return score;
}

function normaliseUrl(u: string): string {
  return u.trim().replace(/#.*$/, '').replace(/\?.*$/, '').replace(/\/+$/, '').replace(/\.md$/i, '').toLowerCase();
}

/** The most specific matcher wins (most label conditions); ties go to the lowest id so the choice never depends on file order. */
export function matchRunbook(alert: Alert, entries: readonly RunbookEntry[]): MatchResult {
  const scored = entries
    .map((entry) => ({ entry, score: Math.max(-1, ...(entry.runbook.match ?? []).map((m) => matcherScore(m, alert.labels))) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || cmp(a.entry.runbook.id, b.entry.runbook.id));
  if (scored.length) {
    const [best, ...rest] = scored;
    return { by: 'matcher', entry: best!.entry, score: best!.score, others: rest.map((r) => r.entry.runbook.id) };
  }
  const url = alert.annotations.runbook_url;
  if (url) {
    const want = normaliseUrl(url);
    const hits = entries.filter((e) => (e.runbook.urls ?? []).some((u) => normaliseUrl(u) === want)).sort((a, b) => cmp(a.runbook.id, b.runbook.id));
    if (hits.length) return { by: 'runbook_url', entry: hits[0]!, others: hits.slice(1).map((h) => h.runbook.id) };
    return { by: 'none', tried: entries.length, runbookUrl: url };
  }
  return { by: 'none', tried: entries.length };
}
