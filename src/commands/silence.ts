/** `oncall silence`: a silence for the incident's alert in Alertmanager, proposed, then created only with --yes; or expired. */
import { refOf } from '../incident/replicas.js';
import { UserError } from '../errors.js';
import { operator, print, printJson, type Context } from './context.js';
import { openTarget } from './incident-store.js';

export interface SilenceOptions {
  incident?: string;
  for?: string;
  comment?: string;
  expire?: boolean;
  alertmanager?: string;
  yes?: boolean;
  operator?: string;
  json?: boolean;
}

export async function silence(ctx: Context, opts: SilenceOptions): Promise<void> {
  const [client, silences, { redact, redactDeep }] = await Promise.all([import('../alerts/alertmanager-client.js'), import('../alerts/silences.js'), import('../redact/index.js')]);
  const t = openTarget(ctx, opts.incident);
  try {
    const actor = await operator(ctx, opts.operator);
    const url = silences.silenceUrl(opts.alertmanager, t.state.alert?.origin, [ctx.env.ALERTMANAGER_URL, (await ctx.config()).alertmanager?.url]);
    if (opts.expire) {
      const active = t.state.silences.filter((x) => x.expired === undefined);
      if (active.length === 0) throw new UserError(`incident ${t.id} has no silence it created that is not expired yet`, { code: 'notFound', hint: 'silences created elsewhere: `amtool silence expire ID`' });
      if (!opts.yes) {
        if (opts.json) printJson(ctx, { incident: t.id, expired: [], would_expire: active.map((x) => ({ id: x.id, url: x.url, seq: x.seq, ...(x.replica ? { replica: x.replica } : {}), ends_at: x.endsAt })) });
        else for (const x of active) print(ctx, `would expire silence ${x.id} at ${x.url} (created at #${refOf(x)}, until ${x.endsAt})`);
        throw new UserError('not expired: read the list above, then add --yes', { code: 'usage' });
      }
      const done: { id: string; seq: number; replica?: string }[] = [];
      for (const x of active) {
        // Expired where it was created (a configured URL for that server lends its credentials).
        const at = client.alertmanagerTarget(silences.silenceUrl(opts.alertmanager, x.url, [ctx.env.ALERTMANAGER_URL, (await ctx.config()).alertmanager?.url])!);
        await client.expireSilence(at, x.id);
        const ex = t.store.append({ type: 'silence.expired', actor, data: { silence_id: x.id, url: at.url } });
        done.push({ id: x.id, seq: ex.seq, ...(ex.replica ? { replica: ex.replica } : {}) });
      }
      if (opts.json) printJson(ctx, { incident: t.id, expired: done });
      else for (const d of done) print(ctx, `silence ${d.id} expired #${refOf(d)}`);
      return;
    }
    const plan = silences.planSilence(t.state.alert, t.id, { url, duration: opts.for, ...(opts.comment !== undefined ? { comment: opts.comment } : {}), creator: actor.name, now: ctx.clock.now() });
    const shown = redact(plan.lines.join('\n'));
    if (!opts.yes) {
      // The proposal is data too; with --json the lines the operator would confirm come as a list.
      if (opts.json) printJson(ctx, { incident: t.id, created: false, proposed: redactDeep({ lines: plan.lines, matchers: plan.spec.matchers, starts_at: plan.spec.startsAt, ends_at: plan.spec.endsAt, comment: plan.spec.comment }) });
      else print(ctx, shown);
      throw new UserError('not created: read the silence above, then add --yes', { code: 'usage' });
    }
    if (!opts.json) ctx.stderr.write(`${shown}\n`);
    const e = await silences.createPlannedSilence(plan, t.store, actor);
    if (opts.json) printJson(ctx, { incident: t.id, created: true, silence_id: e.data.silence_id, seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), url: e.data.url, matchers: e.data.matchers, starts_at: e.data.starts_at, ends_at: e.data.ends_at });
    else print(ctx, `silence ${e.data.silence_id} created until ${e.data.ends_at} #${refOf(e)}`);
  } finally {
    t.store.close();
  }
}
