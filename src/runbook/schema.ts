/**
 * The runbook format, structural layer. `runbooks/schema.json` is generated from this
 * (npm run schema) and a test proves the two agree. Cross-field rules (unique step ids,
 * jump targets, regexes that compile, no parameters spliced into shell strings) live in
 * validate.ts because JSON Schema cannot express them.
 */
import { z } from 'zod';

export const ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$';
export const PARAM_NAME_PATTERN = '^[a-z][a-z0-9_]{0,31}$';
/** `30`, `30s`, `5m`, `1h`. */
export const DURATION_PATTERN = '^[0-9]+(ms|s|m|h)?$';

const id = z.string().regex(new RegExp(ID_PATTERN)).describe('lower-case letters, digits and dashes, e.g. disk-usage');
const text = z.string().min(1);
const duration = z.union([z.number().int().positive(), z.string().regex(new RegExp(DURATION_PATTERN))])
  .describe('seconds as a number, or a duration such as 30s, 5m, 1h');
/** A step id, or `end` to finish the runbook. */
const target = z.string().regex(new RegExp(ID_PATTERN));

export const severitySchema = z.enum(['critical', 'warning', 'info']);

export const matcherSchema = z.strictObject({
  labels: z.record(z.string(), z.string()).optional().describe('labels that must equal these values'),
  regex: z.record(z.string(), z.string()).optional().describe('labels that must match these regular expressions (anchored)'),
}).describe('one way an alert selects this runbook: every label given must match');

export const parameterSchema = z.strictObject({
  name: z.string().regex(new RegExp(PARAM_NAME_PATTERN)).describe('used as {{name}} in argv commands and as $NAME (upper case) in shell commands'),
  description: text.optional(),
  from_label: z.string().min(1).optional().describe('alert label that fills this parameter'),
  default: z.string().optional(),
  pattern: text.describe('regular expression the value must match in full before anything runs'),
  example: z.string().optional(),
  secret: z.boolean().optional().describe('masked in the log, on screen and in prompts'),
});

export const expectSchema = z.strictObject({
  exit_code: z.union([z.number().int().min(0).max(255), z.array(z.number().int().min(0).max(255)).min(1)]).optional()
    .describe('exit codes that count as success (default 0)'),
  output_matches: text.optional().describe('success needs a line of output matching this regular expression'),
  output_not_matches: text.optional().describe('a line matching this regular expression means failure'),
});

/** A command given as an argv list, or as one string run with /bin/sh -c. */
const anyCommand = z.union([z.array(z.string()).min(1), text]);

/** Fan-out: the step runs once per target; see runbooks/README.md, "Steps over many targets". */
export const targetsSchema = z.strictObject({
  from_param: z.string().regex(new RegExp(PARAM_NAME_PATTERN)).optional().describe('a parameter holding the list: targets separated by commas, spaces or new lines'),
  from_label: z.string().min(1).optional().describe('one target per firing alert of the incident (a grouped Alertmanager or PagerDuty payload): the value of this label'),
  from_command: anyCommand.optional().describe('a read-only command run first (argv, or a string run with /bin/sh -c): each line of its output is a target'),
  match: text.optional().describe('from_command: only lines matching this pattern count; its first capture group, if any, is the target'),
  pattern: text.describe('every target must match this in full before anything runs, like a parameter'),
  parallel: z.number().int().min(1).max(64).optional().describe('how many targets run at once (default 1)'),
  canary: z.number().int().min(1).optional().describe('run this many targets first, show their results, and ask before the rest'),
  stop_after_failures: z.number().int().min(1).optional().describe('start no more targets once this many have failed'),
  verify: anyCommand.optional().describe('run per target after the step succeeded there ({{target}} / $TARGET); a failure marks the target drifted'),
  max: z.number().int().min(1).max(10_000).optional().describe('refuse a plan with more targets than this (default 1000)'),
}).describe('run the step once per target: {{target}} in argv, $TARGET in shell commands');

export const stepSchema = z.strictObject({
  id,
  title: text,
  kind: z.enum(['check', 'action', 'manual']).describe('check reads, action changes things, manual is done by hand and ticked off'),
  instructions: z.string().optional().describe('markdown shown beside the step'),
  command: z.union([z.array(z.string()).min(1), text]).optional()
    .describe('argv list, e.g. [df, -h, "{{mountpoint}}"]; a string only with shell: true'),
  shell: z.boolean().optional().describe('run command (a string) with /bin/sh; parameters arrive as shell variables ($NAME), not exported to programs'),
  environment: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).optional()
    .describe('environment variables a shell command reads from the operator\'s environment (beyond HOME, PATH, USER and the like), e.g. [KUBECONFIG]'),
  timeout: duration.optional(),
  expect: expectSchema.optional(),
  on_fail: target.optional().describe('step id to go to when this step fails, or end'),
  next: target.optional().describe('step id to go to when this step succeeds, or end'),
  warning: text.max(400).optional().describe('shown in full in the confirmation prompt (at most 400 characters, so it always fits)'),
  targets: targetsSchema.optional(),
});

export const signalSchema = z.strictObject({
  step: id.describe('the step whose recorded outcome is examined'),
  output_matches: text.optional().describe('regular expression over that step\'s recorded output'),
  outcome: z.enum(['succeeded', 'failed', 'skipped']).optional(),
});

export const knownCauseSchema = z.strictObject({
  id,
  title: text,
  description: z.string().optional(),
  signals: z.array(signalSchema).min(1).describe('all must hold for the cause to be shown as matching'),
  confirm: z.array(id).optional().describe('steps that confirm this cause'),
  fix: z.array(id).optional().describe('steps that fix it'),
});

export const runbookSchema = z.strictObject({
  $schema: z.string().optional(),
  id,
  title: text,
  summary: text,
  severity: severitySchema,
  owner: z.string().optional(),
  tags: z.array(z.string().min(1)).optional(),
  urls: z.array(z.string().min(1)).optional().describe('runbook_url annotations that point at this runbook'),
  match: z.array(matcherSchema).optional(),
  parameters: z.array(parameterSchema).optional(),
  steps: z.array(stepSchema).min(1),
  known_causes: z.array(knownCauseSchema).optional(),
});

export type Runbook = z.infer<typeof runbookSchema>;
export type Step = z.infer<typeof stepSchema>;
export type Targets = z.infer<typeof targetsSchema>;
export type Parameter = z.infer<typeof parameterSchema>;
export type KnownCause = z.infer<typeof knownCauseSchema>;
export type Matcher = z.infer<typeof matcherSchema>;
export type Severity = z.infer<typeof severitySchema>;

/** JSON Schema for editors (yaml-language-server) and other tools. */
export function runbookJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runbookSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://oncall.invalid/runbook.schema.json',
    title: 'oncall runbook',
    ...schema,
  };
}
