/**
 * The package as a user gets it: packed (scripts/pack.mjs, what `npm pack` publishes), then
 * installed globally into a temporary prefix with npm. Counts what the install pulled in,
 * checks npm said nothing to warn about and ran no install script, and runs the installed
 * binary from outside the clone.
 */
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';

const t = tempDir('oncall-pkg-');
afterAll(() => t.cleanup());

describe('the packed tarball', () => {
  it('installs at most 10 packages with no warning and no install script, and works from the install', async () => {
    const pack = await execa(process.execPath, [join(ROOT, 'scripts', 'pack.mjs'), t.dir], { cwd: ROOT });
    const tgz = pack.stdout.trim().split('\n').pop()!;
    expect(tgz).toMatch(/oncall-\d+\.\d+\.\d+\.tgz$/);
    // What is in it: no source maps, no sources, no tests; the docs the README links are there.
    const files = (await execa('tar', ['tzf', tgz])).stdout.split('\n');
    expect(files.filter((f) => /\.map$|\/src\/|\/test\/|\/bench\//.test(f))).toEqual([]);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(((?:docs|runbooks)\/[^)#\s]+)/g)].map((m) => `package/${m[1]}`);
    expect(linked.length).toBeGreaterThan(3);
    expect(linked.filter((l) => !files.includes(l))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/bin/oncall.js', 'package/dist/cli.js', 'package/runbooks/demo.yaml']));

    const prefix = join(t.dir, 'prefix');
    const env = { npm_config_prefix: prefix, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_loglevel: 'warn' };
    const install = await execa('npm', ['install', '-g', '--prefer-offline', '--foreground-scripts', tgz], { env, cwd: t.dir, reject: false, timeout: 240_000 });
    expect(install.exitCode, install.stderr).toBe(0);
    // npm prints warnings on stderr ("npm warn ..."); foreground scripts would print "> pkg install".
    expect(install.stderr).toBe('');
    expect(install.stdout).not.toMatch(/^> .* (pre|post)?install/m);
    const added = /added (\d+) packages?/.exec(install.stdout);
    expect(added, install.stdout).not.toBeNull();
    expect(Number(added![1])).toBeLessThanOrEqual(10);
    const modules = join(prefix, 'lib', 'node_modules');
    expect(readdirSync(modules)).toEqual(['oncall']);

    const bin = join(prefix, 'bin', 'oncall');
    const home = join(t.dir, 'home');
    const run = (args: string[]) => execa(bin, args, { cwd: t.dir, env: { ONCALL_HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: join(t.dir, 'cache'), ONCALL_OPERATOR: 'tester' }, reject: false });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await run(['--version'])).stdout.trim()).toBe(pkg.version);
    const list = await run(['runbooks', 'list']);
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/^demo\s/m);
    const opened = await run(['open', '--runbook', 'demo', '--json']);
    expect(opened.exitCode, opened.stderr).toBe(0);
    const id = (JSON.parse(opened.stdout) as { id: string }).id;
    expect((await run(['note', 'from the installed package'])).stdout).toMatch(new RegExp(`^${id} #\\d+$`, 'm'));
    const verify = await run(['log', 'verify']);
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toMatch(/^ok: \d+ events/);
    // The lock the installed copy uses: the native addon came with the install.
    expect((await run(['doctor'])).stdout).toMatch(/lock\s+native/);
  }, 300_000);
});
