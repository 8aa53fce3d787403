/**
 * Start-up per Node version: `--help` and the screen's first paint on the system Node and on
 * the LTS lines 22 and 24 (fetched as the node-linux-* packages from the npm registry into
 * node_modules/.cache), each with the compile cache on and off, as ratios to a bare node of the
 * same version. Node 20 has no compile cache: its two rows are the same code path.
 */
import { execFileSync } from 'node:child_process';
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
    for (const cache of [true, false]) {
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
      const tag = `${version}, compile cache ${cache ? 'on' : 'off'}`;
      say(row(`${tag}: --help`, `${help.toFixed(0)} ms = ${(help / bare).toFixed(2)}x bare`, '<= 2x', help / bare <= 2));
      say(row(`${tag}: first paint, 10,000 events`, `${median(paint).toFixed(0)} ms = ${(median(paint) / median(ptyBare)).toFixed(2)}x bare`, '<= 3x', median(paint) / median(ptyBare) <= 3));
    }
  }
}
