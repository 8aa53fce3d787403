// Golden postmortems from committed logs. UPDATE_GOLDEN=1 rewrites the expected files.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLog, verifyEvents } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import { renderMarkdown, md, codeSpan } from '../../src/postmortem/markdown.js';
import { buildPostmortem, impactMetrics, parseActionItem, type Postmortem } from '../../src/postmortem/model.js';
import { ROOT } from '../helpers/cli.js';
import { fromMarkdown } from 'mdast-util-from-markdown';

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

  it('action items carry type, owner and tracker, wherever they are written in the note', () => {
    expect(pm.action_items).toEqual([
      { action: 'Fail the build when DEBUG logging is on', type: 'prevent', owner: 'carol', tracker: null, seq: 32 },
      { action: 'Alert on per-service log volume', type: 'detect', owner: 'bob', tracker: null, seq: 33 },
    ]);
    expect(parseActionItem('Rotate logs hourly', 1, 'dana')).toEqual({ action: 'Rotate logs hourly', type: 'other', owner: 'dana', tracker: null, seq: 1 });
    expect(parseActionItem('[prevent] @alice JIRA-123 Add an 80% disk alert', 2, 'dana')).toEqual({ action: 'Add an 80% disk alert', type: 'prevent', owner: 'alice', tracker: 'JIRA-123', seq: 2 });
    // The form the review saw lost: "owner: dba".
    expect(parseActionItem('Tune autovacuum on ledger, owner: dba [repair] #4521', 3, 'dana')).toEqual({ action: 'Tune autovacuum on ledger', type: 'repair', owner: 'dba', tracker: '#4521', seq: 3 });
    expect(parseActionItem('Page the DB team earlier https://git.example.test/ops/issues/77 @bob', 4, 'dana')).toMatchObject({ owner: 'bob', tracker: 'https://git.example.test/ops/issues/77', action: 'Page the DB team earlier' });
    // Names that look like tickets are words; a sentence's full stop is not part of an owner; a note of only markers keeps its text.
    expect(parseActionItem('Move signing to SHA-256 @alice.', 6, 'dana')).toMatchObject({ action: 'Move signing to SHA-256', owner: 'alice', tracker: null });
    expect(parseActionItem('Email ops about the SRE-1 rollout before Friday', 7, 'dana')).toMatchObject({ action: 'Email ops about the SRE-1 rollout before Friday', tracker: null });
    expect(parseActionItem('Upgrade node @20 to 22', 8, 'dana')).toMatchObject({ owner: 'dana' });
    expect(parseActionItem('[prevent] @alice OPS-1', 9, 'dana')).toMatchObject({ action: '[prevent] @alice OPS-1', type: 'prevent', owner: 'alice', tracker: 'OPS-1' });
    // An e-mail address is not an owner, and a version is not a tracker.
    expect(parseActionItem('Mail ops@example.test about v1.2-3 rollout', 5, 'dana')).toMatchObject({ owner: 'dana', tracker: null });
  });

  it('impact figures: no value cut short, no trailing full stop, nothing from quoted commands or flags', () => {
    const e = (text: string) => [{ text, by: 'a', seq: 1, ts: '' }];
    expect(impactMetrics(e('errors=3.2%. users=1200, `kubectl get pods -l app=web` curl -d user=admin'))).toEqual([{ metric: 'errors', value: '3.2%', seq: 1, by: 'a' }, { metric: 'users', value: '1200', seq: 1, by: 'a' }]);
    expect(impactMetrics(e(`dsn=${'x'.repeat(60)} dashboard=https://grafana.example.test/d/x`))).toEqual([]);
  });

  it('a "|" in a note, or "\\|" in a command, never breaks a table', () => {
    const ev = (seq: number, type: string, data: Record<string, unknown>) => ({ seq, id: String(seq), ts: '2026-11-29T10:00:00.000Z', actor: { kind: 'human' as const, name: 'a' }, type, data, prev: '', hash: '' });
    const out = (text: string) => ({ text, bytes: text.length, truncated: false });
    const events = [
      ev(1, 'incident.opened', { title: 'T', severity: 'info', via: 'open' }),
      ev(2, 'note.added', { text: 'Fix path C:\\|tmp @x', kind: 'action' }),
      ev(3, 'command.ran', { argv: ['/bin/sh', '-c', "grep 'error\\|fatal' /var/log/app.log"], shell: true, cwd: '/', exit_code: 0, signal: null, duration_ms: 1, timed_out: false, cancelled: false, stdout: out(''), stderr: out('') }),
    ] as never[];
    const doc = renderMarkdown(buildPostmortem(replay('x', events), events, { verified: true, events: 3, head: 'h', log_sha256: 's', torn_lines: [] }, 'draft'));
    // Every table row has as many unescaped column breaks as its header.
    const cols = (row: string) => row.replace(/\\./g, '').split('|').length;
    for (const table of doc.split('\n\n').filter((b) => b.startsWith('| '))) {
      const rows = table.split('\n');
      for (const row of rows) expect(cols(row), row).toBe(cols(rows[0]!));
    }
  });

  it('impact figures become a table; several root causes are contributing factors; responders and messaging come from the log', () => {
    const ev = (seq: number, actor: string, type: string, data: Record<string, unknown>) => ({ seq, id: String(seq), ts: `2026-11-29T10:${String(seq).padStart(2, '0')}:00.000Z`, actor: { kind: 'human' as const, name: actor }, type, data, prev: '', hash: '' });
    const events = [
      ev(1, 'alice', 'incident.opened', { title: 'Checkout errors', severity: 'critical', via: 'open' }),
      ev(2, 'alice', 'note.added', { text: 'users=1200 duration=45m errors=3.2% checkout failed for EU', kind: 'impact' }),
      ev(3, 'bob', 'note.added', { text: 'Status page: investigating elevated checkout errors', kind: 'comms' }),
      ev(4, 'alice', 'note.added', { text: 'connection pool too small', kind: 'root-cause' }),
      ev(5, 'bob', 'note.added', { text: 'retry storm from the mobile app', kind: 'root-cause' }),
      ev(6, 'alice', 'status.changed', { from: 'investigating', to: 'mitigated' }),
    ] as never[];
    const doc = renderMarkdown(buildPostmortem(replay('x', events), events, { verified: true, events: 6, head: 'h', log_sha256: 's', torn_lines: [] }, 'draft'));
    expect(doc).toContain('| Metric | Value | From |\n| --- | --- | --- |\n| users | 1200 | alice, #2 |\n| duration | 45m | alice, #2 |\n| errors | 3.2% | alice, #2 |');
    expect(doc).toContain('_2 contributing factors, as the responders wrote them:_');
    expect(doc).toContain('| alice | — | changed status, wrote notes, opened the incident | 10:01:00 (#1) | 10:06:00 (#6) | 4 |');
    expect(doc).toContain('| bob | — | sent updates, wrote notes | 10:03:00 (#3) | 10:05:00 (#5) | 2 |');
    expect(doc).toContain('## Messaging\n\n- 10:03:00 Status page: investigating elevated checkout errors _(bob, #3)_');
  });

  it('no live links or images from log content, and secrets are redacted again', () => {
    expect(doc).not.toMatch(/!\[[^\]]*\]\(/);
    expect(doc).not.toMatch(/(?<!\\)\[[^\]]*\]\((?!`)/);
    expect(doc).not.toMatch(/(?<!`)https?:\/\/(?![^`]*`)/);
    // HTML from a note stays text: escaped, never an html node when rendered.
    const kinds = new Set<string>();
    const walk = (n: { type: string; children?: unknown[] }) => {
      kinds.add(n.type);
      for (const c of n.children ?? []) walk(c as { type: string; children?: unknown[] });
    };
    walk(fromMarkdown(doc) as never);
    expect([...kinds].filter((k) => ['html', 'link', 'image', 'linkReference', 'imageReference', 'definition'].includes(k))).toEqual([]);
    expect(doc).not.toMatch(/ghp_q{10}/);
    expect(doc).toContain('\\[REDACTED:github-token]');
  });

  it('md() and codeSpan() neutralise markdown', () => {
    expect(md('see [x](https://e.test) ![i](http://e.test/p.png) <img src=x>')).toBe('see \\[x]\\(`https://e.test)` !\\[i]\\(`http://e.test/p.png)` \\<img src=x>');
    expect(md('- not a list')).toBe('\\- not a list');
    expect(md('mail me@example.test')).toBe('mail `me@example.test`');
    expect(codeSpan('a`b')).toBe('``a`b``');
  });

  it('md() keeps ordinary text as written: no escape a reader does not need', () => {
    // The forms the hand escaping used to mangle (`pg\_wal`, `\(critical\)`, `&gt;1GB`, `C\#`, `fine\!`).
    for (const text of ['pg_wal filled the disk', 'paged (critical, via open)', 'took about ~4h to drain', 'keep WAL under 1GB & alert before', 'the C# service', 'all fine!', 'x_y_z and snake_case', 'a | b in prose', 'ratio 3/4 = 75%']) {
      expect(md(text), text).toBe(text);
    }
    expect(md('>1GB of WAL')).toBe('\\>1GB of WAL');
  });

  it('md(): hostile notes render as text, with no link, image, HTML, heading, list, code block or emphasis (CommonMark)', () => {
    const hostile = [
      '[click me](https://evil.test)', '![pixel](http://evil.test/p.png)', '<img src=x onerror=alert(1)>', '<script>alert(1)</script>',
      '# Fake heading', '## Action items', '- fake list item', '1. fake ordered', '> quoted', '***', '---', '```sh', '    indented code',
      '*emphasis* and __strong__', '[ref]: https://evil.test', '<https://evil.test>', 'www.evil.test/x', 'a\\', '&lt;b&gt; entity', '| a | b |', '~~gone~~', '[x][ref]', '===', 'Setext\n===',
    ];
    const allowed = new Set(['root', 'paragraph', 'text', 'inlineCode']);
    for (const text of hostile) {
      const out = md(text);
      const kinds: string[] = [];
      const walk = (n: { type: string; children?: unknown[] }) => {
        kinds.push(n.type);
        for (const c of n.children ?? []) walk(c as { type: string; children?: unknown[] });
      };
      // As a list item's text and as a line of its own, the two places the document puts notes.
      for (const doc of [`- ${out} _(alice, #3)_`, `Intro line\n${out}`]) {
        kinds.length = 0;
        walk(fromMarkdown(doc) as never);
        expect(kinds.filter((k) => !allowed.has(k) && k !== 'list' && k !== 'listItem' && k !== 'emphasis'), `${text} → ${out}`).toEqual([]);
      }
      // The only emphasis is the attribution the document itself adds.
      walk(fromMarkdown(out) as never);
      expect(kinds.filter((k) => !allowed.has(k)), `${text} → ${out}`).toEqual([]);
    }
  });

  it('the empty incident prompts for every analysis section and lists what is missing', () => {
    const e = build('empty');
    expect(e.missing).toEqual(['Summary', 'Impact', 'Root causes', 'Action items']);
    expect(renderMarkdown(e).match(/_To be written by a human:_/g)?.length).toBe(11);
  });

  it('the torn log exports, reports the torn line and still verifies', () => {
    const t = build('torn');
    expect(t.integrity).toMatchObject({ verified: true, events: 3, torn_lines: [{ line: 6 }] });
    expect(renderMarkdown(t)).toContain('Torn lines skipped: 1 (line 6,');
  });
});
