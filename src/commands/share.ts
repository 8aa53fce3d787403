/** `oncall share init URL` and `oncall share status`: sharing this home's incidents through a git remote. */
import { UserError } from '../errors.js';
import { homeReplica } from '../incident/replicas.js';
import { operator, print, printJson, type Context } from './context.js';
import { table } from './shared.js';
import { refusalLine, type SyncResult } from '../share/sync.js';

export interface ShareInitOptions {
  operator?: string;
  json?: boolean;
}

/** Sets up the repository (an empty remote, or one the team already shares through) and runs a first round. */
export async function shareInit(ctx: Context, url: string, opts: ShareInitOptions): Promise<void> {
  const share = await import('../share/sync.js');
  const actor = await operator(ctx, opts.operator);
  const { replica } = await share.initShare(ctx.home, url, share.defaultLabel(actor.name), ctx.env);
  const r = await share.syncRound(ctx.home, { env: ctx.env, wait: true });
  if (opts.json) printJson(ctx, { remote: share.redactUrl(url), replica: replica.id, label: replica.label, ...syncOutcome(r) });
  else {
    print(ctx, `sharing through ${share.redactUrl(url)} as replica ${replica.id} (${replica.label})`);
    if (r.ok) print(ctx, `first sync: ${r.pushed} record(s) pushed, ${r.received} received${r.changed.length ? ` in ${r.changed.length} incident(s): oncall incidents lists them` : ''}`);
  }
  if (!r.ok) throw failure(r);
}

/** One line for a failed round: exit 5 when the remote rewrote history, 18 when it could not be reached or took nothing. */
export function failure(r: SyncResult): UserError {
  const x = r.refused[0];
  if (x) return new UserError(`${refusalLine(x)}${r.refused.length > 1 ? ` (and ${r.refused.length - 1} more)` : ''}; nothing was pushed`, { code: 'logCorrupt', hint: 'someone rewrote the remote\'s history: restore it from a home that has the records (push them back), then sync again' });
  return new UserError(`sync failed: ${r.error ?? 'unknown error'}; everything is recorded locally, and the next sync catches up`, { code: 'syncFailed' });
}

export interface ShareStatusOptions {
  json?: boolean;
}

/** What is pending, when the last round succeeded, and the last error. */
export async function shareStatus(ctx: Context, opts: ShareStatusOptions): Promise<void> {
  const share = await import('../share/sync.js');
  const cfg = share.shareConfig(ctx.home);
  const replica = homeReplica(ctx.home);
  if (!cfg || !replica) {
    if (opts.json) printJson(ctx, { shared: false });
    else print(ctx, 'This data home does not share its incidents. Set it up with: oncall share init REMOTE-URL');
    return;
  }
  const state = share.readShareState(ctx.home);
  const pending = share.pendingOf(ctx.home, state);
  const total = Object.values(pending).reduce((a, b) => a + b, 0);
  const now = ctx.clock.now().getTime();
  const age = state.last_success ? Math.max(0, Math.round((now - Date.parse(state.last_success)) / 1000)) : null;
  if (opts.json) {
    printJson(ctx, { shared: true, remote: share.redactUrl(cfg.url), replica: replica.id, label: replica.label, pending: total, pending_by_incident: pending, last_success: state.last_success ?? null, last_success_age_s: age, last_attempt: state.last_attempt ?? null, last_error: state.last_error ?? null });
    return;
  }
  print(ctx, table([
    ['remote', share.redactUrl(cfg.url)],
    ['replica', `${replica.id} (${replica.label})`],
    ['pending', total === 0 ? 'nothing: every record of this home is on the remote' : `${total} record(s) not on the remote yet: ${Object.entries(pending).map(([id, n]) => `${id} ${n}`).join(', ')}`],
    ['last success', state.last_success ? `${state.last_success} (${ago(age!)})` : 'never'],
    ...(state.last_error ? [['last error', state.last_error]] : []),
  ]));
}

export function ago(s: number): string {
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

export function syncOutcome(r: SyncResult): Record<string, unknown> {
  return {
    ok: r.ok,
    pushed: r.pushed,
    received: r.received,
    changed: r.changed,
    pending: Object.values(r.pending).reduce((a, b) => a + b, 0),
    refused: r.refused,
    error: r.error ?? null,
    last_success: r.state.last_success ?? null,
  };
}
