/**
 * A loopback Ollama that speaks the documented API (shared reference: /, /api/version,
 * /api/tags, /api/show, /api/ps, /api/chat streamed NDJSON and not), with scripted answers
 * and faults. One per test, on a free port. Records every request body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | 'none' | 'model-missing' | 'status-400' | 'status-404' | 'status-500' | 'status-503'
  | 'slow-first-token' | 'slow-total' | 'error-midstream' | 'no-done' | 'non-json' | 'schema-break'
  | 'thinking-only' | 'empty-list' | 'text-404';

export interface StandinOptions {
  model?: string;
  /** The JSON the model "answers" (as a string, the way Ollama returns it in message.content). */
  answer?: unknown;
  fault?: Fault;
  contextLength?: number;
  /** prompt_eval_count to report; default: an honest ~chars/4 of the prompt. */
  promptEvalCount?: number;
  /** Delay before the first chunk (ms) for slow modes. */
  delayMs?: number;
  chunkSize?: number;
  /** The error text of status-500 and error-midstream (hostile servers send escapes). */
  errorText?: string;
}

export class OllamaStandin {
  readonly requests: { path: string; body: string }[] = [];
  /** performance.now() when the first chat chunk was written (benchmarks). */
  firstChunkAt?: number;
  private server?: Server;
  url = '';

  constructor(readonly opts: StandinOptions = {}) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private get model() {
    return this.opts.model ?? 'llama3.2:3b';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const c of req) body += c;
    this.requests.push({ path: req.url ?? '', body });
    const fault = this.opts.fault ?? 'none';
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(v));
    };
    const url = req.url ?? '/';
    if (url === '/' && req.method === 'GET') return void res.end('Ollama is running');
    if (url === '/api/version') return json(200, { version: '0.32.15' });
    if (url === '/api/tags') {
      const models = fault === 'model-missing' ? [] : [{ name: this.model, model: this.model, modified_at: '2026-11-01T00:00:00Z', size: 2019393189, digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72', details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' } }];
      return json(200, { models });
    }
    if (url === '/api/ps') return json(200, { models: [] });
    if (url === '/api/show') {
      const m = (JSON.parse(body || '{}') as { model?: string; name?: string }).model;
      if (!m) return json(400, { error: 'model is required' });
      if (fault === 'model-missing' || m !== this.model) return json(404, { error: `model '${m}' not found` });
      return json(200, { modelfile: '', parameters: '', template: '', details: { family: 'llama' }, model_info: { 'general.architecture': 'llama', 'llama.context_length': this.opts.contextLength ?? 131072 }, capabilities: ['completion'] });
    }
    if (url !== '/api/chat') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('404 page not found');
    }
    const request = JSON.parse(body) as { model: string; stream?: boolean; messages: { content: string }[] };
    if (fault === 'model-missing' || request.model !== this.model) return json(404, { error: `model '${request.model}' not found` });
    if (fault === 'status-400') return json(400, { error: 'invalid character \'x\' looking for beginning of value' });
    if (fault === 'status-404') return json(404, { error: `model "${request.model}" not found, try pulling it first` });
    if (fault === 'status-500') return json(500, { error: this.opts.errorText ?? 'llama runner process has terminated: exit status 2' });
    if (fault === 'status-503') return json(503, { error: 'server busy, please try again.  maximum pending requests exceeded' });
    if (fault === 'text-404') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return void res.end('404 page not found');
    }
    if (fault === 'slow-first-token') await new Promise((r) => setTimeout(r, this.opts.delayMs ?? 3000));
    let content: string;
    let thinking = '';
    switch (fault) {
      case 'non-json': content = 'The disk is probably full because of logs.'; break;
      case 'schema-break': content = JSON.stringify({ hypotheses: 'none' }); break;
      case 'thinking-only': content = ''; thinking = 'Let me think about the disk... '.repeat(20); break;
      case 'empty-list': content = JSON.stringify({ hypotheses: [] }); break;
      default: content = JSON.stringify(this.opts.answer ?? { hypotheses: [] });
    }
    const promptChars = request.messages.reduce((n, m) => n + m.content.length, 0);
    const final = { done: true, done_reason: 'stop', total_duration: 5_000_000, load_duration: 1_000_000, prompt_eval_count: this.opts.promptEvalCount ?? Math.ceil(promptChars / 4), prompt_eval_duration: 1_000_000, eval_count: Math.ceil(content.length / 4), eval_duration: 2_000_000 };
    const base = { model: request.model, created_at: '2026-11-26T00:00:00.000000Z' };
    if (request.stream === false) return json(200, { ...base, message: { role: 'assistant', content, ...(thinking ? { thinking } : {}) }, ...final });
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const write = (v: unknown) => {
      this.firstChunkAt ??= performance.now();
      return res.write(`${JSON.stringify(v)}\n`);
    };
    const size = this.opts.chunkSize ?? 16;
    for (let i = 0; i < thinking.length; i += size) write({ ...base, message: { role: 'assistant', content: '', thinking: thinking.slice(i, i + size) }, done: false });
    for (let i = 0; i < content.length; i += size) {
      if (fault === 'error-midstream' && i >= size) {
        write({ error: this.opts.errorText ?? 'an error was encountered while running the model' });
        return void res.end();
      }
      write({ ...base, message: { role: 'assistant', content: content.slice(i, i + size) }, done: false });
      if (fault === 'slow-total') await new Promise((r) => setTimeout(r, 200));
    }
    if (fault === 'no-done') return void res.end();
    if (fault === 'slow-total') await new Promise((r) => setTimeout(r, this.opts.delayMs ?? 3000));
    write({ ...base, message: { role: 'assistant', content: '' }, ...final });
    res.end();
  }
}
