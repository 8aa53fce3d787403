/**
 * One CLI contract: every command's --json output, and every error under --json, validates
 * against the JSON Schema printed in docs/JSON.md. The schemas are read from the document
 * itself, so the page and the program cannot drift apart.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alertmanager } from '../helpers/alertmanager.js';
import { oncall, ROOT, tempDir, type CliResult } from '../helpers/cli.js';
import { OllamaStandin } from '../helpers/ollama-standin.js';

const DOC = readFileSync(join(ROOT, 'docs', 'JSON.md'), 'utf8');
const SCHEMAS = new Map([...DOC.matchAll(/```json schema=([a-z-]+)\n([\s\S]*?)\n```/g)].map((m) => [m[1]!, JSON.parse(m[2]!) as object]));
const ajv = new Ajv2020({ allErrors: true, strict: false });

/** Every shape the document defines must be exercised below; this records which were. */
const seen = new Set<string>();

function valid(shape: string, text: string): Record<string, unknown> {
  const schema = SCHEMAS.get(shape);
  expect(schema, `docs/JSON.md has no schema "${shape}"`).toBeDefined();
  const value = JSON.parse(text) as Record<string, unknown>;
  const check = ajv.compile(schema!);
  expect(check(value) ? [] : check.errors, `${shape}: ${text.slice(0, 400)}`).toEqual([]);
  seen.add(shape);
  return value;
}

/** A failing command under --json: nothing but one error object on stderr, and the exit code in it. */
function validError(r: CliResult, code: number): Record<string, unknown> {
  expect(r.exitCode).toBe(code);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  const e = valid('error', r.stderr) as { error: { code: number } };
  expect(e.error.code).toBe(code);
  return e;
}

const t = tempDir('oncall-json-');
const env = { ONCALL_HOME: join(t.dir, 'home') };
let am: Alertmanager;
let ollama: OllamaStandin;

beforeAll(async () => {
  am = await new Alertmanager(join(t.dir, 'am')).start();
  ollama = await new OllamaStandin({ answer: { hypotheses: [{ title: 'Load is high', explanation: 'the load average is high', cites: [{ seq: 1, quote: 'nothing' }], refute_by: 'check uptime', check: 'uptime' }] } }).start();
}, 60_000);
afterAll(async () => {
  await am?.stop();
  await ollama?.stop();
  t.cleanup();
});

