/** Filling a runbook's parameters from alert labels, defaults and explicit values. Pure. */
import type { Runbook } from './schema.js';
import { fullMatch } from './pattern.js';

export interface ParamResolution {
  values: Record<string, string>;
  /** Values offered that failed the parameter's pattern: never used. */
  rejected: { name: string; source: string; value: string; pattern: string }[];
  /** Parameters with no value yet: asked for before a step that needs them runs. */
  missing: string[];
}

/** Explicit values beat alert labels, which beat defaults. A value that fails its pattern is rejected, not trimmed or escaped. */
export function resolveParams(rb: Runbook, labels: Readonly<Record<string, string>>, explicit: Readonly<Record<string, string>>): ParamResolution {
  const out: ParamResolution = { values: {}, rejected: [], missing: [] };
  for (const p of rb.parameters ?? []) {
    const candidates: [string, string | undefined][] = [
      ['--param', explicit[p.name]],
      [`alert label ${p.from_label}`, p.from_label ? labels[p.from_label] : undefined],
      ['default', p.default],
    ];
    let chosen: string | undefined;
    for (const [source, value] of candidates) {
      if (value === undefined) continue;
      if (fullMatch(p.pattern, value)) {
        chosen = value;
        break;
      }
      out.rejected.push({ name: p.name, source, value, pattern: p.pattern });
    }
    if (chosen === undefined) out.missing.push(p.name);
    else out.values[p.name] = chosen;
  }
  return out;
}
