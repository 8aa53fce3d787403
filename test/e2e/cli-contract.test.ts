/**
 * The command line behaves the same everywhere: help for nested commands, `note -`, one report
 * for a bad config whatever the command, exit 4 for a missing path, and completion scripts that
 * the real shells load and answer from.
 */
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { oncall, tempDir } from '../helpers/cli.js';
import { Tmux } from '../helpers/tmux.js';

const t = tempDir('oncall-contract-');
afterAll(() => t.cleanup());
const env = { ONCALL_HOME: join(t.dir, 'home') };

describe('help', () => {
  it('`oncall help step run` is the help of `step run`, not of `step`', async () => {
    const r = await oncall(['help', 'step', 'run'], env);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: oncall step run \[options\] <step>/);
    expect(r.stdout).toContain('--yes');
  });

  it('the main commands show examples', async () => {
    for (const cmd of [['start'], ['open'], ['note'], ['step', 'run'], ['hypothesize'], ['export-postmortem'], ['runbooks', 'import'], ['silence'], []]) {
      const r = await oncall([...cmd, '--help'], env);
      expect(r.stdout, cmd.join(' ')).toMatch(/\nExamples:\n {2}\$ oncall /);
    }
  });
});

describe('note -', () => {
  it('reads the note from standard input, several lines kept', async () => {
    await oncall(['open', '--title', 'stdin notes'], env);
    const r = await oncall(['note', '-', '--json'], env, { input: 'pod api-0 restarted 3 times\nOOMKilled\n' });
    expect(r.exitCode).toBe(0);
    const seq = (JSON.parse(r.stdout) as { seq: number }).seq;
    const log = (await oncall(['log', '--json'], env)).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; data: { text?: string } });
    expect(log.find((e) => e.seq === seq)!.data.text).toBe('pod api-0 restarted 3 times\nOOMKilled');
  });

  it('an empty standard input is an empty note (exit 2), nothing recorded', async () => {
    const before = (await oncall(['log', '--json'], env)).stdout;
    const r = await oncall(['note', '-'], env, { input: '\n' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error: the note is empty/);
    expect((await oncall(['log', '--json'], env)).stdout).toBe(before);
  });
});

describe('a bad config', () => {
  it('is reported the same way by every command, with "did you mean" and a hint that applies', async () => {
    const cfg = join(t.dir, 'cfg');
    mkdirSync(join(cfg, 'oncall'), { recursive: true });
    writeFileSync(join(cfg, 'oncall', 'config.yaml'), 'operater: alice\nhypotheses:\n  modle: qwen3\n');
    const lines = new Set<string>();
    for (const cmd of [['incidents'], ['note', 'x'], ['runbooks', 'list'], ['doctor'], ['start', '--demo'], ['open', '--title', 'x'], ['log'], ['export-postmortem'], ['status', 'resolved']]) {
      const r = await oncall(cmd, { ...env, XDG_CONFIG_HOME: cfg });
      expect(r.exitCode, cmd.join(' ')).toBe(3);
      lines.add(r.stderr);
    }
    expect([...lines]).toHaveLength(1);
    const [text] = [...lines];
    expect(text).toContain('unknown key "operater" ("operater": did you mean "operator"?)');
    expect(text).toContain('hypotheses: unknown key "modle" ("modle": did you mean "model"?)');
    expect(text).not.toContain('runbooks validate');
    // Every problem is on its own line, each naming the file.
    expect(text!.trim().split('\n')).toHaveLength(2);
  });

  it('a key nothing is close to lists the keys allowed there', async () => {
    const cfg = join(t.dir, 'cfg2');
    mkdirSync(join(cfg, 'oncall'), { recursive: true });
    writeFileSync(join(cfg, 'oncall', 'config.yaml'), 'hypotheses:\n  zzzzzzzz: 1\n');
    const r = await oncall(['incidents'], { ...env, XDG_CONFIG_HOME: cfg });
    expect(r.stderr).toMatch(/the keys allowed here are "allow_remote", "first_token_timeout", "model", "num_ctx", "timeout", "you_first"/);
  });
});

describe('runbooks validate', () => {
  it('a path that does not exist is exit 4 (not found); an invalid file is still 3', async () => {
    const r = await oncall(['runbooks', 'validate', 'missing.yaml'], env, { cwd: t.dir });
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toContain('missing.yaml:1:1 no such file or folder');
    writeFileSync(join(t.dir, 'bad.yaml'), 'id: x\n');
    expect((await oncall(['runbooks', 'validate', 'missing.yaml', 'bad.yaml'], env, { cwd: t.dir })).exitCode).toBe(3);
  });
});

