/**
 * Steps over many targets: what oncall adds per target over spawning the same command, for 500
 * targets with parallel: 16 (each target costs three fsynced records: started, ran, finished),
 * and the peak memory of `oncall step run` over 500 targets that each print 1 MiB.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { row } from './lib.js';

type Say = (s: string) => void;

const RUNBOOK = (command: string, parallel: number) => `id: fan\ntitle: Fan-out bench\nsummary: Many targets.\nseverity: info\nparameters:\n  - name: hosts\n    pattern: '^[a-z0-9,]+$'\nsteps:\n  - id: each\n    title: Each\n    kind: check\n    command: ${command}\n    timeout: 60s\n    targets:\n      from_param: hosts\n      pattern: '^h[0-9]+$'\n      parallel: ${parallel}\n      max: 1000\n`;

/** Spawns `argv` once per target, at most `parallel` at once: the baseline. */
async function bareSpawns(argv: string[], targets: number, parallel: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < targets) {
      const i = next++;
      await new Promise<void>((resolve, reject) => {
        const p = spawn(argv[0]!, [...argv.slice(1), `h${i}`], { stdio: ['ignore', 'pipe', 'pipe'] });
        p.stdout.resume();
        p.stderr.resume();
        p.on('error', reject);
        p.on('close', () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return performance.now() - t0;
}

export async function fanoutBench(say: Say, root: string, work: string, env: NodeJS.ProcessEnv): Promise<void> {
  const bin = join(root, 'bin/oncall.js');
  const N = 500;
  const hosts = Array.from({ length: N }, (_, i) => `h${i}`).join(',');
  const run = (name: string, runbook: string) => {
    const home = join(work, `fan-${name}`);
    const file = join(work, `fan-${name}.yaml`);
    writeFileSync(file, runbook);
    const e = { ...env, ONCALL_HOME: home };
    spawnSync(process.execPath, [bin, 'open', '--runbook', file, '--param', `hosts=${hosts}`], { env: e });
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'step', 'run', 'each', '--yes'], { env: e, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const ms = performance.now() - t0;
    const kb = Number(/(\d+)\s*$/.exec(r.stderr)?.[1] ?? NaN);
    return { ms, mb: kb / 1024, ok: r.status === 0 };
  };
  const bare = await bareSpawns(['/bin/echo'], N, 16);
  const fan = run('echo', RUNBOOK('[/bin/echo, "{{target}}"]', 16));
  say(row(`fan-out: ${N} bare spawns of echo, 16 at once (baseline)`, `${bare.toFixed(0)} ms = ${(bare / N).toFixed(2)} ms a target`, '-', true));
  say(row(`fan-out: oncall step run, ${N} targets, parallel 16`, `${fan.ms.toFixed(0)} ms = ${(fan.ms / N).toFixed(2)} ms a target = ${(fan.ms / bare).toFixed(2)}x bare${fan.ok ? '' : ' (FAILED)'}`, '<= 2x', fan.ok && fan.ms / bare <= 2));
  const big = run('mib', RUNBOOK(`'head -c 1048576 /dev/zero | tr "\\\\0" x; echo " $TARGET"'\n    shell: true`, 16));
  say(row(`fan-out: peak RSS, ${N} targets each printing 1 MiB`, `${big.mb.toFixed(0)} MB (${N} MiB printed; each capture keeps 64 KiB)${big.ok ? '' : ' (FAILED)'}`, '< 300 MB', big.ok && big.mb < 300));
}
