/**
 * YAML text → a value checked by a zod schema and extra rules, or every problem found with
 * file:line:col. Pure: no I/O. Loud by design: tabs, duplicate keys, aliases, several
 * documents and unknown keys are errors. Runbooks and the config file both go through here.
 *
 * Two parsers, one verdict. js-yaml is about three times faster and decides the value of a
 * file that is valid; `yaml`, which keeps every node's position, decides everything else and
 * says where. The fast path only ever says yes: any doubt falls through to `yaml`, and a
 * property test holds that whatever the fast path accepts, `yaml` accepts with an equal value.
 */
import { constructFromEvents, EVENT_ID, parseEvents } from 'js-yaml';
import { LineCounter, parseAllDocuments, isMap, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import type { Problem } from '../errors.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export interface RuleViolation {
  path: (string | number)[];
  /** Point at this key of the map at `path` when it exists. */
  key?: string;
  message: string;
  hint?: string;
}

export interface StrictYamlOptions<T> {
  schema: z.ZodType<T>;
  /** What a document of this kind is, for messages: "a runbook". */
  what: string;
  maxBytes: number;
  /** Shown when the root is not a mapping. */
  example: string;
  rules?: (value: T) => RuleViolation[];
}

export function parseStrictYaml<T>(source: string, file: string, opts: StrictYamlOptions<T>): ParseResult<T> {
  const { what, example: EXAMPLE } = opts;
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > opts.maxBytes) {
    return fail({ file, line: 1, col: 1, message: `file is ${bytes} bytes, over the ${opts.maxBytes}-byte cap for ${what}`, hint: 'make it smaller or split it' });
  }
  const lc = new LineCounter();
  const at = (offset: number) => lc.linePos(Math.max(0, Math.min(offset, source.length)));

  // Tabs are legal YAML in some places but always a sign of a broken indent here.
  const tab = source.includes('\t') ? source.search(TAB_INDENT) : -1;
  if (tab >= 0) {
    const indentTab = source.indexOf('\t', tab);
    const before = source.slice(0, indentTab);
    const pos = { line: before.split('\n').length, col: indentTab - before.lastIndexOf('\n') };
    return fail({ file, line: pos.line, col: pos.col, message: 'tab character in indentation', hint: 'indent with spaces only' });
  }

  const fast = fastYamlValue(source);
  if (fast) {
    const result = opts.schema.safeParse(fast.value);
    if (result.success && !(opts.rules && opts.rules(result.data).length)) return { ok: true, value: result.data };
  }

  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(source, { lineCounter: lc, uniqueKeys: true, strict: true, prettyErrors: false, schema: 'core' }) as Document.Parsed[];
  } catch (err) {
    return fail({ file, line: 1, col: 1, message: `YAML could not be parsed: ${(err as Error).message}` });
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as Document.Parsed];
  if (docs.length === 0) return fail({ file, line: 1, col: 1, message: `file is empty; expected ${what} (a mapping)`, hint: EXAMPLE });
  if (docs.length > 1) {
    const second = docs[1]!;
    const pos = at(second.range?.[0] ?? 0);
    return fail({ file, line: pos.line, col: pos.col, message: `found ${docs.length} YAML documents; ${what} file holds exactly one`, hint: 'remove the "---" separator or split the file' });
  }
  const doc = docs[0]!;
  const yamlProblems: Problem[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = at(e.pos[0]);
    yamlProblems.push({ file, line: pos.line, col: pos.col, message: describeYamlError(e.code, e.message), ...(yamlHint(e.code) ? { hint: yamlHint(e.code)! } : {}) });
  }
  if (yamlProblems.length) return { ok: false, problems: yamlProblems };
  if (!isMap(doc.contents)) {
    const pos = at(doc.contents?.range?.[0] ?? 0);
    const kind = doc.contents == null ? 'nothing' : describeNode(doc.contents);
    return fail({ file, line: pos.line, col: pos.col, message: `the document is ${kind}; expected ${what} (a mapping)`, hint: EXAMPLE });
  }

  let data: unknown;
  try {
    // These files never need aliases; refusing them outright also stops alias bombs.
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (err) {
    const alias = source.search(/(^|[\s:[,-])\*[A-Za-z0-9_-]/m);
    const pos = at(alias >= 0 ? alias : 0);
    return fail({ file, line: pos.line, col: pos.col + (alias > 0 ? 1 : 0), message: `YAML aliases are not allowed in ${what} (${(err as Error).message.split('\n')[0]})`, hint: 'write the value out in full' });
  }

  const result = opts.schema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.map(String);
      const pos = locate(doc, issue.path as (string | number)[], at, issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys?.[0] : undefined);
      const hint = issue.code === 'unrecognized_keys' ? unknownKeyHint((issue as { keys?: string[] }).keys ?? [], knownKeys(opts.schema, issue.path as (string | number)[])) : hintFor(issue);
      return { file, line: pos.line, col: pos.col, ...(path.length ? { path: path.join('.') } : {}), message: describeIssue(issue), ...(hint ? { hint } : {}) } satisfies Problem;
    });
    return { ok: false, problems: dedupe(problems) };
  }
  const rules = opts.rules ? opts.rules(result.data) : [];
  if (rules.length) {
    return {
      ok: false,
      problems: rules.map((r) => {
        const pos = locate(doc, r.path, at, r.key);
        return { file, line: pos.line, col: pos.col, path: r.path.map(String).join('.'), message: r.message, ...(r.hint ? { hint: r.hint } : {}) };
      }),
    };
  }
  return { ok: true, value: result.data };
}