describe('runbooks import', () => {
  it('takes several files; a folder import skips README, CHANGELOG and the like, and says so', async () => {
    const src = join(t.dir, 'wiki');
    mkdirSync(src);
    writeFileSync(join(src, 'README.md'), '# Our runbooks\n\nIndex of the pages.\n');
    writeFileSync(join(src, 'CHANGELOG.md'), '# Changelog\n\n- added disk\n');
    writeFileSync(join(src, 'DiskFull.md'), '# DiskFull\n\n## Diagnosis\n\n```sh\ndf -h /var\n```\n');
    const other = join(t.dir, 'HostDown.md');
    writeFileSync(other, '# HostDown\n\n## Check\n\n```sh\nping -c 1 "$INSTANCE"\n```\n');
    const out = join(t.dir, 'imported-many');
    const r = await oncall(['runbooks', 'import', src, other, '--out', out, '--json'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { skipped: string[]; runbooks: { id: string; matches: string }[] };
    expect(rep.skipped.map((f) => f.replace(/^.*\//, ''))).toEqual(['CHANGELOG.md', 'README.md']);
    expect(rep.runbooks.map((x) => [x.id, x.matches])).toEqual([['disk-full', 'DiskFull'], ['host-down', 'HostDown']]);
    const text = await oncall(['runbooks', 'import', src, '--dry-run'], env);
    expect(text.stderr).toMatch(/^skipped: .*README\.md \(not a runbook/m);
    // Two files that import as the same id: the second is refused, naming both, even with --force.
    const twin = join(t.dir, 'twin');
    mkdirSync(twin);
    writeFileSync(join(twin, 'DiskFull.md'), '# DiskFull\n\n## Other\n\n```sh\ndf -i /var\n```\n');
    const both = await oncall(['runbooks', 'import', src, twin, '--out', join(t.dir, 'imported-twins'), '--force'], env, { cwd: t.dir });
    expect(both.exitCode).toBe(8);
    expect(both.stderr).toMatch(/error: twin\/DiskFull\.md and wiki\/DiskFull\.md both import as runbook id disk-full; twin\/DiskFull\.md not written/);
  });
});

describe('oncall completion', () => {
  const script = async (shell: string) => {
    const r = await oncall(['completion', shell], env);
    expect(r.exitCode).toBe(0);
    const file = join(t.dir, `oncall.${shell}`);
    writeFileSync(file, r.stdout);
    return file;
  };
  const cases: [string[], string[]][] = [
    [['st'], ['start', 'status', 'step']],
    [['step', ''], ['run', 'status', 'skip', 'done']],
    [['step', 'run', '--y'], ['--yes']],
    [['note', '--kind', 'root'], ['root-cause']],
    [['status', 'mit'], ['mitigated']],
    [['export-postmortem', '--format', ''], ['md', 'json']],
    [['runbooks', 'v'], ['validate']],
  ];

  it('bash: the function answers from the command tree', async () => {
    const file = await script('bash');
    for (const [words, want] of cases) {
      const r = await execa('bash', ['-c', `source ${file}; COMP_WORDS=(oncall "$@"); COMP_CWORD=$#; _oncall; printf '%s\\n' "\${COMPREPLY[@]}"`, 'x', ...words]);
      expect(r.stdout.split('\n').filter(Boolean).sort(), words.join(' ')).toEqual([...want].sort());
    }
  });

  it('zsh: Tab in a real interactive zsh (in tmux) completes through bashcompinit', async () => {
    const file = await script('zsh');
    const tmux = new Tmux();
    try {
      await tmux.start('zsh -f', { cols: 120, env: { HOME: t.dir, PATH: process.env.PATH ?? '', PS1: '%% ' } });
      await tmux.type(`autoload -Uz compinit && compinit -u; source ${file}; echo loaded`);
      await tmux.keys('Enter');
      await tmux.waitFor(/^loaded$/m);
      await tmux.type('oncall step ru');
      await tmux.keys('Tab');
      // capture-pane drops trailing blanks: "run" whole (not "ru") is the completion.
      await tmux.waitFor(/^% oncall step run *$/m);
      await tmux.type('--ye');
      await tmux.keys('Tab');
      await tmux.waitFor(/^% oncall step run --yes *$/m);
      await tmux.keys('C-u');
      await tmux.type('oncall note --kind root');
      await tmux.keys('Tab');
      await tmux.waitFor(/^% oncall note --kind root-cause *$/m);
    } finally {
      await tmux.kill();
    }
  });

  it('fish: complete -C gives the same answers', async () => {
    const file = await script('fish');
    for (const [words, want] of cases) {
      const line = `oncall ${words.join(' ')}`;
      const r = await execa('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { env: { HOME: t.dir, PATH: process.env.PATH ?? '' } });
      expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]).sort(), line).toEqual([...want].sort());
    }
  });
});
