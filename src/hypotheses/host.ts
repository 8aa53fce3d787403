/** Where Ollama is: OLLAMA_HOST read the way Ollama reads it (the ollama package ignores it). */

export interface OllamaHost {
  url: string;
  /** False when incident data would leave this machine. */
  loopback: boolean;
}

export const DEFAULT_HOST = 'http://127.0.0.1:11434';

/** Go's net.SplitHostPort, enough for host:port and [v6]:port; undefined where Go returns an error. */
function splitHostPort(s: string): [string, string] | undefined {
  const v6 = /^\[([^\]]*)\]:(\d*)$/.exec(s);
  if (v6) return [v6[1]!, v6[2]!];
  const i = s.lastIndexOf(':');
  if (i < 0 || s.indexOf(':') !== i) return undefined;
  return [s.slice(0, i), s.slice(i + 1)];
}

function isIp(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (s.includes(':') && /^[0-9a-f:.]+$/i.test(s));
}

/**
 * Mirrors Ollama's envconfig.Host(): no scheme means http and port 11434; http:// and https://
 * without a port mean 80 and 443; a bare IPv6 address is a host. Then, as Ollama's client does,
 * an unspecified address (0.0.0.0, ::, or none) means this machine.
 */
export function resolveOllamaHost(raw: string | undefined): OllamaHost {
  const s = (raw ?? '').trim();
  if (!s) return { url: DEFAULT_HOST, loopback: true };
  let scheme = 'http';
  let hostport = s;
  let defaultPort = '11434';
  const cut = s.indexOf('://');
  if (cut >= 0) {
    scheme = s.slice(0, cut).toLowerCase();
    hostport = s.slice(cut + 3);
    if (scheme === 'http') defaultPort = '80';
    else if (scheme === 'https') defaultPort = '443';
  }
  const slash = hostport.indexOf('/');
  const path = slash >= 0 ? hostport.slice(slash).replace(/\/+$/, '') : '';
  if (slash >= 0) hostport = hostport.slice(0, slash);
  let host: string;
  let port: string;
  const split = splitHostPort(hostport);
  if (split) [host, port] = split;
  else {
    const bare = hostport.replace(/^\[|\]$/g, '');
    host = isIp(bare) ? bare : hostport || '127.0.0.1';
    port = defaultPort;
  }
  if (!port) port = defaultPort;
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  const shown = host.includes(':') ? `[${host}]` : host;
  return { url: `${scheme}://${shown}:${port}${path}`, loopback: isLoopback(host) };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