/**
 * The value of a single-document, alias-free YAML mapping as `yaml` (core schema, strict) would
 * give it, or undefined when js-yaml refuses the text or it holds a form where the two
 * parsers are known to differ. Exported for the test that holds the two parsers to that.
 */
export function fastYamlValue(source: string): { value: unknown } | undefined {
  // Block scalars with an indentation indicator (|2, >1-) or kept final breaks (|+): js-yaml
  // and `yaml` disagree on some trailing whitespace. A lone CR is a line break to js-yaml and
  // an error to `yaml`; js-yaml skips directives it does not know, `yaml` reports them; `yaml`
  // trips on some texts after a byte-order mark; an indented "---" first thing is a marker to
  // js-yaml and an error to `yaml`; a "..." document end can make `yaml` count an extra empty
  // document; `yaml` refuses implicit keys over 1024 characters, and a key sits on one line.
  // (includes() first: it is far cheaper than a regex over the whole text.)
  if ((source.includes('\t') && TAB_INDENT.test(source)) || BLOCK_HEADER_UNUSUAL.test(source) || (source.includes('\r') && LONE_CR.test(source))
    || (source.includes('%') && DIRECTIVE.test(source)) || source.includes('\ufeff') || INDENTED_MARKER_FIRST.test(source)
    || (source.includes('...') && DOCUMENT_END.test(source)) || hasLineOver(source, 1000)) return undefined;
  try {
    const events = parseEvents(source, {});
    let docs = 0;
    for (const e of events) {
      if (e.type === EVENT_ID.DOCUMENT) {
        // Directives (%YAML 1.1 changes what `yes` means) and extra documents: `yaml` decides.
        if (++docs > 1 || e.directives.length) return undefined;
      } else if (e.type === EVENT_ID.ALIAS) {
        return undefined;
      } else if (e.type !== EVENT_ID.POP && (e.anchorStart !== -1 || e.tagStart !== -1)) {
        // Anchors and explicit tags are rare here and resolved differently: `yaml` decides.
        return undefined;
      }
    }
    if (docs !== 1) return undefined;
    const value = constructFromEvents(events, { source, maxAliases: 0 })[0];
    return isPlainObject(value) && agreesWithYaml(value) ? { value } : undefined;
  } catch {
    // Duplicate keys, bad indentation and the like: `yaml` will say where.
    return undefined;
  }
}

