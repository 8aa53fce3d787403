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
  /** A literal or two the text must contain before the rule is tried. */
  needs?: RegExp;
}

// Names whose value is a secret when they end a key: DB_PASSWORD, dbPassword, client-secret,
// GITHUB_TOKEN, x-api-key, tls.key. Plurals (max_tokens) and longer words (password_policy,
// secretName, Tokenizer, api_key_rotation) are not the end of the key, so they are left alone.
const SECRET_KEY_END = '(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_.-]?key|apikey|(?:access|secret|private|client|app|account|encryption|signing|master|session|service|webhook|license|routing|integration|deploy|tls|ssl|ssh|auth|crypt)[_.-]?key|auth|credentials?|dsn|signature|sas)';
const KEY_CHARS = '[A-Za-z0-9_.-]';

const RULES: Rule[] = [
  // Private key blocks, whole; a block cut off by the output cap loses its end: mask to the end.
  { name: 'private-key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g, needs: /PRIVATE KEY/ },
  // The end of a key whose start was cut off: only the base64 lines right before the END line.
  { name: 'private-key', re: /(?:^|\n)((?:[A-Za-z0-9+/=]{16,}\r?\n)+)-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g, group: 1, needs: /PRIVATE KEY/ },
  { name: 'aws-access-key-id', re: /\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g, group: 1, needs: /A3T|AKIA|ASIA|ABIA|ACCA/ },
  { name: 'github-token', re: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, group: 1, needs: /gh[pousr]_|github_pat_/ },
  { name: 'gitlab-token', re: /\b(gl(?:pat|dt|ptt|rt|soat|oas|cbt|imt|agent|ffct|ft)-[A-Za-z0-9_-]{20,})/g, group: 1, needs: /gl[a-z]{1,5}-/ },
  { name: 'slack-token', re: /\b(xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})/g, group: 1, needs: /xox|xapp/ },
  { name: 'slack-webhook', re: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{20,})/g, group: 1, needs: /hooks\.slack/ },
  { name: 'stripe-key', re: /\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})\b/g, group: 1, needs: /_live_|_test_|whsec_/ },
  { name: 'google-api-key', re: /\b(AIza[0-9A-Za-z_-]{35})/g, group: 1, needs: /AIza/ },
  { name: 'npm-token', re: /\b(npm_[A-Za-z0-9]{36})\b/g, group: 1, needs: /npm_/ },
  { name: 'pypi-token', re: /\b(pypi-AgE[A-Za-z0-9_-]{50,})/g, group: 1, needs: /pypi-/ },
  { name: 'openai-key', re: /\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,})/g, group: 1, needs: /sk-/ },
  { name: 'anthropic-key', re: /\b(sk-ant-[a-z]+\d{2}-[A-Za-z0-9_-]{40,})/g, group: 1, needs: /sk-ant-/ },
  { name: 'jwt', re: /\b(eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{0,4096})/g, group: 1, needs: /eyJ/ },
  { name: 'grafana-api-key', re: /\b(eyJrIjoi[A-Za-z0-9+/=_-]{30,})/g, group: 1, needs: /eyJrIjoi/ },
  { name: 'azure-storage-key', re: /\b(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})/g, group: 1, needs: /AccessKey|AccountKey/ },
  { name: 'digitalocean-token', re: /\b(do[opr]_v1_[a-f0-9]{64})\b/g, group: 1, needs: /_v1_/ },
  { name: 'doppler-token', re: /\b(dp\.(?:pt|st|sa|scim|audit|ct)\.[A-Za-z0-9_-]{40,})/g, group: 1, needs: /dp\./ },
  { name: 'age-secret-key', re: /\b(AGE-SECRET-KEY-1[0-9A-Z]{58})\b/g, group: 1, needs: /AGE-SECRET/ },
  { name: 'sentry-token', re: /\b(sntr[ysu]_[A-Za-z0-9+/=_-]{30,})/g, group: 1, needs: /sntr/ },
  // A Sentry DSN's public key is what lets anyone send events: masked like a password.
  { name: 'sentry-dsn', re: /\bhttps?:\/\/([a-f0-9]{32})(?::[a-f0-9]{32})?@[a-z0-9.-]*sentry[a-z0-9.-]*\//gi, group: 1, needs: /sentry/i },
  { name: 'atlassian-token', re: /\b(ATATT3[A-Za-z0-9_=-]{100,})/g, group: 1, needs: /ATATT3/ },
  { name: 'terraform-token', re: /\b([a-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,})/g, group: 1, needs: /atlasv1/ },
  { name: 'twilio-api-key', re: /\b(SK[0-9a-fA-F]{32})\b/g, group: 1, needs: /SK/ },
  // A Twilio account SID followed by its auth token (Client("AC...", "token")).
  { name: 'twilio-auth-token', re: /\bAC[0-9a-f]{32}["']?\s*[,:]\s*["']?([0-9a-f]{32})\b/g, group: 1, needs: /AC[0-9a-f]{32}/ },
  { name: 'mailgun-key', re: /\b(key-[0-9a-f]{32})\b/g, group: 1, needs: /key-/ },
  { name: 'heroku-key', re: /\b(HRKU-(?:AA)?[A-Za-z0-9_-]{40,})/g, group: 1, needs: /HRKU-/ },
  { name: 'sendgrid-key', re: /\b(SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64})/g, group: 1, needs: /SG\./ },
  { name: 'vault-token', re: /\b(hv[sbr]\.[A-Za-z0-9_-]{20,}|s\.[A-Za-z0-9]{24})\b/g, group: 1, needs: /hv[sbr]\.|\bs\./ },
  { name: 'onepassword-token', re: /\b(ops_eyJ[A-Za-z0-9+/=_-]{50,})/g, group: 1, needs: /ops_/ },
  { name: 'databricks-token', re: /\b(dapi[a-f0-9]{32}(?:-\d)?)\b/g, group: 1, needs: /dapi/ },
  { name: 'docker-hub-token', re: /\b(dckr_pat_[A-Za-z0-9_-]{27,})/g, group: 1, needs: /dckr_/ },
  // Headers: Authorization: Bearer|Basic|Token|Digest|... VALUE; a bare "Bearer VALUE".
  { name: 'auth-header', re: /\b(?:Proxy-)?Authorization(["']?[ \t]*[:=][ \t]*["']?)(?:Bearer|Basic|Token|Digest|Negotiate|AWS4-HMAC-SHA256|SSWS|Splunk|GenieKey|Api-Key|ApiKey)[ \t]+([A-Za-z0-9._~+/=,:-]{8,4096})/gi, group: 2, needs: /authorization/i },
  { name: 'bearer', re: /\b[Bb]earer[ \t]+([A-Za-z0-9._~+/-]{20,4096}=*)/g, group: 1, needs: /earer/ },
  // Signed URLs: the signature and the session token are the credential.
  { name: 'signed-url', re: /[?&](?:X-Amz-Signature|X-Amz-Security-Token|X-Goog-Signature|Signature|sig|X-Ms-Signature)=([^&\s#"'<>]{8,})/gi, group: 1, needs: /sig/i },
  // Up to the last "@" of the authority, so a password containing "@" is masked whole; the user may be empty (redis://:pw@host).
  { name: 'url-password', re: /\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s:/@'"]{0,256}:([^\s/'"]{1,512})@(?=[^\s@/'"]*(?:[/\s'"?#]|$))/gi, group: 1, needs: /:\/\// },
  // Passwords given on command lines.
  { name: 'password-flag', re: /(?<![A-Za-z0-9_-])--(?:password|passwd|pass|token|secret|api-key|access-key|client-secret|auth-token|auth)(?:[ =])(?!-)(['"]?)([^\s'"]{4,512})\1/gi, group: 2, needs: /--/ },
  { name: 'password-flag', re: /\bredis-cli\b[^\n]{0,200}?\s-a\s+(?!-)(\S{4,512})/g, group: 1, needs: /redis-cli/ },
  { name: 'password-flag', re: /\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n]{0,200}?\s-p(?!\s)(['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: /mysql|mariadb/ },
  { name: 'password-flag', re: /\b(?:curl|wget|http)\b[^\n]{0,300}?\s(?:-u|--user|--http-user)[ =]?(['"]?)[^:\s'"]*:([^\s'"]{1,512})\1/g, group: 2, needs: /curl|wget|http/ },
  { name: 'password-flag', re: /\b(?:docker|podman|helm|nerdctl)\s+(?:registry\s+)?login\b[^\n]{0,300}?\s(?:-p|--password)[ =](['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: /login/ },
  { name: 'password-flag', re: /\bsshpass\s+-p\s*(['"]?)([^\s'"]{1,512})\1/g, group: 2, needs: /sshpass/ },
  // .netrc: machine HOST login USER password SECRET (on one line or several).
  { name: 'netrc-password', re: /(?:^|\s)password\s+(?![:=])(\S{1,512})/gm, group: 1, needs: /\bmachine\s+\S|\blogin\s+\S/ },
];

// Compiled once, with indices ("d") so the secret's group can be located.
const COMPILED = RULES.map((r) => ({ ...r, re: new RegExp(r.re.source, r.re.flags.includes('d') ? r.re.flags : `${r.re.flags}d`) }));

// KEY = VALUE / KEY: VALUE / "KEY": "VALUE". Found from the secret word outwards (a scan for
// the word is fast; a pattern that tried every position as a key start was not). In a URL
// query (after ? or &) a value ends at &; elsewhere it ends at whitespace, a quote, or ;
// (connection strings), so a secret with & in it is masked whole.
const SECRET_WORD = new RegExp(`${SECRET_KEY_END}(?![A-Za-z0-9])`, 'gi');
const SEP_VALUE = /["']?[ \t]*[:=][ \t]*(?:"([^"\n]{1,1024})"|'([^'\n]{1,1024})'|([^\s"';]{1,1024}))/y;
const KEY_CHAR = /[A-Za-z0-9_.-]/;
// Environment lists (Kubernetes env:, ECS, compose): a secret-sounding name, then its value.
const NAME_VALUE = new RegExp(`["']?name["']?\\s*[:=]\\s*["']?${KEY_CHARS}{0,40}?${SECRET_KEY_END}["']?\\s*[,\\n]\\s*["']?value["']?\\s*[:=]\\s*(?:"([^"\\n]{1,1024})"|'([^'\\n]{1,1024})'|([^\\s"',}]{1,1024}))`, 'gid');

/** Values that are clearly not secrets: shell variables, templates, masks, words. */
export function isPlaceholder(v: string): boolean {
  return /^(\$|\{\{|<|%\(|\*{3,}|x{4,}$|\[REDACTED|•{2,})/i.test(v)
    || /^(true|false|null|none|nil|required|optional|changeme|redacted|hidden|secret|password|token|yes|no|on|off|empty|unset|n\/a|-)$/i.test(v)
    || /^\d{1,5}$/.test(v);
}

function assignmentSpans(text: string, out: Span[]): void {
  for (const w of text.matchAll(SECRET_WORD)) {
    // The key: up to 40 key characters before the word, starting at a non-key character.
    let k = w.index!;
    while (k > 0 && w.index! - k < 40 && KEY_CHAR.test(text[k - 1]!)) k--;
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

/**
 * Kubernetes Secret manifests (kubectl get secret -o yaml|json): every value under data: and
 * stringData: is a secret, whatever its key (tls.key, DATABASE_URL, .dockerconfigjson).
 */
function kubernetesSecretSpans(text: string, out: Span[]): void {
  if (!/kind["']?\s*:\s*["']?Secret\b/.test(text)) return;
  // YAML: "data:" at some indent, then deeper "key: value" lines.
  for (const m of text.matchAll(/^([ \t]*)(?:data|stringData):[ \t]*\r?\n((?:\1[ \t]+[^\n]*\r?\n?)+)/gm)) {
    let at = m.index! + m[0].length - m[2]!.length;
    for (const line of m[2]!.split('\n')) {
      const kv = /^([ \t]+["']?[^:\s"']+["']?:[ \t]*)(\S[^\n\r]*)/.exec(line);
      if (kv && !/^[|>]/.test(kv[2]!) && !isPlaceholder(kv[2]!.replace(/^["']/, ''))) out.push({ start: at + kv[1]!.length, end: at + kv[1]!.length + kv[2]!.length, kind: 'kubernetes-secret' });
      at += line.length + 1;
    }
  }
  // JSON: "data": { "k": "v", ... }.
  for (const m of text.matchAll(/"(?:data|stringData)"\s*:\s*\{([^{}]*)\}/g)) {
    const base = m.index! + m[0].indexOf('{') + 1;
    for (const kv of m[1]!.matchAll(/"[^"]*"\s*:\s*"([^"]*)"/dg)) {
      const [s, e] = kv.indices![1]!;
      if (e > s && !isPlaceholder(kv[1]!)) out.push({ start: base + s, end: base + e, kind: 'kubernetes-secret' });
    }
  }
}

/** Spans of the secrets this module's rules find. */
export function ruleSpans(text: string): Span[] {
  const out: Span[] = [];
  for (const rule of COMPILED) {
    if (rule.needs && !rule.needs.test(text)) continue;
    rule.re.lastIndex = 0;
    for (const m of text.matchAll(rule.re)) {
      const g = rule.group ?? 0;
      const span = m.indices?.[g];
      const secret = m[g];
      if (!span || !secret || (g !== 0 && isPlaceholder(secret))) continue;
      out.push({ start: span[0], end: span[1], kind: rule.name });
    }
  }
  assignmentSpans(text, out);
  nameValueSpans(text, out);
  kubernetesSecretSpans(text, out);
  return out;
}

/** A cheap first look: text without any of these cannot hold what the rules above find. */
export const RULES_MAYBE = /PRIVATE KEY|A3T|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|gl[a-z]{1,5}-|xox|xapp|hooks\.slack|_live_|_test_|whsec_|AIza|npm_|pypi-|sk-|eyJ|AccountKey|AccessKey|_v1_|dp\.|AGE-SECRET|sntr|sentry|ATATT3|atlasv1|SK[0-9a-fA-F]{32}|key-|HRKU-|SG\.|hv[sbr]\.|\bs\.[A-Za-z0-9]{24}|ops_|dapi|dckr_|auth|earer|sig|:\/\/|--|redis-cli|mysql|mariadb|curl|wget|http|login|sshpass|machine|pass|pwd|secret|token|key|credential|dsn|sas|kind/i;
