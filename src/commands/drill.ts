/**
 * `oncall drill`: practice on a past incident or a scenario, without the model by default.
 * `drill --from ID | --scenario FILE|ID` starts one (the screen in a terminal; the id with --json
 * or without one), `drill list` shows the scenarios found, `drill end` prints and records the
 * debrief, `drill --from ID --gm` shows the original step by step for whoever runs the drill.
 */
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Alert } from '../alerts/types.js';
import { describeEvent } from '../incident/format.js';
import { listIncidentIds, loadIncident, resolveIncidentId } from '../incident/incidents.js';
import { openIncident } from '../incident/open.js';
import { refOf } from '../incident/replicas.js';
import { findRunbook, runbookSearchPath } from '../runbook/catalog.js';
import { resolveParams } from '../runbook/params.js';
import { builtinRunbooks, operator, print, printJson, type Context } from './context.js';
import { catalogFor, table } from './shared.js';

export interface DrillOptions {
  from?: string;
  scenario?: string;
  operator?: string;
  fast?: string;
  withModel?: boolean;
  gm?: boolean;
  json?: boolean;
}

async function scenarioDirs(ctx: Context): Promise<string[]> {
  return runbookSearchPath({ flagDirs: ctx.runbookDirs, env: ctx.env, configDirs: (await ctx.config()).runbooks ?? [], cwd: ctx.cwd, builtinDir: builtinRunbooks(ctx) });
}

export async function drillStart(ctx: Context, opts: DrillOptions): Promise<void> {
  if (!!opts.from === !!opts.scenario) throw new UserError('a drill starts from a past incident or a scenario', { code: 'usage', hint: 'oncall drill --from INCIDENT, or oncall drill --scenario FILE|ID (oncall drill list shows them)' });
  if (opts.gm) {
    if (!opts.from) throw new UserError('--gm shows a past incident: use it with --from', { code: 'usage' });
    return gameMaster(ctx, opts.from);
  }
  const fast = opts.fast === undefined ? 1 : Number(opts.fast);
  if (!Number.isFinite(fast) || fast < 0 || fast > 1) throw new UserError(`--fast ${JSON.stringify(opts.fast)} is not a fraction between 0 and 1`, { code: 'usage', hint: 'e.g. --fast 0.1 waits a tenth of each recorded duration; --fast 0 shows output at once' });
  const actor = await operator(ctx, opts.operator);
  const now = ctx.clock.now();
  let opened;
  if (opts.from) {
    const id = resolveIncidentId(ctx.home, opts.from, { anyStatus: true });
    const o = loadIncident(ctx.home, id);
    if (o.state.drill) throw new UserError(`incident ${id} is itself a drill`, { code: 'usage', hint: 'start from the incident it was drawn from' });
    const rb = o.state.runbook;
    if (!rb) throw new UserError(`incident ${id} followed no runbook: a drill has no steps to replay`, { code: 'usage', hint: 'pick an incident that used a runbook (oncall incidents), or a scenario (oncall drill list)' });
    // The alert as it fired, moved to now: it started as long before the drill as it did before the incident.
    const a = o.state.alert;
    const shift = a && o.state.opened ? Date.parse(o.state.opened.ts) - Date.parse(a.startsAt) : 0;
    const alert: Alert | undefined = a ? { ...a, startsAt: new Date(now.getTime() - (Number.isFinite(shift) ? Math.max(0, shift) : 0)).toISOString() } : undefined;
    const info = { from: id, head: o.read.events.at(-1)?.hash ?? '', fast, with_model: !!opts.withModel };
    opened = openIncident({ home: ctx.home, clock: ctx.clock, actor, via: 'drill', title: `DRILL: ${o.state.title}`, ...(alert ? { alert } : {}), runbook: { entry: { runbook: rb.runbook, file: rb.file, sha256: rb.sha256 }, params: o.state.params, matchedBy: rb.matched_by }, drill: info });
  } else {
    const { loadScenarioFile, findScenarios } = await import('../drill/scenario.js');
    const ref = opts.scenario!;
    const path = resolve(ctx.cwd, ref);
    const s = /\.ya?ml$/.test(ref) || ref.includes('/') ? loadScenarioFile(path) : findScenarios(await scenarioDirs(ctx)).found.find((x) => x.scenario.id === ref);
    if (!s) throw new UserError(`no drill scenario "${ref}"`, { code: 'notFound', hint: 'oncall drill list shows the scenarios found; or give a file' });
    const sc = s.scenario;
    const entry = await findRunbook(await catalogFor(ctx), sc.runbook, ctx.cwd);
    const unknown = Object.keys(sc.steps).filter((k) => !entry.runbook.steps.some((st) => st.id === k));
    if (unknown.length) throw new UserError(`scenario ${sc.id}: runbook ${sc.runbook} has no step ${unknown.join(', ')}`, { code: 'invalidInput', hint: `its steps: ${entry.runbook.steps.map((st) => st.id).join(', ')}` });
    const alert: Alert = { source: 'alertmanager', name: sc.alert.name, status: 'firing', labels: { alertname: sc.alert.name, ...sc.alert.labels }, annotations: sc.alert.annotations, severity: sc.alert.severity, startsAt: new Date(now.getTime() - 4 * 60_000).toISOString(), links: [], count: 1 };
    const params = resolveParams(entry.runbook, alert.labels, sc.params);
    if (params.rejected.length) throw new UserError(`scenario ${sc.id}: parameter ${params.rejected[0]!.name} does not fit runbook ${sc.runbook}`, { code: 'invalidInput', hint: 'fix the scenario\'s params' });
    opened = openIncident({ home: ctx.home, clock: ctx.clock, actor, via: 'drill', title: `DRILL: ${sc.title}`, alert, runbook: { entry, params: params.values, matchedBy: 'flag' }, drill: { scenario: { id: sc.id, file: s.file, sha256: s.sha256 }, fast, with_model: !!opts.withModel } });
  }
  opened.store.close();
  const tty = !!ctx.stdin.isTTY && !!ctx.stdout.isTTY;
  if (opts.json || !tty) {
    if (opts.json) printJson(ctx, { id: opened.id });
    else print(ctx, opened.id);
    return;
  }
  const { start } = await import('./start.js');
  await start(ctx, { incident: opened.id, ...(opts.operator ? { operator: opts.operator } : {}) });
}