describe('--json output validates against docs/JSON.md', () => {
  it('the incident commands: open, note, status, step, judge, log verify, incidents, hypothesize, export-postmortem', async () => {
    const open = valid('open', (await oncall(['open', '--runbook', 'demo', '--json'], env)).stdout) as { id: string };
    const id = open.id;
    valid('note', (await oncall(['note', '--json', 'load looks high'], env)).stdout);
    const hyp = await oncall(['hypothesize', '--json'], { ...env, OLLAMA_HOST: ollama.url });
    expect(hyp.exitCode).toBe(0);
    const h = valid('hypothesize', hyp.stdout) as { hypotheses: { seq: number }[] };
    valid('judge', (await oncall(['judge', String(h.hypotheses[0]!.seq), 'dismissed', '--reason', 'not seen', '--json'], env)).stdout);
    const plan = await oncall(['step', 'run', 'load', '--json'], env);
    expect((valid('step-plan', plan.stdout) as { argv: string[] }).argv).toEqual(['uptime']);
    validError(plan, 2);
    const ran = await oncall(['step', 'run', 'load', '--yes', '--json'], env);
    valid('step-run', ran.stdout);
    expect(ran.stderr).toBe('');
    valid('step-mark', (await oncall(['step', 'skip', 'memory', '--reason', 'not needed', '--json'], env)).stdout);
    valid('step-mark', (await oncall(['step', 'done', 'look-around', '--json'], env)).stdout);
    expect((valid('status', (await oncall(['status', 'mitigated', '--json'], env)).stdout) as { changed: boolean }).changed).toBe(true);
    expect((valid('status', (await oncall(['status', 'mitigated', '--json'], env)).stdout) as { changed: boolean }).changed).toBe(false);
    valid('log-verify', (await oncall(['log', 'verify', '--json'], env)).stdout);
    const list = valid('incidents', (await oncall(['incidents', '--json'], env)).stdout) as { incidents: { id: string }[] };
    expect(list.incidents.map((i) => i.id)).toEqual([id]);
    // --json and --format json are the same document.
    const a = await oncall(['export-postmortem', '--json'], env);
    const b = await oncall(['export-postmortem', '--format', 'json'], env);
    valid('postmortem', a.stdout);
    expect(a.stdout).toBe(b.stdout);
    // log --json: the stored records, one per line.
    const lines = (await oncall(['log', '--json'], env)).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; hash: string });
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
  });

  it('silence: the proposal (exit 2), the silence created, and the expiry', async () => {
    await am.post([{ labels: { alertname: 'JsonContract', instance: 'db-1:9100', severity: 'warning' } }]);
    const opened = await oncall(['open', '--from-alertmanager', am.url, '--alertname', 'JsonContract', '--json'], env);
    const id = (valid('open', opened.stdout) as { id: string }).id;
    const proposal = await oncall(['silence', '--incident', id, '--for', '1h', '--json'], env);
    expect((valid('silence', proposal.stdout) as { created: boolean }).created).toBe(false);
    validError(proposal, 2);
    const made = await oncall(['silence', '--incident', id, '--for', '1h', '--yes', '--json'], env);
    expect(made.exitCode).toBe(0);
    expect((valid('silence', made.stdout) as { created: boolean }).created).toBe(true);
    const expired = await oncall(['silence', '--incident', id, '--expire', '--yes', '--json'], env);
    expect((valid('silence', expired.stdout) as { expired: unknown[] }).expired).toHaveLength(1);
  }, 60_000);

  it('the runbook commands: list, validate, show, import', async () => {
    valid('runbooks-list', (await oncall(['runbooks', 'list', '--json'], env)).stdout);
    valid('runbooks-validate', (await oncall(['runbooks', 'validate', '--json'], env)).stdout);
    valid('runbooks-show', (await oncall(['runbooks', 'show', 'demo', '--json'], env)).stdout);
    const md = join(t.dir, 'disk-full.md');
    writeFileSync(md, '# Disk full\n\nCheck it:\n\n```\ndf -h /var\n```\n');
    const dry = valid('runbooks-import', (await oncall(['runbooks', 'import', md, '--dry-run', '--json'], env)).stdout) as { runbooks: { yaml: string; written: null }[] };
    expect(dry.runbooks[0]!.yaml).toContain('df -h /var');
    const out = join(t.dir, 'imported');
    const wrote = valid('runbooks-import', (await oncall(['runbooks', 'import', md, '--out', out, '--json'], env)).stdout) as { runbooks: { written: string }[] };
    expect(readFileSync(join(t.dir, wrote.runbooks[0]!.written.replace(/^.*imported\//, 'imported/')), 'utf8')).toContain('df -h /var');
    // A second import refuses to overwrite: the report says why, the error object says 8.
    const again = await oncall(['runbooks', 'import', md, '--out', out, '--json'], env);
    expect((valid('runbooks-import', again.stdout) as { runbooks: { error: string }[] }).runbooks[0]!.error).toMatch(/exists; not overwritten/);
    validError(again, 8);
  });

  it('sharing: share init, sync, share status, role, handoff, and a shared incident\'s verify, note and judge', async () => {
    const url = join(t.dir, 'remote.git');
    await execa('git', ['init', '-q', '--bare', '--initial-branch=main', url]);
    const a = { ONCALL_HOME: join(t.dir, 'share-a'), ONCALL_OPERATOR: 'alice' };
    const b = { ONCALL_HOME: join(t.dir, 'share-b'), ONCALL_OPERATOR: 'bob' };
    valid('share-status', (await oncall(['share', 'status', '--json'], a)).stdout);
    const id = (valid('open', (await oncall(['open', '--title', 'shared', '--json'], a)).stdout) as { id: string }).id;
    valid('share-init', (await oncall(['share', 'init', url, '--json'], a)).stdout);
    valid('share-init', (await oncall(['share', 'init', url, '--json'], b)).stdout);
    const note = valid('note', (await oncall(['note', '--incident', id, '--kind', 'hypothesis', '--json', 'replication lag'], b)).stdout);
    expect(note.replica).toMatch(/^[a-z2-9]{6}$/);
    valid('role', (await oncall(['role', 'commander', '--incident', id, '--json'], b)).stdout);
    valid('handoff', (await oncall(['handoff', '--incident', id, '--to', 'carol', '--json', 'watching the lag'], b)).stdout);
    valid('sync', (await oncall(['sync', '--json'], b)).stdout);
    valid('sync', (await oncall(['sync', '--json'], a)).stdout);
    const judged = valid('judge', (await oncall(['judge', `${String(note.replica)}:${String(note.seq)}`, 'refuted', '--reason', 'lag was flat', '--incident', id, '--json'], a)).stdout);
    expect(judged.target_replica).toBe(note.replica);
    const v = valid('log-verify', (await oncall(['log', 'verify', '--incident', id, '--json'], a)).stdout) as { replicas: unknown[] };
    expect(v.replicas).toHaveLength(2);
    valid('share-status', (await oncall(['share', 'status', '--json'], a)).stdout);
  }, 120_000);

  it('drills: drill, drill list, drill end, incidents --drills', async () => {
    const e = { ONCALL_HOME: join(t.dir, 'drills') };
    valid('drill-list', (await oncall(['drill', 'list', '--json'], e)).stdout);
    const d = valid('drill', (await oncall(['drill', '--scenario', 'pg-wal-write-surge', '--fast', '0', '--json'], e)).stdout) as { id: string };
    await oncall(['step', 'run', 'slots', '--yes', '--incident', d.id], e);
    const list = valid('incidents', (await oncall(['incidents', '--drills', '--json'], e)).stdout) as { incidents: { drill?: boolean }[] };
    expect(list.incidents[0]?.drill).toBe(true);
    valid('drill-end', (await oncall(['drill', 'end', '--incident', d.id, '--json'], e)).stdout);
  }, 60_000);

  it('doctor, with Ollama missing: optional, exit 0', async () => {
    const r = await oncall(['doctor', '--json'], { ...env, OLLAMA_HOST: 'http://127.0.0.1:9' });
    expect(r.exitCode).toBe(0);
    const d = valid('doctor', r.stdout) as { ok: boolean; checks: { name: string; ok: boolean; optional?: boolean }[] };
    expect(d.ok).toBe(true);
    expect(d.checks.find((c) => c.name === 'ollama')).toMatchObject({ ok: false, optional: true });
  });
});

describe('errors under --json are one object on stderr', () => {
  it('usage, not found, invalid input, a bad config, a failed step, a failed verification', async () => {
    validError(await oncall(['note', '--json', '--kind', 'nope', 'x'], env), 2);
    validError(await oncall(['log', 'verify', '--incident', 'zzzz', '--json'], env), 4);
    const missing = await oncall(['runbooks', 'validate', 'missing.yaml', '--json'], env);
    valid('runbooks-validate', missing.stdout);
    validError(missing, 4);
    const bad = join(t.dir, 'bad.yaml');
    writeFileSync(bad, 'id: Bad Id\n');
    const invalid = validError(await oncall(['runbooks', 'show', bad, '--json'], env), 3) as { error: { problems: unknown[] } };
    expect(invalid.error.problems.length).toBeGreaterThan(0);
    const cfgHome = join(t.dir, 'cfg');
    mkdirSync(join(cfgHome, 'oncall'), { recursive: true });
    writeFileSync(join(cfgHome, 'oncall', 'config.yaml'), 'operater: bob\n');
    const cfg = validError(await oncall(['incidents', '--json'], { ...env, XDG_CONFIG_HOME: cfgHome }), 3) as { error: { hint: string } };
    expect(cfg.error.hint).toBe('"operater": did you mean "operator"?');
    // A step over many targets: its plan, its result with counts, and step status.
    const fan = join(t.dir, 'fan.yaml');
    writeFileSync(fan, 'id: fan\ntitle: Fan\nsummary: Over targets.\nseverity: info\nparameters:\n  - name: hosts\n    pattern: "^[a-z0-9,]+$"\n    default: h1,h2,h3\nsteps:\n  - id: each\n    title: Each\n    kind: check\n    command: [test, "{{target}}", "!=", h2]\n    targets:\n      from_param: hosts\n      pattern: "^h[0-9]+$"\n      canary: 1\n');
    await oncall(['open', '--runbook', fan, '--json'], env);
    const fanPlan = await oncall(['step', 'run', 'each', '--json'], env);
    expect((valid('step-plan', fanPlan.stdout) as { fanout: { targets: number } }).fanout.targets).toBe(3);
    validError(fanPlan, 2);
    const fanRun = await oncall(['step', 'run', 'each', '--yes', '--json'], env);
    expect((valid('step-run', fanRun.stdout) as { targets: { not_run: string[] } }).targets.not_run).toEqual(['h2', 'h3']);
    validError(fanRun, 9);
    const fanAgain = await oncall(['step', 'run', 'each', '--targets', 'h2,h3', '--yes', '--json'], env);
    expect((valid('step-run', fanAgain.stdout) as { targets: { failed: string[] } }).targets.failed).toEqual(['h2']);
    expect((valid('step-status', (await oncall(['step', 'status', 'each', '--json'], env)).stdout) as { status: string }).status).toBe('partial');
    // A step without targets: targets is null. (The oldest incident here follows the demo runbook.)
    const oldest = (JSON.parse((await oncall(['incidents', '--json'], env)).stdout) as { incidents: { id: string }[] }).incidents.at(-1)!.id;
    expect((valid('step-status', (await oncall(['step', 'status', 'load', '--json', '--incident', oldest], env)).stdout) as { targets: null }).targets).toBeNull();
    // A failing step prints its result on stdout and the error object on stderr.
    const rb = join(t.dir, 'fails.yaml');
    writeFileSync(rb, 'id: fails\ntitle: Fails\nsummary: A step that fails.\nseverity: info\nsteps:\n  - id: nope\n    title: Nope\n    kind: check\n    command: [sh, -c, "exit 3"]\n');
    await oncall(['open', '--runbook', rb, '--json'], env);
    const failed = await oncall(['step', 'run', 'nope', '--yes', '--json'], env);
    expect((valid('step-run', failed.stdout) as { ok: boolean }).ok).toBe(false);
    validError(failed, 9);
    // A log edited after the fact: the report on stdout, exit 5 in the error object.
    const other = { ONCALL_HOME: join(t.dir, 'home2') };
    const o = JSON.parse((await oncall(['open', '--title', 'edited later', '--json'], other)).stdout) as { log: string };
    await oncall(['note', 'the original words'], other);
    writeFileSync(o.log, readFileSync(o.log, 'utf8').replace('the original words', 'some other words'));
    const broken = await oncall(['log', 'verify', '--json'], other);
    expect((valid('log-verify', broken.stdout) as { ok: boolean }).ok).toBe(false);
    validError(broken, 5);
    // --format json counts as --json for errors too.
    validError(await oncall(['export-postmortem', '--format', 'json', '--incident', 'zzzz'], env), 4);
  });

  it('every schema in docs/JSON.md was exercised', () => {
    // Runs last in this file (vitest keeps order within a file).
    expect([...SCHEMAS.keys()].filter((k) => !seen.has(k))).toEqual([]);
  });
});
