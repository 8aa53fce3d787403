// Secrets in ≥30 forms never reach the log, the model's prompt or the export; ordinary output
// is left alone (fewer than 1% of lines altered).
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanOutput } from '../../src/exec/run.js';
import { buildContext } from '../../src/hypotheses/context.js';
import { IncidentStore, createIncidentLog } from '../../src/incident/store.js';
import { readLogFile, verifyEvents } from '../../src/incident/reader.js';
import { replay } from '../../src/incident/replay.js';
import { renderMarkdown } from '../../src/postmortem/markdown.js';
import { buildPostmortem } from '../../src/postmortem/model.js';
import { redact } from '../../src/redact/index.js';
import { tempDir } from '../helpers/cli.js';

const A = 'A'.repeat(36);
/** [form, text containing it, the secret that must disappear]. */
export const SECRETS: [string, string, string][] = [
  ['aws access key id', 'aws_access_key_id = AKIAZ7Q3XKLM4NOPQRST', 'AKIAZ7Q3XKLM4NOPQRST'],
  ['aws temporary key id', 'key ASIAZ7Q3XKLM4NOPQRSU in use', 'ASIAZ7Q3XKLM4NOPQRSU'],
  ['aws secret key', 'aws_secret_access_key=wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY1', 'wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY1'],
  ['github classic token', `token ghp_${A}`, `ghp_${A}`],
  ['github oauth token', `gho_${A}`, `gho_${A}`],
  ['github app token', `ghs_${A}`, `ghs_${A}`],
  ['github fine-grained token', `github_pat_11ABCDEFG0${'a'.repeat(72)}`, `github_pat_11ABCDEFG0${'a'.repeat(72)}`],
  ['gitlab personal token', 'glpat-xYz123AbC456dEf789gHiJ', 'glpat-xYz123AbC456dEf789gHiJ'],
  ['gitlab deploy token', 'gldt-xYz123AbC456dEf789gHiJ', 'gldt-xYz123AbC456dEf789gHiJ'],
  ['slack bot token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
  ['slack user token', 'xoxp-123456789012-123456789012-123456789012-abcdef1234567890', 'xoxp-123456789012-123456789012-123456789012-abcdef1234567890'],
  ['slack webhook', 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'],
  ['stripe live key', 'sk_live_51HxyzABCDEFGHIJKLMNOPQRST', 'sk_live_51HxyzABCDEFGHIJKLMNOPQRST'],
  ['stripe restricted key', 'rk_live_51HxyzABCDEFGHIJKLMNOPQRST', 'rk_live_51HxyzABCDEFGHIJKLMNOPQRST'],
  ['stripe test key', 'sk_test_51HxyzABCDEFGHIJKLMNOPQRST', 'sk_test_51HxyzABCDEFGHIJKLMNOPQRST'],
  ['google api key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv', 'AIzaSyA1234567890abcdefghijklmnopqrstuv'],
  ['npm token', `npm_${'b'.repeat(36)}`, `npm_${'b'.repeat(36)}`],
  ['openai key', `sk-proj-${'c'.repeat(40)}`, `sk-proj-${'c'.repeat(40)}`],
  ['jwt', 'Cookie: session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  ['rsa private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onL\n-----END RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo'],
  ['openssh private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9u\n-----END OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9u'],
  ['ec private key', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5\n-----END EC PRIVATE KEY-----', 'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5'],
  ['postgres url password', 'postgres://app:Sup3r-S3cret@db.internal:5432/app', 'Sup3r-S3cret'],
  ['url password with @', 'mysql://root:p@ssw0rd!@10.0.0.5/prod', 'p@ssw0rd!'],
  ['redis url password', 'redis://:hunter2hunter2@cache:6379/0', 'hunter2hunter2'],
  ['password=', 'password=CorrectHorseBattery9', 'CorrectHorseBattery9'],
  ['PASSWORD env', 'DB_PASSWORD="CorrectHorseBattery9"', 'CorrectHorseBattery9'],
  ['secret: yaml', 'client_secret: 8f14e45fceea167a5a36dedd4bea2543', '8f14e45fceea167a5a36dedd4bea2543'],
  ['api_key json', '{"api_key": "k-7a9b3c1d5e7f9a1b"}', 'k-7a9b3c1d5e7f9a1b'],
  ['token assignment', 'X_TOKEN=abc123def456ghi789', 'abc123def456ghi789'],
  ['bearer header', 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789', 'abcdefghijklmnopqrstuvwxyz0123456789'],
  ['basic header', 'Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==', 'dXNlcjpwYXNzd29yZDEyMw=='],
  ['curl -H bearer', 'curl -H "Authorization: Bearer tok_live_0123456789abcdefghij" https://api', 'tok_live_0123456789abcdefghij'],
  ['--password flag', 'mysqldump --password s3cretP4ssw0rd prod', 's3cretP4ssw0rd'],
  ['--token= flag', 'vault login --token=s.AbCdEfGhIjKlMnOpQrStUvWx', 's.AbCdEfGhIjKlMnOpQrStUvWx'],
  ['redis-cli -a', 'redis-cli -h cache -a R3disP4ss ping', 'R3disP4ss'],
];

describe('secrets', () => {
  it('the corpus has at least 30 forms', () => {
    expect(SECRETS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(SECRETS)('%s: redacted', (_form, text, secret) => {
    expect(redact(text)).not.toContain(secret);
    expect(redact(text)).toContain('[REDACTED:');
  });

  it('secrets split across output chunks are caught (redaction runs on the whole capture)', async () => {
    const script = SECRETS.map(([, text]) => `printf '%s' ${JSON.stringify(text.slice(0, Math.floor(text.length / 2)))}; sleep 0.01; printf '%s\\n' ${JSON.stringify(text.slice(Math.floor(text.length / 2)))}`).join('; ');
    const { runCommand } = await import('../../src/exec/run.js');
    let out = '';
    for await (const e of runCommand({ argv: ['bash', '-c', script], shell: true, cwd: '/', env: {}, timeoutMs: 20_000 })) if (e.type === 'finished') out = e.result.stdout.text;
    for (const [form, , secret] of SECRETS) expect(out, form).not.toContain(secret);
  });

  it('are absent from the log, the prompt and the export when they arrive in output and notes', () => {
    const t = tempDir();
    try {
      const path = createIncidentLog(t.dir, '20261126-0000-secr');
      const store = new IncidentStore(path);
      const actor = { kind: 'human' as const, name: 'a' };
      store.append({ type: 'incident.opened', actor, data: { title: 'secrets', severity: 'warning', via: 'test' } });
      for (const [, text] of SECRETS) {
        store.append({ type: 'note.added', actor, data: { text } });
        store.append({ type: 'command.ran', actor, data: { argv: ['sh', '-c', 'x'], shell: true, cwd: '/', exit_code: 0, signal: null, duration_ms: 1, timed_out: false, cancelled: false, stdout: { text: cleanOutput(`${text}\n`), bytes: 10, truncated: false }, stderr: { text: '', bytes: 0, truncated: false } } });
      }
      const raw = readLogFileText(path);
      const { events } = readLogFile(path);
      const state = replay('x', events);
      const built = buildContext(state, events, 100_000, []);
      if (!built.ok) throw new Error('context did not fit');
      const prompt = built.context.user;
      const v = verifyEvents(events);
      const doc = renderMarkdown(buildPostmortem(state, events, { verified: v.ok, events: v.count, head: v.head, log_sha256: 'x', torn_lines: [] }, 'draft'));
      for (const [form, , secret] of SECRETS) {
        expect(raw, `log: ${form}`).not.toContain(secret);
        expect(prompt, `prompt: ${form}`).not.toContain(secret);
        expect(doc, `export: ${form}`).not.toContain(secret);
      }
    } finally {
      t.cleanup();
    }
  });

  it('ordinary command output: fewer than 1% of lines are altered', async () => {
    const cmds = ['ps aux', 'df -h', 'mount', 'ls -la /usr/bin /usr/lib /etc', 'cat /proc/cpuinfo /proc/meminfo', 'find /usr/share/doc -maxdepth 2', 'ip addr 2>/dev/null || true', 'cat /etc/services 2>/dev/null || true'];
    let lines = 0;
    let altered = 0;
    for (const c of cmds) {
      const r = await execa('bash', ['-c', c], { reject: false, maxBuffer: 64 * 1024 * 1024 });
      for (const line of String(r.stdout).split('\n')) {
        lines++;
        if (redact(line) !== line) altered++;
      }
    }
    expect(lines).toBeGreaterThan(2000);
    console.log(`ordinary output: ${altered} of ${lines} lines altered (${((altered / lines) * 100).toFixed(3)}%)`);
    expect(altered / lines).toBeLessThan(0.01);
  });
});

function readLogFileText(path: string): string {
  return readFileSync(path, 'utf8');
}

describe('secrets on the screen', () => {
  it('a step that prints secrets shows none of them, live or recorded', async () => {
    const { render } = await import('ink-testing-library');
    const { createElement } = await import('react');
    const { App } = await import('../../src/ui/App.js');
    const { LogFollower } = await import('../../src/incident/follow.js');
    const { mkdirSync, writeFileSync: write } = await import('node:fs');
    const { loadRunbookFile } = await import('../../src/runbook/catalog.js');
    const { openIncident } = await import('../../src/incident/open.js');
    const { join } = await import('node:path');
    const t = tempDir();
    try {
      mkdirSync(join(t.dir, 'rb'));
      // The secrets come from a file the command prints (a runbook's own text is shown as written).
      write(join(t.dir, 'leak.txt'), SECRETS.map(([, text]) => text).join('\n'));
      write(join(t.dir, 'rb', 's.yaml'), `id: s\ntitle: S\nsummary: S\nseverity: info\nsteps:\n  - id: leak\n    title: Leak\n    kind: check\n    command: [cat, ${JSON.stringify(join(t.dir, 'leak.txt'))}]\n`);
      const { entry, problems } = await loadRunbookFile(join(t.dir, 'rb', 's.yaml'));
      if (!entry) throw new Error(JSON.stringify(problems));
      const actor = { kind: 'human' as const, name: 'a' };
      const o = openIncident({ home: t.dir, clock: { now: () => new Date() }, actor, via: 'test', runbook: { entry, params: {}, matchedBy: 'flag' } });
      o.store.close();
      const store = new IncidentStore(o.path);
      const ui = render(createElement(App, { store, follower: new LogFollower(o.path, o.id), actor, cwd: t.dir, defaultTimeoutMs: 10_000, color: false, pollMs: 50 }));
      const frames: string[] = [];
      const wait = async (s: string) => {
        for (let i = 0; i < 500 && !(ui.lastFrame() ?? '').includes(s); i++) await new Promise((r) => setTimeout(r, 10));
      };
      ui.stdin.write('r');
      await wait('Run this command?');
      ui.stdin.write('y');
      await wait('leak done');
      for (let i = 0; i < 10; i++) {
        frames.push(ui.lastFrame() ?? '');
        ui.stdin.write('K');
        await new Promise((r) => setTimeout(r, 20));
      }
      frames.push(...ui.frames);
      ui.unmount();
      store.close();
      const all = frames.join('\n');
      expect(all).toContain('[REDACTED:');
      for (const [form, , secret] of SECRETS) expect(all, form).not.toContain(secret.slice(0, 40));
    } finally {
      t.cleanup();
    }
  });
});
