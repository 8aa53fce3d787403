// A maintained rule set, checked on 99 realistic secrets of 78 kinds and 102 ordinary lines,
// in every sink: the log, the model's prompt, the export, stdout, stderr and the screen's sources.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HeadTail } from '../../src/exec/capture.js';
import { cleanOutput } from '../../src/exec/run.js';
import { buildContext } from '../../src/hypotheses/context.js';
import { IncidentStore, createIncidentLog } from '../../src/incident/store.js';
import { readLogFile, verifyEvents } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import { renderMarkdown } from '../../src/postmortem/markdown.js';
import { buildPostmortem } from '../../src/postmortem/model.js';
import { redact } from '../../src/redact/index.js';
import { SECRETLINT_MAYBE, SECRETLINT_RULES, secretlintSpans } from '../../src/redact/secretlint.js';
import { oncall, ROOT, tempDir } from '../helpers/cli.js';

interface Secret { kind: string; context: string; secret: string }
const CORPUS = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/secrets/corpus.json'), 'utf8')) as Secret[];
const ORDINARY = readFileSync(join(ROOT, 'test/fixtures/secrets/ordinary.txt'), 'utf8').split('\n');

/** Whether any 12-character piece of the secret survived (a half-masked secret is a leak). */
function leaks(text: string, secret: string): boolean {
  if (text.includes(secret)) return true;
  for (let i = 0; i + 12 <= secret.length; i++) if (text.includes(secret.slice(i, i + 12))) return true;
  return false;
}

const t = tempDir();
afterAll(() => t.cleanup());

describe('the secret corpus', () => {
  it('holds at least 60 secrets of at least 30 kinds', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CORPUS.map((c) => c.kind)).size).toBeGreaterThanOrEqual(30);
  });

  it.each(CORPUS.map((c) => [c.kind, c] as const))('%s: masked whole', (_k, c) => {
    const out = redact(c.context);
    expect(leaks(out, c.secret), out).toBe(false);
    expect(out).toContain('[REDACTED:');
  });

  it('ordinary output comes through unchanged: SHAs, UUIDs, checksums, plain base64, kubectl, df, and words like secretName or max_tokens', () => {
    const changed = ORDINARY.filter((l) => redact(l) !== l);
    expect(changed).toEqual([]);
    expect(ORDINARY.length).toBeGreaterThan(80);
  });

  it('the over-redactions seen in review stay fixed', () => {
    for (const l of ['secretName: tls-cert', 'secretRef:', 'max_tokens=4096', 'num_tokens: 12', 'token_bucket_capacity: 100', 'Tokenizer: bpe', 'password_policy: strict', 'api_key_rotation=30d']) expect(redact(l)).toBe(l);
    // An END line alone no longer wipes the text before it.
    const text = 'deploy finished at 09:12\nall pods ready\n-----END PRIVATE KEY-----';
    expect(redact(text)).toBe(text);
  });

  it('secretlint\'s rules all run, and every finding passes the prefilter (an upgrade that adds a rule is noticed)', () => {
    expect(SECRETLINT_RULES.length).toBe(24);
    for (const c of CORPUS) for (const s of secretlintSpans(c.context)) expect(SECRETLINT_MAYBE.test(c.context.slice(Math.max(0, s.start - 40), s.end + 40)), c.kind).toBe(true);
  });
});

