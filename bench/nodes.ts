/**
 * Start-up per Node version: `--help` and the screen's first paint on the system Node and on
 * the LTS lines 22 and 24 (fetched as the node-linux-* packages from the npm registry into
 * node_modules/.cache), each with the compile cache on and off, as ratios to a bare node of the
 * same version. Node 20 has no compile cache: one set of rows, and whether a V8 code cache
 * (through vm.SourceTextModule) would help there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { median, row, timeCommand } from './lib.js';
import { timeToOutput } from './tui.js';

type Say = (s: string) => void;

function fetchNode(root: string, major: number): string | undefined {
  const arch = process.arch === 'arm64' ? 'arm64' : process.arch === 'x64' ? 'x64' : undefined;
  if (process.platform !== 'linux' || !arch) return undefined;
  const dir = join(root, 'node_modules', '.cache', `oncall-bench-node${major}-${arch}`);
  const node = join(dir, 'package', 'bin', 'node');
  if (!existsSync(node)) {
    mkdirSync(dir, { recursive: true });
    const tgz = execFileSync('npm', ['pack', `node-linux-${arch}@${major}`, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('tar', ['xzf', tgz], { cwd: dir });
    rmSync(join(dir, tgz));
  }
  return node;
}

export async function nodesBench(say: Say, root: string, work: string, env: NodeJS.ProcessEnv, incidentId: string): Promise<void> {
  const bin = join(root, 'bin/oncall.js');
  const nodes: string[] = [process.execPath];
  for (const major of [22, 24]) {
    try {
      const n = fetchNode(root, major);
      if (n) nodes.push(n);
    } catch (err) {
      say(`(Node ${major} not fetched: ${(err as Error).message.split('\n')[0]})`);
    }
  }
  for (const node of nodes) {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const cacheDir = join(work, `cc-${version}`);
    // Node 20 has no module compile cache: one set of rows, and the V8 code cache question below.
    const hasCompileCache = !version.startsWith('v20.');
    for (const cache of hasCompileCache ? [true, false] : [false]) {
      const e = { ...env, XDG_CACHE_HOME: cacheDir, ...(cache ? {} : { NODE_DISABLE_COMPILE_CACHE: '1' }) };
      const bare = timeCommand(node, ['-e', '0'], 11, e);
      const help = timeCommand(node, [bin, '--help'], 11, e);
      const ptyBare: number[] = [];
      const paint: number[] = [];
      // One unmeasured run fills the cache.
      await timeToOutput(`${node} ${bin} start --incident ${incidentId}`, `oncall ${incidentId}`, e);
      for (let i = 0; i < 7; i++) {
        ptyBare.push((await timeToOutput(`${node} -e "console.log('ready')"`, 'ready', e)).ms);
        paint.push((await timeToOutput(`${node} ${bin} start --incident ${incidentId}`, `oncall ${incidentId}`, e)).ms);
      }
      const tag = hasCompileCache ? `${version}, compile cache ${cache ? 'on' : 'off'}` : `${version} (no compile cache)`;
      say(row(`${tag}: --help`, `${help.toFixed(0)} ms = ${(help / bare).toFixed(2)}x bare`, '<= 2x', help / bare <= 2));
      say(row(`${tag}: first paint, 10,000 events`, `${median(paint).toFixed(0)} ms = ${(median(paint) / median(ptyBare)).toFixed(2)}x bare`, '<= 3x', median(paint) / median(ptyBare) <= 3));
    }
    if (!hasCompileCache) codeCache20(say, node, root, work, env);
  }
}

/**
 * Node 20: would a V8 code cache for the bundle help? The only way to give V8 cached data for
 * ES modules there is vm.SourceTextModule (behind --experimental-vm-modules); bench/code-cache-loader.mjs
 * loads the bundle that way. Run twice: the first run makes the cache, the second uses it.
 */
function codeCache20(say: Say, node: string, root: string, work: string, env: NodeJS.ProcessEnv): void {
  const cacheDir = join(work, 'v8-code-cache');
  const loader = join(root, 'bench', 'code-cache-loader.mjs');
  const args = ['--experimental-vm-modules', '--no-warnings', loader, cacheDir, '--help'];
  const run = () => spawnSync(node, args, { env, encoding: 'utf8' });
  run();
  const second = run();
  if (second.status !== 0) {
    const why = /ERR_[A-Z_]+/.exec(second.stderr)?.[0] ?? `exit ${second.status}`;
    say(row('v20 + V8 code cache (vm.SourceTextModule): --help', `fails with the cache (${why})`, 'usable', false));
    return;
  }
  const bare = timeCommand(node, ['-e', '0'], 11, env);
  const cached = timeCommand(node, args, 11, env);
  say(row('v20 + V8 code cache (vm.SourceTextModule): --help', `${cached.toFixed(0)} ms = ${(cached / bare).toFixed(2)}x bare`, '<= 2x', cached / bare <= 2));
}
