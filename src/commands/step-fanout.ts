/** `oncall step run STEP` for a step with targets: the plan, the canary gate, one line per target. */
import { ExitError, UserError } from '../errors.js';
import type { Actor } from '../incident/events.js';
import { shellQuote } from '../runbook/render.js';
import type { Step } from '../runbook/schema.js';
import { discoverTargets, executeFanout, fanoutBusy, planFanout, type Selection } from '../runner/fanout.js';
import { durationMs } from '../runbook/template.js';
import type { PrepareOptions } from '../runner/prepare.js';
import { ENDS, planLines } from '../runner/plan-lines.js';
import { TARGET_MARK } from '../incident/format.js';
import { print, printJson, type Context } from './context.js';
import type { Target } from './incident-store.js';

/** `--targets failed|all|a,b,c` → a selection. */
export function parseSelection(flag: string | undefined): Selection {
  if (flag === undefined || flag === 'all') return 'all';
  if (flag === 'failed') return 'failed';
  const list = flag.split(',').map((x) => x.trim()).filter(Boolean);
  if (!list.length) throw new UserError('--targets needs failed, all, or a comma-separated list', { code: 'usage', hint: 'e.g. --targets failed' });
  return list;
}

export async function stepRunFanout(ctx: Context, t: Target, step: Step, actor: Actor, opts: Omit<PrepareOptions, 'cwd'> & { yes?: boolean; json?: boolean; targets?: string }): Promise<void> {
  const busy = fanoutBusy(t.state.steps[step.id]);
  if (busy) throw new UserError(`step ${step.id} was not run: ${busy}`, { code: 'conflict' });
  const selection = parseSelection(opts.targets);
  const stepTimeout = step.timeout !== undefined ? durationMs(step.timeout) : opts.defaultTimeoutMs ?? 60_000;
  const { redact } = await import('../redact/index.js');
  const prep = { ...opts, cwd: ctx.cwd };
  let discovered: string[] | undefined;
  if (step.targets!.from_command !== undefined) {
    const cmd = step.targets!.from_command;
    if (!opts.yes) {
      const shown = redact(Array.isArray(cmd) ? cmd.map(shellQuote).join(' ') : cmd);
      if (opts.json) printJson(ctx, { incident: t.id, step: step.id, ran: false, argv: Array.isArray(cmd) ? cmd.map(redact) : ['/bin/sh', '-c', redact(cmd)], cwd: ctx.cwd, timeout_ms: stepTimeout, shell_variables: {}, fanout: { targets: null, discover: shown } });
      else print(ctx, `targets come from: ${shown}\n(it is read-only and runs first, then the plan is shown before anything else runs)`);
      throw new UserError('not run: add --yes to find the targets and run the step over them', { code: 'usage' });
    }
    const d = await discoverTargets(t.store, actor, t.state, step.id, prep);
    if (!d.ok) throw new UserError(`step ${step.id} was not run: ${d.reason}`, { code: 'stepFailed' });
    discovered = d.targets;
  }
  const planned = planFanout(t.state, step.id, { ...prep, selection, ...(discovered ? { discovered } : {}) });
  if (!planned.ok) throw new UserError(`step ${step.id} was not run: ${planned.reason}`, { code: planned.code ?? (planned.missing ? 'usage' : 'conflict'), ...(planned.hint ? { hint: planned.hint } : planned.missing ? { hint: planned.missing.map((m) => `--param ${m.name}=VALUE`).join(' ') } : {}) });
  const plan = planned.plan;
  const lines = planLines(plan, redact);
  if (!opts.yes) {
    const first = plan.commands.get(plan.targets[0]!);
    if (opts.json) {
      printJson(ctx, {
        incident: t.id, step: step.id, ran: false,
        argv: (first?.shownArgv ?? []).map((a) => redact(a)), cwd: ctx.cwd, timeout_ms: first?.timeoutMs ?? stepTimeout, shell_variables: {},
        fanout: { targets: plan.targets.length, parallel: plan.parallel, canary: plan.canary ?? null, stop_after_failures: plan.stopAfterFailures ?? null, verify: plan.verify.size > 0, first: plan.targets.slice(0, ENDS).map(redact), last: plan.targets.slice(-ENDS).map(redact), refused: plan.refused.map((r) => ({ target: redact(r.target), reason: r.reason })) },
      });
    } else print(ctx, lines.join('\n'));
    throw new UserError('not run: read the plan above, then add --yes to run it', { code: 'usage' });
  }
  if (!opts.json) ctx.stderr.write(`${lines.join('\n')}\n`);
  const ac = new AbortController();
  const onSig = () => ac.abort();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, onSig);
  // The canary gate asks at a terminal; from a script the run stops there, and says how to go on.
  const gate = async (c: { ok: number; failed: number; rest: number }) => {
    if (!ctx.stdin.isTTY || opts.json) return false;
    const { createInterface } = await import('node:readline');
    const rl = createInterface({ input: ctx.stdin, output: ctx.stderr });
    try {
      // Ctrl-C or end of input at the question is a no: the rest are recorded as not run.
      const answer = await new Promise<string>((r) => {
        rl.on('SIGINT', () => r(''));
        rl.on('close', () => r(''));
        rl.question(`canary: ${c.ok} ok, ${c.failed} failed. Run the other ${c.rest}? [y/N] `, r);
      });
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
  let outcome: { ok: boolean; reason?: string; seq: number; replica?: string; ref: string; next?: string; counts: { total: number; ok: number; failed: string[]; drifted: string[]; notRun: string[]; refused: string[] } } | undefined;
  try {
    for await (const ev of executeFanout(t.store, actor, plan, { state: t.state, signal: ac.signal, canaryGate: gate })) {
      if (ev.type === 'recorded') outcome = ev;
      else if (ev.type === 'target' && ev.status !== 'running' && !opts.json) print(ctx, `  ${TARGET_MARK[ev.status]} ${redact(ev.target)}${ev.reason ? `: ${ev.reason}` : ''}`);
      else if (ev.type === 'canary' && !opts.json) print(ctx, `canary done: ${ev.ok} ok, ${ev.failed} failed${ctx.stdin.isTTY ? '' : `; ${ev.rest} left for \`oncall step run ${step.id} --targets failed --yes\``}`);
    }
  } finally {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSig);
  }
  const o = outcome!;
  const c = o.counts;
  const names = (l: string[]) => l.map((x) => redact(x));
  const again = c.failed.length + c.drifted.length + c.notRun.length > 0;
  if (opts.json) printJson(ctx, { incident: t.id, step: step.id, ok: o.ok, reason: o.reason ?? null, seq: o.seq, ...(o.replica ? { replica: o.replica } : {}), next: o.next ?? null, targets: { total: c.total, ok: c.ok, failed: names(c.failed), drifted: names(c.drifted), not_run: names(c.notRun), refused: names(c.refused) } });
  else print(ctx, `${step.id}: ${o.ok ? `done (${c.ok} of ${c.total} targets ok)` : `PARTIAL (${redact(o.reason ?? '')})`} #${o.ref}${o.next ? `; next: ${o.next}` : ''}${o.ok ? '' : again ? `\nrun the rest again: oncall step run ${step.id} --targets failed --yes` : '\nonly refused targets are left: fix their values where they come from'}`);
  if (!o.ok) throw new ExitError(ac.signal.aborted ? 'interrupted' : 'stepFailed', `${step.id}: ${o.reason}`);
}
