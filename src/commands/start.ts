import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Config } from '../config.js';
import { homeReplica } from '../incident/replicas.js';
import type { BackgroundSync } from '../share/background.js';
import { loadIncident, listIncidentIds, resolveIncidentId } from '../incident/incidents.js';
import { openIncident } from '../incident/open.js';
import { IncidentStore, logPath } from '../incident/store.js';
import { findRunbook, loadCatalog } from '../runbook/catalog.js';
import { resolveParams } from '../runbook/params.js';
import { durationMs } from '../runbook/template.js';
import { DEFAULT_TIMEOUT_MS } from '../runner/prepare.js';
import { builtinRunbooks, operator, type Context } from './context.js';
import { selectRunbook, type Selection } from './open.js';
import { catalogFor } from './shared.js';
import type { PickItem } from '../ui/Picker.js';

export interface StartOptions {
  runbook?: string;
  alert?: string;
  incident?: string;
  operator?: string;
  demo?: boolean;
  param?: string[];
  allowRemote?: boolean;
}

export const TWINS = 'oncall open, oncall note, oncall status, oncall step run|skip|done';

/** `oncall start`: opens (or resumes) an incident and walks its runbook in the terminal UI. */
export async function start(ctx: Context, opts: StartOptions): Promise<void> {
  if (!ctx.stdin.isTTY || !ctx.stdout.isTTY) {
    throw new UserError(`oncall start needs a terminal (stdin and stdout must be a TTY)`, { code: 'needsTerminal', hint: `from scripts use ${TWINS}` });
  }
  // Start loading the screen (ink, react) and the hypotheses settings now, together: each
  // import waits on file reads, and those overlap (10 ms off first paint).
  const screensLoading = import('../ui/run.js');
  const settingsLoading = import('../hypotheses/settings.js');
  const actor = await operator(ctx, opts.operator);
  const config = await ctx.config();
  const defaultTimeoutMs = config.default_timeout !== undefined ? durationMs(config.default_timeout) : DEFAULT_TIMEOUT_MS;
  const screens = await screensLoading;
  const tty = { stdout: ctx.stdout as NodeJS.WriteStream, stdin: ctx.stdin as NodeJS.ReadStream };

  let id: string | undefined;
  let secrets: Record<string, string> = {};
  if (opts.incident) id = resolveIncidentId(ctx.home, opts.incident);
  else {
    let sel: Selection | undefined;
    if (opts.demo) {
      // The demo always uses the shipped runbook, whatever the search path holds.
      const entry = await findRunbook(await loadCatalog([builtinRunbooks(ctx)], ctx.env), 'demo', ctx.cwd);
      sel = { runbook: { entry, params: resolveParams(entry.runbook, {}, {}).values, matchedBy: 'demo' }, notes: [] };
    } else if (opts.runbook || opts.alert) {
      sel = await selectRunbook(ctx, opts);
    } else {
      const picked = await screens.pickStart(tty, await startItems(ctx));
      if (!picked) return;
      if (picked.kind === 'resume') id = picked.id;
      else if (picked.kind === 'runbook') sel = await selectRunbook(ctx, { runbook: picked.id });
      else sel = { notes: [] };
    }
    secrets = sel?.secrets ?? {};
    if (!id) {
      const opened = openIncident({ home: ctx.home, clock: ctx.clock, actor, via: opts.demo ? 'demo' : 'start', ...(sel?.alert ? { alert: sel.alert } : {}), ...(sel?.runbook ? { runbook: sel.runbook } : {}) });
      opened.store.close();
      id = opened.id;
      for (const n of sel?.notes ?? []) ctx.stderr.write(`${n}\n`);
    }
  }

  const store = new IncidentStore(logPath(ctx.home, id), ctx.clock);
  // A shared home syncs in the background while the screen is up (share/background.ts).
  const shared = await sharing(ctx, id, config);
  let state;
  let endDrill = false;
  try {
    const { hypothesisSettings } = await settingsLoading;
    const h = hypothesisSettings(ctx.env, config, { allowRemote: !!opts.allowRemote });
    if (!h.host.loopback) ctx.stderr.write(h.allowRemote ? `warning: OLLAMA_HOST ${h.host.url} is not on this machine: h will send incident data to it\n` : `warning: OLLAMA_HOST ${h.host.url} is not on this machine: h will send nothing there without --allow-remote\n`);
    const alertmanagerUrls = [ctx.env.ALERTMANAGER_URL, config.alertmanager?.url].filter((u): u is string => !!u);
    state = await screens.runIncidentScreen({ ...tty, store, path: logPath(ctx.home, id), id, actor, cwd: ctx.cwd, defaultTimeoutMs, color: !ctx.env.NO_COLOR, secrets, alertmanagerUrls, hypotheses: { host: h.host, model: h.model, deadlines: h.deadlines, youFirst: h.youFirst, allowRemote: h.allowRemote, ...(h.numCtx ? { numCtx: h.numCtx } : {}) }, ...shared, loadDrill: async (info) => (await import('../drill/drill.js')).sourceOf(ctx.home, info), onEndDrill: () => (endDrill = true) });
  } finally {
    store.close();
  }
  if (endDrill) {
    const { drillEnd } = await import('./drill.js');
    return drillEnd(ctx, { incident: id, ...(opts.operator ? { operator: opts.operator } : {}) });
  }
  ctx.stdout.write(`${state.drill ? 'Drill' : 'Incident'} ${id} (${state.status}); ${state.eventCount} events recorded. Resume with: oncall start --incident ${id.slice(-4)}${state.drill && !state.drill.ended ? `; end it with: oncall drill end --incident ${id.slice(-4)}` : ''}\n`);
}

/** This home's replica and, when it shares and the config allows, a background sync for the screen. */
async function sharing(ctx: Context, id: string, config: Config): Promise<{ replica?: string; sync?: BackgroundSync }> {
  const replica = homeReplica(ctx.home)?.id;
  if (!replica || !existsSync(join(ctx.home, 'share', 'share.json')) || config.share?.background === false) return replica ? { replica } : {};
  const { BackgroundSync } = await import('../share/background.js');
  const every = config.share?.interval !== undefined ? durationMs(config.share.interval) : 1000;
  return { replica, sync: new BackgroundSync(ctx.home, id, ctx.env, every) };
}

/** What the picker offers: open incidents to resume, runbooks to start from, or no runbook. */
async function startItems(ctx: Context): Promise<PickItem[]> {
  const items: PickItem[] = [];
  for (const iid of listIncidentIds(ctx.home)) {
    const { state } = loadIncident(ctx.home, iid);
    if (state.status !== 'resolved') items.push({ kind: 'resume', id: iid, label: iid, detail: `${state.status} · ${state.title}` });
  }
  for (const e of (await catalogFor(ctx)).entries) items.push({ kind: 'runbook', id: e.runbook.id, label: e.runbook.id, detail: e.runbook.title });
  items.push({ kind: 'none', id: 'none', label: '(no runbook)', detail: 'open an incident without a runbook' });
  return items;
}
