/**
 * A real Alertmanager (Debian's prometheus-alertmanager, which .ci/run installs) on a loopback
 * port the kernel picks, with its own storage and no clustering; stopped with the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BIN = process.env.ALERTMANAGER_BIN ?? 'prometheus-alertmanager';
const CONFIG = 'route:\n  receiver: sink\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 5s\n  repeat_interval: 1h\nreceivers:\n  - name: sink\n';

export class Alertmanager {
  url = '';
  private proc?: ChildProcess;

  constructor(private readonly dir: string) {}

  async start(): Promise<this> {
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    writeFileSync(join(this.dir, 'alertmanager.yml'), CONFIG);
    this.proc = spawn(BIN, [`--config.file=${join(this.dir, 'alertmanager.yml')}`, `--storage.path=${join(this.dir, 'data')}`, '--web.listen-address=127.0.0.1:0', '--cluster.listen-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Alertmanager did not start within 30 s: ${log.slice(-500)}`)), 30_000);
      this.proc!.on('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${BIN} (${(err as NodeJS.ErrnoException).code}): .ci/run installs it (apt-get install prometheus-alertmanager)`));
      });
      this.proc!.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /msg="Listening on" address=(127\.0\.0\.1:\d+)/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(`http://${m[1]}`);
        }
      });
    });
    // Ready when /-/ready says so (a few hundred ms).
    for (let i = 0; i < 300; i++) {
      const r = await fetch(`${this.url}/-/ready`).catch(() => undefined);
      if (r?.ok) return this;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('Alertmanager never became ready');
  }

  /** Posts alerts the way Prometheus does. */
  async post(alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[]): Promise<void> {
    const r = await fetch(`${this.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts.map((a) => ({ ...a, startsAt: new Date().toISOString() }))) });
    if (!r.ok) throw new Error(`posting alerts: ${r.status} ${await r.text()}`);
  }

  async silences(): Promise<{ id: string; comment: string; createdBy: string; status: { state: string }; matchers: { name: string; value: string }[] }[]> {
    return (await (await fetch(`${this.url}/api/v2/silences`)).json()) as never;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
      setTimeout(() => p.kill('SIGKILL'), 5000).unref();
    });
  }
}
