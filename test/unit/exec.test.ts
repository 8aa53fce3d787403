// Real child processes: timeouts, process groups, output caps, secrets, hostile parameters.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCommand, type RunResult } from '../../src/exec/run.js';
import { sanitize } from '../../src/util/sanitize.js';
import { prepareStep } from '../../src/runner/prepare.js';
import { judge } from '../../src/runner/execute.js';
import { replay } from '../../src/incident/replay.js';
import type { Runbook } from '../../src/runbook/schema.js';
import type { StoredEvent } from '../../src/incident/events.js';

async function run(argv: string[], opts: { timeoutMs?: number; env?: Record<string, string>; mask?: string[]; signal?: AbortSignal } = {}): Promise<RunResult> {
  let result: RunResult | undefined;
  for await (const e of runCommand({ argv, shell: false, cwd: tmpdir(), env: opts.env ?? {}, timeoutMs: opts.timeoutMs ?? 10_000, graceMs: 1000, ...(opts.mask ? { maskValues: opts.mask } : {}) }, opts.signal)) {
    if (e.type === 'finished') result = e.result;
  }
  return result!;
}

describe('running commands', () => {
  it('records exit code, duration and output', async () => {
    const r = await run(['sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false, cancelled: false });
    expect(r.stdout.text).toBe('out\n');
    expect(r.stderr.text).toBe('err\n');
  });

  it('a timeout kills the whole process group, grandchildren included', async () => {
    const t = Date.now();
    const r = await run(['bash', '-c', 'sleep 600 & sleep 600; wait'], { timeoutMs: 1000 });
    expect(r.timedOut).toBe(true);
    expect(r.pid).toBeDefined();
    // Killed processes take a moment to be reaped: wait (up to a generous 30 s) for the group to empty.
    let left = 'unchecked';
    while (Date.now() - t < 30_000) {
      left = (await execa('pgrep', ['-g', String(r.pid)], { reject: false })).stdout.trim();
      if (!left) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(left).toBe('');
  });

  it('cancelling (the TUI\'s Ctrl-C) kills the group', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await run(['bash', '-c', 'sleep 30 & sleep 30'], { signal: ac.signal });
    expect(r.cancelled).toBe(true);
    expect(judge(undefined, r)).toEqual({ ok: false, reason: 'cancelled by the operator' });
  });

  it('1 GiB of output is capped, marked truncated, counted, and memory stays bounded', async () => {
    const before = process.memoryUsage().rss;
    const r = await run(['bash', '-c', 'yes | head -c 1073741824'], { timeoutMs: 60_000 });
    const grew = process.memoryUsage().rss - before;
    expect(r.exitCode).toBe(0);
    expect(r.stdout.bytes).toBe(1073741824);
    expect(r.stdout.truncated).toBe(true);
    expect(r.stdout.text.length).toBeLessThan(70_000);
    expect(r.stdout.text).toMatch(/\[… \d+ bytes not kept …\]/);
    expect(grew).toBeLessThan(100 * 1024 * 1024);
  }, 90_000);

  it('secrets printed by a command never reach the captured output', async () => {
    const token = 'ghp_' + 'Z'.repeat(36);
    const r = await run(['sh', '-c', `echo "token ${token}"; echo "postgres://u:pa55word@db/x"; echo "AWS AKIAIOSFODNN7EXAMPLQ"; printf -- '-----BEGIN RSA PRIVATE KEY-----\\nMIIabc\\n-----END RSA PRIVATE KEY-----\\n'; echo "$MY_SECRET_VALUE"`], { env: { MY_SECRET_VALUE: 'sup3r-s3cret-value' }, mask: ['sup3r-s3cret-value'] });
    const all = r.stdout.text;
    for (const s of [token, 'pa55word', 'AKIAIOSFODNN7EXAMPLQ', 'MIIabc', 'sup3r-s3cret-value']) expect(all).not.toContain(s);
    expect(all).toContain('[REDACTED:');
  });

  it('strips terminal escapes and invisible characters from output', () => {
    expect(sanitize('\u001b[31mred\u001b[0m \u001b]8;;http://x\u0007link\u001b]8;;\u0007 a\u200bb\u202e c\u0007')).toBe('red link ab c');
    // A progress bar redrawn with \r keeps what was drawn last.
    expect(sanitize('10%\r50%\r100%\ndone')).toBe('100%\ndone');
  });

  it('a program that does not exist is a failed step, not a crash', async () => {
    const r = await run(['no-such-program-oncall']);
    expect(r.spawnError).toBe('command not found: no-such-program-oncall (is it installed and on PATH?)');
    expect(judge(undefined, r)).toEqual({ ok: false, reason: 'command not found: no-such-program-oncall (is it installed and on PATH?)' });
  });
});

describe('parameters reach commands as data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-inject-'));
  const canary = join(dir, 'pwned');
  const rb: Runbook = {
    id: 'inject', title: 'T', summary: 'S', severity: 'info',
    parameters: [
      { name: 'anything', pattern: '[\\s\\S]*' },
      { name: 'strict', pattern: '[a-z0-9][a-z0-9-]*' },
      { name: 'loose', pattern: '[a-z-]+' },
    ],
    steps: [
      { id: 'argv', title: 'argv', kind: 'check', command: ['printf', '%s|', '{{anything}}'] },
      { id: 'shell', title: 'shell', kind: 'check', shell: true, command: 'printf "%s|" "$ANYTHING"' },
      { id: 'strict', title: 'strict', kind: 'check', command: ['echo', '{{strict}}'] },
      { id: 'loose', title: 'loose', kind: 'check', command: ['ls', '{{loose}}'] },
      // A shell step that hands its parameter to a program the way a careless runbook might not expect.
      { id: 'env', title: 'env', kind: 'check', shell: true, command: 'echo "shell=$STRICT"; env | grep -c "^STRICT=" || true; env | grep -c "^ONCALL_P_" || true; sh -c \'echo "child=$STRICT"\'' },
    ],
  };
  const hostile = [`; touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``, `' ; touch ${canary}; '`, `" ; touch ${canary}; "`, `x\ntouch ${canary}`, '-rf', '--help'];
  const state = (params: Record<string, string>) => replay('x', [{ seq: 1, id: 'e', ts: '2026-11-26T00:00:00.000Z', actor: { kind: 'system', name: 't' }, type: 'runbook.selected', data: { runbook: rb, file: 'f', sha256: 's', params, matched_by: 'flag' }, prev: '', hash: '' } as StoredEvent]);

  it.each(hostile)('argv step: %j arrives as one literal argument, or is refused when it would be an option', async (value) => {
    const p = prepareStep(state({ anything: value }), 'argv', { cwd: dir });
    if (value.startsWith('-')) {
      expect(p).toMatchObject({ ok: false, reason: 'leading-dash' });
      return;
    }
    if (!p.ok) throw new Error(p.reason);
    const r = await run(p.command.argv);
    expect(r.stdout.text).toBe(`${value}|`);
    expect(existsSync(canary)).toBe(false);
  });

  it.each(hostile)('shell step: %j arrives as one environment variable, never as shell text', async (value) => {
    const p = prepareStep(state({ anything: value }), 'shell', { cwd: dir });
    if (!p.ok) throw new Error(p.reason);
    const r = await run(p.command.argv, { env: p.command.env });
    expect(r.stdout.text).toBe(`${value}|`);
    expect(existsSync(canary)).toBe(false);
  });

  it.each(hostile)('a strict pattern refuses %j before anything runs', (value) => {
    const p = prepareStep(state({ strict: value }), 'strict', { cwd: dir });
    expect(p).toMatchObject({ ok: false, reason: 'bad-param' });
  });

  it('a value starting with "-" is refused as a whole argument even when the pattern allows it', () => {
    expect(prepareStep(state({ loose: '-rf' }), 'loose', { cwd: dir })).toMatchObject({ ok: false, reason: 'leading-dash' });
  });

  it('asks for parameters that have no value, or an empty one: a step never runs with a parameter it uses left blank', () => {
    expect(prepareStep(state({}), 'argv', { cwd: dir })).toMatchObject({ ok: false, reason: 'missing-params', missing: [{ name: 'anything' }] });
    expect(prepareStep(state({ anything: '' }), 'argv', { cwd: dir })).toMatchObject({ ok: false, reason: 'missing-params', missing: [{ name: 'anything' }] });
    expect(prepareStep(state({ anything: '' }), 'shell', { cwd: dir })).toMatchObject({ ok: false, reason: 'missing-params', missing: [{ name: 'anything' }] });
  });

  it('a shell step sees its parameter as a shell variable that no program it starts receives, even one the operator exported', async () => {
    const p = prepareStep(state({ strict: 'payments' }), 'env', { cwd: dir });
    if (!p.ok) throw new Error(p.reason);
    expect(p.command.vars).toEqual({ STRICT: 'payments' });
    // Only the parameters the script uses are passed.
    expect(Object.keys(p.command.env)).toEqual(['ONCALL_P_STRICT']);
    process.env.STRICT = 'from-the-operator';
    try {
      const r = await run(p.command.argv, { env: p.command.env });
      expect(r.stdout.text).toBe('shell=payments\n0\n0\nchild=\n');
    } finally {
      delete process.env.STRICT;
    }
  });

  it('the canary file never appeared', () => {
    expect(existsSync(canary) ? readFileSync(canary, 'utf8') : 'absent').toBe('absent');
  });
});