describe('leaks seen in a review, each closed', () => {
  const cases: [string, string, string][] = [
    ['Kubernetes Secret data under any key (YAML)', 'apiVersion: v1\nkind: Secret\ndata:\n  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2\n  DATABASE_URL: cG9zdGdyZXM6Ly9hcHA6aHVudGVyMkBkYi9hcHA=\n  .dockerconfigjson: eyJhdXRocyI6eyJyZWdpc3RyeSI6e319fQ==\nmetadata:\n  name: app', 'cG9zdGdyZXM6Ly9hcHA6aHVudGVyMkBkYi9hcHA='],
    ['Kubernetes Secret data (JSON)', '{"apiVersion":"v1","kind":"Secret","data":{"DATABASE_URL":"cG9zdGdyZXM6Ly9hcHA6aHVudGVyMkBkYi9hcHA=","user":"YXBw"}}', 'cG9zdGdyZXM6Ly9hcHA6aHVudGVyMkBkYi9hcHA='],
    ['.netrc password', 'machine api.example.net\n  login deploy\n  password Zq8vN3rT7pLm2', 'Zq8vN3rT7pLm2'],
    ['mysql -pX', '$ mysql -h db -u root -pV3ryS3cret! prod', 'V3ryS3cret!'],
    ['curl -u user:X', 'curl -s -u admin:Pa55w0rdXyz https://grafana/api/health', 'Pa55w0rdXyz'],
    ['docker login -p X', 'docker login -u ci -p Dckr9xPassw0rd registry.example.com', 'Dckr9xPassw0rd'],
    ['sshpass -p X', 'sshpass -p R00tPassw0rd ssh root@10.0.0.7 uptime', 'R00tPassw0rd'],
    ['S3 presigned signature', 'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=5f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef12&X-Amz-Expires=60', '5f0a1b2c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef12'],
    ['a value with & in it', 'DB_PASSWORD=ab3d&ef6h!ij9', 'ab3d&ef6h!ij9'],
  ];
  it.each(cases)('%s', (_name, text, secret) => expect(leaks(redact(text), secret)).toBe(false));

  it('a secret on one long line split by the 32 KiB head/tail cut leaves no half behind', () => {
    const secret = `ghp_${'Q7x'.repeat(12)}`;
    for (const offset of [32 * 1024 - 10, 32 * 1024 - 20, 32 * 1024 + 5]) {
      const h = new HeadTail(32 * 1024, 32 * 1024);
      h.push(Buffer.from(`${'a'.repeat(offset)} token=${secret} ${'b '.repeat(60_000)}`));
      const out = cleanOutput(h.text());
      expect(leaks(out, secret)).toBe(false);
      for (let i = 0; i + 8 <= secret.length; i++) expect(out.includes(secret.slice(i, i + 8)), `piece ${i} at ${offset}`).toBe(false);
    }
  });
});

