// Property-based: random and mutated inputs never throw an untyped error and never hang.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAlertText } from '../../src/alerts/parse.js';
import { UserError } from '../../src/errors.js';
import { checkCites } from '../../src/hypotheses/grounding.js';
import { parseLog, verifyEvents } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import { redact } from '../../src/redact/index.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { ROOT } from '../helpers/cli.js';

const RUNS = 400;
const goodRunbook = readFileSync(join(ROOT, 'runbooks/demo.yaml'), 'utf8');
const goodAlert = readFileSync(join(ROOT, 'test/fixtures/alerts/am-disk-full.json'), 'utf8');
const goodLog = readFileSync(join(ROOT, 'test/fixtures/postmortem/rich.jsonl'), 'utf8');

/** A string with a random edit: a cut, an insertion of YAML/JSON punctuation, a duplicated slice. */
const mutated = (base: string) => fc.tuple(fc.nat({ max: base.length }), fc.nat({ max: base.length }), fc.constantFrom('', ':', '- ', '\t', '&a ', '*a', '{', '[', '"', '\n', '---\n', '\u0000', '😀', '{{x}}', 'null', '999999999999999999999'), fc.integer({ min: 0, max: 2 }))
  .map(([a, b, ins, op]) => {
    const [i, j] = a < b ? [a, b] : [b, a];
    if (op === 0) return base.slice(0, i) + base.slice(j);
    if (op === 1) return base.slice(0, i) + ins + base.slice(i);
    return base.slice(0, j) + base.slice(i, j) + base.slice(j);
  });

const timeLimit = { interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false };

describe('properties', () => {
  it('parseRunbook: any text gives a runbook or problems with a location, never an exception', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 400 }), mutated(goodRunbook)), (text) => {
      const r = parseRunbook(text, 'f.yaml');
      if (!r.ok) for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
    }), { numRuns: RUNS, ...timeLimit });
  });

  it('parseAlertText: any text gives an Alert or a typed, one-line error', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), mutated(goodAlert), fc.json().map((j) => j)), (text) => {
      try {
        parseAlertText(text, 'a.json');
      } catch (err) {
        expect(err).toBeInstanceOf(UserError);
        expect((err as Error).message).not.toContain('\n');
      }
    }), { numRuns: RUNS, ...timeLimit });
  });

  it('parseLog + verify + replay: random bytes and mutated logs never throw', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)), mutated(goodLog).map((s) => Buffer.from(s))), (buf) => {
      const { events } = parseLog(buf);
      verifyEvents(events);
      replay('x', events);
    }), { numRuns: RUNS, ...timeLimit });
  });

  it('redact: never throws, is idempotent, and is fast on any input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (s) => {
      const once = redact(s);
      expect(redact(once)).toBe(once);
    }), { numRuns: RUNS, ...timeLimit });
  });

  it('checkCites: never throws; a cite of a seq that was not sent is never verified', () => {
    fc.assert(fc.property(fc.array(fc.record({ seq: fc.integer(), quote: fc.string({ maxLength: 50 }) }), { maxLength: 5 }), fc.dictionary(fc.integer({ min: 1, max: 20 }).map(String), fc.string({ maxLength: 80 })), (cites, sentObj) => {
      const sent = new Map(Object.entries(sentObj).map(([k, v]) => [Number(k), v]));
      const r = checkCites({ title: 't', explanation: '', refute_by: '', check: '', cites }, sent);
      for (const c of r.cites) if (!sent.has(c.seq)) expect(c.verified).toBe(false);
    }), { numRuns: RUNS, ...timeLimit });
  });
});
