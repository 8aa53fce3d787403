/**
 * The only module that talks to Ollama, through the `ollama` package, with deadlines of our
 * own (undici's 5-minute defaults are never relied on) and every stream aborted when done.
 * It returns text; it has no way to run, write or fetch anything else.
 */
import { sanitize } from '../util/sanitize.js';
import { Ollama, type AbortableAsyncIterator, type ChatResponse } from 'ollama';
import type { OllamaHost } from './host.js';

export type FaultKind = 'unavailable' | 'model_missing' | 'timeout' | 'error';

/**
 * What went wrong, in one clean line: the server's words (an HTTP error body, a mid-stream
 * "error") arrive here, so escapes, C0/C1 controls and bidi characters are stripped and the
 * text is cut to 300 characters before anything prints, records or shows it.
 */
export class OllamaFault extends Error {
  constructor(readonly kind: FaultKind, message: string) {
    const line = sanitize(message).replace(/\s+/g, ' ').trim();
    super(line.length > 300 ? `${line.slice(0, 299)}…` : line);
    this.name = 'OllamaFault';
  }
}

export interface Deadlines {
  /** For the small calls (version, tags, show): a server that does not answer this fast is unavailable. */
  connectMs: number;
  /** From sending the chat to its first chunk (includes loading the model). */
  firstTokenMs: number;
  /** For the whole answer. */
  totalMs: number;
}

export interface ModelInfo {
  name: string;
  digest?: string;
  contextLength?: number;
  serverVersion?: string;
}

export interface ChatDone {
  content: string;
  thinkingChars: number;
  promptEvalCount?: number;
  evalCount?: number;
  loadDurationMs?: number;
  doneReason?: string;
}

/** fetch with our signal added, and non-JSON error bodies turned into JSON (the package would print them to stdout). */
function guardedFetch(extra: () => AbortSignal | undefined): typeof fetch {
  return async (input, init) => {
    const ours = extra();
    const signal = ours && init?.signal ? AbortSignal.any([init.signal, ours]) : (ours ?? init?.signal ?? undefined);
    const res = await fetch(input, { ...init, ...(signal ? { signal } : {}) });
    if (!res.ok) {
      // An error body is read by us, at most 64 KiB of it, and handed on as {"error": text}.
      const text = (await readCapped(res, 64 * 1024)).trim();
      let error = text;
      try {
        const j = JSON.parse(text) as { error?: unknown };
        if (typeof j.error === 'string') error = j.error;
      } catch {
        // not JSON: the text itself
      }
      return new Response(JSON.stringify({ error: error || `HTTP ${res.status}` }), { status: res.status, headers: { 'content-type': 'application/json' } });
    }
    return res;
  };
}

async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => undefined);
  return Buffer.concat(chunks).toString('utf8', 0, Math.min(size, max));
}

function classify(err: unknown, phase: string, timedOut: boolean): OllamaFault {
  if (err instanceof OllamaFault) return err;
  const e = err as { name?: string; message?: string; status_code?: number; cause?: { code?: string } };
  if (timedOut || e.name === 'TimeoutError') return new OllamaFault('timeout', `${phase} took too long`);
  if (e.name === 'AbortError') return new OllamaFault('timeout', `${phase} was aborted`);
  if (e.name === 'ResponseError') {
    const msg = String(e.message ?? '');
    // "model 'x' not found" is a missing model; "404 page not found" is a wrong URL.
    if (e.status_code === 404 && /model\b.*not found/i.test(msg)) return new OllamaFault('model_missing', msg);
    return new OllamaFault('error', `Ollama answered ${e.status_code}: ${msg}`);
  }
  const code = e.cause?.code ?? '';
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EAI_AGAIN|UND_ERR_CONNECT/.test(code) || e.message === 'fetch failed') {
    return new OllamaFault('unavailable', `no Ollama server answered${code ? ` (${code})` : ''}`);
  }
  if (/did not receive done/i.test(String(e.message))) return new OllamaFault('error', 'the answer stream ended without "done"');
  return new OllamaFault('error', String(e.message ?? err));
}

export class OllamaClient {
  constructor(private readonly host: OllamaHost, private readonly deadlines: Deadlines) {}

  private client(signal: () => AbortSignal | undefined): Ollama {
    return new Ollama({ host: this.host.url, fetch: guardedFetch(signal) });
  }

