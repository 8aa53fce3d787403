/** A real terminal for end-to-end tests: tmux on its own socket, read with capture-pane. */
import { execa } from 'execa';

export class Tmux {
  readonly socket = `oncall-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly session = 'main';

  async start(command: string, opts: { cols?: number; rows?: number; env?: Record<string, string> } = {}): Promise<void> {
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shq(v)}`).join(' ');
    // Keep the pane after the program exits so its last words can be read.
    await this.tmux('new-session', '-d', '-s', this.session, '-x', String(opts.cols ?? 80), '-y', String(opts.rows ?? 24), `env ${env} ${command}; echo "[exited $?]"; sleep 600`);
  }

  async keys(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', this.session, ...keys);
  }

  /** Types text literally (no key-name lookup). */
  async type(text: string): Promise<void> {
    // "--": text that starts with a dash ("--yes") is not an option to tmux.
    await this.tmux('send-keys', '-t', this.session, '-l', '--', text);
  }

  async screen(): Promise<string> {
    return (await this.tmux('capture-pane', '-p', '-t', this.session)).stdout;
  }

  /** Waits until the screen satisfies `pred`; throws with the last screen after `ms`. */
  async waitFor(pred: string | RegExp | ((s: string) => boolean), ms = 15_000): Promise<string> {
    const test = typeof pred === 'function' ? pred : (s: string) => (typeof pred === 'string' ? s.includes(pred) : pred.test(s));
    const end = Date.now() + ms;
    let last = '';
    while (Date.now() < end) {
      last = await this.screen();
      if (test(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${String(pred)}; screen:\n${last}`);
  }

  async kill(): Promise<void> {
    await execa('tmux', ['-L', this.socket, 'kill-server'], { reject: false });
  }

  private tmux(...args: string[]) {
    return execa('tmux', ['-L', this.socket, ...args]);
  }
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
