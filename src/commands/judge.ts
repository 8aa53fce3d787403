import { UserError } from '../errors.js';
import { refOf } from '../incident/replicas.js';
import { judgeTarget } from '../incident/replay.js';
import { operator, print, printJson, type Context } from './context.js';
import { openTarget } from './incident-store.js';

export interface JudgeOptions {
  incident?: string;
  reason?: string;
  operator?: string;
  json?: boolean;
}

const VERDICTS = ['supported', 'refuted', 'dismissed'] as const;

/** `oncall judge SEQ|CAUSE-ID supported|refuted|dismissed --reason TEXT`: a verdict on any hypothesis. */
export async function judge(ctx: Context, target: string, verdict: string, opts: JudgeOptions): Promise<void> {
  if (!(VERDICTS as readonly string[]).includes(verdict)) throw new UserError(`unknown verdict "${verdict}"`, { code: 'usage', hint: `use one of: ${VERDICTS.join(', ')}` });
  const reason = opts.reason?.trim();
  if (!reason) throw new UserError('a verdict needs a reason', { code: 'usage', hint: 'e.g. --reason "log volume was flat at 01:30"' });
  const t = openTarget(ctx, opts.incident);
  try {
    const found = judgeTarget(t.state, target);
    if ('notHypothesis' in found) throw new UserError(`#${found.notHypothesis} is not a hypothesis`, { code: 'notFound', hint: 'judge the reference of a hypothesis (15, or k3f9qa:4 in a shared incident; oncall log shows them) or a runbook known cause id' });
    if ('unknown' in found) throw new UserError(`no hypothesis or known cause "${target}"`, { code: 'notFound', hint: 'give a seq (e.g. 15) or a known cause id from the runbook' });
    const e = t.store.append({ type: 'hypothesis.judged', actor: await operator(ctx, opts.operator), data: { ...found, verdict: verdict as (typeof VERDICTS)[number], reason } });
    // The verdict's own seq, and what it judges (a hypothesis's seq or a known cause's id).
    if (opts.json) printJson(ctx, { incident: t.id, seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), ...('seq' in found ? { target_seq: found.seq, ...(found.replica ? { target_replica: found.replica } : {}) } : { cause: found.cause }), verdict });
    else print(ctx, `${target} ${verdict} #${refOf(e)}`);
  } finally {
    t.store.close();
  }
}