  /** Version, whether the model is pulled (and its digest), and its context length. */
  async probe(model: string, signal?: AbortSignal): Promise<ModelInfo> {
    const o = this.client(() => (signal ? AbortSignal.any([AbortSignal.timeout(this.deadlines.connectMs), signal]) : AbortSignal.timeout(this.deadlines.connectMs)));
    let version: string;
    try {
      version = (await o.version()).version;
    } catch (err) {
      const f = classify(err, 'reaching Ollama', false);
      throw f.kind === 'timeout' ? new OllamaFault('unavailable', `Ollama at ${this.host.url} did not answer within ${this.deadlines.connectMs} ms`) : f.kind === 'error' || f.kind === 'model_missing' ? new OllamaFault('unavailable', `${this.host.url} is not an Ollama server (${f.message})`) : f;
    }
    let tags;
    try {
      tags = await o.list();
    } catch (err) {
      throw classify(err, 'listing models', false);
    }
    const want = model.includes(':') ? model : `${model}:latest`;
    const found = tags.models.find((m) => m.name === model || m.name === want || m.model === model || m.model === want);
    if (!found) throw new OllamaFault('model_missing', `model ${model} is not pulled`);
    let contextLength: number | undefined;
    try {
      const show = await o.show({ model });
      const info = (show as unknown as { model_info?: Record<string, unknown> }).model_info ?? {};
      const key = Object.keys(info).find((k) => k.endsWith('.context_length'));
      if (key && typeof info[key] === 'number') contextLength = info[key] as number;
    } catch (err) {
      throw classify(err, 'reading the model', false);
    }
    return { name: model, digest: found.digest, ...(contextLength ? { contextLength } : {}), serverVersion: version };
  }

  /** Streams one chat; `onChunk` sees every chunk. Resolves with the whole answer. */
  async chat(req: { model: string; system: string; user: string; format: Record<string, unknown>; options: Record<string, number> }, onChunk: (chars: number) => void, signal?: AbortSignal): Promise<ChatDone> {
    const total = AbortSignal.timeout(this.deadlines.totalMs);
    const first = new AbortController();
    const firstTimer = setTimeout(() => first.abort(new DOMException('first token', 'TimeoutError')), this.deadlines.firstTokenMs);
    const combined = AbortSignal.any([total, first.signal, ...(signal ? [signal] : [])]);
    const o = this.client(() => combined);
    let stream: AbortableAsyncIterator<ChatResponse> | undefined;
    let content = '';
    let thinkingChars = 0;
    let phase = 'waiting for the first token';
    try {
      stream = await o.chat({ model: req.model, stream: true, format: req.format, options: req.options, messages: [{ role: 'system', content: req.system }, { role: 'user', content: req.user }] });
      for await (const chunk of stream!) {
        clearTimeout(firstTimer);
        phase = 'receiving the answer';
        const m = chunk.message as { content?: string; thinking?: string };
        content += m.content ?? '';
        thinkingChars += (m.thinking ?? '').length;
        onChunk((m.content ?? '').length + (m.thinking ?? '').length);
        if (chunk.done) {
          const c = chunk as unknown as { prompt_eval_count?: number; eval_count?: number; load_duration?: number; done_reason?: string };
          return {
            content, thinkingChars,
            ...(c.prompt_eval_count !== undefined ? { promptEvalCount: c.prompt_eval_count } : {}),
            ...(c.eval_count !== undefined ? { evalCount: c.eval_count } : {}),
            ...(c.load_duration !== undefined ? { loadDurationMs: Math.round(c.load_duration / 1e6) } : {}),
            ...(c.done_reason ? { doneReason: c.done_reason } : {}),
          };
        }
      }
      throw new OllamaFault('error', 'the answer stream ended without "done"');
    } catch (err) {
      if (signal?.aborted) throw new OllamaFault('error', 'cancelled');
      const timedOut = total.aborted || first.signal.aborted;
      const f = classify(err, phase, timedOut);
      if (f.kind === 'timeout') throw new OllamaFault('timeout', first.signal.aborted && phase === 'waiting for the first token' ? `no first token within ${this.deadlines.firstTokenMs / 1000} s` : `no complete answer within ${this.deadlines.totalMs / 1000} s`);
      throw f;
    } finally {
      clearTimeout(firstTimer);
      // Breaking out of the iterator does not close the socket: always abort.
      stream?.abort();
    }
  }
}
