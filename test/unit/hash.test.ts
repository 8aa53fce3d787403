// The hand-written canonical JSON must agree with the reference RFC 8785 package byte for byte.
import canonicalize from 'canonicalize';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, hashEvent } from '../../src/incident/hash.js';
import { ROOT } from '../helpers/cli.js';

function randomValue(depth: number, rnd: () => number): unknown {
  const r = rnd();
  if (depth > 3 || r < 0.3) {
    const p = rnd();
    if (p < 0.2) return Math.floor(rnd() * 1e9) - 5e8;
    if (p < 0.3) return rnd() * 1e6;
    if (p < 0.4) return rnd() < 0.5;
    if (p < 0.45) return null;
    const chars = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\t', '\u0001', 'é', '€', '😀', '\u2028', '</', '\u007f'];
    return Array.from({ length: Math.floor(rnd() * 12) }, () => chars[Math.floor(rnd() * chars.length)]).join('');
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 5) }, () => randomValue(depth + 1, rnd));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < rnd() * 6; i++) o[String(randomValue(9, rnd))] = randomValue(depth + 1, rnd);
  return o;
}

describe('canonical JSON', () => {
  it('matches the reference package on 5,000 random values', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const v = randomValue(0, rnd);
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }
  });

  it('matches the reference package on every record of the fixture logs', () => {
    for (const f of ['rich', 'torn', 'empty']) {
      for (const line of readFileSync(join(ROOT, `test/fixtures/postmortem/${f}.jsonl`), 'utf8').split('\n')) {
        if (!line.startsWith('{') || !line.endsWith('}')) continue;
        const { hash, ...body } = JSON.parse(line) as Record<string, unknown>;
        expect(canonicalJson(body)).toBe(canonicalize(body));
        // The fast path of hashEvent hashes exactly the reference bytes.
        expect(hashEvent(body as never)).toBe(createHash('sha256').update(canonicalize(body)!).digest('hex'));
        expect(hashEvent(body as never)).toBe(hash);
      }
    }
  });
});
