// 20+ damaged logs, each with the message and exit code `oncall log verify` must give.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { oncall, ROOT, tempDir } from '../helpers/cli.js';

const t = tempDir();
afterAll(() => t.cleanup());
const good = readFileSync(join(ROOT, 'test/fixtures/postmortem/rich.jsonl'));
const lines = good.toString('utf8').split('\n').filter(Boolean);
const join2 = (ls: string[]) => `\n${ls.join('\n\n')}\n`;
const edit = (i: number, from: string, to: string) => lines.map((l, j) => (j === i ? l.replace(from, to) : l));

/** [name, bytes, exit code, pattern the output must match]. */
const CASES: [string, Buffer | string, number, RegExp][] = [
  ['intact', good, 0, /^ok: 35 events/m],
  ['empty file', '', 0, /^ok: 0 events/m],
  ['only newlines', '\n\n\n', 0, /^ok: 0 events/m],
  ['torn tail (writer killed mid-write)', `${good.toString()}\n{"seq":36,"id":"x","ts":"2026-`, 0, /torn line .*incomplete record[\s\S]*ok: 35 events/],
  ['torn line in the middle, records after it', join2([...lines.slice(0, 10), '{"seq":11,"id":"abc","ts":"20', ...lines.slice(10)]), 0, /torn line[\s\S]*ok: 35 events/],
  ['truncated at a record boundary (undetectable without the anchor)', join2(lines.slice(0, 20)), 0, /^ok: 20 events, .*head /m],
  ['truncated mid-record', good.subarray(0, Math.floor(good.length / 2)), 0, /torn line/],
  ['title edited', join2(edit(0, 'Filesystem', 'Filesystern')), 5, /FAILED at seq 1: seq 1 was edited/],
  ['note text edited', join2(edit(21, 'no writes failed', 'some writes failed')), 5, /FAILED at seq 22: seq 22 was edited/],
  ['exit code edited', join2(edit(12, '"exit_code":1', '"exit_code":0')), 5, /FAILED at seq 13: seq 13 was edited/],
  ['actor edited', join2(edit(5, '"name":"alice"', '"name":"mallory"')), 5, /FAILED at seq 6: seq 6 was edited/],
  ['timestamp edited', join2(edit(3, '"ts":"2026-11-26T02:5', '"ts":"2026-11-26T01:5')), 5, /FAILED at seq 4: seq 4 was edited/],
  ['hash replaced', join2(lines.map((l, j) => (j === 7 ? l.replace(/"hash":"[0-9a-f]{64}"/, `"hash":"${'0'.repeat(64)}"`) : l))), 5, /FAILED at seq (8|9)/],
  ['one line removed', join2(lines.filter((_, j) => j !== 17)), 5, /FAILED at seq 18: seq 18 missing \(found 19\)/],
  ['several lines removed', join2(lines.filter((_, j) => j < 5 || j > 9)), 5, /FAILED at seq 6: seq 6\.\.10 missing/],
  ['two lines swapped', join2([...lines.slice(0, 4), lines[5]!, lines[4]!, ...lines.slice(6)]), 5, /FAILED at seq 5/],
  ['a line duplicated', join2([...lines.slice(0, 8), lines[7]!, ...lines.slice(8)]), 5, /FAILED at seq 8: seq 8 appears again/],
  ['first line removed', join2(lines.slice(1)), 5, /FAILED at seq 1: seq 1 missing/],
  ['a whole foreign record inserted', join2([...lines.slice(0, 3), lines[3]!.replace('"seq":4', '"seq":4').replace(/"id":"[^"]+"/, '"id":"forged"'), ...lines.slice(4)]), 5, /FAILED at seq 4: seq 4 was edited/],
  ['binary garbage appended', Buffer.concat([good, Buffer.from([0, 255, 254, 10, 1, 2, 3, 10])]), 0, /torn line[\s\S]*ok: 35 events/],
  ['JSON that is not a record', join2([...lines, '{"hello":"world"}']), 0, /not an event record[\s\S]*ok: 35 events/],
  ['CRLF line endings (the records are unchanged: JSON allows a trailing CR)', lines.map((l) => `${l}\r`).join('\n'), 0, /^ok: 35 events/m],
  ['NUL bytes (a zero-filled tail after power loss)', Buffer.concat([good, Buffer.alloc(4096)]), 0, /torn line[\s\S]*ok: 35 events/],
];

describe('damaged logs', () => {
  it('the corpus has at least 20 damaged logs', () => {
    expect(CASES.filter(([n]) => n !== 'intact').length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES)('%s', async (name, bytes, code, pattern) => {
    const home = join(t.dir, name.replace(/\W+/g, '-'));
    const id = '20261126-0252-dmgd';
    mkdirSync(join(home, 'incidents', id), { recursive: true });
    writeFileSync(join(home, 'incidents', id, 'log.jsonl'), bytes);
    const r = await oncall(['log', 'verify', '--incident', id], { ONCALL_HOME: home });
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // The other readers keep working on the same damage: nothing crashes.
    for (const args of [['log', '--incident', id], ['export-postmortem', '--incident', id], ['incidents']]) {
      const x = await oncall(args, { ONCALL_HOME: home });
      expect(x.exitCode, `${args[0]} on ${name}`).toBe(0);
    }
  });
});
