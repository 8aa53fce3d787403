/**
 * Secrets masked before anything is written to the log, shown, printed or sent to a model.
 * Two rule sets find them on the same text: secretlint's maintained preset (token formats,
 * ./secretlint.ts) and our own (structural rules and formats the preset lacks, ./rules.ts).
 * Their spans are merged and each replaced once by [REDACTED:<rule>], so a secret one set
 * finds in part is still masked whole when the other finds it all.
 */
import { mapStrings } from '../util/map-strings.js';
import { ruleSpans, RULES_MAYBE } from './rules.js';
import { secretlintSpans, SECRETLINT_MAYBE, type Span } from './secretlint.js';

/** Every secret span in `text`, merged where they overlap or touch. */
export function secretSpans(text: string): Span[] {
  if (text.length === 0 || (!RULES_MAYBE.test(text) && !SECRETLINT_MAYBE.test(text))) return [];
  // Ours first: where both find the same span, its name is ours (stable across secretlint upgrades).
  // Text already masked is never masked again (redaction is idempotent): spans touching a mask are dropped.
  const masks = [...text.matchAll(/\[REDACTED:[^\]\n]{1,80}\]/g)].map((m) => [m.index!, m.index! + m[0].length] as const);
  const clear = (s: Span) => !masks.some(([a, b]) => s.start < b && s.end > a);
  const all = [...ruleSpans(text), ...secretlintSpans(text)].filter((s) => s.end > s.start && clear(s)).sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of all) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** Redacts secrets in one piece of text. */
export function redact(text: string): string {
  const spans = secretSpans(text);
  if (spans.length === 0) return text;
  let out = '';
  let last = 0;
  for (const s of spans) {
    out += `${text.slice(last, s.start)}[REDACTED:${s.kind}]`;
    last = s.end;
  }
  return out + text.slice(last);
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T): T {
  return mapStrings(value, redact);
}

/** Redacts every string inside a value the caller owns and built fresh, in place (no copy of a large document). */
export function redactInPlace(value: unknown): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'string') value[i] = redact(v);
      else if (v && typeof v === 'object') redactInPlace(v);
    }
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === 'string') o[k] = redact(v);
      else if (v && typeof v === 'object') redactInPlace(v);
    }
  }
}
