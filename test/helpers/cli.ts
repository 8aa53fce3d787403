/** Runs the built binary as a real child process, with its own data home. */
import { execa, type Options } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'oncall.js');

export function tempDir(prefix = 'oncall-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** `oncall ARGS` with ONCALL_HOME set; never throws on a non-zero exit. */
export async function oncall(args: string[], env: Record<string, string>, opts: Options = {}): Promise<CliResult> {
  const r = await execa(process.execPath, [BIN, ...args], {
    env: { ONCALL_OPERATOR: 'tester', NO_COLOR: '1', XDG_CONFIG_HOME: env.ONCALL_HOME ?? tmpdir(), ...env },
    extendEnv: true,
    reject: false,
    cwd: opts.cwd ?? ROOT,
    timeout: 30_000,
    ...opts,
  } as Options);
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? -1 };
}
