/** The plan of a step over many targets, as the confirmation shows it (screen and CLI alike). */
import { shellQuote } from '../runbook/render.js';
import type { FanoutPlan } from './fanout.js';

/** How many targets to show at each end of the plan. */
export const ENDS = 3;

export function planLines(plan: FanoutPlan, redact: (s: string) => string): string[] {
  const t = plan.step.targets!;
  const from = t.from_param !== undefined ? `parameter ${t.from_param}` : t.from_label !== undefined ? `the alert label ${t.from_label}` : 'the command\'s output';
  const rules = [`${plan.parallel} at once`, ...(plan.canary !== undefined && plan.canary < plan.targets.length ? [`canary ${plan.canary} first, then asks`] : []), ...(plan.stopAfterFailures !== undefined ? [`stops after ${plan.stopAfterFailures} failed`] : []), ...(plan.verify.size ? ['verify after each'] : [])];
  const lines = [`${plan.targets.length} target${plan.targets.length === 1 ? '' : 's'} from ${from}${plan.selection === 'all' ? '' : ` (${plan.selection === 'failed' ? 'the ones not ok' : 'the ones named'})`}: ${rules.join(', ')}`];
  // A shell step's script is the same for every target (the target is $TARGET): shown once.
  const first = plan.commands.get(plan.targets[0]!);
  if (first?.shell) lines.push(`script: ${redact(first.shownArgv[2] ?? '')}`);
  const argvOf = (target: string) => (first?.shell ? `TARGET=${shellQuote(redact(target))}` : redact(plan.commands.get(target)!.shownArgv.map(shellQuote).join(' ')));
  const shown = plan.targets.length <= ENDS * 2 ? plan.targets : [...plan.targets.slice(0, ENDS), '', ...plan.targets.slice(-ENDS)];
  for (const target of shown) lines.push(target === '' ? `  … ${plan.targets.length - ENDS * 2} more` : `  ${redact(target)}: ${argvOf(target)}`);
  for (const r of plan.refused) lines.push(`  refused, will not run: ${redact(r.target)} (${r.reason})`);
  return lines;
}

