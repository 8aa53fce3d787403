import { ExitError } from '../errors.js';
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
}

/** `oncall doctor`: what works, what does not, and the fix for each problem. */
export async function doctor(ctx: Context, opts: DoctorOptions): Promise<void> {
  const checks: Check[] = [];
  try {
    ensureHome(ctx.home);
    checks.push({ name: 'data home', ok: true, detail: ctx.home });
  } catch (err) {
    checks.push({ name: 'data home', ok: false, detail: (err as Error).message, fix: 'set ONCALL_HOME to a writable folder on a local disk' });
  }
  const cat = await catalogFor(ctx);
  checks.push({ name: 'runbooks', ok: cat.invalid.length === 0, detail: `${cat.entries.length} valid, ${cat.invalid.length} invalid`, ...(cat.invalid.length ? { fix: 'run `oncall runbooks validate`' } : {}) });
  const s = await hypothesisSettings(ctx, { ...(opts.model ? { model: opts.model } : {}) });
  if (!s.host.loopback) ctx.stderr.write(`warning: OLLAMA_HOST ${s.host.url} is not on this machine: incident data would leave it\n`);
  checks.push({ name: 'ollama host', ok: true, detail: `${s.host.url}${s.host.loopback ? '' : ' (NOT local)'}` });
  try {
    const info = await new OllamaClient(s.host, s.deadlines).probe(s.model);
    checks.push({ name: 'ollama', ok: true, detail: `version ${info.serverVersion}` });
    checks.push({ name: 'model', ok: true, detail: `${s.model} pulled (${info.digest?.slice(0, 12) ?? 'no digest'}), context length ${info.contextLength ?? 'unknown'}` });
  } catch (err) {
    const f = err instanceof OllamaFault ? err : new OllamaFault('error', String(err));
    if (f.kind === 'model_missing') {
      checks.push({ name: 'ollama', ok: true, detail: 'reachable' });
      checks.push({ name: 'model', ok: false, detail: f.message, fix: `ollama pull ${s.model}` });
    } else checks.push({ name: 'ollama', ok: false, detail: f.message, fix: `start it with \`ollama serve\` (or set OLLAMA_HOST); hypotheses are optional: runbooks, the log and exports work without them` });
  }
  if (opts.json) printJson(ctx, { ok: checks.every((c) => c.ok), checks });
  else for (const c of checks) print(ctx, `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(12)} ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}`);
  const CODES = { 'data home': 'logWrite', runbooks: 'invalidInput', ollama: 'ollamaUnavailable', model: 'modelMissing' } as const;
  const failed = checks.find((c) => !c.ok);
  if (failed) throw new ExitError(CODES[failed.name as keyof typeof CODES] ?? 'usage');
}
