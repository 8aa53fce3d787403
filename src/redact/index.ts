/**
 * Secrets masked before anything is written to the log, shown, printed or sent to a model.
 * Two rule sets find them on the same text: secretlint's maintained preset (token formats,
 * ./secretlint.ts) and our own (structural rules and formats the preset lacks, ./rules.ts).
 * Their spans are merged and each replaced once by [REDACTED:<rule>], so a secret one set
 * finds in part is still masked whole when the other finds it all.
 */
import { isSecretKey, isSecretValue, ruleSpans, RULES_MAYBE } from './rules.js';
import { secretlintSpans, SECRETLINT_MAYBE, type Span } from './secretlint.js';

/** Every secret span in `text`, merged where they overlap or touch. */
export function secretSpans(text: string): Span[] {
  if (text.length === 0 || (!RULES_MAYBE.test(text) && !SECRETLINT_MAYBE.test(text))) return [];
  // Ours first: where both find the same span, its name is ours (stable across secretlint upgrades).
  const all = [...ruleSpans(text), ...secretlintSpans(text)].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Span[] = [];
  for (const s of all) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return outsideMasks(text, merged);
}

const MASK = /\[REDACTED:[^\]\n]{1,80}\]/g;

/**
 * Text already masked is never masked again, so redaction is idempotent. A span that covers a
 * mask keeps its parts on either side (a secret around a mask is still masked), when they hold
 * a letter or digit.
 */
function outsideMasks(text: string, spans: Span[]): Span[] {
  if (!text.includes('[REDACTED:')) return spans;
  const masks = [...text.matchAll(MASK)].map((m) => [m.index!, m.index! + m[0].length] as const);
  const out: Span[] = [];
  for (const s of spans) {
    let from = s.start;
    for (const [a, b] of masks) {
      if (b <= from || a >= s.end) continue;
      if (a > from) out.push({ start: from, end: a, kind: s.kind });
      from = Math.max(from, b);
    }
    if (from < s.end) out.push({ start: from, end: s.end, kind: s.kind });
  }
  return out.filter((s) => /[\p{L}\p{N}]/u.test(text.slice(s.start, s.end)));
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

/** A value under a secret-sounding key: masked whole. */
function keyed(key: string, v: string): string {
  return isSecretKey(key) && isSecretValue(v) && !v.startsWith('[REDACTED:') ? '[REDACTED:secret-assignment]' : redact(v);
}

/**
 * Redacts every string inside a JSON-like value (a copy). Values under secret-sounding keys
 * (labels, annotations, parameters) are masked whole, and so is `value` beside a secret-sounding
 * `name` ({name: DB_PASSWORD, value: ...}, as in Kubernetes env lists).
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const named = typeof o.name === 'string' && isSecretKey(o.name);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) {
      const v = o[k];
      const copy = typeof v === 'string' ? keyed(named && k === 'value' ? o.name as string : k, v) : redactDeep(v);
      // A key like __proto__ stays a plain property, never a prototype.
      Object.defineProperty(out, k, { value: copy, enumerable: true, writable: true, configurable: true });
    }
    return out as T;
  }
  return value;
}

/** The same as redactDeep, in place, for a value the caller owns and built fresh (no copy of a large document). */
export function redactInPlace(value: unknown): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'string') value[i] = redact(v);
      else if (v && typeof v === 'object') redactInPlace(v);
    }
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const named = typeof o.name === 'string' && isSecretKey(o.name);
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === 'string') o[k] = keyed(named && k === 'value' ? o.name as string : k, v);
      else if (v && typeof v === 'object') redactInPlace(v);
    }
  }
}
