/** What every payload parser shares: the error, field checks with a path, times and severities. */
import type { z } from 'zod';
import { UserError } from '../errors.js';
import type { Alert } from './types.js';

export class AlertPayloadError extends UserError {
  constructor(where: string, message: string, hint?: string) {
    super(`${where}: ${message}`.replace(/\s*\n\s*/g, ' '), { code: 'invalidInput', ...(hint ? { hint } : {}) });
    this.name = 'AlertPayloadError';
  }
}

/** Parses `value` or throws naming the first field that is wrong and what was expected. */
export function check<T>(schema: z.ZodType<T>, value: unknown, where: string, prefix = ''): T {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = `${prefix}${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`.replace(/^\./, '') || '(root)';
  const input = (issue as { input?: unknown }).input;
  let msg: string;
  if (issue.code === 'invalid_type') msg = input === undefined ? `missing; expected ${issue.expected === 'record' ? 'an object of strings' : issue.expected}` : `expected ${issue.expected === 'record' ? 'an object of strings' : issue.expected}, got ${Array.isArray(input) ? 'array' : input === null ? 'null' : typeof input}`;
  else if (issue.code === 'invalid_value') msg = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  else if (issue.code === 'too_small') msg = 'must not be empty';
  else msg = issue.message;
  throw new AlertPayloadError(where, `field ${field}: ${msg}`);
}

export function mapSeverity(s: string | undefined): Alert['severity'] {
  switch ((s ?? '').toLowerCase()) {
    case 'critical': case 'page': case 'high': case 'error': case 'p1': case 'p2': case 'disaster': return 'critical';
    case 'info': case 'none': case 'low': case 'p4': case 'p5': return 'info';
    default: return 'warning';
  }
}

export function normaliseTime(t: string | number | undefined, field: string, where: string): string {
  if (t === undefined) throw new AlertPayloadError(where, `field ${field}: missing; expected an RFC 3339 time`);
  const ms = typeof t === 'number' ? t : Date.parse(t);
  if (Number.isNaN(ms) || !Number.isFinite(ms)) throw new AlertPayloadError(where, `field ${field}: ${JSON.stringify(t)} is not an RFC 3339 time`, 'e.g. "2026-11-26T03:48:56Z"');
  return new Date(ms).toISOString();
}

/** Labels every member of a group shares (what a silence matches on, what the group is about). */
export function commonLabels(members: readonly { labels: Record<string, string> }[]): Record<string, string> {
  const [first, ...rest] = members;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first.labels).filter(([k, v]) => rest.every((m) => m.labels[k] === v)));
}
