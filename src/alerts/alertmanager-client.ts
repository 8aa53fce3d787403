/**
 * The only module that talks to a live Alertmanager (its API v2): firing alerts, and silences
 * created, read and expired. Deadlines of its own; every error is one line, its body cleaned.
 */
import { UserError } from '../errors.js';
import { sanitize } from '../util/sanitize.js';

export class AlertmanagerError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'alertmanagerError', ...(hint ? { hint } : {}) });
    this.name = 'AlertmanagerError';
  }
}

export interface AlertmanagerTarget {
  /** Base URL without credentials, e.g. http://127.0.0.1:9093 (a path prefix is kept). */
  url: string;
  headers: Record<string, string>;
  /** Deadline for each request, its body included (default 10 s). */
  timeoutMs?: number;
}

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface SilenceSpec {
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** An http(s) URL, credentials in it turned into a Basic header (fetch refuses them in URLs). */
export function alertmanagerTarget(raw: string): AlertmanagerTarget {
  let u: URL;
  try {
    u = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new UserError(`${JSON.stringify(raw)} is not an Alertmanager URL`, { code: 'usage', hint: 'e.g. http://alertmanager:9093' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`Alertmanager URL ${JSON.stringify(raw)} is not http or https`, { code: 'usage', hint: 'e.g. http://alertmanager:9093' });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (u.username || u.password) {
    let user: string;
    let password: string;
    try {
      [user, password] = [decodeURIComponent(u.username), decodeURIComponent(u.password)];
    } catch {
      throw new UserError('the credentials in the Alertmanager URL are not valid percent-encoding', { code: 'usage', hint: 'write a % in a user or password as %25' });
    }
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  return { url: u.toString().replace(/\/+$/, ''), headers };
}

/** A label matcher as Alertmanager's filter parameter takes it: name="value", quotes escaped. */
export function filterString(name: string, value: string): string {
  return `${name}=${JSON.stringify(value)}`;
}

const TIMEOUT_MS = 10_000;
/** Firing alerts of a large cluster fit; an answer larger than this is refused, not buffered. */
const MAX_BODY = 4 * 1024 * 1024;

/** The body as text, at most MAX_BODY bytes, read under the same deadline as the request. */
async function readBody(res: Response, t: AlertmanagerTarget): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BODY) {
      await reader.cancel().catch(() => undefined);
      throw new AlertmanagerError(`Alertmanager at ${t.url} sent an answer larger than ${MAX_BODY / 1024 / 1024} MiB`, 'narrow it with --alertname, --match or --fingerprint');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One line for a failed request or body read: the deadline, or the network's reason. */
function networkError(err: unknown, t: AlertmanagerTarget): AlertmanagerError {
  if (err instanceof AlertmanagerError) return err;
  const e = err as { name?: string; cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return new AlertmanagerError(`Alertmanager at ${t.url} did not answer within ${(t.timeoutMs ?? TIMEOUT_MS) / 1000} s`);
  const code = e.cause?.code ?? e.cause?.errors?.[0]?.code ?? (e.cause?.message ? sanitize(e.cause.message).slice(0, 80) : undefined);
  return new AlertmanagerError(`cannot reach Alertmanager at ${t.url}${code ? ` (${code})` : ''}`, 'check the URL (ALERTMANAGER_URL, alertmanager.url in the config, or the flag) and that it is up');
}

/** What an error body says, in one clean line of at most 200 characters. */
function bodyText(text: string): string {
  let msg = text.trim();
  try {
    const j = JSON.parse(msg) as unknown;
    if (typeof j === 'string') msg = j;
    else if (j && typeof j === 'object' && typeof (j as { message?: unknown }).message === 'string') msg = (j as { message: string }).message;
  } catch {
    // plain text
  }
  const flat = sanitize(msg).replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

async function call(t: AlertmanagerTarget, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${t.url}${path}`, {
      method,
      headers: { ...t.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(t.timeoutMs ?? TIMEOUT_MS),
      redirect: 'error',
    });
    text = await readBody(res, t);
  } catch (err) {
    throw networkError(err, t);
  }
  if (res.status === 401 || res.status === 403) throw new AlertmanagerError(`Alertmanager at ${t.url} refused access (${res.status})${text.trim() ? `: ${bodyText(text)}` : ''}`, 'put credentials in the URL (https://user:password@host) or check the proxy in front of it');
  if (!res.ok) throw new AlertmanagerError(`Alertmanager at ${t.url} answered ${res.status} to ${method} ${path.split('?')[0]}${text.trim() ? `: ${bodyText(text)}` : ''}`);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AlertmanagerError(`Alertmanager at ${t.url} answered ${method} ${path.split('?')[0]} with something that is not JSON`);
  }
}

/** Firing alerts (not silenced, not inhibited) matching every `label=value` filter. */
export async function firingAlerts(t: AlertmanagerTarget, filters: { name: string; value: string }[]): Promise<unknown[]> {
  const q = new URLSearchParams({ active: 'true', silenced: 'false', inhibited: 'false', unprocessed: 'true' });
  for (const f of filters) q.append('filter', filterString(f.name, f.value));
  const body = await call(t, 'GET', `/api/v2/alerts?${q}`);
  if (!Array.isArray(body)) throw new AlertmanagerError(`Alertmanager at ${t.url} did not answer /api/v2/alerts with a list`);
  return body;
}

/** Creates a silence; returns its id. */
export async function createSilence(t: AlertmanagerTarget, s: SilenceSpec): Promise<string> {
  const body = (await call(t, 'POST', '/api/v2/silences', s)) as { silenceID?: unknown } | undefined;
  if (typeof body?.silenceID !== 'string') throw new AlertmanagerError(`Alertmanager at ${t.url} created no silence id`);
  return body.silenceID;
}

/** A silence's state (active, pending, expired), or undefined when Alertmanager does not know it. */
export async function silenceState(t: AlertmanagerTarget, id: string): Promise<string | undefined> {
  try {
    const body = (await call(t, 'GET', `/api/v2/silence/${encodeURIComponent(id)}`)) as { status?: { state?: unknown } } | undefined;
    return typeof body?.status?.state === 'string' ? body.status.state : undefined;
  } catch (err) {
    if (err instanceof AlertmanagerError && / 404 /.test(err.message)) return undefined;
    throw err;
  }
}

/** Expires a silence. */
export async function expireSilence(t: AlertmanagerTarget, id: string): Promise<void> {
  await call(t, 'DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);
}
