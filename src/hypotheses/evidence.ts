/**
 * What in the log is evidence. Each record is a list of segments, each marked evidence (an
 * observation: command output and exit status, the alert, a person's observation, a verdict's
 * reason, a status change, the incident title) or not (a hypothesis, a request to the model,
 * the tool's bookkeeping: step ids, step and runbook titles, a command line as proof of its
 * result). Quotes are checked against these segments. Pure. See docs/HYPOTHESES.md.
 */
import { refOf } from '../incident/replicas.js';
import { NO_HYPOTHESIS_NOTE, type EventDataMap, type NoteKind, type StoredEvent } from '../incident/events.js';
import { commandResult } from '../incident/format.js';
import { wellFormed } from '../incident/replay.js';
import { normalize } from '../util/model-text.js';

export interface Segment {
  text: string;
  /** Evidence, or what it is instead (the reason a cite of it does not count). */
  evidence: boolean;
  what: string;
}

/** Notes that record what someone saw; the others are conclusions, plans or hypotheses. */
const OBSERVATION_KINDS = new Set<NoteKind | undefined>([undefined, 'impact', 'detection', 'trigger', 'resolution', 'went-well', 'went-wrong', 'lucky']);
// The you-first "none" note is a record of a choice, not an observation.
export { NO_HYPOTHESIS_NOTE };

const ev = (text: string, what = 'evidence'): Segment => ({ text, evidence: true, what });
const tool = (text: string, what = 'the tool\'s own words'): Segment => ({ text, evidence: false, what });

/** A note's segment: evidence when it records an observation. */
function noteSegment(text: string, kind: NoteKind | undefined): Segment {
  if (kind === 'hypothesis') return tool(text, 'a hypothesis');
  if (text === NO_HYPOTHESIS_NOTE) return tool(text, 'the tool\'s own words');
  if (!OBSERVATION_KINDS.has(kind)) return tool(text, `a ${kind} note (a conclusion or a plan, not an observation)`);
  return ev(text, 'a note');
}

/** Output text with the capture's own cut marks split out as the tool's words. */
export function outputSegments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(/\[… \d+ bytes not kept …\]|\[… cut to fit the log …\]/g)) {
    if (m.index! > last) out.push(ev(text.slice(last, m.index), 'command output'));
    out.push(tool(m[0], 'the tool\'s cut mark'));
    last = m.index! + m[0].length;
  }
  if (last < text.length) out.push(ev(text.slice(last), 'command output'));
  return out;
}

/**
 * A record as segments, in full (the stored form). `judgedTitle` gives the title of the
 * hypothesis a verdict judges, shown beside the verdict (as a hypothesis, not evidence).
 */
export function recordSegments(e: StoredEvent, judgedTitle?: (ref: string) => string | undefined): Segment[] {
  return splitMasks(rawSegments(e, judgedTitle));
}

