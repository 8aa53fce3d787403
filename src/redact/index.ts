/**
 * Secret patterns applied before anything is written to the log, shown, or sent to a model.
 * Rules follow gitleaks / detect-secrets families; each match becomes [REDACTED:<rule>].
 */

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
  { name: 'jwt', re: /\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/g, group: 1 },
  { name: 'auth-header', re: /\b(Authorization|Proxy-Authorization)(["']?\s*[:=]\s*["']?)(Bearer|Basic|Token|Digest)\s+([A-Za-z0-9._~+/=-]{8,})/gi, group: 4 },
  { name: 'bearer', re: /\b(Bearer)\s+([A-Za-z0-9._~+/-]{20,}=*)/g, group: 2 },
  { name: 'url-password', re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:)([^\s@/'"]+)(@)/gi, group: 2 },
  { name: 'password-assignment', re: /\b([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|private[_-]?key)[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*)(["']?)([^\s"',;&]{4,})/gi, group: 4 },
];

/** Redacts secrets in one piece of text. */
export function redact(text: string): string {
  if (text.length === 0) return text;
  let out = text;
  for (const rule of RULES) {
    const re = new RegExp(rule.re.source, rule.re.flags.includes('d') ? rule.re.flags : rule.re.flags + 'd');
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
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
