/**
 * The model-facing answer contract (DESIGN.md): sent as the `format` JSON Schema, and checked
 * again on receipt, element by element: a malformed cite drops that cite, a malformed
 * hypothesis drops that hypothesis, extra hypotheses are dropped; each drop is counted.
 */
import { z } from 'zod';
import { cleanLine } from '../util/model-text.js';

/** How many hypotheses are asked for; more are dropped and counted. */
export const MAX_HYPOTHESES = 5;
const MAX_CITES = 20;

export const citeSchema = z.object({ seq: z.number().int(), quote: z.string().min(1).max(500) });
/** In a shared incident other replicas' entries are cited as "replica:seq" (see incident/replicas.ts). */
export const sharedCiteSchema = z.object({ seq: z.union([z.number().int(), z.string().regex(/^#?(?:[a-z2-9]{6}:)?[1-9][0-9]{0,14}$/)]), quote: z.string().min(1).max(500) });
export const hypothesisSchema = z.object({
  title: z.string().min(1).max(300),
  explanation: z.string().max(4000),
  cites: z.array(citeSchema).max(MAX_CITES),
  refute_by: z.string().max(1000),
  check: z.string().max(1000),
});
export const answerSchema = z.object({ hypotheses: z.array(hypothesisSchema).max(MAX_HYPOTHESES) });

const sharedAnswerSchema = z.object({ hypotheses: z.array(hypothesisSchema.extend({ cites: z.array(sharedCiteSchema).max(MAX_CITES) })).max(MAX_HYPOTHESES) });

export type Answer = z.infer<typeof answerSchema>;
export type ModelHypothesis = Omit<z.infer<typeof hypothesisSchema>, 'cites'> & { cites: { seq: number | string; quote: string }[] };

/** Sent as `format`; small models often ignore it, so answers are checked again on receipt. `shared`: entries of several replicas. */
export function answerJsonSchema(shared = false): Record<string, unknown> {
  return z.toJSONSchema(shared ? sharedAnswerSchema : answerSchema, { target: 'draft-7' }) as Record<string, unknown>;
}

export interface Dropped {
  /** Hypotheses past MAX_HYPOTHESES. */
  extra: number;
  /** Hypotheses without a usable title. */
  malformed: number;
}

export type ParsedAnswer =
  | { ok: true; hypotheses: (ModelHypothesis & { droppedCites: number })[]; dropped: Dropped }
  | { ok: false; why: string };

const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

/** Text from the model → the hypotheses that keep the contract. Tolerates a fenced block; nothing else. */
export function parseAnswer(text: string, max = MAX_HYPOTHESES, shared = false): ParsedAnswer {
  let body = text.trim();
  const fence = /^```(?:json)?\s*\n([\s\S]*?)\n```$/.exec(body);
  if (fence) body = fence[1]!.trim();
  if (!body) return { ok: false, why: 'the model returned nothing' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, why: `the model's answer is not JSON (starts ${JSON.stringify(cleanLine(body.slice(0, 40)))})` };
  }
  const list = (json as { hypotheses?: unknown } | null)?.hypotheses;
  if (!json || typeof json !== 'object' || Array.isArray(json) || !Array.isArray(list)) {
    return { ok: false, why: 'the model\'s JSON breaks the answer schema at (root): expected {"hypotheses": [...]}' };
  }
  const dropped: Dropped = { extra: 0, malformed: 0 };
  const out: (ModelHypothesis & { droppedCites: number })[] = [];
  for (const raw of list) {
    const h = raw as Record<string, unknown> | null;
    const title = h && typeof h === 'object' && !Array.isArray(h) ? str(h.title, 300).trim() : '';
    if (!title) {
      dropped.malformed++;
      continue;
    }
    if (out.length >= max) {
      dropped.extra++;
      continue;
    }
    const rawCites = Array.isArray(h!.cites) ? h!.cites : [];
    const cites = rawCites.filter((c): c is { seq: number | string; quote: string } => (shared ? sharedCiteSchema : citeSchema).safeParse(c).success).slice(0, MAX_CITES);
    out.push({ title, explanation: str(h!.explanation, 4000), cites: cites.map((c) => ({ seq: c.seq, quote: c.quote })), refute_by: str(h!.refute_by, 1000), check: str(h!.check, 1000), droppedCites: rawCites.length - cites.length });
  }
  if (out.length === 0 && dropped.malformed > 0) return { ok: false, why: `the model's JSON breaks the answer schema: none of its ${dropped.malformed} hypotheses has a title` };
  return { ok: true, hypotheses: out, dropped };
}
