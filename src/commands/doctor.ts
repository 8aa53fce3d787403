import { closeSync } from 'node:fs';
import { ExitError, UserError, type ExitCodeName } from '../errors.js';
import { listIncidentIds } from '../incident/incidents.js';
import { lockKind } from '../incident/lock.js';
import { logPath } from '../incident/store.js';
import { openLog, UnsafePathError } from '../util/safe-fs.js';
import { OllamaClient, OllamaFault } from '../hypotheses/client.js';
import { ensureHome } from '../incident/store.js';
import { print, printJson, type Context } from './context.js';
import { catalogFor } from './shared.js';
import { hypothesisSettings } from './hypothesize.js';

export interface DoctorOptions {
  model?: string;
  json?: boolean;
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** The exit code when this check fails first (default: by name). */
  code?: ExitCodeName;
  /** Hypotheses are optional: a failure here is a warning, and doctor still exits 0. */
  optional?: boolean;
}

/** `oncall doctor`: what works, what does not, and the fix for each problem. */
export async function doctor(ctx: Context, opts: DoctorOptions): Promise<void> {
  const checks: Check[] = [];
  try {
    ensureHome(ctx.home);
    checks.push({ name: 'data home', ok: true, detail: ctx.home });
  } catch (err) {
    checks.push({ name: 'data home', ok: false, detail: (err as Error).message, fix: (err instanceof UserError && err.hint) || 'set ONCALL_HOME to a writable folder on a local disk', ...(err instanceof UnsafePathError ? { code: 'unsafe' as const } : {}) });
  }
  // Each incident's folder and log: a symlink, FIFO or loose mode is named with its fix.
  if (checks[0]!.ok) {
    const bad: { id: string; err: UserError }[] = [];
    const ids = listIncidentIds(ctx.home);
    for (const id of ids) {
      try {
        closeSync(openLog(logPath(ctx.home, id), false));
      } catch (err) {
        if (err instanceof UserError) bad.push({ id, err });
        else throw err;
      }
    }
    checks.push(bad.length
      ? { name: 'incidents', ok: false, detail: `${bad.length} of ${ids.length} cannot be used safely; first: ${bad[0]!.err.message}`, ...(bad[0]!.err.hint ? { fix: bad[0]!.err.hint } : {}) }
      : { name: 'incidents', ok: true, detail: `${ids.length} log${ids.length === 1 ? '' : 's'}, each a private regular file` });
  }
  checks.push({ name: 'lock', ok: true, detail: lockKind() === 'native' ? 'native (an open-file-description lock the kernel drops with its holder)' : `portable (a lock file beside each log, with dead-holder detection)${process.env.ONCALL_LOCK === 'portable' ? ': ONCALL_LOCK=portable' : ': the native addon does not load on this platform'}` });
  checks.push(await sharingCheck(ctx));
  const cat = await catalogFor(ctx);
  checks.push({ name: 'runbooks', ok: cat.invalid.length === 0, detail: `${cat.entries.length} valid, ${cat.invalid.length} invalid`, ...(cat.invalid.length ? { fix: 'run `oncall runbooks validate`' } : {}) });
  const s = await hypothesisSettings(ctx, { ...(opts.model ? { model: opts.model } : {}) });
  if (!s.host.loopback && !opts.json) ctx.stderr.write(`warning: OLLAMA_HOST ${s.host.url} is not on this machine: incident data would leave it\n`);
  checks.push({ name: 'ollama host', ok: true, detail: `${s.host.url}${s.host.loopback ? '' : s.allowRemote ? ' (NOT local; allowed by hypotheses.allow_remote)' : ' (NOT local: hypotheses send nothing there without --allow-remote or hypotheses.allow_remote)'}` });
  try {
    const info = await new OllamaClient(s.host, s.deadlines).probe(s.model);
    checks.push({ name: 'ollama', ok: true, detail: `version ${info.serverVersion}` });
    checks.push({ name: 'model', ok: true, detail: `${s.model} pulled (${info.digest?.slice(0, 12) ?? 'no digest'}), context length ${info.contextLength ?? 'unknown'}` });
  } catch (err) {
    const f = err instanceof OllamaFault ? err : new OllamaFault('error', String(err));
    if (f.kind === 'model_missing') {
      checks.push({ name: 'ollama', ok: true, detail: 'reachable' });
      checks.push({ name: 'model', ok: false, optional: true, detail: f.message, fix: `ollama pull ${s.model} (hypotheses are optional: runbooks, the log and exports work without them)` });
    } else checks.push({ name: 'ollama', ok: false, optional: true, detail: f.message, fix: 'start it with `ollama serve` (or set OLLAMA_HOST); hypotheses are optional: runbooks, the log and exports work without them' });
  }
  // Only a required part failing fails doctor; Ollama and the model are optional.
  const failed = checks.find((c) => !c.ok && !c.optional);
  if (opts.json) printJson(ctx, { ok: !failed, checks });
  else {
    for (const c of checks) print(ctx, `${c.ok ? 'ok  ' : c.optional ? 'warn' : 'FAIL'}  ${c.name.padEnd(12)} ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`);
    print(ctx, failed ? `not ready: ${failed.name} needs fixing` : checks.some((c) => !c.ok) ? 'ready (hypotheses unavailable: everything else works)' : 'ready');
  }
  const CODES = { 'data home': 'logWrite', incidents: 'unsafe', runbooks: 'invalidInput' } as const;
  if (failed) throw new ExitError(failed.code ?? CODES[failed.name as keyof typeof CODES] ?? 'usage', `not ready: ${failed.name}: ${failed.detail}`);
}

/** Sharing: optional, like the model; a failing remote is a warning (everything is recorded locally). */
async function sharingCheck(ctx: Context): Promise<Check> {
  const share = await import('../share/sync.js');
  let cfg;
  try {
    cfg = share.shareConfig(ctx.home);
  } catch (err) {
    return { name: 'sharing', ok: false, optional: true, detail: (err as Error).message, fix: 'run `oncall share init REMOTE-URL` again' };
  }
  if (!cfg) return { name: 'sharing', ok: true, detail: 'not set up (oncall share init REMOTE-URL shares this home\'s incidents through git)' };
  const st = share.readShareState(ctx.home);
  const pending = Object.values(share.pendingOf(ctx.home, st)).reduce((a, b) => a + b, 0);
  const detail = `${share.redactUrl(cfg.url)}; last success ${st.last_success ?? 'never'}; ${pending} record(s) not on the remote yet`;
  return st.last_error ? { name: 'sharing', ok: false, optional: true, detail: `${detail}; last error: ${st.last_error}`, fix: 'oncall sync tries again; everything is recorded locally meanwhile' } : { name: 'sharing', ok: true, detail };
}
