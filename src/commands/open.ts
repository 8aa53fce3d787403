import type { Alert } from '../alerts/types.js';
import { UserError } from '../errors.js';
import { openIncident } from '../incident/open.js';
import type { EventDataMap } from '../incident/events.js';
import { findRunbook, type RunbookEntry } from '../runbook/catalog.js';
import { matchRunbook } from '../runbook/match.js';
import { resolveParams } from '../runbook/params.js';
import { operator, print, printJson, type Context } from './context.js';
import { catalogFor, readInput } from './shared.js';

export interface OpenOptions {
  runbook?: string;
  alert?: string;
  /** Read the firing alerts from this Alertmanager (true: from ALERTMANAGER_URL or the config). */
  fromAlertmanager?: string | boolean;
  alertname?: string;
  fingerprint?: string;
  match?: string[];
  title?: string;
  param?: string[];
  operator?: string;
  json?: boolean;
}

export interface Selection {
  alert?: Alert;
  /** Secret parameter values: passed to the screen in memory, never recorded. */
  secrets?: Record<string, string>;
  runbook?: { entry: RunbookEntry; params: Record<string, string>; matchedBy: EventDataMap['runbook.selected']['matched_by'] };
  /** Human-readable lines about how the runbook was chosen and what is missing. */
  notes: string[];
}

export function parseParamFlags(flags: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags ?? []) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new UserError(`--param ${JSON.stringify(f)} is not NAME=VALUE`, { code: 'usage', hint: 'e.g. --param namespace=payments' });
    out[f.slice(0, eq)] = f.slice(eq + 1);
  }
  return out;
}

/** The Alertmanager URL: the flag's value, else ALERTMANAGER_URL, else the config. */
export async function alertmanagerUrl(ctx: Context, flag: string | boolean | undefined): Promise<string> {
  const url = (typeof flag === 'string' && flag) || ctx.env.ALERTMANAGER_URL || (await ctx.config()).alertmanager?.url;
  if (!url) throw new UserError('no Alertmanager URL', { code: 'usage', hint: 'give one (--from-alertmanager http://alertmanager:9093), or set ALERTMANAGER_URL or alertmanager.url in the config' });
  return url;
}

/** The firing alerts an Alertmanager holds that match the filters, as one Alert (a group when several). */
async function alertFromAlertmanager(ctx: Context, opts: OpenOptions, notes: string[]): Promise<Alert> {
  const { alertmanagerTarget, firingAlerts } = await import('../alerts/alertmanager-client.js');
  const { parseAlert } = await import('../alerts/parse.js');
  const target = alertmanagerTarget(await alertmanagerUrl(ctx, opts.fromAlertmanager));
  const filters = [...(opts.alertname ? [{ name: 'alertname', value: opts.alertname }] : []), ...parseMatchFlags(opts.match)];
  let list = await firingAlerts(target, filters);
  if (opts.fingerprint) list = list.filter((a) => (a as { fingerprint?: unknown }).fingerprint === opts.fingerprint);
  const what = [...filters.map((f) => `${f.name}="${f.value}"`), ...(opts.fingerprint ? [`fingerprint ${opts.fingerprint}`] : [])].join(', ') || 'no filter';
  if (list.length === 0) throw new UserError(`no firing alert at ${target.url} matches ${what}`, { code: 'notFound', hint: 'list them with `amtool alert query`, or loosen --match' });
  const names = new Map<string, number>();
  for (const a of list) {
    const n = String((a as { labels?: Record<string, unknown> }).labels?.alertname ?? '?');
    names.set(n, (names.get(n) ?? 0) + 1);
  }
  // One incident is about one kind of alert: several kinds need a choice.
  if (names.size > 1) throw new UserError(`${list.length} firing alerts of ${names.size} kinds at ${target.url} match ${what}: ${[...names].map(([n, c]) => `${n} (${c})`).join(', ')}`, { code: 'usage', hint: 'choose one with --alertname NAME' });
  const alert = parseAlert(list, `Alertmanager ${target.url}`);
  alert.links.push(target.url);
  alert.origin = target.url;
  notes.push(`${list.length} firing alert${list.length === 1 ? '' : 's'} ${alert.name} read from ${target.url}`);
  return alert;
}

function parseMatchFlags(flags: string[] | undefined): { name: string; value: string }[] {
  return (flags ?? []).map((f) => {
    const eq = f.indexOf('=');
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.slice(0, eq))) throw new UserError(`--match ${JSON.stringify(f)} is not label=value`, { code: 'usage', hint: 'e.g. --match namespace=payments' });
    return { name: f.slice(0, eq), value: f.slice(eq + 1) };
  });
}

