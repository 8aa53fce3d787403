// The runbook parser takes js-yaml's value when js-yaml accepts a file and falls back to
// `yaml` otherwise (src/util/strict-yaml.ts). That is sound only if whatever the fast path
// accepts, `yaml` in strict core mode accepts too, with an equal value. This file holds the
// two to that on every YAML file in the repository and on generated and mutated texts.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseRunbook } from '../../src/runbook/parse.js';
import { fastYamlValue } from '../../src/util/strict-yaml.js';
import { ROOT } from '../helpers/cli.js';

/** What the strict path makes of a text: its value, or undefined when it reports anything. */
function strictValue(text: string): { value: unknown } | undefined {
  const docs = parseAllDocuments(text, { uniqueKeys: true, strict: true, prettyErrors: false, schema: 'core' });
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.length !== 1 || list[0]!.errors.length || list[0]!.warnings.length) return undefined;
  try {
    return { value: list[0]!.toJS({ maxAliasCount: 0 }) };
  } catch {
    return undefined;
  }
}

let compared = 0;
function expectAgreement(text: string): void {
  const fast = fastYamlValue(text);
  if (!fast) return;
  compared++;
  const strict = strictValue(text);
  expect(strict, `yaml rejects what js-yaml accepts:\n${text}`).toBeDefined();
  expect(fast.value, `values differ for:\n${text}`).toStrictEqual(strict!.value);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true }).map(String).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(ROOT, dir, f));
}