describe('every sink', () => {
  it('the log, the prompt and the export hold none of the corpus', () => {
    const path = createIncidentLog(join(t.dir, 'sinks'), '20261126-0000-sink');
    const store = new IncidentStore(path);
    const actor = { kind: 'human' as const, name: 'a' };
    store.append({ type: 'incident.opened', actor, data: { title: 'secrets', severity: 'warning', via: 'test' } });
    for (const c of CORPUS) {
      store.append({ type: 'note.added', actor, data: { text: c.context } });
      store.append({ type: 'command.ran', actor, data: { argv: ['sh', '-c', 'x'], shell: true, cwd: '/', exit_code: 0, signal: null, duration_ms: 1, timed_out: false, cancelled: false, stdout: { text: cleanOutput(`${c.context}\n`), bytes: 10, truncated: false }, stderr: { text: '', bytes: 0, truncated: false } } });
    }
    store.close();
    const raw = readFileSync(path, 'utf8');
    const { events } = readLogFile(path);
    const state = replay('x', events);
    const built = buildContext(state, events, 1_000_000, []);
    if (!built.ok) throw new Error('context');
    const v = verifyEvents(events);
    const doc = renderMarkdown(buildPostmortem(state, events, { verified: v.ok, events: v.count, head: v.head, log_sha256: 'x', torn_lines: [] }, 'draft'));
    for (const c of CORPUS) {
      expect(leaks(raw, c.secret), `log: ${c.kind}`).toBe(false);
      expect(leaks(built.context.user, c.secret), `prompt: ${c.kind}`).toBe(false);
      expect(leaks(doc, c.secret), `export: ${c.kind}`).toBe(false);
    }
  });

  it('stdout and stderr of the CLI: oncall log, open --json and its notes, a refusal that echoes the input, the operator name', async () => {
    const env = { ONCALL_HOME: join(t.dir, 'cli') };
    const rb = join(t.dir, 'rb-secret');
    mkdirSync(rb, { recursive: true });
    // The step compares hashes, so the runbook (recorded as written) holds no secret itself.
    const sha = (v: string) => createHash('sha256').update(v).digest('hex');
    writeFileSync(join(rb, 'dsn.yaml'), `id: dsn\ntitle: T\nsummary: S\nseverity: info\nparameters:\n  - {name: dsn, from_label: dsn, pattern: "[a-z]+://[^ ]+"}\n  - {name: api_token, from_label: token, pattern: "[A-Za-z0-9_]+", secret: true}\nsteps:\n  - {id: same, title: Same, kind: check, shell: true, command: '[ "$(printf %s "$DSN" | sha256sum | cut -c1-64)" = "${sha('postgres://app:Sup3rS3cretPw@db/app')}" ] && [ "$(printf %s "$API_TOKEN" | sha256sum | cut -c1-64)" = "${sha('tok_9f8e7d6c5b4a39281706')}" ] && echo the-command-got-the-real-values'}\n`);
    const alert = join(t.dir, 'alert.json');
    writeFileSync(alert, JSON.stringify({ labels: { alertname: 'X', dsn: 'postgres://app:Sup3rS3cretPw@db/app', token: 'tok_9f8e7d6c5b4a39281706' }, annotations: { summary: 'token tok_9f8e7d6c5b4a39281706 rejected' }, startsAt: '2026-11-26T03:00:00Z' }));
    const opened = await oncall(['--runbooks', rb, 'open', '--runbook', 'dsn', '--alert', alert, '--json', '--operator', `alice ghp_${'A'.repeat(36)}\u001b[31m`], env);
    expect(opened.exitCode).toBe(0);
    for (const s of ['Sup3rS3cretPw', 'tok_9f8e7d6c5b4a39281706', 'ghp_AAAA']) expect(opened.stdout + opened.stderr, s).not.toContain(s);
    const id = (JSON.parse(opened.stdout) as { id: string }).id;
    const log = await oncall(['log', '--json'], env);
    for (const s of ['Sup3rS3cretPw', 'tok_9f8e7d6c5b4a39281706', 'ghp_AAAA', '\u001b']) expect(log.stdout, s).not.toContain(s);
    const exported = await oncall(['export-postmortem', '--incident', id], env);
    for (const s of ['Sup3rS3cretPw', 'tok_9f8e7d6c5b4a39281706']) expect(exported.stdout, s).not.toContain(s);
    // The log holds only masked values: a later process cannot run with them, and says so.
    const later = await oncall(['--runbooks', rb, 'step', 'run', 'same', '--yes'], env);
    expect(later.exitCode).toBe(2);
    expect(later.stderr).toMatch(/recorded only masked, as a secret/);
    // Given again, the command gets the real values (masking never changes what runs); the output shows none.
    const given = await oncall(['--runbooks', rb, 'step', 'run', 'same', '--yes', '--param', 'dsn=postgres://app:Sup3rS3cretPw@db/app', '--param', 'api_token=tok_9f8e7d6c5b4a39281706'], env);
    expect(given.stdout).toContain('the-command-got-the-real-values');
    expect(given.exitCode).toBe(0);
    expect(given.stdout + given.stderr).not.toContain('Sup3rS3cretPw');
    // A refusal that echoes what was typed goes through the redactor.
    const refused = await oncall(['note', '-----BEGIN EC PRIVATE KEY----- MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5xK -----END EC PRIVATE KEY-----'], env);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).not.toContain('MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5xK');
    expect(refused.stderr).toContain('[REDACTED:');
  });
});

describe('properties', () => {
  it('redaction is idempotent and never grows a line by more than its masks', () => {
    const pieces = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...CORPUS.map((c) => c.context).slice(0, 40), ...ORDINARY.slice(0, 40), 'password=', 'Bearer ', '://u:', ' -p', 'kind: Secret\ndata:\n  k: ', '[REDACTED:x]'));
    fc.assert(fc.property(fc.array(pieces, { maxLength: 6 }).map((a) => a.join(' ')), (s) => {
      const once = redact(s);
      expect(redact(once)).toBe(once);
      const masks = once.match(/\[REDACTED:[a-z0-9 -]+\]/g) ?? [];
      expect(once.length).toBeLessThanOrEqual(s.length + masks.reduce((n, m) => n + m.length, 0));
    }), { numRuns: 400 });
  });
});
