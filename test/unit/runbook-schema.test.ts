// runbooks/schema.json is generated from the zod schema; this proves the two agree
// on every shipped runbook, every good fixture and every bad fixture that is valid YAML.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runbookJsonSchema, runbookSchema } from '../../src/runbook/schema.js';
import { ROOT } from '../helpers/cli.js';

const shipped = JSON.parse(readFileSync(join(ROOT, 'runbooks/schema.json'), 'utf8')) as Record<string, unknown>;

describe('runbooks/schema.json', () => {
  it('is what the zod schema generates (run `npm run schema` after changing src/runbook/schema.ts)', () => {
    expect(shipped).toEqual(runbookJsonSchema());
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(shipped);
  const dirs = ['runbooks', 'test/fixtures/runbooks/good', 'test/fixtures/runbooks/bad'].map((d) => join(ROOT, d));
  const docs = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => join(d, f)))
    .map((file) => ({ file, docs: parseAllDocuments(readFileSync(file, 'utf8'), { uniqueKeys: true }) }))
    .filter((x) => Array.isArray(x.docs) && x.docs.length === 1 && x.docs[0]!.errors.length === 0)
    .map((x) => {
      let value: unknown;
      try {
        value = x.docs[0]!.toJS({ maxAliasCount: 0 });
      } catch {
        value = undefined;
      }
      return { file: x.file.slice(ROOT.length), value };
    })
    .filter((x) => x.value !== undefined);

  it('covers the shipped runbooks and most bad fixtures', () => {
    expect(docs.length).toBeGreaterThan(40);
  });

  it.each(docs)('agrees with the TypeScript validator on $file', ({ value }) => {
    const zodOk = runbookSchema.safeParse(value).success;
    const ajvOk = validate(value) as boolean;
    expect(ajvOk).toBe(zodOk);
  });
});
