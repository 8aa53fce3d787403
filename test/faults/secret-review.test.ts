// The second review of the redactor: each leak, over-redaction and slow pattern it found, pinned.
import { describe, expect, it } from 'vitest';
import { HeadTail } from '../../src/exec/capture.js';
import { cleanOutput } from '../../src/exec/run.js';
import { redact, redactDeep, redactInPlace } from '../../src/redact/index.js';

/** Whether any 10-character piece of the secret survived. */
function leaks(text: string, secret: string): boolean {
  for (let i = 0; i + 10 <= secret.length; i++) if (text.includes(secret.slice(i, i + 10))) return true;
  return text.includes(secret);
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const KEY_BODY = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj', 'MZEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu', 'NMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ', 'qgtzJ6GR3eqoYSW9b9UMvkBpZODSctWSNGj3P7jRFDO5VoTwCQAWbFnOjDfH5Ulg', 'p2PKSQnSJP3AJLQNFNe7br1XbrhV//eO+t51mIpGSDCUv3E0DDFcWDTH9cXDTTlR', 'ZVEiR2BwpZOOkE/Z0/BVnhZYL71oZV34bKfWjQIt6V/isSMahdsAASACp4ZTGtwi', 'VuNd9tybAgMBAAECggEBAKTmjaS6tkK8BlPXClTQ2vpz/N6uxDeS35mXpqasqskV', 'laAidgg/sWqpjXDbXr93otIMLlWsM+X0CqMDgSXKejLS2jx4GDjI1ZTXg++0AMJ8', 'A1b2'];

describe('leaks the second review found', () => {
  const cases: [string, string, string][] = [
    ['SECRET_KEY is one name, not "secret" then "_KEY"', 'SECRET_KEY=9f8e7d6c5b4a3928170f', '9f8e7d6c5b4a3928170f'],
    ['django secret_key in settings', "secret_key = 'q8!zv3#mK2p@xL9w'", 'q8!zv3#mK2p@xL9w'],
    ['a key longer than 40 characters', 'PAYMENTS_SERVICE_PRODUCTION_PRIMARY_DATABASE_PASSWORD=Hx7pQ2vLm9Tz', 'Hx7pQ2vLm9Tz'],
    ['Authorization with a scheme nobody listed', 'Authorization: Key 7f3a9c2e1b8d4f6a0c5e9b2d', '7f3a9c2e1b8d4f6a0c5e9b2d'],
    ['Authorization with no scheme', 'authorization: 9c2e1b8d4f6a0c5e9b2d7f3a', '9c2e1b8d4f6a0c5e9b2d7f3a'],
    ['a PEM key base64-encoded again (tls.key in a Secret)', `tls.key: ${b64(`-----BEGIN RSA PRIVATE KEY-----\n${KEY_BODY.join('\n')}\n-----END RSA PRIVATE KEY-----\n`)}`, b64(`-----BEGIN RSA PRIVATE KEY-----\n${KEY_BODY.join('\n')}`).slice(40, 120)],
    ['a Google OAuth access token', 'gcloud auth print-access-token\nya29.a0AfB_byC7x9Qm2Lp4Zt8Vn1Rk6Hs3Jw5Ye0Ui', 'ya29.a0AfB_byC7x9Qm2Lp4Zt8Vn1Rk6Hs3Jw5Ye0Ui'],
    ['Cookie header', '> Cookie: session=8f2a7c9e1d3b5f60a4c8e2d7; theme=dark', '8f2a7c9e1d3b5f60a4c8e2d7'],
    ['Set-Cookie header', '< Set-Cookie: sid=s%3A7hQ2xLm9Pz4vK8w.abc123def456; Path=/; HttpOnly', '7hQ2xLm9Pz4vK8w'],
    ['vault kv get table', '====== Data ======\nKey         Value\n---         -----\npassword    Vq3!rT8zLp2w\nusername    app', 'Vq3!rT8zLp2w'],
    ['.pgpass line', '$ cat ~/.pgpass\ndb.internal:5432:payments:app:Pg7xQ2mLz9Rt', 'Pg7xQ2mLz9Rt'],
    ['docker login -pVALUE', 'docker login -u ci -pDckr9xPassw0rd registry.example.com', 'Dckr9xPassw0rd'],
    ['mongo -p VALUE', 'mongosh --host db -u admin -p M0ng0Pa55wd --authenticationDatabase admin', 'M0ng0Pa55wd'],
    ['--admin-password', 'helm install x --set a=b --admin-password Adm1nPassw0rd', 'Adm1nPassw0rd'],
    ['ldapsearch -w', 'ldapsearch -x -D cn=admin,dc=ex -w LdapPa55w0rd -b dc=ex', 'LdapPa55w0rd'],
    ['keytool -storepass', 'keytool -list -keystore ks.jks -storepass St0reP4ssw0rd', 'St0reP4ssw0rd'],
    ['openssl pass:', 'openssl pkcs12 -in a.p12 -passin pass:P12Passw0rdX -nodes', 'P12Passw0rdX'],
    ['smbclient -U user%password', 'smbclient //fs/share -U backup%Smb9Passw0rd -c ls', 'Smb9Passw0rd'],
  ];
  it.each(cases)('%s', (_name, text, secret) => {
    const out = redact(text);
    expect(leaks(out, secret), out).toBe(false);
  });

  it('values under secret-sounding keys in labels, annotations and JSON objects', () => {
    const alert = { labels: { alertname: 'X', db_password: 'hunter2hunter2', apiToken: 'abcd', note: 'fine' }, env: [{ name: 'DB_PASSWORD', value: 'Zz9!short' }, { name: 'LOG_LEVEL', value: 'debug' }] };
    const out = redactDeep(alert);
    expect(out.labels).toEqual({ alertname: 'X', db_password: '[REDACTED:secret-assignment]', apiToken: '[REDACTED:secret-assignment]', note: 'fine' });
    expect(out.env).toEqual([{ name: 'DB_PASSWORD', value: '[REDACTED:secret-assignment]' }, { name: 'LOG_LEVEL', value: 'debug' }]);
    const inPlace = structuredClone(alert);
    redactInPlace(inPlace);
    expect(inPlace).toEqual(out);
    // Status words and paths under such keys are not secrets.
    expect(redactDeep({ password: 'expired', token_file: '/var/run/secrets/token', auth: 'enabled' })).toEqual({ password: 'expired', token_file: '/var/run/secrets/token', auth: 'enabled' });
  });

  it('a secret around an earlier mask is masked on both sides, not dropped', () => {
    const out = redact('password=abc9x[REDACTED:value]zq7Lw');
    expect(out).not.toContain('abc9x');
    expect(out).not.toContain('zq7Lw');
    expect(out).toContain('[REDACTED:value]');
    expect(redact(out)).toBe(out);
  });

  it('a private key cut by the output cap: masked over its own lines, whatever side was dropped', () => {
    const begin = `-----BEGIN PRIVATE KEY-----\n${KEY_BODY.slice(0, 4).join('\n')}\n[… 4096 bytes not kept …]\n${KEY_BODY.slice(6).join('\n')}\n-----END PRIVATE KEY-----\ndone`;
    const out = redact(begin);
    for (const l of KEY_BODY) expect(out).not.toContain(l.slice(0, 12));
    expect(out).toMatch(/done$/);
    // No END: the base64 lines after BEGIN, not the text after them.
    const noEnd = redact(`-----BEGIN PRIVATE KEY-----\n${KEY_BODY.slice(0, 3).join('\n')}\n\nnext step: restart the api\nall pods ready`);
    for (const l of KEY_BODY.slice(0, 3)) expect(noEnd).not.toContain(l.slice(0, 12));
    expect(noEnd).toContain('next step: restart the api\nall pods ready');
    // No BEGIN: the base64 lines before END.
    const noBegin = redact(`pods ready\n${KEY_BODY.slice(2).join('\n')}\n-----END PRIVATE KEY-----`);
    for (const l of KEY_BODY.slice(2, 8)) expect(noBegin).not.toContain(l.slice(0, 12));
    expect(noBegin).toMatch(/^pods ready\n/);
    // A grep hit that names a key file is not a key.
    const grep = 'certs/a.pem:-----BEGIN RSA PRIVATE KEY-----\ncerts/b.pem:-----BEGIN RSA PRIVATE KEY-----\n2 files';
    expect(redact(grep)).toContain('2 files');
  });

  it('Kubernetes Secret data lines right after the cut are masked, with or without their data: line', () => {
    const value = b64('postgres://app:Hx7pQ2vLm9Tz@db/app');
    const lines = Array.from({ length: 4000 }, (_, i) => `  KEY_${i}: ${b64(`value-${i}-${'x'.repeat(20)}`)}`);
    const h = new HeadTail(32 * 1024, 32 * 1024);
    h.push(Buffer.from(`apiVersion: v1\ndata:\n${lines.join('\n')}\n  DATABASE_URL: ${value}\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\n`));
    expect(h.truncated).toBe(true);
    const out = cleanOutput(h.text());
    expect(out).not.toContain(value);
    expect(out).toContain('name: app');
    for (const l of lines) expect(out).not.toContain(l.split(': ')[1]!);
    // The same with the data: line itself dropped by the cut.
    const cut = `kind: Secret\n[… 9000 bytes not kept …]\n  DATABASE_URL: ${value}\n  OTHER: ${b64('another-secret-value')}\nmetadata:\n  name: app\n`;
    const o2 = redact(cut);
    expect(o2).not.toContain(value);
    expect(o2).not.toContain(b64('another-secret-value'));
    expect(o2).toContain('  name: app');
    // JSON whose closing brace was dropped.
    const json = `{"kind":"Secret","data":{"DATABASE_URL":"${value}","USER":"${b64('application-user')}"\n[… 100 bytes not kept …]\n`;
    expect(redact(json)).not.toContain(value);
  });
});

describe('over-redactions the second review found', () => {
  const same = [
    'password: expired',
    'auth=enabled',
    'token: missing',
    'secret: (not set)',
    'token_path=/var/run/secrets/kubernetes.io/serviceaccount/token',
    'password_file: /etc/app/db-password',
    'Authorization: required',
    'authorization: Unauthorized',
    '  password: failed',
    'Set-Cookie',
  ];
  it.each(same)('%s stays as it is', (l) => expect(redact(l)).toBe(l));
});

describe('patterns stay linear on hostile text', () => {
  // Each input is what the old pattern backtracked on: a long run that almost matches.
  const hostile: [string, string][] = [
    ['name/value with blanks and no value', `name: db_password${' '.repeat(20_000)},${' '.repeat(20_000)}x`],
    ['base64 lines and no END', `${'QUJDREVGR0hJSktMTU5PUA==\n'.repeat(20_000)}`],
    ['a BEGIN line and base64 lines with no END', `-----BEGIN PRIVATE KEY-----\n${'QUJDREVGR0hJSktMTU5PUA\n'.repeat(20_000)}`],
    ['eyJ-eyJ-eyJ', 'eyJ-'.repeat(50_000)],
    ['eyJeyJeyJ without a dot', 'eyJ'.repeat(100_000)],
    ['many Cookie: without =', 'Cookie: '.repeat(20_000)],
    ['many Authorization: words', 'Authorization: x '.repeat(20_000)],
  ];
  it.each(hostile)('%s', (_name, text) => {
    // The old patterns took minutes on inputs like these; a linear pass takes milliseconds, so
    // only a regression comes near this test's 20 s timeout, whatever the machine's load.
    const out = redact(text);
    expect(typeof out).toBe('string');
  }, 20_000);
});

describe('idempotence on what the review found', () => {
  const texts = [
    'password=abc9x[REDACTED:value]zq7Lw',
    'Authorization: Key [REDACTED:auth-header]',
    'kind: Secret\ndata:\n  a: [REDACTED:kubernetes-secret]\n  b: c2VjcmV0LXZhbHVl',
    '-----BEGIN PRIVATE KEY-----\n[REDACTED:private-key]\n-----END PRIVATE KEY-----',
    'Cookie: a=[REDACTED:cookie]; b=xyz12345',
    'SECRET_KEY=[REDACTED:secret-assignment]',
  ];
  it.each(texts)('%s', (t) => {
    const once = redact(t);
    expect(redact(once)).toBe(once);
  });
});

describe('a secret parameter\'s label value', () => {
  it('never reaches the log, even when the pattern rejects it', async () => {
    const { mkdirSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { oncall, tempDir } = await import('../helpers/cli.js');
    const t = tempDir();
    try {
      const rb = join(t.dir, 'rb');
      mkdirSync(rb);
      writeFileSync(join(rb, 'tok.yaml'), 'id: tok\ntitle: T\nsummary: S\nseverity: info\nparameters:\n  - {name: api_token, from_label: token, pattern: "[a-z]+", secret: true}\nsteps:\n  - {id: a, title: A, kind: check, command: [echo, "{{api_token}}"]}\n');
      const secret = 'Wq9-NOT+lowercase!7Zp';
      writeFileSync(join(t.dir, 'alert.json'), JSON.stringify({ labels: { alertname: 'X', token: secret }, annotations: { summary: `token ${secret} rejected` }, startsAt: '2026-11-29T10:00:00Z' }));
      const env = { ONCALL_HOME: join(t.dir, 'home') };
      const r = await oncall(['--runbooks', rb, 'open', '--runbook', 'tok', '--alert', join(t.dir, 'alert.json'), '--json'], env);
      expect(r.exitCode).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(secret);
      const out = JSON.parse(r.stdout) as { id: string; notes: string[] };
      expect(out.notes).toContainEqual(expect.stringMatching(/^parameter api_token not set: the value of alert label token, \(secret\), does not match/));
      const id = out.id;
      const log = readFileSync(join(env.ONCALL_HOME, 'incidents', id, 'log.jsonl'), 'utf8');
      expect(log).not.toContain(secret);
      expect(log).toContain('[REDACTED:secret parameter api_token]');
    } finally {
      t.cleanup();
    }
  });
});
