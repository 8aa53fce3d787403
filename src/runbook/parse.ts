/** Runbook text → Runbook, or every problem with file:line:col. Pure: no I/O. */
import { parseStrictYaml, type ParseResult } from '../util/strict-yaml.js';
import { runbookSchema, type Runbook } from './schema.js';
import { checkRunbookRules } from './rules.js';

export const MAX_RUNBOOK_BYTES = 256 * 1024;

export function parseRunbook(source: string, file: string): ParseResult<Runbook> {
  return parseStrictYaml(source, file, {
    schema: runbookSchema,
    what: 'a runbook',
    maxBytes: MAX_RUNBOOK_BYTES,
    example: 'e.g. "id: disk-full\\ntitle: ...\\nsummary: ...\\nseverity: warning\\nsteps:\\n  - {id: usage, title: Check usage, kind: check, command: [df, -h]}"',
    rules: checkRunbookRules,
  });
}
