/**
 * The screen's background sync: a round soon after this home records something (debounced),
 * and every `intervalMs` to receive the others' records. Rounds are asynchronous (git runs as
 * child processes), one at a time, and skipped when another process of this home is syncing:
 * a keypress never waits for the network.
 */
import { statSync } from 'node:fs';
import { logPath } from '../incident/store.js';
import { syncRound, type SyncResult } from './sync.js';

export interface SyncStatus {
  /** This incident's records not on the remote yet; undefined until a round has finished. */
  pending?: number;
  lastSuccess?: string;
  /** The last round's failure, one line; cleared by a success. */
  error?: string;
  running: boolean;
}

const DEBOUNCE_MS = 150;
const TICK_MS = 100;

export class BackgroundSync {
  status: SyncStatus = { running: false };
  private timer: NodeJS.Timeout | undefined;
  private lastRound = 0;
  private lastSize = -1;
  private changedAt = 0;
  private stopped = false;
  private readonly listeners = new Set<(s: SyncStatus) => void>();

  constructor(private readonly home: string, private readonly incident: string, private readonly env: NodeJS.ProcessEnv, private readonly intervalMs: number, private readonly onReceived?: () => void) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  subscribe(fn: (s: SyncStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private tick(): void {
    if (this.status.running || this.stopped) return;
    const now = Date.now();
    let size = this.lastSize;
    try {
      size = statSync(logPath(this.home, this.incident)).size;
    } catch {
      // a joined incident this home has not written to yet
    }
    if (size !== this.lastSize) {
      if (this.changedAt === 0) this.changedAt = now;
    }
    const recorded = this.changedAt !== 0 && now - this.changedAt >= DEBOUNCE_MS;
    if (!recorded && now - this.lastRound < this.intervalMs) return;
    this.lastSize = size;
    this.changedAt = 0;
    this.lastRound = now;
    void this.round();
  }

  private async round(): Promise<void> {
    this.set({ running: true });
    let r: SyncResult | undefined;
    let error: string | undefined;
    try {
      r = await syncRound(this.home, { env: this.env });
    } catch (err) {
      error = (err as Error).message.split('\n')[0]!.slice(0, 300);
    }
    if (this.stopped) return;
    if (r?.busy) return this.set({ running: false });
    // The round's own one-line account (its error, or the first refusal), as `share status` shows it.
    if (r && !r.ok) error = r.state.last_error ?? 'failed';
    const { error: _e, ...rest } = this.status;
    this.status = { ...rest, running: false, pending: r ? r.pending[this.incident] ?? 0 : this.status.pending, ...(r?.ok ? { lastSuccess: r.state.last_success } : {}), ...(error ? { error } : {}) } as SyncStatus;
    for (const l of this.listeners) l(this.status);
    if (r?.changed.includes(this.incident)) this.onReceived?.();
  }

  private set(p: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...p };
  }
}
