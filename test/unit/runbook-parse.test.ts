import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook, MAX_RUNBOOK_BYTES } from '../../src/runbook/parse.js';
import { ROOT } from '../helpers/cli.js';

const BAD = join(ROOT, 'test/fixtures/runbooks/bad');
const expected = readFileSync(join(BAD, 'EXPECTED.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t') as [string, string, string]);

describe('bad runbooks', () => {
  it('the corpus has at least 30 cases and every file is listed', () => {
    const files = readdirSync(BAD).filter((f) => f.endsWith('.yaml')).sort();
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(expected.map((e) => e[0]).sort()).toEqual(files);
  });

  it.each(expected)('%s is rejected at %s with "%s"', (file, where, message) => {
    const r = parseRunbook(readFileSync(join(BAD, file), 'utf8'), file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const first = r.problems[0]!;
    expect(`${first.line}:${first.col}`).toBe(where);
    expect(`${first.path ?? ''} ${first.message}`).toContain(message);
    expect(first.file).toBe(file);
  });

  it('rejects a file over the size cap before parsing it', () => {
    const big = `id: big\ntitle: Big\nsummary: ${'x'.repeat(MAX_RUNBOOK_BYTES)}\nseverity: info\nsteps: []\n`;
    const r = parseRunbook(big, 'big.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/over the 262144-byte cap/);
  });

  it('lists every problem, not just the first', () => {
    const src = 'id: x\ntitle: T\nsummary: S\nseverity: info\nsteps:\n  - id: a\n    title: A\n    kind: check\n    on_fail: nowhere\n  - id: a\n    title: B\n    kind: manual\n    next: elsewhere\n';
    const r = parseRunbook(src, 'multi.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message)).toEqual([
      'duplicate step id "a" (first used by steps.0)',
      'on_fail points to "nowhere", which is not a step id',
      'next points to "elsewhere", which is not a step id',
    ]);
  });

  it('reads YAML 1.2 scalars as written: "yes" stays a string, 1.10 is a number and is refused as a title', () => {
    const ok = parseRunbook('id: x\ntitle: yes\nsummary: S\nseverity: info\nsteps:\n  - {id: a, title: A, kind: manual}\n', 'y.yaml');
    expect(ok.ok && ok.value.title).toBe('yes');
  });
});

describe('good runbooks', () => {
  const dirs = [join(ROOT, 'runbooks'), join(ROOT, 'test/fixtures/runbooks/good')];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => join(d, f)));

  it('ships at least 7 runbooks plus the demo', () => {
    const shipped = readdirSync(join(ROOT, 'runbooks')).filter((f) => f.endsWith('.yaml'));
    expect(shipped).toContain('demo.yaml');
    expect(shipped.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s validates', (file) => {
    const r = parseRunbook(readFileSync(file, 'utf8'), file);
    if (!r.ok) throw new Error(r.problems.map((p) => `${p.line}:${p.col} ${p.path ?? ''} ${p.message}`).join('\n'));
    expect(r.value.steps.length).toBeGreaterThan(0);
  });

  it('shipped runbooks (other than the demo) have parameters from alert labels, decision points and known causes', () => {
    for (const f of readdirSync(join(ROOT, 'runbooks')).filter((x) => x.endsWith('.yaml') && x !== 'demo.yaml')) {
      const r = parseRunbook(readFileSync(join(ROOT, 'runbooks', f), 'utf8'), f);
      if (!r.ok) throw new Error(f);
      const rb = r.value;
      expect(rb.parameters?.some((p) => p.from_label), `${f} has a parameter from an alert label`).toBe(true);
      expect(rb.steps.some((s) => s.on_fail || s.next), `${f} has a decision point`).toBe(true);
      expect(rb.known_causes?.length ?? 0, `${f} has known causes`).toBeGreaterThanOrEqual(2);
      expect(rb.match?.length ?? 0, `${f} matches alerts`).toBeGreaterThan(0);
    }
  });
});
