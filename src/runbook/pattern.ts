/**
 * A runbook's regular expressions (alert matchers, parameter patterns, expect.output_matches,
 * known-cause signals) run on RE2 (re2js): time linear in the text, whatever the pattern, so
 * `^(a|a)+$` or `([a-z0-9-]+\.?)+:9100` cannot hang the tool. Authors write JavaScript syntax;
 * what RE2 cannot do in linear time (lookahead, lookbehind, backreferences) is refused when
 * the runbook is validated, with the reason. Our own fixed patterns stay JavaScript RegExps.
 */
import { RE2JS } from 're2js';

export class PatternError extends Error {
  constructor(readonly pattern: string, message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

const cache = new Map<string, RE2JS>();
const MAX_CACHE = 500;

function compile(pattern: string, multiline: boolean): RE2JS {
  const key = `${multiline ? 'm' : '-'}${pattern}`;
  let re = cache.get(key);
  if (!re) {
    try {
      re = RE2JS.compile(RE2JS.translateRegExp(pattern), multiline ? RE2JS.MULTILINE : 0);
    } catch (err) {
      throw new PatternError(pattern, why(pattern, (err as Error).message));
    }
    if (cache.size >= MAX_CACHE) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** RE2's message, told in the runbook author's terms. */
function why(pattern: string, message: string): string {
  if (/\(\?<?[=!]/.test(pattern)) return 'it uses lookahead or lookbehind ((?=, (?!, (?<=, (?<!), which cannot be matched in linear time';
  if (/\\[1-9]|\\k</.test(pattern)) return 'it uses a backreference (\\1, \\k<name>), which cannot be matched in linear time';
  const m = /error parsing regexp: (.*)$/.exec(message);
  return m ? m[1]!.replace(/:\s*`.*`$/, '') : message;
}

/** Why a pattern cannot be used, or null when it can. */
export function patternProblem(pattern: string): string | null {
  try {
    compile(pattern, false);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Whether the whole value matches (parameter patterns, alert label matchers). */
export function fullMatch(pattern: string, value: string): boolean {
  return compile(pattern, false).matcher(value).matches();
}

/** The first match in multi-line text (^ and $ at line ends), or undefined: where it starts. */
export function findIn(pattern: string, text: string): { index: number } | undefined {
  const m = compile(pattern, true).matcher(text);
  return m.find() ? { index: m.start() } : undefined;
}

/** The first match in one line: its first capture group when the pattern has one, else the whole match. */
export function extractFrom(pattern: string, line: string): string | undefined {
  const m = compile(pattern, false).matcher(line);
  if (!m.find()) return undefined;
  return m.groupCount() >= 1 && m.group(1) !== null ? m.group(1)! : m.group(0)!;
}

/** Whether the text holds a match (^ and $ at line ends). */
export function matchesIn(pattern: string, text: string): boolean {
  return findIn(pattern, text) !== undefined;
}