// Where js-yaml and `yaml` read the same text differently: a null key (js-yaml "null",
// `yaml` "") and a number too large for a double (js-yaml keeps the text, `yaml` gives
// Infinity). A string that merely looks like either only costs the slow path.
function agreesWithYaml(v: unknown): boolean {
  if (typeof v === 'string') return !mayBeNumber(v) || !CORE_NUMBER.test(v) || Number.isFinite(Number(v.replace(/^\+/, '')));
  if (typeof v === 'number') return true;
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(agreesWithYaml);
  for (const [k, x] of Object.entries(v)) if (k === 'null' || !agreesWithYaml(k) || !agreesWithYaml(x)) return false;
  return true;
}
const TAB_INDENT = /^[ ]*\t/m;
const BLOCK_HEADER_UNUSUAL = /[|>](?:[-+]?[1-9]|[1-9]?\+)[-+]?[ \t]*(?:#.*)?\r?$/m;
const LONE_CR = /\r(?!\n)/;
const DIRECTIVE = /^%/m;
const INDENTED_MARKER_FIRST = /^(?:[ ]*(?:#.*)?\r?\n)*[ ]+(?:---|\.\.\.)/;
// YAML 1.2 core ints (decimal, 0o, 0x) and floats; Number() reads each of them.
const CORE_NUMBER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
const DOCUMENT_END = /^\.\.\.(?:[ \t]|\r?$)/m;

/** Cheaper than a regex: most strings in a runbook do not start like a number. */
function mayBeNumber(v: string): boolean {
  const c = v.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** Whether any line is `max` characters or longer (a loop: a /^.{1000}/m regex costs 40x more). */
function hasLineOver(s: string, max: number): boolean {
  let start = 0;
  for (let nl = s.indexOf('\n'); nl >= 0; nl = s.indexOf('\n', start)) {
    if (nl - start >= max) return true;
    start = nl + 1;
  }
  return s.length - start >= max;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fail(p: Problem): { ok: false; problems: Problem[] } {
  return { ok: false, problems: [p] };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.col}:${p.path}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function describeNode(node: unknown): string {
  if (node && typeof node === 'object' && 'items' in node) return 'a list';
  return 'a single value';
}

function describeYamlError(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  switch (code) {
    case 'DUPLICATE_KEY': return `duplicate key: ${first}`;
    case 'TAB_AS_INDENT': return 'tab character in indentation';
    default: return `YAML syntax error (${code}): ${first}`;
  }
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case 'DUPLICATE_KEY': return 'each key may appear once in a mapping; remove or rename one';
    case 'BAD_INDENT': case 'MISSING_CHAR': return 'check the indentation and that lists start with "- "';
    case 'BLOCK_AS_IMPLICIT_KEY': case 'MULTILINE_IMPLICIT_KEY': return 'a value containing ": " must be quoted';
    case 'UNEXPECTED_TOKEN': return 'quote values that contain special characters such as : # { } [ ]';
    default: return undefined;
  }
}

interface Pos { line: number; col: number }

/** The position of the deepest node that exists along `path` (or of the offending key). */
function locate(doc: Document.Parsed, path: (string | number)[], at: (o: number) => Pos, key?: string): Pos {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) {
      if (key !== undefined && n === path.length && isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
        const kr = (pair?.key as YamlNode | undefined)?.range;
        if (kr) return at(kr[0]);
      }
      if (n < path.length && isMap(node)) {
        // Point at the key that is missing or wrong, when the map has it.
        const want = path[n];
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === want);
        const kr = (pair?.key as YamlNode | undefined)?.range;
        if (kr) return at(kr[0]);
      }
      return at(node.range[0]);
    }
  }
  return { line: 1, col: 1 };
}

interface Issue { code: string; message: string; path: PropertyKey[]; keys?: string[]; expected?: string; values?: unknown[]; format?: string; pattern?: string; origin?: string; minimum?: unknown; input?: unknown; errors?: Issue[][] }

function describeIssue(raw: unknown): string {
  const issue = raw as Issue;
  switch (issue.code) {
    case 'unrecognized_keys': return `unknown key${issue.keys!.length > 1 ? 's' : ''} ${issue.keys!.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_type':
      if (issue.input === undefined) return `missing required field; expected ${issue.expected}`;
      return `expected ${issue.expected}, got ${typeName(issue.input)}`;
    case 'invalid_value': return `expected one of ${issue.values!.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format': return issue.format === 'regex' ? `does not match ${issue.pattern}` : issue.message;
    case 'too_small': return issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`;
    case 'too_big': return `must be at most ${String((issue as { maximum?: unknown }).maximum)}`;
    case 'invalid_union': {
      // Report the branch that got furthest (most specific), else a generic line.
      const branch = issue.errors?.map((b) => b[0]).find((b) => b && b.path.length > 0) ?? issue.errors?.flat().find((b) => b.code !== 'invalid_type');
      return branch ? describeIssue({ ...branch, path: [...issue.path, ...branch.path] }) : `expected ${describeUnion(issue)}, got ${typeName(issue.input)}`;
    }
    default: return issue.message;
  }
}

function describeUnion(issue: Issue): string {
  const kinds = [...new Set((issue.errors ?? []).map((b) => b[0]?.expected).filter(Boolean))];
  return kinds.length ? kinds.join(' or ') : 'another form';
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function hintFor(raw: unknown): string | undefined {
  const issue = raw as Issue;
  const last = issue.path[issue.path.length - 1];
  if (issue.code === 'invalid_format' && (last === 'id' || issue.path.includes('next') || issue.path.includes('on_fail'))) return 'use lower-case letters, digits and dashes, e.g. check-disk';
  if (issue.code === 'invalid_format' && last === 'name') return 'use lower-case letters, digits and _, e.g. namespace';
  if (last === 'severity' && issue.path.length === 1) return 'e.g. severity: critical';
  if (last === 'kind') return 'e.g. kind: check';
  if (last === 'command') return 'e.g. command: [df, -h, "{{mountpoint}}"], or a string with shell: true';
  if (last === 'timeout') return 'e.g. timeout: 30s';
  if (issue.code === 'invalid_type' && issue.input === undefined) return `add "${String(last)}:"`;
  if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof issue.input !== 'object') return 'quote the value, e.g. "yes" or "1.10"';
  return undefined;
}

/** "did you mean" for a misspelt key, else the keys that are allowed there. */
export function unknownKeyHint(keys: string[], known: string[]): string {
  if (known.length === 0) return 'check the spelling; the docs list every key';
  const guesses = keys.map((k) => [k, closest(k, known)] as const).filter(([, g]) => g !== undefined);
  if (guesses.length) return guesses.map(([k, g]) => `"${k}": did you mean "${g}"?`).join('; ');
  return `the keys allowed here are ${known.map((k) => `"${k}"`).join(', ')}`;
}

/** The nearest known key by edit distance, if it is near enough to be a typo. */
function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** Edit distance where swapping two neighbours counts as one edit ("modle" is one from "model"). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The keys an object schema allows at a path (zod 4's definitions, walked through optionals, arrays and unions). */
function knownKeys(schema: unknown, path: (string | number)[]): string[] {
  const defOf = (x: unknown) => (x as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  const unwrap = (x: unknown): unknown[] => {
    const def = defOf(x);
    if (!def) return [];
    switch (def.type) {
      case 'optional': case 'nullable': case 'default': case 'readonly': case 'catch': case 'prefault': case 'nonoptional': return unwrap(def.innerType);
      case 'pipe': return unwrap(def.in);
      case 'lazy': return unwrap((def.getter as () => unknown)());
      case 'union': return (def.options as unknown[]).flatMap(unwrap);
      default: return [x];
    }
  };
  let nodes = unwrap(schema);
  for (const part of path) {
    nodes = nodes.flatMap((n) => {
      const def = defOf(n)!;
      if (def.type === 'object' && typeof part === 'string') return unwrap((def.shape as Record<string, unknown>)[part]);
      if (def.type === 'array' && typeof part === 'number') return unwrap(def.element);
      if (def.type === 'record') return unwrap(def.valueType);
      return [];
    });
  }
  const keys = new Set<string>();
  for (const n of nodes) {
    const def = defOf(n)!;
    if (def.type === 'object') for (const k of Object.keys(def.shape as object)) keys.add(k);
  }
  return [...keys].sort();
}
