// Golden postmortems from committed logs. UPDATE_GOLDEN=1 rewrites the expected files.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLog, verifyEvents } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import { renderMarkdown, md, codeSpan } from '../../src/postmortem/markdown.js';
import { buildPostmortem, parseActionItem, type Postmortem } from '../../src/postmortem/model.js';
import { ROOT } from '../helpers/cli.js';

const DIR = join(ROOT, 'test/fixtures/postmortem');

function build(name: string, status: 'draft' | 'final' = 'draft'): Postmortem {
  const buf = readFileSync(join(DIR, `${name}.jsonl`));
  const read = parseLog(buf);
  const v = verifyEvents(read.events);
  return buildPostmortem(replay(`20261126-0000-${name.slice(0, 4)}`, read.events), read.events, {
    verified: v.ok, ...(v.ok ? {} : { first_bad_seq: v.seq, reason: v.reason }), events: v.count, head: v.head,
    log_sha256: createHash('sha256').update(buf).digest('hex'), torn_lines: read.torn.map((t) => ({ line: t.line, offset: t.offset, bytes: t.bytes })),
  }, status);
}

function golden(file: string, actual: string) {
  const path = join(DIR, file);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('postmortem golden files', () => {
  for (const name of ['rich', 'empty', 'torn']) {
    it(`${name}: markdown and JSON match the golden files`, () => {
      const pm = build(name);
      golden(`${name}.expected.md`, renderMarkdown(pm));
      golden(`${name}.expected.json`, `${JSON.stringify(pm, null, 2)}\n`);
    });
  }

  it('the same log gives byte-identical output', () => {
    expect(renderMarkdown(build('rich'))).toBe(renderMarkdown(build('rich')));
    expect(JSON.stringify(build('torn'))).toBe(JSON.stringify(build('torn')));
  });
});

describe('facts from the log, analysis from people', () => {
  const pm = build('rich');
  const doc = renderMarkdown(pm);

  it('fills times, durations, steps, commands and the alert from the log', () => {
    expect(pm.facts.times).toEqual({ alert_started: '2026-11-26T02:47:11.402Z', opened: '2026-11-26T02:53:17.000Z', mitigated: '2026-11-26T03:05:37.000Z', resolved: '2026-11-26T03:14:15.000Z' });
    expect(pm.facts.durations).toMatchObject({ detect_to_open: 366, open_to_mitigate: 740, open_to_resolve: 1258 });
    expect(pm.facts.steps.filter((s) => s.status !== 'pending').map((s) => [s.id, s.status])).toEqual([['confirm-host', 'done'], ['usage', 'done'], ['top-dirs', 'skipped'], ['deleted-open', 'failed']]);
    expect(pm.facts.commands.map((c) => c.result)).toEqual(['exit 0', 'exit 0', 'exit 1']);
    expect(pm.authors).toEqual(['alice', 'bob']);
  });

  it('model text never fills an analysis section: it appears only in the hypotheses table', () => {
    const modelTexts = ['Application debug logging left on', 'A kernel bug is leaking disk blocks', 'The ledger service logs at DEBUG'];
    const analysis = doc.slice(doc.indexOf('## Summary'), doc.indexOf('## Timeline'));
    for (const t of modelTexts) expect(analysis).not.toContain(t);
    const table = doc.slice(doc.indexOf('### Hypotheses'), doc.indexOf('### Log integrity'));
    expect(table).toContain('| model qwen3:4b | Application debug logging left on after the 01:30 deploy (#15) | grounded | supported | ledger had DEBUG on since the deploy |');
    expect(JSON.stringify(pm.sections)).not.toMatch(/qwen|kernel bug|logs at DEBUG/);
  });

  it('action items carry type and owner', () => {
    expect(pm.action_items).toEqual([
      { action: 'Fail the build when DEBUG logging is on', type: 'prevent', owner: 'carol', seq: 32 },
      { action: 'Alert on per-service log volume', type: 'detect', owner: 'bob', seq: 33 },
    ]);
    expect(parseActionItem('Rotate logs hourly', 1, 'dana')).toEqual({ action: 'Rotate logs hourly', type: 'other', owner: 'dana', seq: 1 });
  });

  it('no live links or images from log content, and secrets are redacted again', () => {
    expect(doc).not.toMatch(/!\[[^\]]*\]\(/);
    expect(doc).not.toMatch(/(?<!\\)\[[^\]]*\]\((?!`)/);
    expect(doc).not.toMatch(/(?<!`)https?:\/\/(?![^`]*`)/);
    expect(doc).not.toContain('<b>');
    expect(doc).not.toMatch(/ghp_q{10}/);
    expect(doc).toContain('[REDACTED:github-token]'.replace(/[[\]]/g, (c) => `\\${c}`));
  });

  it('md() and codeSpan() neutralise markdown', () => {
    expect(md('see [x](https://e.test) ![i](http://e.test/p.png) <img src=x>')).toBe('see \\[x\\]\\(`https://e.test)` \\!\\[i\\]\\(`http://e.test/p.png)` &lt;img src=x&gt;');
    expect(md('- not a list')).toBe('\\- not a list');
    expect(md('mail me@example.test')).toBe('mail `me@example.test`');
    expect(codeSpan('a`b')).toBe('``a`b``');
  });

  it('the empty incident prompts for every analysis section and lists what is missing', () => {
    const e = build('empty');
    expect(e.missing).toEqual(['Summary', 'Impact', 'Root causes', 'Action items']);
    expect(renderMarkdown(e).match(/_To be written by a human:_/g)?.length).toBe(10);
  });

  it('the torn log exports, reports the torn line and still verifies', () => {
    const t = build('torn');
    expect(t.integrity).toMatchObject({ verified: true, events: 3, torn_lines: [{ line: 6 }] });
    expect(renderMarkdown(t)).toContain('Torn lines skipped: 1 (line 6,');
  });
});