// Scalars where YAML parsers are known to part ways: 1.1 booleans, octal and binary forms,
// underscores, special floats, overflow, tags, anchors, comments without a space, indicators.
const EDGE = ['~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'No', 'on', 'off', 'y', '0', '-0', '+0', '00', '017', '0o17', '0o', '0o8', '0x1F', '0xg', '+0x1', '-0x1', '0b11', '1_000', '1.', '.5', '-.5', '+.5', '1e3', '1E+3', '1e400', '-1e400', '1e-400', '.inf', '-.Inf', '+.INF', '.NaN', 'nan', '12:30', '1:30:00', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '9007199254740993', '0.1', '-', '--', '---', '...', '"x"', "'it''s'", '"\\x41"', '"\\u00e9"', '"\\U0001F600"', '"a\\nb"', '"\\/"', '"\\ "', '""', "''", '@x', '`x`', '%x', '!foo 1', '!!str 1', '!!int 3', '!!int "3"', '!!float 1', '!!bool yes', '!!null ""', '!!binary aGk=', '!!timestamp 2001-12-14', '! a', '&a 1', '*a', 'a #c', 'a#c', '"x"#c', 'a # c # d', '[a, b]', '[a, b, ]', '{a: 1}', '{a, b}', '{a: 1, a: 2}', '[]', '{}', '[[]]', '- a', '? a', '|', '>', '|-', 'a: b', 'a:b', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a\tb', '\u00a0', '\u2028', 'é', '😀', 'x:', ':x', '?x', '-x', '#x', ',', '[', ']', '{', '}', '"', "'", '\\'];
// Rarely, very long numbers and words: past a double's range, and past yaml's 1024-character key limit.
const LONG = fc.oneof(fc.integer({ min: 300, max: 420 }).map((n) => '9'.repeat(n)), fc.integer({ min: 1000, max: 1100 }).map((n) => 'w'.repeat(n)), fc.integer({ min: 250, max: 300 }).map((n) => `0x${'f'.repeat(n)}`));
const SAFE = fc.stringMatching(/^[a-z][a-z0-9 ._/-]{0,10}[a-z0-9]$/);
const KEY = fc.oneof(
  { arbitrary: fc.stringMatching(/^[a-z_][a-z0-9_-]{0,8}$/), weight: 8 },
  { arbitrary: fc.constantFrom('id', 'title', 'steps', 'command', 'null', '~', '""', '"null"', "'~'", '__proto__', '1', '1.0', 'true', '? x', '[a, b]', '{a: 1}', '"a b"', 'a b', '-1', '.inf', '*a', '&a k', '!!str k'), weight: 1 },
  { arbitrary: LONG, weight: 1 },
);
const WORD = fc.oneof({ arbitrary: SAFE, weight: 60 }, { arbitrary: fc.constantFrom(...EDGE), weight: 30 }, { arbitrary: fc.string({ maxLength: 8 }), weight: 10 }, { arbitrary: LONG, weight: 1 });
const quoted = fc.oneof(WORD.map((w) => `'${w.replace(/'/g, "''")}'`), WORD.map((w) => JSON.stringify(w)));

/** A text as a person might type it: nested block and flow collections and every scalar style. */
const shapes = fc.letrec<{ node: string; scalar: string; inline: string; map: string; seq: string; flow: string }>((tie) => ({
  inline: fc.oneof({ arbitrary: WORD, weight: 3 }, { arbitrary: quoted, weight: 2 }),
  scalar: fc.oneof(
    { arbitrary: tie('inline'), weight: 5 },
    { arbitrary: fc.tuple(fc.constantFrom('|', '|-', '|+', '>', '>-', '>+', '|2', '>1-'), fc.array(WORD, { maxLength: 3 }), fc.constantFrom('', '  ', '\n')).map(([h, lines, tail]) => `${h}\n${lines.map((l) => `  ${l}`).join('\n')}${tail}`), weight: 1 },
  ),
  flow: fc.oneof(
    fc.array(tie('inline'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(KEY, tie('inline')), { maxLength: 3 }).map((ps) => `{${ps.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
  ),
  // Block collections start with a newline, so a parent knows to nest them on the next line.
  map: fc.array(fc.tuple(KEY, fc.oneof({ arbitrary: tie('scalar'), weight: 4 }, tie('flow'), tie('map'), tie('seq')), fc.constantFrom('', '', '', ' # note', '  #', '#x')), { minLength: 1, maxLength: 5 })
    .map((ps) => `\n${ps.map(([k, v, c]) => (v.startsWith('\n') ? `${k}:${c}${indent(v)}` : `${k}: ${v}${/^[|>]/.test(v) ? '' : c}`)).join('\n')}`),
  seq: fc.array(fc.oneof(tie('scalar'), tie('flow'), tie('map')), { minLength: 1, maxLength: 3 })
    .map((xs) => `\n${xs.map((x) => `- ${indent(x).trimStart()}`).join('\n')}`),
  node: fc.oneof({ depthSize: 'small' }, tie('map'), tie('seq'), tie('flow'), tie('scalar')),
}));
// Mostly mappings, as runbooks are (the fast path takes nothing else), with other roots mixed in.
const doc = fc.oneof({ arbitrary: shapes.map, weight: 4 }, { arbitrary: shapes.node, weight: 1 }).map((d) => d.replace(/^\n/, ''));

function indent(s: string): string {
  return s.split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
}

/** Framing and damage: BOM, markers, directives, CRLF, tabs, and a random cut or insertion. */
const framed = fc.tuple(doc, fc.constantFrom('', '\ufeff', '---\n', '--- ', '%YAML 1.2\n---\n', '%YAML 1.1\n---\n', '%TAG ! tag:x,2000:\n---\n', '# c\n', '...\n', '# c\n...\n'), fc.constantFrom('', '\n', '\n...\n', '\n...\n...\n', '\n---\n', '\n# end', '\n\n\n'), fc.boolean(),
  fc.option(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('', ' ', '  ', '\t', ':', '- ', '#', '"', "'", '&a ', '*a', '!', '? ', '\n', '\r', '{', '[', ',', '|', '>')), { freq: 2 }))
  .map(([d, head, tail, crlf, edit]) => {
    let t = head + d + tail;
    if (edit) {
      const [a, b, ins] = edit;
      const i = a % (t.length + 1);
      t = ins === '' ? t.slice(0, i) + t.slice(i + 1 + (b % 4)) : t.slice(0, i) + ins + t.slice(i);
    }
    return crlf ? t.replace(/\n/g, '\r\n') : t;
  });

describe('js-yaml fast path agrees with yaml', () => {
  it('on every YAML file in the repository (shipped runbooks and all fixtures)', () => {
    const files = [...yamlFiles('runbooks'), ...yamlFiles('test/fixtures')];
    expect(files.length).toBeGreaterThan(60);
    let fastAccepted = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (fastYamlValue(text)) fastAccepted++;
      expectAgreement(text);
    }
    // The shipped runbooks must take the fast path, or the benchmark measures nothing.
    for (const f of yamlFiles('runbooks')) expect(fastYamlValue(readFileSync(f, 'utf8')), f).toBeDefined();
    expect(fastAccepted).toBeGreaterThan(10);
  });

  it('on the edge scalars one by one, as values and as keys', () => {
    for (const e of EDGE) {
      for (const t of [`a: ${e}`, `${e}: 1`, `- ${e}`, `a: [${e}]`, `a: {k: ${e}}`, `a:\n  - ${e}`]) expectAgreement(t);
    }
  });

  it('on the forms a review found: numbers past a double, keys over 1024 characters, stray document ends', () => {
    const big = ['1'.padEnd(400, '0'), `-${'9'.repeat(320)}`, `0x${'f'.repeat(300)}`, `0o${'7'.repeat(400)}`, `${'1'.repeat(320)}.5`];
    const longKey = 'k'.repeat(1100);
    const texts = [
      ...big.flatMap((n) => [`a: ${n}`, `${n}: a`, `a: [${n}]`]),
      `${longKey}: v`, `"${longKey}": v`, `a: [${longKey}: v]`, `a: {${longKey}: v}`, `"${'\\u0041'.repeat(200)}": v`,
      '...\na: 1', '# c\n...\na: 1', 'a: 1\n...\n...\n', 'a: 1\n...\n', '---\na: 1\n...\n',
    ];
    for (const t of texts) expectAgreement(t);
    // A runbook is judged the same with or without the fast path (a directive forces the strict one).
    const base = readFileSync(join(ROOT, 'runbooks/host-disk-full.yaml'), 'utf8');
    const variants = [base, base.replace(/^title: .*$/m, `title: ${big[0]}`), base.replace(/^title: .*$/m, `title: "${'x'.repeat(1100)}"`), `...\n${base}`,
      base.replace(/^steps:/m, `match: [{labels: {${longKey}: node}}]\nsteps:`)];
    for (const v of variants) {
      const fast = parseRunbook(v, 'f.yaml');
      const strict = parseRunbook(`%YAML 1.2\n---\n${v}`, 'f.yaml');
      expect(fast.ok, v.slice(0, 80)).toBe(strict.ok);
      if (fast.ok && strict.ok) expect(fast.value).toStrictEqual(strict.value);
    }
  });

  it('on generated and damaged texts', () => {
    compared = 0;
    fc.assert(fc.property(fc.oneof(doc, framed), (text) => expectAgreement(text)), { numRuns: Number(process.env.YAML_AGREEMENT_RUNS ?? 4000) });
    // Enough of the generated texts must be accepted by the fast path for this to mean anything.
    expect(compared).toBeGreaterThan(400);
  });
});
