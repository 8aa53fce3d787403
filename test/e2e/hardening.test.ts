/* eslint-disable no-control-regex -- these tests look for control characters on purpose */
// A hostile file, label or server cannot turn oncall against its user: each reproduction from
// the security review, run on the built binary.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readLogFile } from '../../src/incident/reader.js';
import { BIN, oncall, tempDir } from '../helpers/cli.js';
import { OllamaStandin } from '../helpers/ollama-standin.js';

const t = tempDir();
afterAll(() => t.cleanup());
let n = 0;

/** A fresh data home with `count` incidents; returns the env and the ids (oldest first). */
async function home(count = 2) {
  const dir = join(t.dir, `home${n++}`);
  const env = { ONCALL_HOME: dir };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((JSON.parse((await oncall(['open', '--title', `incident ${i}`, '--json'], env)).stdout) as { id: string }).id);
  const log = (id: string) => join(dir, 'incidents', id, 'log.jsonl');
  return { dir, env, ids, log };
}

const oneLine = (stderr: string) => stderr.trim().split('\n').filter((l) => l.startsWith('error:'));

describe('the data home is not a trap', () => {
  it('a log that is a symlink (to ~/.bashrc, say) is never written through, and the other incidents still work', async () => {
    const h = await home(2);
    const bashrc = join(t.dir, `bashrc${n}`);
    writeFileSync(bashrc, 'export PS1="$ "\n');
    const victim = h.log(h.ids[0]!);
    renameSync(victim, `${victim}.moved`);
    symlinkSync(bashrc, victim);
    const r = await oncall(['note', '--incident', h.ids[0]!, 'hello'], h.env);
    expect(r.exitCode).toBe(17);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/^error: the incident log .* is a symbolic link; oncall writes and reads only the file itself \(remove the link: rm /)]);
    expect(readFileSync(bashrc, 'utf8')).toBe('export PS1="$ "\n');
    const other = await oncall(['note', '--incident', h.ids[1]!, 'still fine'], h.env);
    expect(other.exitCode).toBe(0);
    const list = await oncall(['incidents'], h.env);
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toContain('(unreadable: the incident log');
    expect(list.stdout).toContain('incident 1');
  });

  it('a FIFO or /dev/zero as a log never hangs a listing or eats memory', async () => {
    const h = await home(3);
    const fifo = h.log(h.ids[0]!);
    renameSync(fifo, `${fifo}.moved`);
    execFileSync('mkfifo', [fifo]);
    const zero = h.log(h.ids[1]!);
    renameSync(zero, `${zero}.moved`);
    symlinkSync('/dev/zero', zero);
    const list = await oncall(['incidents', '--json'], h.env);
    expect(list.exitCode).toBe(0);
    const rows = (JSON.parse(list.stdout) as { incidents: { id: string; status: string; title: string }[] }).incidents;
    expect(rows.find((r) => r.id === h.ids[2])).toMatchObject({ status: 'investigating', title: 'incident 2' });
    expect(rows.find((r) => r.id === h.ids[0])!.title).toMatch(/is a FIFO, not a regular file/);
    // The most recent open incident is found past the bad ones.
    expect((await oncall(['note', 'to the newest good one'], h.env)).exitCode).toBe(0);
    const r = await oncall(['log', '--incident', h.ids[0]!], h.env);
    expect(r.exitCode).toBe(17);
    expect((await oncall(['export-postmortem', '--incident', h.ids[1]!], h.env)).exitCode).toBe(17);
  });

  it('a data home, incidents folder or log writable by others is refused with the chmod that fixes it; doctor names it', async () => {
    const h = await home(1);
    chmodSync(h.log(h.ids[0]!), 0o666);
    const r = await oncall(['note', 'x'], h.env);
    expect(r.exitCode).toBe(17);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/^error: the incident log .* is writable by anyone \(mode 666\), who could change what oncall reads and runs \(chmod go-w .*log\.jsonl\)$/)]);
    const doc = await oncall(['doctor', '--json'], { ...h.env, OLLAMA_HOST: 'http://127.0.0.1:9' });
    const checks = (JSON.parse(doc.stdout) as { checks: { name: string; ok: boolean; detail: string; fix?: string }[] }).checks;
    expect(checks.find((c) => c.name === 'incidents')).toMatchObject({ ok: false, fix: expect.stringMatching(/^chmod go-w /) });
    chmodSync(h.log(h.ids[0]!), 0o600);
    expect((await oncall(['note', 'x'], h.env)).exitCode).toBe(0);
    // Group-writable, by a group that is not this user's own.
    chownSync(h.log(h.ids[0]!), statSync(h.log(h.ids[0]!)).uid, 4242);
    chmodSync(h.log(h.ids[0]!), 0o620);
    expect((await oncall(['note', 'x'], h.env)).stderr).toMatch(/is writable by its group \(mode 620\)/);
    chmodSync(h.log(h.ids[0]!), 0o600);
    chmodSync(h.dir, 0o777);
    const home777 = await oncall(['incidents'], h.env);
    expect(home777.exitCode).toBe(17);
    expect(home777.stderr).toMatch(/^error: the data home .* is writable by anyone \(mode 777\)/);
    chmodSync(h.dir, 0o700);
    // The incidents folder swapped for a symlink.
    renameSync(join(h.dir, 'incidents'), join(h.dir, 'elsewhere'));
    symlinkSync(join(h.dir, 'elsewhere'), join(h.dir, 'incidents'));
    const linked = await oncall(['incidents'], h.env);
    expect(linked.exitCode).toBe(17);
    expect(linked.stderr).toMatch(/^error: the incidents folder .* is a symbolic link, not a folder/);
  });

  it('a data home on /proc or /sys is refused at once, for reading and writing', async () => {
    for (const dir of ['/proc/self/oncall', '/sys/kernel/oncall']) {
      for (const args of [['incidents'], ['open', '--title', 'x']]) {
        const r = await oncall(args, { ONCALL_HOME: dir });
        expect(r.exitCode, `${dir} ${args[0]}`).toBe(17);
        expect(r.stderr).toMatch(/is on (proc|sysfs), a view of the kernel, not storage/);
      }
    }
  });
});