/** Reads the alert and chooses the runbook: by flag, else by the alert's matchers or runbook_url. */
export async function selectRunbook(ctx: Context, opts: OpenOptions, demo = false): Promise<Selection> {
  const notes: string[] = [];
  let alert: Alert | undefined;
  if (opts.alert && opts.fromAlertmanager) throw new UserError('--alert and --from-alertmanager both give the alert', { code: 'usage', hint: 'use one of them' });
  if (opts.fromAlertmanager) alert = await alertFromAlertmanager(ctx, opts, notes);
  else if (opts.alertname || opts.fingerprint || opts.match?.length) throw new UserError('--alertname, --fingerprint and --match choose alerts from an Alertmanager', { code: 'usage', hint: 'add --from-alertmanager URL' });
  if (opts.alert) {
    const { text, name } = await readInput(ctx, opts.alert, 'alert');
    // zod and the payload schemas load only when there is an alert to parse.
    const { parseAlertText } = await import('../alerts/parse.js');
    alert = parseAlertText(text, name);
  }
  const explicit = parseParamFlags(opts.param);
  const cat = await catalogFor(ctx);
  let entry: RunbookEntry | undefined;
  let matchedBy: EventDataMap['runbook.selected']['matched_by'] = demo ? 'demo' : 'flag';
  if (opts.runbook) entry = await findRunbook(cat, opts.runbook, ctx.cwd);
  else if (alert) {
    const m = matchRunbook(alert, cat.entries);
    if (m.by === 'none') notes.push(`no runbook matched alert ${alert.name} (${m.tried} runbooks tried${m.runbookUrl ? `; runbook_url ${m.runbookUrl} is not in any runbook's urls` : ''}); pass --runbook ID to choose one`);
    else {
      entry = m.entry;
      matchedBy = m.by;
      notes.push(`runbook ${m.entry.runbook.id} chosen by ${m.by === 'matcher' ? 'its alert matchers' : 'the runbook_url annotation'}${m.others.length ? ` (also matched: ${m.others.join(', ')})` : ''}`);
    }
  }
  if (!entry) {
    if (Object.keys(explicit).length) throw new UserError('--param needs a runbook', { code: 'usage', hint: 'add --runbook ID' });
    return { ...(alert ? { alert } : {}), notes };
  }
  const known = new Set((entry.runbook.parameters ?? []).map((p) => p.name));
  for (const k of Object.keys(explicit)) if (!known.has(k)) throw new UserError(`runbook ${entry.runbook.id} has no parameter "${k}"`, { code: 'usage', hint: known.size ? `its parameters: ${[...known].join(', ')}` : 'it takes no parameters' });
  const r = resolveParams(entry.runbook, alert?.labels ?? {}, explicit);
  const { redact, redactDeep } = await import('../redact/index.js');
  const defs = entry.runbook.parameters ?? [];
  for (const x of r.rejected) {
    const shown = defs.find((p) => p.name === x.name)?.secret ? '(secret)' : JSON.stringify(redact(x.value));
    if (x.source === '--param') throw new UserError(`--param ${x.name}=${shown} does not match the parameter's pattern ${x.pattern}`, { code: 'invalidInput', hint: 'pass a value that matches it' });
    notes.push(`parameter ${x.name} not set: the value of ${x.source}, ${shown}, does not match ${x.pattern}`);
  }
  if (r.missing.length) notes.push(`parameters without a value yet: ${r.missing.join(', ')} (asked for before a step needs them)`);
  // Values kept by this process only, never recorded: secret parameters, and values the
  // redactor would mask in the log (a DSN with a password), so what runs is what was given.
  const secrets: Record<string, string> = {};
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.values)) {
    const def = defs.find((p) => p.name === k);
    if (def?.secret) secrets[k] = v;
    else {
      params[k] = v;
      if (redactDeep({ [k]: v })[k] !== v) secrets[k] = v;
    }
  }
  // A secret parameter filled from an alert label: the label's value never reaches the log,
  // whether it was used or rejected by the parameter's pattern.
  if (alert) {
    const { mapStrings } = await import('../util/map-strings.js');
    for (const def of defs.filter((d) => d.secret)) {
      const values = [r.values[def.name], ...r.rejected.filter((x) => x.name === def.name).map((x) => x.value)];
      for (const v of values) if (v !== undefined && v.length >= 4) alert = mapStrings(alert, (x) => x.split(v).join(`[REDACTED:secret parameter ${def.name}]`));
    }
  }
  return { ...(alert ? { alert } : {}), runbook: { entry, params, matchedBy }, secrets, notes };
}

/** `oncall open`: opens an incident without the UI and prints its id. */
export async function open(ctx: Context, opts: OpenOptions): Promise<void> {
  const sel = await selectRunbook(ctx, opts);
  const opened = openIncident({ home: ctx.home, clock: ctx.clock, actor: await operator(ctx, opts.operator), via: 'open', ...(opts.title ? { title: opts.title } : {}), ...(sel.alert ? { alert: sel.alert } : {}), ...(sel.runbook ? { runbook: sel.runbook } : {}) });
  opened.store.close();
  const secretNames = Object.keys(sel.secrets ?? {});
  if (secretNames.length) sel.notes.push(`parameter${secretNames.length > 1 ? 's' : ''} ${secretNames.join(', ')} ${secretNames.length > 1 ? 'are' : 'is'} secret or masked in the log; give ${secretNames.length > 1 ? 'them' : 'it'} again when a step needs ${secretNames.length > 1 ? 'them' : 'it'} (the screen asks; oncall step run --param)`);
  const { redactDeep } = await import('../redact/index.js');
  if (opts.json) {
    printJson(ctx, redactDeep({ id: opened.id, log: opened.path, runbook: sel.runbook?.entry.runbook.id ?? null, params: sel.runbook?.params ?? {}, notes: sel.notes }));
    return;
  }
  for (const n of sel.notes) ctx.stderr.write(`${redactDeep(n)}\n`);
  print(ctx, opened.id);
}
