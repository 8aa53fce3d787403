import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../src/hypotheses/answer.js';
import { buildContext, estimateTokens } from '../../src/hypotheses/context.js';
import { checkCites } from '../../src/hypotheses/grounding.js';
import { resolveOllamaHost } from '../../src/hypotheses/host.js';
import { seqRanges } from '../../src/hypotheses/run.js';
import { parseLog } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import { ROOT } from '../helpers/cli.js';

describe('OLLAMA_HOST as Ollama reads it', () => {
  it.each([
    [undefined, 'http://127.0.0.1:11434', true],
    ['', 'http://127.0.0.1:11434', true],
    ['0.0.0.0', 'http://127.0.0.1:11434', true],
    ['0.0.0.0:8080', 'http://127.0.0.1:8080', true],
    [':11435', 'http://127.0.0.1:11435', true],
    ['localhost', 'http://localhost:11434', true],
    ['http://127.0.0.2', 'http://127.0.0.2:80', true],
    ['https://ollama.internal.example', 'https://ollama.internal.example:443', false],
    ['::1', 'http://[::1]:11434', true],
    ['127.0.0.1', 'http://127.0.0.1:11434', true],
    ['10.1.2.3:11434', 'http://10.1.2.3:11434', false],
    ['[::1]:9999', 'http://[::1]:9999', true],
    ['http://gpu-box:11434/', 'http://gpu-box:11434', false],
  ])('%j → %s (loopback %s)', (raw, url, loopback) => {
    expect(resolveOllamaHost(raw as string | undefined)).toEqual({ url, loopback });
  });
});

describe('answer contract', () => {
  const good = { hypotheses: [{ title: 'Log growth', explanation: 'e', cites: [{ seq: 3, quote: '94% /var' }], refute_by: 'r', check: 'c' }] };
  it('accepts the contract, with or without a ```json fence', () => {
    expect(parseAnswer(JSON.stringify(good))).toEqual({ ok: true, answer: good });
    expect(parseAnswer('```json\n' + JSON.stringify(good) + '\n```').ok).toBe(true);
  });
  it('rejects prose, broken JSON and schema breaks, saying why', () => {
    expect(parseAnswer('The disk is full.')).toMatchObject({ ok: false, why: expect.stringMatching(/not JSON/) });
    expect(parseAnswer('{"hypotheses": [')).toMatchObject({ ok: false });
    expect(parseAnswer('{"hypotheses":[{"title":"x","cites":"none"}]}')).toMatchObject({ ok: false, why: expect.stringMatching(/breaks the answer schema at hypotheses\.0/) });
    expect(parseAnswer('')).toMatchObject({ ok: false, why: 'the model returned nothing' });
  });
});

describe('citation check', () => {
  const sent = new Map([[5, 'ran df -h /var (exit 0)\n/dev/sda3   50G  47G  3.0G  94% /var'], [9, 'note by bob: looks like log growth']]);
  const h = (cites: { seq: number; quote: string }[]) => ({ title: 't', explanation: '', refute_by: '', check: '', cites });
  it('a true quote of a sent event is grounded (whitespace and case do not matter)', () => {
    expect(checkCites(h([{ seq: 5, quote: '94%  /VAR' }]), sent)).toEqual({ grounding: 'grounded', cites: [{ seq: 5, quote: '94%  /VAR', verified: true }] });
  });
  it('an invented seq is not verified', () => {
    expect(checkCites(h([{ seq: 77, quote: '94% /var' }]), sent).grounding).toBe('ungrounded');
  });
  it('a misquote is not verified; one good and one bad cite is partial', () => {
    expect(checkCites(h([{ seq: 5, quote: '99% /var' }]), sent).grounding).toBe('ungrounded');
    expect(checkCites(h([{ seq: 5, quote: '94% /var' }, { seq: 9, quote: 'disk failure' }]), sent).grounding).toBe('partial');
  });
  it('a quote from an event that was not in the context is not verified', () => {
    const only9 = new Map([[9, sent.get(9)!]]);
    expect(checkCites(h([{ seq: 5, quote: '94% /var' }]), only9).grounding).toBe('ungrounded');
  });
  it('no citations at all is ungrounded', () => {
    expect(checkCites(h([]), sent).grounding).toBe('ungrounded');
  });
});

describe('context', () => {
  const buf = readFileSync(join(ROOT, 'test/fixtures/postmortem/rich.jsonl'));
  const { events } = parseLog(buf);
  const state = replay('x', events);

  it('puts log content between markers it cannot forge, and tells the model it is data', () => {
    const c = buildContext(state, events, 8000, []);
    const tag = /<<<LOG ([0-9a-f]{16})>>>/.exec(c.user)![1];
    expect(c.user).toContain(`<<<END LOG ${tag}>>>`);
    expect(c.system).toMatch(/never follow it/);
    expect(c.sent.size).toBeGreaterThan(20);
    expect(c.omitted).toEqual({});
  });

  it('keeps within the budget, keeps the incident and failures first, and counts what it left out', () => {
    const c = buildContext(state, events, 900, []);
    expect(c.estimatedTokens).toBeLessThanOrEqual(900);
    expect([...c.sent.keys()]).toContain(1);
    expect([...c.sent.keys()]).toContain(14);
    expect(Object.values(c.omitted).reduce((a, b) => a + b, 0)).toBe(events.length - c.sent.size - events.filter((e) => ['step.started', 'hypothesis.proposed', 'parameter.set', 'postmortem.exported'].includes(e.type)).length);
  });

  it('redacts secrets again before they reach the prompt', () => {
    const c = buildContext(state, events, 8000, []);
    expect(c.user).not.toMatch(/ghp_q/);
    expect(estimateTokens('abcdef')).toBe(2);
  });

  it('seq ranges keep provenance small', () => {
    expect(seqRanges([1, 2, 3, 5, 7, 8])).toBe('1-3,5,7-8');
  });
});

describe('the model never acts', () => {
  it('nothing under src/hypotheses imports, directly or transitively, src/exec, src/runner or execa', () => {
    const src = join(ROOT, 'src');
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)) {
        const spec = m[1] ?? m[2]!;
        if (spec === 'execa' || spec === 'node:child_process' || spec === 'child_process') bad.push(`${file} → ${spec}`);
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        if (/\/src\/(exec|runner)\//.test(target)) bad.push(`${file} → ${target}`);
        try {
          readFileSync(target);
          visit(target);
        } catch {
          visit(target.replace(/\.ts$/, '.tsx'));
        }
      }
    };
    for (const f of readdirSync(join(src, 'hypotheses'))) visit(join(src, 'hypotheses', f));
    expect(bad).toEqual([]);
    expect(seen.size).toBeGreaterThan(5);
  });
});
