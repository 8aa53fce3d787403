/**
 * The git CLI, run as a child process: its transports, credential helpers, ssh config and
 * signing are the user's own. Never a shell; never a prompt (a sync in the background must not
 * wait for a password); every call has a deadline.
 */
import { spawn } from 'node:child_process';
import { UserError } from '../errors.js';

export class GitError extends Error {
  constructor(readonly args: string[], readonly code: number | null, readonly stderr: string) {
    super(`git ${args[0] ?? ''} failed${code !== null ? ` (exit ${code})` : ''}: ${firstLine(stderr) || 'no message'}`);
  }
}

function firstLine(s: string): string {
  // Credentials in a URL never reach the screen or the log: git prints the URL it was given.
  return s.split('\n').map((l) => l.replace(/^(error|fatal|remote): /, '').trim()).filter(Boolean).slice(0, 2).join('; ').replace(/\/\/[^/@\s]*@/g, '//***@').slice(0, 300);
}

export interface GitOptions {
  /** The repository (--git-dir). */
  gitDir: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** Runs `git args` with `input` on stdin; rejects with GitError on a non-zero exit (unless `ok` lists it). */
export function git(o: GitOptions, args: string[], opts: { input?: Buffer | string; ok?: number[] } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...o.env,
      GIT_DIR: o.gitDir,
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
    };
    let child;
    try {
      // A session of its own, without a controlling terminal: ssh (run with the user's own
      // settings) fails instead of asking for a passphrase or a host key over the screen.
      child = spawn('git', args, { env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      reject(err);
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGTERM'), o.timeoutMs ?? 60_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new UserError('git is not installed (sharing runs the git command)', { code: 'syncFailed', hint: 'install git, e.g. apt-get install git' }) : e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      const res = { stdout: Buffer.concat(out), stderr, code: code ?? -1 };
      if (code === 0 || (code !== null && opts.ok?.includes(code))) resolve(res);
      else reject(new GitError(args, code, signal ? `killed by ${signal} (deadline)\n${stderr}` : stderr));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

export async function gitText(o: GitOptions, args: string[], opts: { input?: Buffer | string; ok?: number[] } = {}): Promise<string> {
  return (await git(o, args, opts)).stdout.toString('utf8').trim();
}