export interface DrillListOptions {
  json?: boolean;
}

export async function drillList(ctx: Context, opts: DrillListOptions): Promise<void> {
  const { findScenarios } = await import('../drill/scenario.js');
  const { found, broken } = findScenarios(await scenarioDirs(ctx));
  if (opts.json) {
    printJson(ctx, { scenarios: found.map((s) => ({ id: s.scenario.id, title: s.scenario.title, runbook: s.scenario.runbook, file: s.file, based_on: s.scenario.based_on ?? null })), invalid: broken });
    return;
  }
  if (found.length === 0) print(ctx, 'No drill scenarios found (they live in a drills/ folder beside runbooks).');
  else print(ctx, table([['ID', 'RUNBOOK', 'TITLE'], ...found.map((s) => [s.scenario.id, s.scenario.runbook, s.scenario.title])]));
  for (const b of broken) ctx.stderr.write(`invalid scenario ${b.file}: ${b.problem}\n`);
  if (found.length) print(ctx, '\nStart one: oncall drill --scenario ID (or --from INCIDENT to replay a recorded incident)');
}

export interface DrillEndOptions {
  incident?: string;
  format?: string;
  json?: boolean;
  operator?: string;
}

/** The debrief: printed, and recorded in the drill's log (once; later calls print it again). */
export async function drillEnd(ctx: Context, opts: DrillEndOptions): Promise<void> {
  const format = opts.json ? 'json' : opts.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UserError(`unknown format "${format}"`, { code: 'usage', hint: 'use --format text or --format json' });
  const id = opts.incident ? resolveIncidentId(ctx.home, opts.incident, { anyStatus: true }) : latestDrill(ctx);
  const d = loadIncident(ctx.home, id);
  if (!d.state.drill) throw new UserError(`incident ${id} is not a drill`, { code: 'usage', hint: 'oncall incidents --drills lists the drills' });
  const { debrief, debriefLines, sourceOf } = await import('../drill/drill.js');
  let result: ReturnType<typeof debrief>;
  if (d.state.drill.ended) {
    result = (d.read.events.find((e) => e.type === 'drill.ended')!.data as { debrief: ReturnType<typeof debrief> }).debrief;
  } else {
    result = debrief(id, d.state.drill.info, d.state, d.read.events, sourceOf(ctx.home, d.state.drill.info));
    const { IncidentStore } = await import('../incident/store.js');
    const store = new IncidentStore(d.path, ctx.clock);
    try {
      store.append({ type: 'drill.ended', actor: await operator(ctx, opts.operator), data: { debrief: result as unknown as Record<string, unknown> } });
    } finally {
      store.close();
    }
  }
  if (format === 'json') printJson(ctx, { debrief: result });
  else for (const l of debriefLines(result)) print(ctx, l);
}

/** The most recent drill not ended yet. */
function latestDrill(ctx: Context): string {
  for (const id of listIncidentIds(ctx.home)) {
    try {
      const { state } = loadIncident(ctx.home, id);
      if (state.drill && !state.drill.ended) return id;
    } catch {
      // unreadable: not this one
    }
  }
  throw new UserError('no drill in progress', { code: 'notFound', hint: 'start one with oncall drill --from INCIDENT or --scenario ID; or name one with --incident' });
}

/** For whoever runs the drill aloud: the original, step by step, with what was found. Read only. */
async function gameMaster(ctx: Context, from: string): Promise<void> {
  const id = resolveIncidentId(ctx.home, from, { anyStatus: true });
  const { state, read } = loadIncident(ctx.home, id);
  const t0 = state.opened ? Date.parse(state.opened.ts) : Date.parse(read.events[0]?.ts ?? '');
  const at = (ts: string) => {
    const s = Math.max(0, Math.round((Date.parse(ts) - t0) / 1000));
    return `T+${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  };
  print(ctx, `GAME MASTER · ${id}: ${state.title} (the trainee does not see this)`);
  print(ctx, `runbook ${state.runbook?.runbook.id ?? '(none)'}; alert ${state.alert?.name ?? '(none)'}`);
  print(ctx);
  for (const e of read.events) {
    if (e.type === 'incident.opened' || e.type === 'runbook.selected' || e.type === 'command.started') continue;
    print(ctx, `${at(e.ts)}  #${refOf(e)}  ${e.actor.name}: ${describeEvent(e)}`);
    if (e.type === 'command.ran') {
      const d = e.data as { stdout: { text: string }; stderr: { text: string } };
      const out = `${d.stdout.text}${d.stderr.text}`.replace(/\n$/, '');
      for (const l of out.split('\n').slice(0, 12)) print(ctx, `          │ ${l}`);
      if (out.split('\n').length > 12) print(ctx, `          │ … (${out.split('\n').length - 12} more lines)`);
    }
  }
  print(ctx);
  const notes = (k: string) => state.notes.filter((n) => n.kind === k).map((n) => `  - ${n.text} (${n.actor.name})`);
  print(ctx, 'The answer:');
  print(ctx, ['root cause:', ...(notes('root-cause').length ? notes('root-cause') : ['  (none written)']), 'resolution:', ...(notes('resolution').length ? notes('resolution') : ['  (none written)'])].join('\n'));
}
