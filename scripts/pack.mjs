// Builds the installable tarball from a clean staging folder: the bundle (no source maps), the
// launcher, the shipped runbooks and the docs, with a package.json that has only what an
// install needs (no build scripts, no devDependencies), so `npm install -g oncall-*.tgz`
// installs the native lock addon and nothing else, and runs no install script.
// Usage: node scripts/pack.mjs [DEST]  (prints the tarball's path)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const dest = resolve(process.argv[2] ?? root);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

const stage = mkdtempSync(join(tmpdir(), 'oncall-pack-'));
try {
  for (const dir of ['bin', 'runbooks', 'docs']) cpSync(join(root, dir), join(stage, dir), { recursive: true });
  for (const file of ['README.md', 'LICENSE']) cpSync(join(root, file), join(stage, file));
  cpSync(join(root, 'dist'), join(stage, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const { scripts: _s, devDependencies: _d, allowScripts: _a, files: _f, ...published } = pkg;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  const name = execFileSync(npm, ['pack', '--silent', '--pack-destination', dest], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
  process.stdout.write(`${join(dest, name)}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

