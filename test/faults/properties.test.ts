// Property-based: random and mutated inputs never throw an untyped error and never hang.
import fc from 'fast-check';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAlertText } from '../../src/alerts/parse.js';
import { UserError } from '../../src/errors.js';
import { checkCites } from '../../src/hypotheses/grounding.js';
import { parseLog, readLogFile, verifyEvents } from '../../src/incident/reader.js';
import { createIncidentLog, IncidentStore } from '../../src/incident/store.js';
import { replay } from '../../src/incident/replay.js';
import { buildContext } from '../../src/hypotheses/context.js';
import { describeEvent } from '../../src/incident/format.js';
import { renderMarkdown } from '../../src/postmortem/markdown.js';
import { buildPostmortem } from '../../src/postmortem/model.js';
import { redact } from '../../src/redact/index.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { ROOT, tempDir } from '../helpers/cli.js';

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

  it('records with wrong-typed data (valid JSON, wrong shape) never break replay, the log view, the postmortem or the model context', () => {
    const records = goodLog.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { data: Record<string, unknown> });
    // Replace one field of one record's data (or of an object inside it) with any JSON value.
    fc.assert(fc.property(fc.nat(), fc.nat(), fc.nat(), fc.jsonValue({ maxDepth: 3 }), (ri, ki, ni, value) => {
      const copy = records.map((r) => structuredClone(r));
      const rec = copy[ri % copy.length]!;
      const keys = Object.keys(rec.data);
      if (keys.length === 0) return;
      const key = keys[ki % keys.length]!;
      const inner = rec.data[key];
      if (inner && typeof inner === 'object' && !Array.isArray(inner) && ni % 2 === 0 && Object.keys(inner).length) {
        const ik = Object.keys(inner);
        (inner as Record<string, unknown>)[ik[ni % ik.length]!] = value;
      } else rec.data[key] = value;
      const { events } = parseLog(Buffer.from(copy.map((r) => `\n${JSON.stringify(r)}\n`).join('')));
      const v = verifyEvents(events);
      const state = replay('x', events);
      const pm = buildPostmortem(state, events, { verified: v.ok, events: v.count, head: v.head, log_sha256: 'x', torn_lines: [] }, 'draft');
      renderMarkdown(pm);
      JSON.stringify(pm);
      buildContext(state, events, 8000, []);
      buildContext(state, events, 50, []);
      for (const e of events) describeEvent(e);
    }), { numRuns: RUNS * 2, ...timeLimit });
  });

  it('a garbage record (any JSON value in any field) never stops the writer, and verify reports it', () => {
    const t = tempDir();
    try {
      const base = createIncidentLog(t.dir, '20261129-0000-base');
      const store = new IncidentStore(base);
      const actor = { kind: 'human' as const, name: 'a' };
      store.append({ type: 'incident.opened', actor, data: { title: 't', severity: 'warning', via: 'test' } });
      store.append({ type: 'note.added', actor, data: { text: 'one' } });
      const last = store.append({ type: 'note.added', actor, data: { text: 'two' } });
      store.close();
      const good = readFileSync(base);
      const FIELDS = ['seq', 'id', 'ts', 'actor', 'type', 'data', 'prev', 'hash'] as const;
      let n = 0;
      fc.assert(fc.property(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 3 }), (field, value) => {
        const path = createIncidentLog(t.dir, `garbage-${n++}`);
        writeFileSync(path, good);
        appendFileSync(path, `\n${JSON.stringify({ ...last, [field]: value })}\n`);
        const w = new IncidentStore(path);
        const added = w.append({ type: 'note.added', actor, data: { text: 'after the garbage' } });
        w.close();
        // The writer continued the chain: the next seq, chained to the last good record.
        expect(added.seq).toBe(last.seq + 1);
        expect(added.prev).toBe(last.hash);
        const read = readLogFile(path);
        expect(read.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
        const v = verifyEvents(read.records);
        expect(!v.ok || read.torn.length > 0).toBe(true);
      }), { numRuns: 150, ...timeLimit });
    } finally {
      t.cleanup();
    }
  });

  it('redact: never throws, is idempotent, and is fast on any input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (s) => {
      const once = redact(s);
      expect(redact(once)).toBe(once);
    }), { numRuns: RUNS, ...timeLimit });
  });

  it('checkCites: never throws; a cite is verified only when its quote is in an evidence segment of the entry it names', () => {
    const segment = fc.record({ text: fc.string({ maxLength: 60 }), evidence: fc.boolean(), what: fc.constant('x') });
    fc.assert(fc.property(fc.array(fc.record({ seq: fc.integer({ min: -2, max: 25 }), quote: fc.string({ maxLength: 50 }) }), { maxLength: 5 }), fc.dictionary(fc.integer({ min: 1, max: 20 }).map(String), fc.array(segment, { maxLength: 4 })), (cites, logObj) => {
      const log = new Map(Object.entries(logObj).map(([k, v]) => [k, v]));
      const r = checkCites({ cites }, { shown: new Map(), stored: (ref) => log.get(ref), lastSeq: () => 20 });
      for (const c of r.cites) {
        if (!log.has(String(c.seq))) expect(c.verified).toBe(false);
        if (c.verified) expect(log.get(String(c.seq))!.filter((sg) => sg.evidence).length).toBeGreaterThan(0);
      }
      expect(r.grounding === 'grounded').toBe(r.cites.length > 0 && r.cites.every((c) => c.verified));
    }), { numRuns: RUNS, ...timeLimit });
  });
});