function rawSegments(e: StoredEvent, judgedTitle?: (ref: string) => string | undefined): Segment[] {
  if (!wellFormed(e)) return [tool('', 'a damaged record')];
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'incident.opened': return [tool('incident opened: '), ev(String(d.title), 'the incident title'), tool(` (severity ${String(d.severity)})`)];
    case 'alert.attached': {
      const a = (d as EventDataMap['alert.attached']).alert;
      return [tool('alert '), ev(a.name, 'the alert'), tool(` (${a.status}) started `), ev(a.startsAt, 'the alert'), tool('; labels '), ev(JSON.stringify(a.labels), 'the alert\'s labels'), tool('; annotations '), ev(JSON.stringify(a.annotations), 'the alert\'s annotations')];
    }
    case 'runbook.selected': return [tool('runbook: '), tool(String((d.runbook as { title: string }).title), 'the runbook\'s title (bookkeeping)')];
    case 'step.started': case 'step.completed': return [tool('step '), tool(String(d.step), 'a step id (bookkeeping)'), tool(e.type === 'step.started' ? ' started' : ' done', 'bookkeeping')];
    case 'step.failed': return [tool('step '), tool(String(d.step), 'a step id (bookkeeping)'), tool(' FAILED: '), ev(String(d.reason), 'a failure')];
    case 'step.skipped': return [tool('step '), tool(String(d.step), 'a step id (bookkeeping)'), tool(' skipped: '), ev(String(d.reason), 'a person\'s reason')];
    case 'command.ran': {
      const x = d as EventDataMap['command.ran'];
      const line = x.argv[0] === '/bin/sh' && x.argv[1] === '-c' ? x.argv.slice(2).join(' ') : x.argv.join(' ');
      return [
        tool('ran '), tool(line, 'the command line (it says what ran, not what it found)'), tool(' ('), ev(commandResult(x), 'the exit status'), tool(')\n'),
        ...outputSegments(x.stdout.text), ...(x.stderr.text ? [tool('\n[stderr]\n'), ...outputSegments(x.stderr.text)] : []),
      ];
    }
    case 'note.added': {
      const x = d as EventDataMap['note.added'];
      return [tool(`${x.kind ? `${x.kind} ` : ''}note by ${e.actor.name}: `), noteSegment(x.text, x.kind)];
    }
    case 'action.recorded': {
      const text = String(d.text);
      // "ran: df -h" is the record a typed command leaves: its output is in the command.ran after it.
      return [tool(`action by ${e.actor.name}: `), text.startsWith('ran: ') ? tool(text, 'the command line (it says what ran, not what it found)') : ev(text, 'an action taken')];
    }
    case 'status.changed': return [tool('status '), ev(`${String(d.from)} → ${String(d.to)}`, 'a status change')];
    case 'severity.changed': return [tool('severity '), ev(`${String(d.from)} → ${String(d.to)}`, 'a severity change')];
    case 'hypothesis.judged': {
      const target = typeof d.seq === 'number' ? refOf({ seq: d.seq, ...(typeof d.replica === 'string' ? { replica: d.replica } : {}) }) : undefined;
      const title = target !== undefined ? judgedTitle?.(target) : undefined;
      return [
        tool('operator judged '),
        tool(target !== undefined ? `#${target}${title ? ` "${title}"` : ''}` : `known cause ${String(d.cause)}`, 'the hypothesis judged'),
        tool(` ${String(d.verdict)}: `),
        ev(String(d.reason), 'a verdict\'s reason'),
      ];
    }
    case 'hypothesis.proposed': return [tool('model hypothesis: '), tool(String(d.title), 'a hypothesis'), tool(' '), tool(String(d.explanation ?? ''), 'a hypothesis')];
    case 'hypothesis.requested': return [tool(JSON.stringify(d), 'a request to the model')];
    case 'handoff.recorded': return [tool(`hand-off by ${e.actor.name} to ${String(d.to)}: `), ev(String(d.text), 'a hand-off note')];
    case 'role.assigned': return [tool(`${String(d.name)} holds the role ${String(d.role)}`, 'bookkeeping')];
    default: return [tool(JSON.stringify(d), 'bookkeeping')];
  }
}


const WORD = /[\p{L}\p{N}\p{M}_]/u;
const DIGIT = /\p{N}/u;
/** Past this many occurrences of one quote the rest are not examined (a quote that common proves nothing anyway). */
const MAX_OCCURRENCES = 2000;

export interface QuoteHit {
  evidence: boolean;
  /** What the matched text is, when it is not evidence. */
  what: string;
}

interface Prepared {
  text: string;
  /** Per UTF-16 unit of `text`, the index of the segment it came from. */
  owner: Int32Array;
  /** Per position, how many word characters before it lie in segments that are not evidence. */
  outside: Int32Array;
}
const cache = new WeakMap<readonly Segment[], Prepared>();

