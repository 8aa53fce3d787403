/** Where Ollama is: OLLAMA_HOST read the way Ollama reads it (the ollama package ignores it). */

export interface OllamaHost {
  url: string;
  /** False when incident data would leave this machine. */
  loopback: boolean;
}

export const DEFAULT_HOST = 'http://127.0.0.1:11434';

/** `0.0.0.0` → 127.0.0.1, missing scheme → http, missing port → 11434, `:11434` → 127.0.0.1. */
export function resolveOllamaHost(raw: string | undefined): OllamaHost {
  let s = (raw ?? '').trim();
  if (!s) return { url: DEFAULT_HOST, loopback: true };
  let scheme = 'http';
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s);
  if (m) {
    scheme = m[1]!.toLowerCase();
    s = s.slice(m[0].length);
  }
  s = s.replace(/\/+$/, '');
  const path = s.includes('/') ? s.slice(s.indexOf('/')) : '';
  s = path ? s.slice(0, s.indexOf('/')) : s;
  let host: string;
  let port: string;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1]!;
    port = v6[2] ?? '11434';
  } else {
    const i = s.lastIndexOf(':');
    host = i >= 0 ? s.slice(0, i) : s;
    port = i >= 0 ? s.slice(i + 1) || '11434' : '11434';
  }
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `${scheme}://${shown}:${port}${path}`, loopback: isLoopback(host) };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