describe('parameters cannot steer programs through the environment', () => {
  it('an alert label that fills git_ssh_command reaches the script as a shell variable, never git\'s environment', async () => {
    const dir = join(t.dir, `steer${n++}`);
    const rb = join(dir, 'rb');
    mkdirSync(rb, { recursive: true });
    const marker = join(dir, 'pwned');
    writeFileSync(join(rb, 'fetch.yaml'), [
      'id: fetch', 'title: Fetch', 'summary: S', 'severity: warning',
      'parameters:', '  - {name: git_ssh_command, from_label: ssh, pattern: ".+"}',
      'steps:',
      '  - id: fetch',
      '    title: Fetch',
      '    kind: check',
      '    shell: true',
      '    command: |',
      '      echo "script sees: $GIT_SSH_COMMAND"',
      '      env | grep -c GIT_SSH_COMMAND || true',
      '      git ls-remote ssh://git@example.invalid/repo.git 2>&1 | head -1 || true',
      '',
    ].join('\n'));
    const alert = join(dir, 'alert.json');
    writeFileSync(alert, JSON.stringify({ labels: { alertname: 'X', ssh: `touch ${marker} #` }, startsAt: '2026-11-29T10:00:00Z' }));
    const env = { ONCALL_HOME: join(dir, 'home') };
    const opened = await oncall(['--runbooks', rb, 'open', '--runbook', 'fetch', '--alert', alert, '--json'], env);
    expect(opened.exitCode).toBe(0);
    // Without --yes: the exact command and the shell variables it gets.
    const shown = await oncall(['--runbooks', rb, 'step', 'run', 'fetch'], env);
    expect(shown.stdout).toContain(`shell variables (not exported to programs): GIT_SSH_COMMAND='touch ${marker} #'`);
    const ran = await oncall(['--runbooks', rb, 'step', 'run', 'fetch', '--yes'], env);
    expect(ran.stdout).toContain(`script sees: touch ${marker} #`);
    expect(ran.stdout).toMatch(/^0$/m);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('no runaway regular expressions', () => {
  it('a super-linear matcher, parameter pattern or known-cause signal runs in linear time', async () => {
    const dir = join(t.dir, `regex${n++}`);
    const rb = join(dir, 'rb');
    mkdirSync(rb, { recursive: true });
    writeFileSync(join(rb, 'slow.yaml'), [
      'id: slow', 'title: Slow patterns', 'summary: S', 'severity: warning',
      'match:', "  - regex: {instance: '([a-z0-9-]+\\.?)+:9100'}",
      'parameters:', "  - {name: word, from_label: instance, pattern: '(a|a)+b?'}",
      'steps:', '  - {id: one, title: One, kind: check, command: [printf, "%s!", "{{word}}"]}',
      'known_causes:', '  - id: aaa', '    title: Many a', '    signals:', "      - {step: one, output_matches: '^(a|a)+$'}",
      '',
    ].join('\n'));
    const alert = join(dir, 'alert.json');
    writeFileSync(alert, JSON.stringify({ labels: { alertname: 'X', instance: 'a'.repeat(36) }, startsAt: '2026-11-29T10:00:00Z' }));
    const env = { ONCALL_HOME: join(dir, 'home') };
    // The matcher and the signal fail on 36 a's (and a "!"): with backtracking, each took
    // minutes; on RE2, milliseconds. The helper's 30 s timeout stops a regression.
    const opened = await oncall(['--runbooks', rb, 'open', '--alert', alert, '--json'], env);
    expect(opened.exitCode).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({ runbook: null });
    const chosen = await oncall(['--runbooks', rb, 'open', '--alert', alert, '--runbook', 'slow', '--json'], env);
    expect(chosen.exitCode).toBe(0);
    const ran = await oncall(['--runbooks', rb, 'step', 'run', 'one', '--yes'], env);
    expect(ran.exitCode).toBe(0);
    expect(ran.stdout).toContain(`${'a'.repeat(36)}!`);
    const pm = await oncall(['export-postmortem'], env);
    expect(pm.exitCode).toBe(0);
    expect(pm.stdout).not.toContain('Many a');
  }, 60_000);

  it('lookbehind or a backreference is refused at validation, naming file, line and pattern', async () => {
    const r = await oncall(['runbooks', 'validate', 'test/fixtures/runbooks/bad/51-signal-lookbehind.yaml'], {});
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/51-signal-lookbehind\.yaml:15:25 .*pattern "\(\?<=load average: \)\[5-9\]" cannot be used: it uses lookahead or lookbehind/);
  });
});

describe('records mean one thing to writer and reader', () => {
  it('seq 1e400, 2.5 and 50 after 12 are damage for the writer, every view and verify alike', async () => {
    const h = await home(1);
    for (let i = 0; i < 11; i++) await oncall(['note', `note ${i}`], h.env);
    const path = h.log(h.ids[0]!);
    const last = readLogFile(path).events.at(-1)!;
    expect(last.seq).toBe(12);
    // JSON.stringify cannot write 1e400 (it is Infinity): the line is written by hand.
    appendFileSync(path, `\n${JSON.stringify({ ...last, seq: 0, prev: last.hash }).replace('"seq":0', '"seq":1e400')}\n`);
    appendFileSync(path, `\n${JSON.stringify({ ...last, seq: 2.5, prev: last.hash })}\n`);
    appendFileSync(path, `\n${JSON.stringify({ ...last, seq: 50, prev: last.hash, data: { text: 'forged fifty' } })}\n`);
    const note = await oncall(['note', 'after the damage'], h.env);
    expect(note.exitCode).toBe(0);
    expect(note.stdout).toMatch(/#13\b/);
    const read = readLogFile(path);
    expect(read.events.map((e) => e.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    const log = await oncall(['log'], h.env);
    expect(log.stdout).not.toContain('forged fifty');
    expect(log.stdout).toContain('after the damage');
    const v = await oncall(['log', 'verify'], h.env);
    expect(v.exitCode).toBe(5);
    expect(v.stdout).toMatch(/FAILED at seq 13: seq 13\.\.49 missing \(found 50\)/);
    expect(v.stdout).toMatch(/torn line \d+ .*whether it was ever acknowledged cannot be told/);
    expect(v.stdout).not.toMatch(/never acknowledged \(the next/);
  });

  it('a torn write the next record chains past is called never acknowledged', async () => {
    const h = await home(1);
    appendFileSync(h.log(h.ids[0]!), '\n{"seq":2,"id":"x","ts":"2026');
    await oncall(['note', 'after a torn write'], h.env);
    const v = await oncall(['log', 'verify'], h.env);
    expect(v.exitCode).toBe(0);
    expect(v.stdout).toMatch(/torn line \d+ .*; never acknowledged \(the next record chains past it\)/);
  });
});

describe('outputs land only where asked', () => {
  it('export --out refuses devices, /proc, symlinks and dangling symlinks; writes 0600 whatever the umask', async () => {
    const h = await home(1);
    const dir = join(t.dir, `out${n++}`);
    mkdirSync(dir);
    symlinkSync(join(dir, 'nowhere.md'), join(dir, 'dangling.md'));
    writeFileSync(join(dir, 'real.md'), 'x');
    symlinkSync(join(dir, 'real.md'), join(dir, 'link.md'));
    // Device nodes of our own (a regression must not replace the machine's /dev/null): a FIFO,
    // a character device when the tests run as root, and a symlink to /dev/null.
    execFileSync('mkfifo', [join(dir, 'fifo.md')]);
    symlinkSync('/dev/null', join(dir, 'null.md'));
    const cases: [string, string][] = [[join(dir, 'fifo.md'), 'is a FIFO, not a regular file; not replaced'], [join(dir, 'null.md'), 'is a symbolic link; not replaced'], ['/proc/self/comm', 'is on proc, a view of the kernel'], [join(dir, 'dangling.md'), 'is a dangling symbolic link; not replaced'], [join(dir, 'link.md'), 'is a symbolic link; not replaced'], [dir, 'is a folder, not a regular file']];
    if (process.getuid?.() === 0) {
      execFileSync('mknod', [join(dir, 'chardev.md'), 'c', '1', '3']);
      cases.push([join(dir, 'chardev.md'), 'is a character device, not a regular file; not replaced']);
    }
    for (const [out, why] of cases) {
      const r = await oncall(['export-postmortem', '--out', out], h.env);
      expect(r.exitCode, out).toBe(2);
      expect(oneLine(r.stderr), out).toEqual([expect.stringContaining(why)]);
      if (!out.startsWith('/proc/')) expect(lstatSync(out).isFile(), out).toBe(false);
    }
    expect(readFileSync(join(dir, 'real.md'), 'utf8')).toBe('x');
    const { execa } = await import('execa');
    const r = await execa('sh', ['-c', `umask 000; exec "${process.execPath}" "${BIN}" export-postmortem --out "${join(dir, 'pm.md')}"`], { env: { ...h.env, ONCALL_OPERATOR: 'tester' }, reject: false });
    expect(r.exitCode).toBe(0);
    expect(statSync(join(dir, 'pm.md')).mode & 0o777).toBe(0o600);
  });

  it('runbooks import: --id ../../evil and a 12 MB file are one clear line; new folders are 0700', async () => {
    const dir = join(t.dir, `imp${n++}`);
    mkdirSync(dir);
    const md = join(dir, 'rb.md');
    writeFileSync(md, '# Disk full\n\n## Check\n\n```\ndf -h\n```\n');
    const evil = await oncall(['runbooks', 'import', md, '--id', '../../evil', '--out', join(dir, 'out')], {});
    expect(evil.exitCode).toBe(2);
    expect(oneLine(evil.stderr)).toEqual(['error: --id "../../evil" is not a runbook id (lower-case letters, digits and dashes, e.g. --id disk-full)']);
    const big = join(dir, 'big.md');
    writeFileSync(big, `# Big\n\n${'lorem ipsum dolor sit amet\n'.repeat(460_000)}`);
    const huge = await oncall(['runbooks', 'import', big, '--out', join(dir, 'out')], {});
    expect(huge.exitCode).toBe(3);
    expect(oneLine(huge.stderr)).toEqual([expect.stringMatching(/^error: .*big\.md is larger than a runbook can be \(256 KiB\)/)]);
    const ok = await oncall(['runbooks', 'import', md, '--out', join(dir, 'new', 'deeper')], {});
    expect(ok.exitCode).toBe(0);
    expect(statSync(join(dir, 'new')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'new', 'deeper')).mode & 0o777).toBe(0o700);
    // A dangling symlink where the file would go: reported, not replaced.
    symlinkSync(join(dir, 'nowhere'), join(dir, 'new', 'deeper', 'other.yaml'));
    const again = await oncall(['runbooks', 'import', md, '--id', 'other', '--out', join(dir, 'new', 'deeper')], {});
    expect(again.exitCode).toBe(8);
    expect(again.stderr).toMatch(/other\.yaml exists; not overwritten/);
    expect(lstatSync(join(dir, 'new', 'deeper', 'other.yaml')).isSymbolicLink()).toBe(true);
  });
});

describe('everything from outside is cleaned before it is shown', () => {
  let standins: OllamaStandin[] = [];
  afterEach(async () => {
    await Promise.all(standins.map((s) => s.stop()));
    standins = [];
  });
  const HOSTILE = 'boom \u001b[2J\u001b]8;;http://evil\u0007click\u001b]8;;\u0007 \u009b31m C1 \u202egnp.exe\u202c done';

  it.each(['status-500', 'error-midstream'] as const)('Ollama\'s %s text loses escapes, C1 controls and bidi characters, on stderr and in --json', async (fault) => {
    const s = await new OllamaStandin({ fault, errorText: HOSTILE, answer: { hypotheses: [] } }).start();
    standins.push(s);
    const h = await home(1);
    const plain = await oncall(['hypothesize'], { ...h.env, OLLAMA_HOST: s.url });
    const json = await oncall(['hypothesize', '--json'], { ...h.env, OLLAMA_HOST: s.url });
    for (const out of [plain.stderr, json.stdout, json.stderr, readFileSync(h.log(h.ids[0]!), 'utf8')]) {
      expect(out).not.toMatch(/[\u001b\u0007\u0080-\u009f\u202a-\u202e]/);
    }
    expect(plain.stderr).toMatch(/hypotheses error: (Ollama answered 500: )?boom click C1 gnp\.exe done/);
  });

  it('an OLLAMA_HOST that is not on this machine is sent nothing without --allow-remote', async () => {
    const h = await home(1);
    // An address nothing answers on: had a request been tried, the outcome would be "unavailable".
    const remote = { ...h.env, OLLAMA_HOST: 'http://192.0.2.1:11434' };
    const r = await oncall(['hypothesize', '--json'], remote);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'refused', detail: expect.stringMatching(/^OLLAMA_HOST http:\/\/192\.0\.2\.1:11434 is not on this machine.*nothing was sent \(add --allow-remote/) });
    const allowed = await oncall(['hypothesize', '--json', '--allow-remote', '--timeout', '5'], remote);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ status: 'unavailable' });
  });

  it('an operator name with escapes is cleaned in the log, on stdout and in the export', async () => {
    const h = await home(1);
    const name = 'mallory\u001b]0;owned\u0007\u202e\u009b2J';
    expect((await oncall(['note', '--operator', name, 'hello'], h.env)).exitCode).toBe(0);
    const outs = [(await oncall(['log'], h.env)).stdout, (await oncall(['export-postmortem'], h.env)).stdout, readFileSync(h.log(h.ids[0]!), 'utf8')];
    for (const o of outs) {
      expect(o).toContain('mallory');
      expect(o).not.toMatch(/[\u001b\u0007\u0080-\u009f\u202a-\u202e]/);
    }
  });
});

describe('nothing half-done', () => {
  it('an alert too large for one record fails before any incident exists', async () => {
    const dir = join(t.dir, `half${n++}`);
    mkdirSync(dir);
    const alert = join(dir, 'alert.json');
    writeFileSync(alert, JSON.stringify({ labels: { alertname: 'Big' }, annotations: { description: 'x '.repeat(200_000) }, startsAt: '2026-11-29T10:00:00Z' }));
    const env = { ONCALL_HOME: join(dir, 'home') };
    const r = await oncall(['open', '--alert', alert], env);
    expect(r.exitCode).toBe(3);
    expect(oneLine(r.stderr)).toEqual([expect.stringMatching(/^error: the alert would take \d+ bytes in the log, over the 256 KiB a record may hold; no incident was opened/)]);
    expect(JSON.parse((await oncall(['incidents', '--json'], env)).stdout)).toEqual({ schema_version: 1, incidents: [] });
  });

  it('a NUL in argv or script, or a script too large to exec, fails validation', async () => {
    const dir = join(t.dir, `nul${n++}`);
    mkdirSync(dir);
    const head = 'id: x\ntitle: T\nsummary: S\nseverity: info\nsteps:\n';
    writeFileSync(join(dir, 'nul-argv.yaml'), `${head}  - {id: a, title: A, kind: check, command: [echo, "a\\0b"]}\n`);
    writeFileSync(join(dir, 'nul-script.yaml'), `${head}  - {id: a, title: A, kind: check, shell: true, command: "echo a\\0b"}\n`);
    writeFileSync(join(dir, 'huge-script.yaml'), `${head}  - id: a\n    title: A\n    kind: check\n    shell: true\n    command: |\n${'      echo 0123456789012345678901234567890123456789012345678901234567890123456789\n'.repeat(1900)}`);
    const r = await oncall(['runbooks', 'validate', dir], {});
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/huge-script\.yaml:\d+:\d+ steps\.0\.command: is \d+ bytes; one argument can be at most 120 KiB/);
    expect(r.stdout).toMatch(/nul-argv\.yaml:\d+:\d+ steps\.0\.command\.1: holds a NUL character/);
    expect(r.stdout).toMatch(/nul-script\.yaml:\d+:\d+ steps\.0\.command: holds a NUL character/);
  });
});
