/**
 * The redactor's own rules, beside secretlint's preset: the structural ones no token format
 * describes (a secret-sounding key's value, Authorization headers, URL passwords, private key
 * blocks and their cut-off ends, Kubernetes Secret data, .netrc, passwords on command lines,
 * signed URLs) and token formats the preset does not know. Each finds the secret's span only.
 */
import type { Span } from './secretlint.js';

interface Rule {
  name: string;
  re: RegExp;
  /** The capture group holding the secret; 0 = the whole match. */
  group?: number;
  /**
   * What the text must contain before the rule is tried: literals (all rules' literals are
   * found in one pass over the text) or, where case or position matters, a pattern.
   */
  needs?: RegExp | string[];
  /** A last check on the secret found (a word is not a token). */
  accept?: (secret: string) => boolean;
}

// Names whose value is a secret when they end a key: DB_PASSWORD, dbPassword, client-secret,
// GITHUB_TOKEN, x-api-key, tls.key. Plurals (max_tokens) and longer words (password_policy,
// secretName, Tokenizer, api_key_rotation) are not the end of the key, so they are left alone.
// The longer forms come first, so SECRET_KEY is read as one name, not as "secret" then "_KEY".
const SECRET_KEY_END = '(?:(?:access|secret|private|client|app|account|encryption|signing|master|session|service|webhook|license|routing|integration|deploy|tls|ssl|ssh|auth|crypt)[_.-]?key|api[_.-]?key|apikey|pass(?:word|wd|phrase)?|pwd|secret|token|auth|credentials?|dsn|signature|sas)';
const KEY_CHARS = '[A-Za-z0-9_.-]';