/** The segments' normalised text, joined, with each character's segment (cached per segment list). */
export function prepared(segments: readonly Segment[]): Prepared {
  let p = cache.get(segments);
  if (p) return p;
  let text = '';
  const owner: number[] = [];
  segments.forEach((sg, i) => {
    const n = normalize(sg.text);
    // One space where two segments' spaces meet, none at the start.
    const piece = text === '' || text.endsWith(' ') ? n.replace(/^ /, '') : n;
    text += piece;
    for (let k = 0; k < piece.length; k++) owner.push(i);
  });
  const outside = new Int32Array(text.length + 1);
  for (let k = 0; k < text.length; k++) outside[k + 1] = outside[k]! + (WORD.test(text[k]!) && !segments[owner[k]!]!.evidence ? 1 : 0);
  p = { text, owner: Int32Array.from(owner), outside };
  cache.set(segments, p);
  return p;
}

/** True where the match at [at, end) is part of a longer token: a word, or a number with a decimal or thousands separator. */
function insideToken(text: string, at: number, end: number, quote: string): boolean {
  const first = quote[0]!;
  const last = quote[quote.length - 1]!;
  if (WORD.test(first) && at > 0 && WORD.test(text[at - 1]!)) return true;
  if (WORD.test(last) && end < text.length && WORD.test(text[end]!)) return true;
  // "500 errors" is not in "1,500 errors", nor "5G" in "1.5G".
  if (DIGIT.test(first) && at > 1 && (text[at - 1] === '.' || text[at - 1] === ',') && DIGIT.test(text[at - 2]!)) return true;
  if (DIGIT.test(last) && end + 1 < text.length && (text[end] === '.' || text[end] === ',') && DIGIT.test(text[end + 1]!)) return true;
  return false;
}

/**
 * Where a normalised, trimmed quote occurs in the segments on word and number boundaries:
 * an occurrence whose letters and digits all lie in evidence segments wins; else what the
 * first other occurrence is; undefined when it does not occur.
 */
export function findQuote(segments: readonly Segment[], quote: string): QuoteHit | undefined {
  if (!quote) return undefined;
  const { text, owner, outside } = prepared(segments);
  let other: QuoteHit | undefined;
  let seen = 0;
  for (let at = text.indexOf(quote); at >= 0 && seen < MAX_OCCURRENCES; at = text.indexOf(quote, at + 1)) {
    seen++;
    const end = at + quote.length;
    if (insideToken(text, at, end, quote)) continue;
    if (outside[end]! - outside[at]! === 0) return { evidence: true, what: segments[owner[at]!]!.what };
    if (!other) {
      let k = at;
      while (k < end && (!WORD.test(text[k]!) || segments[owner[k]!]!.evidence)) k++;
      other = { evidence: false, what: segments[owner[Math.min(k, end - 1)]!]!.what };
    }
  }
  return other;
}

/** How many whole-token times `quote` occurs in `text` (both normalised). */
export function occurrences(text: string, quote: string): number {
  let n = 0;
  for (let at = text.indexOf(quote); at >= 0 && n < MAX_OCCURRENCES; at = text.indexOf(quote, at + 1)) {
    if (!insideToken(text, at, at + quote.length, quote)) n++;
  }
  return n;
}

/** Masked secrets inside evidence are the tool's words: a model cannot quote its way to "found" through a mask. */
export function splitMasks(segments: readonly Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const sg of segments) {
    if (!sg.evidence || !sg.text.includes('[REDACTED:')) {
      out.push(sg);
      continue;
    }
    let last = 0;
    for (const m of sg.text.matchAll(/\[REDACTED:[^\]\n]{1,80}\]/g)) {
      if (m.index! > last) out.push({ ...sg, text: sg.text.slice(last, m.index) });
      out.push({ text: m[0], evidence: false, what: 'a masked secret' });
      last = m.index! + m[0].length;
    }
    if (last < sg.text.length) out.push({ ...sg, text: sg.text.slice(last) });
  }
  return out;
}
