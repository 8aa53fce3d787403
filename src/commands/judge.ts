import { UserError } from '../errors.js';
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
    const s = t.state;
    let data: { seq?: number; cause?: string };
    const n = /^#?(\d+)$/.exec(target);
    // A known cause may have an all-digit id: when no hypothesis has that seq, the id wins.
    const causeById = s.runbook?.runbook.known_causes?.find((c) => c.id === target);
    const isHypoSeq = n && (s.notes.some((x) => x.seq === Number(n[1]) && x.kind === 'hypothesis') || s.hypotheses.some((x) => x.seq === Number(n[1])));
    if (causeById && !isHypoSeq) data = { cause: causeById.id };
    else if (n) {
      const seq = Number(n[1]);
      const isHuman = s.notes.some((x) => x.seq === seq && x.kind === 'hypothesis');
      const isModel = s.hypotheses.some((x) => x.seq === seq);
      if (!isHuman && !isModel) throw new UserError(`#${seq} is not a hypothesis`, { code: 'notFound', hint: 'judge the seq of a hypothesis (oncall log shows them) or a runbook known cause id' });
      data = { seq };
    } else {
      const cause = s.runbook?.runbook.known_causes?.find((c) => c.id === target);
      if (!cause) throw new UserError(`no hypothesis or known cause "${target}"`, { code: 'notFound', hint: 'give a seq (e.g. 15) or a known cause id from the runbook' });
      data = { cause: cause.id };
    }
    const e = t.store.append({ type: 'hypothesis.judged', actor: await operator(ctx, opts.operator), data: { ...data, verdict: verdict as (typeof VERDICTS)[number], reason } });
    if (opts.json) printJson(ctx, { incident: t.id, seq: e.seq, ...data, verdict });
    else print(ctx, `${target} ${verdict} #${e.seq}`);
  } finally {
    t.store.close();
  }
}
