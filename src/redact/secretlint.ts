/**
 * secretlint's recommended rule preset (maintained by the secretlint project; bundled, pinned
 * at 12.0.0, the last release for Node 20), run synchronously on a string. Each rule's
 * handler is created once with a minimal context and reused; @secretlint/core's async
 * machinery is not needed. Returns the spans of the secrets it finds.
 */
import { rules } from '@secretlint/secretlint-rule-preset-recommend';

export interface Span {
  start: number;
  end: number;
  kind: string;
}

/**
 * Options per rule. The AWS rule's id scan is left off: it finds access key ids, which our
 * own aws-access-key-id rule finds too, and account ids (not secrets) with a pattern that has
 * no literal to start from, the slowest scan of all.
 */
const OPTIONS: Record<string, unknown> = {};
/** filter-comments would let the scanned text switch detection off ("secretlint-disable"): never for command output. */
const SKIP = new Set(['@secretlint/secretlint-rule-filter-comments']);
/** Reports that are not secrets: an AWS account id is an identifier. */
const NOT_SECRET = new Set(['AWSAccountID']);
/**
 * Findings the format itself rules out. npm tokens are npm_ and 36 base62 characters; the
 * preset also takes "_", so an environment name like npm_config_omit_lockfile_registry_resolv
 * (cut by `env | cut -c1-40`) looked like one.
 */
const VALID: Record<string, (secret: string) => boolean> = { npm: (s) => /^npm_[A-Za-z0-9]{36}$/.test(s) };

interface Report {
  range: [number, number];
  message: { messageId: string; data?: Record<string, unknown> };
}
type Handler = (source: { content: string; ext: string; filePath: undefined; contentType: 'text' }) => unknown;

let sink: { text: string; out: Span[]; kind: string } | undefined;

const HANDLERS: { id: string; kind: string; file: Handler }[] = (rules as unknown as { meta: { id: string }; create: (ctx: unknown, opts: unknown) => { file?: Handler } }[])
  .filter((r) => !SKIP.has(r.meta.id))
  .map((rule) => {
    const kind = rule.meta.id.replace('@secretlint/secretlint-rule-', '');
    const context = {
      sharedOptions: {},
      locale: 'en',
      ignore: () => undefined,
      createTranslator: () => (messageId: string, data?: Record<string, unknown>) => ({ message: '', messageId, data }),
      report: (r: Report) => {
        if (sink && !NOT_SECRET.has(r.message.messageId)) {
          const span = secretSpan(sink.text, r);
          if (span && (VALID[kind]?.(sink.text.slice(span.start, span.end)) ?? true)) sink.out.push({ ...span, kind });
        }
      },
    };
    return { id: rule.meta.id, kind, file: rule.create(context, OPTIONS[rule.meta.id] ?? {}).file! };
  })
  .filter((h) => typeof h.file === 'function');

/**
 * The secret inside a report. Some rules report the whole match (a URL), others a span that
 * starts at the match rather than at the secret: the value in the report's data is located.
 */
function secretSpan(text: string, r: Report): { start: number; end: number } | undefined {
  const d = r.message.data ?? {};
  const value = [d.TOKEN, d.KEY, d.ID, d.URI, d.CREDENTIAL].find((v): v is string => typeof v === 'string' && v.length > 0);
  let [start, end] = r.range;
  if (value) {
    const at = text.indexOf(value, Math.max(0, start - value.length));
    if (at >= 0) [start, end] = [at, at + value.length];
  }
  // A URL with credentials: only the password is secret.
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:([^@/\s]+)@/di.exec(text.slice(start, end));
  if (m?.indices?.[1]) return { start: start + m.indices[1][0], end: start + m.indices[1][1] };
  return end > start ? { start, end } : undefined;
}

/**
 * Text none of the rules can match (most output lines) skips them: every rule needs one of
 * these fragments. A test runs the rules over the secret corpus and checks each finding's
 * text matches this, so an upgrade that adds a rule is noticed.
 */
export const SECRETLINT_MAYBE = /AKIA|ASIA|A3T|ABIA|ACCA|aws|PRIVATE KEY|npm_|authToken|x-oauth|:\/\/|xox|xapp|hooks\.slack|SG\.|shp(?:at|ca|pa|ss)_|gh[pousr]_|github_pat_|glpat-|glc_|glsa_|T3BlbkFJ|sk-|gsk_|hf_|lin_api_|ntn_|ops_|hv[sbr]\.|vc[a-z]_|dapi|dckr_pat_|figd_|service_account|private_key/i;

/** Spans of every secret the preset's rules find in `text`. */
export function secretlintSpans(text: string): Span[] {
  if (!SECRETLINT_MAYBE.test(text)) return [];
  const out: Span[] = [];
  sink = { text, out, kind: '' };
  try {
    const source = { content: text, ext: '', filePath: undefined, contentType: 'text' as const };
    for (const h of HANDLERS) h.file(source);
  } finally {
    sink = undefined;
  }
  return out;
}

/** The rule ids in use (a test pins them, so an upgrade that adds one is reviewed). */
export const SECRETLINT_RULES = HANDLERS.map((h) => h.id);