const RULES: Rule[] = [
  // Private key blocks are found by privateKeySpans below (no pattern over the whole text).
  // A PEM private key base64-encoded again (a Kubernetes Secret's tls.key): "-----BEGIN" is LS0tLS1CRUdJTi.
  { name: 'private-key', re: /(?<![A-Za-z0-9+/])(LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2})/g, group: 1, needs: ['LS0tLS1CRUdJTi'], accept: (s) => /PRIVATE KEY/.test(Buffer.from(s.slice(0, 80), 'base64').toString('latin1')) },
  { name: 'aws-access-key-id', re: /\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g, group: 1, needs: ['A3T', 'AKIA', 'ASIA', 'ABIA', 'ACCA'] },
  { name: 'github-token', re: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, group: 1, needs: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'] },
  { name: 'gitlab-token', re: /\b(gl(?:pat|dt|ptt|rt|soat|oas|cbt|imt|agent|ffct|ft)-[A-Za-z0-9_-]{20,})/g, group: 1, needs: ['glpat-', 'gldt-', 'glptt-', 'glrt-', 'glsoat-', 'gloas-', 'glcbt-', 'glimt-', 'glagent-', 'glffct-', 'glft-'] },
  { name: 'slack-token', re: /\b(xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})/g, group: 1, needs: ['xox', 'xapp-'] },
  { name: 'slack-webhook', re: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{20,})/g, group: 1, needs: ['hooks.slack.com'] },
  { name: 'stripe-key', re: /\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})\b/g, group: 1, needs: ['_live_', '_test_', 'whsec_'] },
  { name: 'google-api-key', re: /\b(AIza[0-9A-Za-z_-]{35})/g, group: 1, needs: ['AIza'] },
  { name: 'npm-token', re: /\b(npm_[A-Za-z0-9]{36})\b/g, group: 1, needs: ['npm_'] },
  { name: 'pypi-token', re: /\b(pypi-AgE[A-Za-z0-9_-]{50,})/g, group: 1, needs: ['pypi-'] },
  { name: 'openai-key', re: /\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,})/g, group: 1, needs: ['sk-'] },
  { name: 'anthropic-key', re: /\b(sk-ant-[a-z]+\d{2}-[A-Za-z0-9_-]{40,})/g, group: 1, needs: ['sk-ant-'] },
  // Tried only where a token starts, so a run of eyJ-eyJ-... is read once, not once per eyJ.
  { name: 'jwt', re: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{0,4096})/g, group: 1, needs: ['eyJ'] },
  { name: 'grafana-api-key', re: /(?<![A-Za-z0-9+/=_-])(eyJrIjoi[A-Za-z0-9+/=_-]{30,})/g, group: 1, needs: ['eyJrIjoi'] },
  { name: 'google-oauth-token', re: /\b(ya29\.[0-9A-Za-z_-]{20,})/g, group: 1, needs: ['ya29.'] },
  { name: 'azure-storage-key', re: /\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})/g, group: 1, needs: ['AccessKey', 'AccountKey'] },
  { name: 'digitalocean-token', re: /\b(do[opr]_v1_[a-f0-9]{64})\b/g, group: 1, needs: ['_v1_'] },
  { name: 'doppler-token', re: /\b(dp\.(?:pt|st|sa|scim|audit|ct)\.[A-Za-z0-9_-]{40,})/g, group: 1, needs: ['dp.'] },
  { name: 'age-secret-key', re: /\b(AGE-SECRET-KEY-1[0-9A-Z]{58})\b/g, group: 1, needs: ['AGE-SECRET-KEY-1'] },
  { name: 'sentry-token', re: /\b(sntr[ysu]_[A-Za-z0-9+/=_-]{30,})/g, group: 1, needs: ['sntr'] },
  // A Sentry DSN's public key is what lets anyone send events: masked like a password.
  { name: 'sentry-dsn', re: /\bhttps?:\/\/([a-f0-9]{32})(?::[a-f0-9]{32})?@[a-z0-9.-]*sentry[a-z0-9.-]*\//gi, group: 1, needs: /sentry/i },
  { name: 'atlassian-token', re: /\b(ATATT3[A-Za-z0-9_=-]{100,})/g, group: 1, needs: ['ATATT3'] },
  { name: 'terraform-token', re: /\b([a-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,})/g, group: 1, needs: ['.atlasv1.'] },
  { name: 'twilio-api-key', re: /\b(SK[0-9a-fA-F]{32})\b/g, group: 1, needs: ['SK'] },
  // A Twilio account SID followed by its auth token (Client("AC...", "token")).
  { name: 'twilio-auth-token', re: /\bAC[0-9a-f]{32}["']?\s*[,:]\s*["']?([0-9a-f]{32})\b/g, group: 1, needs: ['AC'] },
  { name: 'mailgun-key', re: /\b(key-[0-9a-f]{32})\b/g, group: 1, needs: ['key-'] },
  { name: 'heroku-key', re: /\b(HRKU-(?:AA)?[A-Za-z0-9_-]{40,})/g, group: 1, needs: ['HRKU-'] },
  { name: 'sendgrid-key', re: /\b(SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64})/g, group: 1, needs: ['SG.'] },
  { name: 'vault-token', re: /\b(hv[sbr]\.[A-Za-z0-9_-]{20,}|s\.[A-Za-z0-9]{24})\b/g, group: 1, needs: ['hvs.', 'hvb.', 'hvr.', 's.'] },
  { name: 'onepassword-token', re: /\b(ops_eyJ[A-Za-z0-9+/=_-]{50,})/g, group: 1, needs: ['ops_eyJ'] },
  { name: 'databricks-token', re: /\b(dapi[a-f0-9]{32}(?:-\d)?)\b/g, group: 1, needs: ['dapi'] },
  { name: 'docker-hub-token', re: /\b(dckr_pat_[A-Za-z0-9_-]{27,})/g, group: 1, needs: ['dckr_pat_'] },
  // Headers: Authorization: SCHEME VALUE, whatever the scheme (Bearer, Basic, GenieKey, SSWS, ...);
  // a value with no scheme only when it looks like a token (long, with a digit), not a word.
  { name: 'auth-header', re: /\b(?:Proxy-)?Authorization["']?[ \t]*[:=][ \t]*["']?[A-Za-z][A-Za-z0-9_-]{0,30}[ \t]+([A-Za-z0-9._~+/=,:-]{8,4096})/gi, group: 1, needs: /authorization/i },
  { name: 'auth-header', re: /\b(?:Proxy-)?Authorization["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9._~+/=:-]{16,4096})(?![A-Za-z0-9._~+/=:-]|[ \t]+[A-Za-z0-9._~+/=-]{8})/gi, group: 1, needs: /authorization/i, accept: (s) => /\d/.test(s) },
  // Cookies are sessions: a Cookie or Set-Cookie header's value, whole.
  { name: 'cookie', re: /\b(?:Set-)?Cookie[ \t]*:[ \t]*([^\r\n'"=]{0,256}=[^\r\n'"]{1,4096})/gim, group: 1, needs: /cookie/i },
  { name: 'bearer', re: /\b[Bb]earer[ \t]+([A-Za-z0-9._~+/-]{20,4096}=*)/g, group: 1, needs: ['earer'] },
  // Signed URLs: the signature and the session token are the credential.
  { name: 'signed-url', re: /[?&](?:X-Amz-Signature|X-Amz-Security-Token|X-Goog-Signature|Signature|sig|X-Ms-Signature)=([^&\s#"'<>]{8,})/gi, group: 1, needs: /sig/i },
  // Passwords given on command lines.
  // Any long option that ends in a secret word: --password, --admin-password, --db-pass, --client-secret.
  { name: 'password-flag', re: /(?<![A-Za-z0-9_-])--(?:[a-z0-9]+-){0,4}(?:password|passwd|pass|passphrase|token|secret|api-key|access-key|auth)(?:[ =])(?!-)(['"]?)([^\s'"]{4,512})\1/gi, group: 2, needs: ['--'] },
  { name: 'password-flag', re: /\bredis-cli\b[^\n]{0,200}?\s-a\s+(?!-)(\S{4,512})/g, group: 1, needs: ['redis-cli'] },
  { name: 'password-flag', re: /\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]{0,200}?\s-p(?!\s)(['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: ['mysql', 'mariadb'] },
  { name: 'password-flag', re: /\b(?:curl|wget)\b[^\n]{0,300}?\s(?:-u|--user|--http-user)[ =]?(['"]?)[^:\s'"]*:([^\s'"]{1,512})\1/g, group: 2, needs: ['curl', 'wget'] },
  // HTTPie: http -a user:password.
  { name: 'password-flag', re: /\bhttps?\s[^\n]{0,300}?\s(?:-a|--auth)[ =]?(['"]?)[^:\s'"]*:([^\s'"]{1,512})\1/g, group: 2, needs: /\bhttps?\s/ },
  { name: 'password-flag', re: /\b(?:docker|podman|helm|nerdctl|buildah|skopeo)\s+(?:registry\s+)?login\b[^\n]{0,300}?\s(?:-p[ =]?|--password[ =])(?!-)(['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: ['docker', 'podman', 'helm', 'nerdctl', 'buildah', 'skopeo'] },
  { name: 'password-flag', re: /\b(?:mongo|mongosh|mongodump|mongorestore|mongoexport|mongoimport|mongostat|mongotop)\b[^\n]{0,300}?\s-p[ =]?(?!-)(['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: ['mongo'] },
  { name: 'password-flag', re: /\bldap[a-z]{0,10}\b[^\n]{0,300}?\s-w[ ]?(?!-)(['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: ['ldap'] },
  { name: 'password-flag', re: /(?<![A-Za-z0-9_-])-(?:storepass|keypass|srcstorepass|deststorepass|srckeypass|destkeypass)[ =](['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: ['storepass', 'keypass'] },
  // openssl -passin pass:X, -passout pass:X, -k X is rarer and left alone.
  { name: 'password-flag', re: /(?<![A-Za-z0-9_-])pass:(['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: ['pass:'] },
  { name: 'password-flag', re: /\b(?:smbclient|rpcclient|smbmap|smbcacls|net)\b[^\n]{0,300}?\s(?:-U|--user)[ =]?(['"]?)[^%\s'"]+%([^\s'"]{1,512})\1/g, group: 2, needs: /smbclient|rpcclient|smbmap|smbcacls|\bnet\s/ },
  { name: 'password-flag', re: /\bsshpass\s+-p\s*(['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: ['sshpass'] },
  // .netrc: machine HOST login USER password SECRET (on one line or several).
  { name: 'netrc-password', re: /(?:^|\s)password\s+(?![:=])(\S{1,512})/gm, group: 1, needs: /\bmachine\s+\S|\blogin\s+\S/ },
  // .pgpass: host:port:database:user:password, in a file that says so or on a PostgreSQL port.
  { name: 'pgpass-password', re: /^[^:\s#]{1,255}:(?:\d{1,5}|\*):[^:\s]{1,255}:[^:\s]{1,255}:(\S{1,512})$/gm, group: 1, needs: /pgpass|:(?:5432|6432|\*):/ },
  // Vault's tables (vault kv get, vault read): "password    VALUE" rows under a "Key  Value" header.
  { name: 'vault-secret', re: new RegExp(`^[ \\t]*[A-Za-z0-9_.-]{0,80}?${SECRET_KEY_END}[ \\t]{2,}(\\S[^\\r\\n]{0,1024})$`, 'gmi'), group: 1, needs: /^Key[ \t]+Value[ \t]*$/m },
];

// Compiled once, with indices ("d") so the secret's group can be located.
const COMPILED = RULES.map((r) => ({ ...r, re: new RegExp(r.re.source, r.re.flags.includes('d') ? r.re.flags : `${r.re.flags}d`) }));

// Every rule's literals in one pattern, longest first: one pass over the text tells which are
// present (50 separate scans of a large output cost more than the rules themselves).
const LITERALS = [...new Set(RULES.flatMap((r) => (Array.isArray(r.needs) ? r.needs : [])))].sort((a, b) => b.length - a.length);
const TRIGGERS = new RegExp(LITERALS.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
// A literal found also stands for the shorter ones inside it (at one position the pattern reports only the longest).
const INSIDE = new Map(LITERALS.map((l) => [l, LITERALS.filter((o) => l.includes(o))]));

function literalsIn(text: string): Set<string> {
  const found = new Set<string>();
  TRIGGERS.lastIndex = 0;
  // From the next character, not the match's end, so a literal overlapping another is found too.
  for (let m = TRIGGERS.exec(text); m; m = TRIGGERS.exec(text)) {
    if (!found.has(m[0])) for (const l of INSIDE.get(m[0])!) found.add(l);
    TRIGGERS.lastIndex = m.index + 1;
  }
  return found;
}

// KEY = VALUE / KEY: VALUE / "KEY": "VALUE". Found from the secret word outwards (a scan for
// the word is fast; a pattern that tried every position as a key start was not). In a URL
// query (after ? or &) a value ends at &; elsewhere it ends at whitespace, a quote, or ;
// (connection strings), so a secret with & in it is masked whole.
const SECRET_WORD = new RegExp(`${SECRET_KEY_END}(?![A-Za-z0-9])`, 'gi');
const SEP_VALUE = /["']?[ \t]*[:=][ \t]*(?:"([^"\n]{1,1024})"|'([^'\n]{1,1024})'|([^\s"';]{1,1024}))/y;
const KEY_CHAR = /[A-Za-z0-9_.-]/;
// Environment lists (Kubernetes env:, ECS, compose): a secret-sounding name, then its value.
// Only blanks and at most one line break between the parts, so no part can eat another's text.
const NAME_VALUE = new RegExp(`["']?name["']?[ \\t]*[:=][ \\t]*["']?${KEY_CHARS}{0,80}?${SECRET_KEY_END}["']?[ \\t]*(?:,[ \\t]*(?:\\r?\\n[ \\t]*)?|\\r?\\n[ \\t]*)["']?value["']?[ \\t]*[:=][ \\t]*(?:"([^"\\n]{1,1024})"|'([^'\\n]{1,1024})'|([^\\s"',}]{1,1024}))`, 'gid');

/**
 * Values that are clearly not secrets: shell variables, templates, masks, status words
 * ("password: expired", "auth=enabled"), and file paths (token_file=/var/run/secrets/token)
 * in lower case, which a random token of that length never is.
 */
export function isPlaceholder(v: string): boolean {
  return /^(\$|\{\{|<|%\(|\*{3,}|x{4,}$|\[REDACTED|•{2,})/i.test(v)
    || /^(true|false|null|none|nil|required|optional|changeme|redacted|hidden|secret|password|token|yes|no|on|off|empty|unset|n\/a|-|enabled|disabled|failed|expired|invalid|missing|ok|set|unknown|valid|present|absent|configured|denied|rejected|accepted|provided|default|auto|prompt|rotated|revoked|pending|mounted|\(none\)|\(not|\(unset\)|\(empty\))$/i.test(v)
    || /^(?:~|\.{1,2})?(?:\/[a-z0-9_.-]{1,64}){2,}\/?$/.test(v)
    || /^\d{1,5}$/.test(v);
}

function assignmentSpans(text: string, out: Span[]): void {
  for (const w of text.matchAll(SECRET_WORD)) {
    // The key: up to 128 key characters before the word, starting at a non-key character.
    let k = w.index!;
    while (k > 0 && w.index! - k < 128 && KEY_CHAR.test(text[k - 1]!)) k--;
    if (k > 0 && KEY_CHAR.test(text[k - 1]!)) continue;
    SEP_VALUE.lastIndex = w.index! + w[0].length;
    const m = SEP_VALUE.exec(text);
    if (!m) continue;
    const g = m[1] !== undefined ? 1 : m[2] !== undefined ? 2 : 3;
    let value = m[g]!;
    const start = m.index + m[0].length - value.length - (g === 3 ? 0 : 1);
    // In a query string the value ends at the next parameter.
    if (g === 3 && (text[k - 1] === '?' || text[k - 1] === '&')) value = value.split('&')[0]!;
    if (g === 3 && value.endsWith(',')) value = value.slice(0, -1);
    // A YAML/JSON value that opens a block or object is not the secret itself.
    if (value === '|' || value === '>' || value === '{' || value === '[' || value.length < 4 || isPlaceholder(value)) continue;
    out.push({ start, end: start + value.length, kind: 'secret-assignment' });
  }
}

function nameValueSpans(text: string, out: Span[]): void {
  if (!/value/i.test(text)) return;
  for (const m of text.matchAll(NAME_VALUE)) {
    const g = m[1] !== undefined ? 1 : m[2] !== undefined ? 2 : 3;
    const [start, end] = m.indices![g]!;
    if (!isPlaceholder(m[g]!) && m[g]!.length >= 4) out.push({ start, end, kind: 'secret-assignment' });
  }
}

/** The line HeadTail leaves where it dropped the middle of a long output. */
const CUT_LINE = /^\[… \d+ bytes not kept …\]\r?$/;

/**
 * Kubernetes Secret manifests (kubectl get secret -o yaml|json): every value under data: and
 * stringData: is a secret, whatever its key (tls.key, DATABASE_URL, .dockerconfigjson). When
 * the capture dropped the middle, the data lines right after the cut are masked as well, with
 * or without their data: line.
 */
function kubernetesSecretSpans(text: string, out: Span[]): void {
  if (!/kind["']?\s*:\s*["']?Secret\b/.test(text)) return;
  const push = (start: number, value: string) => {
    const v = value.replace(/\r$/, '').replace(/,$/, '');
    const bare = v.replace(/^["']|["']$/g, '');
    if (bare.length > 0 && !/^[|>{[]/.test(bare) && !isPlaceholder(bare)) out.push({ start, end: start + v.length, kind: 'kubernetes-secret' });
  };
  let at = 0;
  let dataIndent: string | undefined;
  let afterCut = false;
  for (const line of text.split('\n')) {
    const lineAt = at;
    at += line.length + 1;
    if (CUT_LINE.test(line)) {
      afterCut = true;
      continue;
    }
    if (dataIndent !== undefined) {
      if (line.startsWith(dataIndent) && /^[ \t]/.test(line.slice(dataIndent.length))) {
        const kv = /^([ \t]+["']?[^:\s"']+["']?:[ \t]*)(\S[^\n]*)/.exec(line);
        if (kv) push(lineAt + kv[1]!.length, kv[2]!);
        continue;
      }
      if (line.trim() === '') continue;
      dataIndent = undefined;
    }
    const header = /^([ \t]*)(?:data|stringData):[ \t]*\r?$/.exec(line);
    if (header) {
      dataIndent = header[1]!;
      afterCut = false;
      continue;
    }
    if (afterCut) {
      // Right after a cut: "  key: base64" (YAML) or "  "key": "base64"," (JSON) lines, until another kind of line.
      const kv = /^([ \t]+["']?[A-Za-z0-9_.-]+["']?[ \t]*:[ \t]*)(["']?[A-Za-z0-9+/]+={0,2}["']?,?)\r?$/.exec(line);
      if (kv) push(lineAt + kv[1]!.length, kv[2]!);
      else afterCut = false;
    }
  }
  // JSON: "data": { "k": "v", ... }, or its start when the capture cut it off.
  for (const m of text.matchAll(/"(?:data|stringData)"\s*:\s*\{([^{}]*)(?:\}|$)/g)) {
    const base = m.index! + m[0].indexOf('{') + 1;
    for (const kv of m[1]!.matchAll(/"[^"\n]*"\s*:\s*"([^"\n]*)"/dg)) {
      const [s, e] = kv.indices![1]!;
      if (e > s && !isPlaceholder(kv[1]!)) out.push({ start: base + s, end: base + e, kind: 'kubernetes-secret' });
    }
  }
}

const PEM_BEGIN = /-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----/g;
const BASE64_LINE = /^[A-Za-z0-9+/]{16,}={0,2}\r?$/;
const BASE64_LAST = /^[A-Za-z0-9+/]{1,15}={0,2}\r?$/;
const PEM_HEADER = /^(?:Proc-Type|DEK-Info|Comment):[^\n]*$/;

/** Where a key body that has no END line stops: after the base64 (and header, cut) lines that follow its BEGIN line. */
function pemBodyEnd(text: string, from: number): number {
  // One line in JSON or a log: "-----BEGIN ...-----\nMIIE...\n..." with the line breaks escaped.
  if (text.startsWith('\\n', from)) {
    const m = /(?:\\[nr]|[A-Za-z0-9+/=])*/y;
    m.lastIndex = from;
    m.exec(text);
    return m.lastIndex;
  }
  let end = from;
  let i = text.indexOf('\n', from);
  if (i < 0) return end;
  // The rest of the BEGIN line is part of the key only when it is base64.
  if (/^[A-Za-z0-9+/= \t]*\r?$/.test(text.slice(from, i))) end = i;
  let previousFull = true;
  while (i >= 0 && i < text.length) {
    const next = text.indexOf('\n', i + 1);
    const line = text.slice(i + 1, next < 0 ? text.length : next);
    const full = BASE64_LINE.test(line);
    if (full || PEM_HEADER.test(line) || CUT_LINE.test(line) || (line.trim() === '' && end === i) || (previousFull && BASE64_LAST.test(line))) {
      end = next < 0 ? text.length : next;
      previousFull = full;
      if (next < 0) break;
      i = next;
    } else break;
  }
  return end;
}

/** Where the body of a key whose BEGIN line was cut off starts: the base64 (and cut) lines right before its END line. */
function pemBodyStart(text: string, endAt: number): number {
  if (text.startsWith('\\n', endAt - 2)) {
    let j = endAt;
    for (;;) {
      if (j >= 2 && text[j - 2] === '\\' && (text[j - 1] === 'n' || text[j - 1] === 'r')) j -= 2;
      else if (j >= 1 && /[A-Za-z0-9+/=]/.test(text[j - 1]!)) j--;
      else break;
    }
    // Only the escaped line breaks before it: no key body.
    return /^(?:\\[nr])*$/.test(text.slice(j, endAt)) ? endAt : j;
  }
  if (text[endAt - 1] !== '\n') return endAt;
  let start = endAt;
  let last = true;
  while (start > 0) {
    const prev = text.lastIndexOf('\n', start - 2);
    const line = text.slice(prev + 1, start - 1);
    if (BASE64_LINE.test(line) || CUT_LINE.test(line) || (last && BASE64_LAST.test(line))) {
      start = prev + 1;
      last = false;
    } else break;
  }
  return start;
}

/**
 * Private key blocks, whole. A block whose END the capture dropped is masked over the key lines
 * that follow its BEGIN (not to the end of the text); one whose BEGIN was dropped, over the key
 * lines before its END. Found by indexOf-like scans, so no pattern runs over the whole text.
 */
function privateKeySpans(text: string, out: Span[]): void {
  if (!text.includes('PRIVATE KEY')) return;
  const begins = [...text.matchAll(PEM_BEGIN)];
  const ends = [...text.matchAll(PEM_END)];
  let e = 0;
  for (let b = 0; b < begins.length; b++) {
    const from = begins[b]!.index! + begins[b]![0].length;
    const nextBegin = begins[b + 1]?.index ?? Infinity;
    // Ends before this BEGIN belong to keys whose start was cut off.
    while (e < ends.length && ends[e]!.index! < from) {
      const start = pemBodyStart(text, ends[e]!.index!);
      if (start < ends[e]!.index!) out.push({ start, end: ends[e]!.index! + ends[e]![0].length, kind: 'private-key' });
      e++;
    }
    if (e < ends.length && ends[e]!.index! < nextBegin) {
      out.push({ start: begins[b]!.index!, end: ends[e]!.index! + ends[e]![0].length, kind: 'private-key' });
      e++;
    } else out.push({ start: begins[b]!.index!, end: pemBodyEnd(text, from), kind: 'private-key' });
  }
  for (; e < ends.length; e++) {
    const start = pemBodyStart(text, ends[e]!.index!);
    if (start < ends[e]!.index!) out.push({ start, end: ends[e]!.index! + ends[e]![0].length, kind: 'private-key' });
  }
}

const SECRET_KEY = new RegExp(`(?:^|[_.-])${SECRET_KEY_END}$`, 'i');

/**
 * Whether an object key names a secret (DB_PASSWORD, clientSecret, x-api-key, tls.key): the
 * same names as in text, camelCase split first. Values under such keys in alert labels,
 * annotations and JSON are masked whatever they look like.
 */
export function isSecretKey(key: string): boolean {
  return key.length <= 128 && SECRET_KEY.test(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

/** Whether a value under a secret key is worth masking (not a placeholder, a status word or a short word). */
export function isSecretValue(value: string): boolean {
  const v = value.trim();
  return v.length >= 4 && !isPlaceholder(v) && v !== '|' && v !== '>';
}

// After "://": user, ":", the password up to the last "@" of the authority (so a password
// containing "@" is masked whole); the user may be empty (redis://:pw@host).
const URL_USERINFO = /[^\s:/@'"]{0,256}:([^\s/'"]{1,512})@(?=[^\s@/'"]*(?:[/\s'"?#]|$))/dy;

/** Passwords in URLs, found from each "://" (a scan for it is fast; a pattern starting at every letter was not). */
function urlPasswordSpans(text: string, out: Span[]): void {
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    // A scheme before it: up to 21 of [a-z0-9+.-], a letter among them.
    let scheme = false;
    for (let k = at - 1; k >= 0 && at - k <= 21 && /[a-z0-9+.-]/i.test(text[k]!); k--) {
      if (/[a-z]/i.test(text[k]!)) scheme = true;
    }
    if (!scheme) continue;
    URL_USERINFO.lastIndex = at + 3;
    const m = URL_USERINFO.exec(text);
    if (m && !isPlaceholder(m[1]!)) out.push({ start: m.indices![1]![0], end: m.indices![1]![1], kind: 'url-password' });
  }
}

/** Spans of the secrets this module's rules find. */
export function ruleSpans(text: string): Span[] {
  const out: Span[] = [];
  const present = literalsIn(text);
  for (const rule of COMPILED) {
    if (Array.isArray(rule.needs) ? !rule.needs.some((l) => present.has(l)) : rule.needs && !rule.needs.test(text)) continue;
    rule.re.lastIndex = 0;
    for (const m of text.matchAll(rule.re)) {
      const g = rule.group ?? 0;
      const span = m.indices?.[g];
      const secret = m[g];
      if (!span || !secret || (g !== 0 && isPlaceholder(secret)) || (rule.accept && !rule.accept(secret))) continue;
      out.push({ start: span[0], end: span[1], kind: rule.name });
    }
  }
  privateKeySpans(text, out);
  urlPasswordSpans(text, out);
  assignmentSpans(text, out);
  nameValueSpans(text, out);
  kubernetesSecretSpans(text, out);
  return out;
}

/** A cheap first look: text without any of these cannot hold what the rules above find. */
export const RULES_MAYBE = /PRIVATE KEY|LS0tLS1CRUdJTi|ya29\.|cookie|pgpass|:5432:|:6432:|:\*:|mongo|ldap|smb|rpcclient|\bnet\s|A3T|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|gl[a-z]{1,5}-|xox|xapp|hooks\.slack|_live_|_test_|whsec_|AIza|npm_|pypi-|sk-|eyJ|AccountKey|AccessKey|_v1_|dp\.|AGE-SECRET|sntr|sentry|ATATT3|atlasv1|SK[0-9a-fA-F]{32}|key-|HRKU-|SG\.|hv[sbr]\.|\bs\.[A-Za-z0-9]{24}|ops_|dapi|dckr_|auth|earer|sig|:\/\/|--|redis-cli|mysql|mariadb|curl|wget|http|login|sshpass|machine|pass|pwd|secret|token|key|credential|dsn|sas|kind/i;
