/** Plain-text rendering of a runbook, for `runbooks show` and non-interactive output. */
import type { Runbook, Step } from './schema.js';

/** POSIX-quotes one argument for display only; commands never run from this text. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./{}-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandText(step: Step): string | undefined {
  if (step.command === undefined) return undefined;
  return typeof step.command === 'string' ? step.command : step.command.map(shellQuote).join(' ');
}

export function renderRunbook(rb: Runbook, file?: string): string {
  const out: string[] = [];
  out.push(`${rb.title}  [${rb.id}]`);
  out.push(`severity: ${rb.severity}${rb.owner ? `   owner: ${rb.owner}` : ''}${file ? `   file: ${file}` : ''}`);
  out.push('', rb.summary.trim());
  if (rb.match?.length) {
    out.push('', 'Matches alerts:');
    for (const m of rb.match) out.push(`  - ${[...Object.entries(m.labels ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`), ...Object.entries(m.regex ?? {}).map(([k, v]) => `${k}=~${JSON.stringify(v)}`)].join(', ')}`);
  }
  if (rb.parameters?.length) {
    out.push('', 'Parameters:');
    for (const p of rb.parameters) out.push(`  ${p.name}${p.from_label ? ` (from label ${p.from_label})` : ''}${p.default !== undefined ? ` default ${JSON.stringify(p.default)}` : ''}  pattern ${p.pattern}${p.secret ? '  secret' : ''}${p.description ? `\n      ${p.description}` : ''}`);
  }
  out.push('', 'Steps:');
  rb.steps.forEach((s, i) => {
    out.push(`  ${i + 1}. [${s.kind}] ${s.title}  (${s.id})`);
    const cmd = commandText(s);
    if (cmd) out.push(`       $ ${cmd}${s.shell ? '   (shell)' : ''}${s.timeout !== undefined ? `   timeout ${s.timeout}` : ''}`);
    if (s.warning) out.push(`       ! ${s.warning}`);
    if (s.instructions) for (const line of s.instructions.trim().split('\n')) out.push(`       ${line}`);
    const flow = [s.next ? `next: ${s.next}` : '', s.on_fail ? `on fail: ${s.on_fail}` : ''].filter(Boolean).join('   ');
    if (flow) out.push(`       → ${flow}`);
  });
  if (rb.known_causes?.length) {
    out.push('', 'Known causes:');
    for (const c of rb.known_causes) {
      out.push(`  - ${c.title}  (${c.id})`);
      for (const sig of c.signals) out.push(`      signal: step ${sig.step}${sig.outcome ? ` ${sig.outcome}` : ''}${sig.output_matches ? ` output ~ /${sig.output_matches}/` : ''}`);
      if (c.confirm?.length) out.push(`      confirm: ${c.confirm.join(', ')}`);
      if (c.fix?.length) out.push(`      fix: ${c.fix.join(', ')}`);
    }
  }
  return out.join('\n');
}
