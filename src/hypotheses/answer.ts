/** The model-facing answer contract (DESIGN.md), as the `format` JSON Schema and as a validator. */
import { z } from 'zod';

export const citeSchema = z.object({ seq: z.number().int(), quote: z.string().min(1).max(500) });
export const hypothesisSchema = z.object({
  title: z.string().min(1).max(300),
  explanation: z.string().max(4000),
  cites: z.array(citeSchema).max(20),
  refute_by: z.string().max(1000),
  check: z.string().max(1000),
});
export const answerSchema = z.object({ hypotheses: z.array(hypothesisSchema).max(10) });

export type Answer = z.infer<typeof answerSchema>;
export type ModelHypothesis = z.infer<typeof hypothesisSchema>;

/** Sent as `format`; small models often ignore it, so answers are validated again on receipt. */
export function answerJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(answerSchema, { target: 'draft-7' }) as Record<string, unknown>;
}

export type ParsedAnswer = { ok: true; answer: Answer } | { ok: false; why: string };

/** Text from the model → a validated answer. Tolerates a fenced block; nothing else. */
export function parseAnswer(text: string): ParsedAnswer {
  let body = text.trim();
  const fence = /^```(?:json)?\s*\n([\s\S]*?)\n```$/.exec(body);
  if (fence) body = fence[1]!.trim();
  if (!body) return { ok: false, why: 'the model returned nothing' };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, why: `the model's answer is not JSON (starts ${JSON.stringify(body.slice(0, 40))})` };
  }
  const r = answerSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return { ok: false, why: `the model's JSON breaks the answer schema at ${i.path.join('.') || '(root)'}: ${i.message}` };
  }
  return { ok: true, answer: r.data };
}
