/**
 * The redactor as it was before the maintained rule set (oncall 0.1.0, 19 home-made patterns):
 * kept only as the baseline for `npm run bench -- redact`. Nothing in src/ uses it.
 */
import { mapStrings } from '../src/util/map-strings.js';

interface Rule {
  name: string;
  re: RegExp;
  /** Index of the capture group holding the secret; 0 = the whole match. */
  group?: number;
}

const RULES: Rule[] = [
  // The end of a key whose start was cut off (output kept as head + tail).
  { name: 'private-key', re: /^(?:(?!-----BEGIN)[\s\S])*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { name: 'private-key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { name: 'aws-access-key-id', re: /\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b/g, group: 1 },
  { name: 'aws-secret-key', re: /(aws_?secret_?access_?key|aws_?secret)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})/gi, group: 2 },
  { name: 'github-token', re: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, group: 1 },
  { name: 'gitlab-token', re: /\b(gl(?:pat|dt|ptt|rt|soat|oas)-[A-Za-z0-9_-]{20,})\b/g, group: 1 },
  { name: 'slack-token', re: /\b(xox[abposr]-[A-Za-z0-9-]{10,})\b/g, group: 1 },
  { name: 'slack-webhook', re: /(https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9+/]{20,})/g, group: 1 },
  { name: 'stripe-key', re: /\b((?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,})\b/g, group: 1 },
  { name: 'google-api-key', re: /\b(AIza[0-9A-Za-z_-]{35})\b/g, group: 1 },
  { name: 'npm-token', re: /\b(npm_[A-Za-z0-9]{36})\b/g, group: 1 },
  { name: 'openai-key', re: /\b(sk-(?:proj-)?[A-Za-z0-9_-]{32,})\b/g, group: 1 },
  { name: 'jwt', re: /\b(eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{0,4096})/g, group: 1 },
  { name: 'auth-header', re: /\b(Authorization|Proxy-Authorization)(["']?[ \t]*[:=][ \t]*["']?)(Bearer|Basic|Token|Digest)[ \t]+([A-Za-z0-9._~+/=-]{8,2048})/gi, group: 4 },
  { name: 'bearer', re: /\b(Bearer)\s+([A-Za-z0-9._~+/-]{20,1024}=*)/g, group: 2 },
  // Up to the last "@" of the authority, so a password containing "@" is masked whole.
  { name: 'url-password', re: /\b([a-z][a-z0-9+.-]{0,20}:\/\/[^\s:/@'"]{0,256}:)([^\s/'"]{1,512})(@)(?=[^\s@/'"]*(?:[/\s'"]|$))/gi, group: 2 },
  // Bounded name parts keep this linear on long runs such as "a-a-a-…".
  { name: 'password-assignment', re: /(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,40}(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|private[_-]?key)[A-Za-z0-9_.-]{0,40})(["']?[ \t]*[:=][ \t]*)(["']?)([^\s"',;&]{4,512})/gi, group: 4 },
  // Command-line flags: --password VALUE, --token=VALUE, redis-cli -a VALUE.
  { name: 'password-flag', re: /(?<![A-Za-z0-9_-])(--(?:password|passwd|pass|token|secret|api-key|access-key|client-secret|auth))([ =])(?!-)(\S{4,512})/gi, group: 3 },
  { name: 'password-flag', re: /(?<![A-Za-z0-9_-])(redis-cli\b[^\n]{0,200}?\s-a)(\s+)(?!-)(\S{4,512})/g, group: 3 },
];

// Compiled once, with indices ("d") so the secret's group can be replaced in place.
const COMPILED = RULES.map((r) => ({ ...r, re: new RegExp(r.re.source, r.re.flags.includes('d') ? r.re.flags : `${r.re.flags}d`) }));

/**
 * A cheap first look: every rule needs one of these fragments, so text without any of them
 * (most lines of most output) skips the rules entirely.
 */
const MAYBE = /PRIVATE KEY|A3T|AKIA|ASIA|ABIA|ACCA|aws|gh[pousr]_|github_pat_|gl(?:pat|dt|ptt|rt|soat|oas)-|xox[abposr]-|hooks\.slack|_live_|_test_|AIza|npm_|sk-|eyJ|auth|bearer|:\/\/[^\s:/@'"]*:|pass|pwd|secret|token|key|redis-cli/i;

/** Redacts secrets in one piece of text. */
export function redact(text: string): string {
  if (text.length === 0 || !MAYBE.test(text)) return text;
  let out = text;
  for (const rule of COMPILED) {
    const re = rule.re;
    let result = '';
    let last = 0;
    for (const m of out.matchAll(re)) {
      const g = rule.group ?? 0;
      const span = m.indices?.[g];
      const secret = m[g];
      if (!span || !secret || (g !== 0 && isPlaceholder(secret))) continue;
      result += out.slice(last, span[0]) + `[REDACTED:${rule.name}]`;
      last = span[1];
    }
    if (last > 0) out = result + out.slice(last);
  }
  return out;
}

/** Values that are clearly not secrets: shell variables, templates, masks. */
function isPlaceholder(v: string): boolean {
  return /^(\$|\{\{|<|\*{3,}|x{4,}$|\[REDACTED)/i.test(v) || /^(true|false|null|none|required|changeme)$/i.test(v);
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T): T {
  return mapStrings(value, redact);
}

/** Redacts every string inside a value the caller owns and built fresh, in place (no copy of a large document). */
export function redactInPlace(value: unknown): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (typeof v === 'string') value[i] = redact(v);
      else if (v && typeof v === 'object') redactInPlace(v);
    }
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === 'string') o[k] = redact(v);
      else if (v && typeof v === 'object') redactInPlace(v);
    }
  }
}
