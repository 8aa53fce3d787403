// Disk trouble on a real (small) file system: a full disk and a read-only one. Needs root to
// mount a tmpfs; without it the test says why it skips.
import { execa } from 'execa';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLogFile, verifyEvents } from '../../src/incident/reader.js';
import { oncall, tempDir } from '../helpers/cli.js';

const t = tempDir();
const mnt = join(t.dir, 'mnt');
let mounted = false;
let why = '';

beforeAll(async () => {
  mkdirSync(mnt, { recursive: true });
  if (process.getuid?.() !== 0) {
    why = 'not root: cannot mount a small tmpfs';
    return;
  }
  const r = await execa('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', mnt], { reject: false });
  mounted = r.exitCode === 0;
  if (!mounted) why = `mount failed: ${String(r.stderr).trim()}`;
});
afterAll(async () => {
  if (mounted) await execa('umount', ['-l', mnt], { reject: false });
  t.cleanup();
});

describe('disk trouble', () => {
  it('a full disk: one clear line (exit 6), nothing acknowledged that was not written, the log still verifies', async (ctx) => {
    if (!mounted) {
      console.log(`skipped: ${why}`);
      ctx.skip();
    }
    const env = { ONCALL_HOME: join(mnt, 'home'), XDG_CONFIG_HOME: t.dir, XDG_CACHE_HOME: t.dir };
    const id = (JSON.parse((await oncall(['open', '--title', 'disk full', '--json'], env)).stdout) as { id: string }).id;
    const ok: string[] = [];
    let failure = '';
    for (let i = 0; i < 200 && !failure; i++) {
      const r = await oncall(['note', '--incident', id, `n${i} ${'x'.repeat(50_000)}`], env);
      if (r.exitCode === 0) ok.push(`n${i}`);
      else {
        expect(r.exitCode).toBe(6);
        failure = r.stderr;
      }
    }
    expect(failure.trim().split('\n')).toHaveLength(1);
    expect(failure).toMatch(/^error: (writing to .*ENOSPC|short write to .*free space|fsync of .*ENOSPC)/);
    const { events } = readLogFile(join(env.ONCALL_HOME, 'incidents', id, 'log.jsonl'));
    const present = new Set(events.map((e) => (e.data as { text?: string }).text?.split(' ')[0]));
    expect(ok.filter((n) => !present.has(n))).toEqual([]);
    expect(verifyEvents(events).ok).toBe(true);
    console.log(`disk full after ${ok.length} notes: ${failure.trim()}`);

    // A postmortem written in parts to the full disk: one line, exit 6, no temp file left.
    const out = join(mnt, 'pm.md');
    const pm = await oncall(['export-postmortem', '--incident', id, '--out', out], env);
    expect(pm.exitCode).toBe(6);
    expect(pm.stderr.trim().split('\n')).toHaveLength(1);
    expect(pm.stderr).toMatch(/^error: cannot write .*pm\.md: ENOSPC/);
    expect(readdirSync(mnt).filter((f) => f.includes('pm.md'))).toEqual([]);
  });

  it('a read-only data home: one clear line (exit 6), and reading still works', async (ctx) => {
    if (!mounted) {
      console.log(`skipped: ${why}`);
      ctx.skip();
    }
    const env = { ONCALL_HOME: join(mnt, 'home'), XDG_CONFIG_HOME: t.dir, XDG_CACHE_HOME: t.dir };
    const list = (JSON.parse((await oncall(['incidents', '--json'], env)).stdout) as { incidents: { id: string }[] }).incidents;
    const id = list[0]!.id;
    await execa('mount', ['-o', 'remount,ro', mnt]);
    try {
      const r = await oncall(['note', '--incident', id, 'read-only now'], env);
      expect(r.exitCode).toBe(6);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/EROFS|read-only|cannot open/i);
      const v = await oncall(['log', 'verify', '--incident', id], env);
      expect(v.exitCode).toBe(0);
    } finally {
      await execa('mount', ['-o', 'remount,rw', mnt], { reject: false });
    }
  });
});
