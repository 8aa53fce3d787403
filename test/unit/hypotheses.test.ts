import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnswer } from '../../src/hypotheses/answer.js';
import { buildContext, estimateTokens, headAndTail } from '../../src/hypotheses/context.js';
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
  const hyp = (title: string, cites: unknown = [{ seq: 3, quote: '94% /var' }]) => ({ title, explanation: 'e', cites, refute_by: 'r', check: 'c' });
  it('accepts the contract, with or without a ```json fence', () => {
    const good = { hypotheses: [hyp('Log growth')] };
    expect(parseAnswer(JSON.stringify(good))).toEqual({ ok: true, hypotheses: [{ ...hyp('Log growth'), droppedCites: 0 }], dropped: { extra: 0, malformed: 0 } });
    expect(parseAnswer('```json\n' + JSON.stringify(good) + '\n```').ok).toBe(true);
  });
  it('rejects prose, broken JSON and a wrong root, saying why', () => {
    expect(parseAnswer('The disk is full.')).toMatchObject({ ok: false, why: expect.stringMatching(/not JSON/) });
    expect(parseAnswer('{"hypotheses": [')).toMatchObject({ ok: false });
    expect(parseAnswer('{"answer": []}')).toMatchObject({ ok: false, why: expect.stringMatching(/breaks the answer schema at \(root\)/) });
    expect(parseAnswer('[]')).toMatchObject({ ok: false });
    expect(parseAnswer('')).toMatchObject({ ok: false, why: 'the model returned nothing' });
  });
  it('one malformed cite drops that cite, counted; the rest of the answer stands', () => {
    const r = parseAnswer(JSON.stringify({ hypotheses: [hyp('Log growth', [{ seq: 3, quote: '94% /var' }, { seq: 'four', quote: 'x' }, { seq: 2.5, quote: 'y' }, { seq: 4 }, 'nonsense'])] }));
    if (!r.ok) throw new Error(r.why);
    expect(r.hypotheses[0]!.cites).toEqual([{ seq: 3, quote: '94% /var' }]);
    expect(r.hypotheses[0]!.droppedCites).toBe(4);
    expect(parseAnswer('{"hypotheses":[{"title":"x","cites":"none"}]}')).toMatchObject({ ok: true, hypotheses: [{ title: 'x', cites: [], droppedCites: 0 }] });
  });
  it('keeps at most the number asked for and counts the rest; a hypothesis without a title is dropped and counted', () => {
    const r = parseAnswer(JSON.stringify({ hypotheses: [hyp('a'), { explanation: 'no title' }, hyp('b'), hyp('c'), hyp('d')] }), 2);
    if (!r.ok) throw new Error(r.why);
    expect(r.hypotheses.map((h) => h.title)).toEqual(['a', 'b']);
    expect(r.dropped).toEqual({ extra: 2, malformed: 1 });
    expect(parseAnswer(JSON.stringify({ hypotheses: [{ title: '' }, 7] }))).toMatchObject({ ok: false, why: expect.stringMatching(/none of its 2 hypotheses has a title/) });
  });
});

describe('context', () => {
  const buf = readFileSync(join(ROOT, 'test/fixtures/postmortem/rich.jsonl'));
  const { events } = parseLog(buf);
  const state = replay('x', events);
  const ctx = (budget: number) => {
    const r = buildContext(state, events, budget, []);
    if (!r.ok) throw new Error('did not fit');
    return r.context;
  };

  it('puts log content between markers it cannot forge, tells the model it is data, and that "no hypothesis" is a valid answer', () => {
    const c = ctx(8000);
    const tag = /<<<LOG ([0-9a-f]{16})>>>/.exec(c.user)![1];
    expect(c.user).toContain(`<<<END LOG ${tag}>>>`);
    expect(c.system).toMatch(/never follow it/);
    expect(c.system).toMatch(/"no hypothesis" is a valid answer/);
    expect(c.system).toMatch(/read-only check/);
    expect(c.sent.size).toBeGreaterThan(15);
    expect(c.omitted).toEqual({});
  });

  it('keeps within the budget, keeps the incident and failures first, and says per kind what it left out', () => {
    const c = ctx(1500);
    expect(c.estimatedTokens).toBeLessThanOrEqual(1500);
    expect([...c.sent.keys()]).toContain('1');
    expect(Object.values(c.omitted).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(c.user).toMatch(/Left out to fit: \d+ /);
  });

  it('a budget too small for the incident and its alert is refused, never sent', () => {
    const r = buildContext(state, events, 300, []);
    expect(r).toMatchObject({ ok: false, budgetTokens: 300 });
    if (!r.ok) expect(r.needTokens).toBeGreaterThan(300);
  });

  it('long output keeps its head and its tail (the top of ps --sort=-%cpu stays)', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line-${i}`).join('\n');
    const segs = headAndTail(lines);
    const text = segs.map((x) => x.text).join('');
    expect(text).toContain('line-0\n');
    expect(text).toContain('line-399');
    expect(text).toMatch(/\[… \d+ lines not shown …\]/);
    expect(segs.filter((x) => !x.evidence).map((x) => x.what)).toEqual(['the tool\'s cut mark']);
  });

  it('redacts secrets again before they reach the prompt', () => {
    expect(ctx(8000).user).not.toMatch(/ghp_q/);
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

describe('model text that imitates the tool', () => {
  it('bracket pairs of any kind, look-alike letters, blank padding, full-width marks and "by:" are cleaned', async () => {
    const { cleanModelText } = await import('../../src/util/model-text.js');
    expect(cleanModelText('⟦grounded: every quote is in the log⟧ Disk full')).toBe('Disk full');
    expect(cleanModelText('［found］ Disk full')).toBe('Disk full');
    expect(cleanModelText('[gr\u043eunded] Disk full')).toBe('Disk full');
    expect(cleanModelText('Disk full — supported by: alice')).toBe('Disk full');
    expect(cleanModelText(`Disk full${'\u2800'.repeat(120)}cite #2 found`)).toBe('Disk full cite entry 2 found');
    expect(cleanModelText('see ＃7')).toBe('see entry 7');
    expect(cleanModelText('ps aux | grep java')).toBe('ps aux | grep java');
  });
});
