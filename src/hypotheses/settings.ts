/** Where and how to ask, from flags, environment and config. Light: no zod, no client. */
import type { Config } from '../config.js';
import { UserError } from '../errors.js';
import { durationMs, MAX_TIMEOUT_MS } from '../runbook/template.js';
import type { Env } from '../util/paths.js';
import type { Deadlines } from './client.js';
import { resolveOllamaHost, type OllamaHost } from './host.js';

export const DEFAULT_MODEL = 'llama3.2:3b';

export interface HypothesisSettings {
  host: OllamaHost;
  model: string;
  deadlines: Deadlines;
  numCtx?: number;
  youFirst: boolean;
  /** Whether incident data may go to an Ollama that is not on this machine (--allow-remote, hypotheses.allow_remote). */
  allowRemote: boolean;
}

export function hypothesisSettings(env: Env, config: Config, flags: { model?: string; timeout?: string; allowRemote?: boolean }): HypothesisSettings {
  const h = config.hypotheses ?? {};
  let totalMs = h.timeout !== undefined ? durationMs(h.timeout) : 120_000;
  if (flags.timeout !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(flags.timeout) || Number(flags.timeout) <= 0) throw new UserError(`--timeout ${JSON.stringify(flags.timeout)} is not a number of seconds`, { code: 'usage', hint: 'e.g. --timeout 60' });
    totalMs = Math.round(Number(flags.timeout) * 1000);
  }
  // setTimeout fires at once past 2^31-1 ms: longer deadlines are refused, not silently broken.
  if (totalMs < 1 || totalMs > MAX_TIMEOUT_MS) throw new UserError(`the hypotheses timeout (${totalMs / 1000} s) is out of range`, { code: 'usage', hint: 'use at most 24 days, e.g. --timeout 120' });
  const firstMs = Math.min(totalMs, h.first_token_timeout !== undefined ? durationMs(h.first_token_timeout) : 90_000);
  return {
    host: resolveOllamaHost(env.OLLAMA_HOST),
    model: flags.model || env.ONCALL_MODEL || h.model || DEFAULT_MODEL,
    deadlines: { connectMs: 3000, firstTokenMs: firstMs, totalMs },
    ...(h.num_ctx ? { numCtx: h.num_ctx } : {}),
    youFirst: !!h.you_first,
    allowRemote: !!flags.allowRemote || !!h.allow_remote,
  };
}
