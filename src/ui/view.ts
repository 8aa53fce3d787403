/** Pure helpers that turn incident state into the lines the components show. */
import { refOf } from '../incident/replicas.js';
import type { GroupState } from '../exec/group.js';
import type { StoredEvent } from '../incident/events.js';
import { commandResult, describeEvent, TARGET_MARK } from '../incident/format.js';
import type { IncidentState, StepState } from '../incident/replay.js';
import { commandText } from '../runbook/render.js';
import type { Step } from '../runbook/schema.js';
import type { Running, StepView } from './state.js';

export const MARKS: Record<StepState['status'], string> = { pending: '·', running: '▶', done: '✓', failed: '✗', skipped: '↷', partial: '◐' };

export interface Line {
  text: string;
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  /** A detail line that gives way first when space is short (its summary line stays). */
  detail?: boolean;
}

export function stepViews(state: IncidentState): StepView[] {
  return (state.runbook?.runbook.steps ?? []).map((s) => ({ id: s.id, kind: s.kind, hasCommand: s.command !== undefined }));
}

export function elapsed(fromIso: string | undefined, now: number): string {
  if (!fromIso) return '--:--';
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const p = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${p(m)}:${p(sec)}` : `${p(m)}:${p(sec)}`;
}

/** The header's clock: time since opening, stopped at resolution. */
export function incidentClock(state: IncidentState, now: number): string {
  return elapsed(state.opened?.ts, state.status === 'resolved' && state.resolved ? Date.parse(state.resolved.ts) : now);
}

/** Cuts to `width` columns with a visible mark (…) when anything is dropped. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Hard-wraps text to `width` columns, keeping at most `max` lines. Blank lines stay. */
export function wrap(text: string, width: number, max = Infinity): string[] {
  const out: string[] = [];
  const w = Math.max(1, width);
  for (const raw of text.replace(/\t/g, '    ').split('\n')) {
    let line = raw;
    if (line.length === 0) out.push('');
    while (line.length > 0) {
      if (line.length <= w) {
        out.push(line);
        break;
      }
      let cut = line.lastIndexOf(' ', w);
      if (cut <= w / 3) cut = w;
      out.push(line.slice(0, cut));
      line = line.slice(cut).replace(/^ /, '');
    }
    if (out.length >= max) return out.slice(0, max);
  }
  return out;
}

/** At most `max` lines; when more, the last one says how many were left out and how to see them. */
export function clip(lines: string[], max: number, hint = 'f: full text'): string[] {
  if (lines.length <= max) return lines;
  const keep = Math.max(0, max - 1);
  return [...lines.slice(0, keep), `… +${lines.length - keep} more line${lines.length - keep === 1 ? '' : 's'} (${hint})`];
}

/** The command line as shown before running, with parameters filled where known. */
export function shownCommand(step: Step, params: Readonly<Record<string, string>>): string | undefined {
  const text = commandText(step);
  if (text === undefined || step.shell) return text;
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, name: string) => params[name] ?? `<${name}?>`);
}

export interface OutputView {
  title: string;
  lines: string[];
}

/** The recorded output of a command, its blank lines kept, with a title saying how it ended. */
export function commandOutput(cmd: IncidentState['commands'][number]): OutputView {
  const cut = cmd.stdout.truncated || cmd.stderr.truncated ? `, ${cmd.stdout.bytes + cmd.stderr.bytes} bytes, cut in the middle` : '';
  const text = `${cmd.stdout.text}${cmd.stderr.text ? `${cmd.stdout.text && !cmd.stdout.text.endsWith('\n') ? '\n' : ''}${cmd.stderr.text}` : ''}`;
  return { title: `${cmd.replayed ? 'REPLAYED (drill: nothing ran) ' : ''}output of #${refOf(cmd)}: ${commandResult(cmd)} in ${cmd.duration_ms} ms${cut}`, lines: text === '' ? ['(no output)'] : text.replace(/\n$/, '').split('\n') };
}

export function outputFor(state: IncidentState, step: Step | undefined): OutputView | undefined {
  if (!step) return undefined;
  const st = state.steps[step.id];
  if (st?.lastCommand === undefined) return undefined;
  const cmd = state.commands.find((c) => refOf(c) === st.lastCommand);
  return cmd ? commandOutput(cmd) : undefined;
}

/** The window of `all` lines shown in `room` rows, `scroll` lines up from the end, and where it is. */
export function outputWindow(all: readonly string[], room: number, scroll: number): { lines: string[]; where: string } {
  const total = all.length;
  const rows = Math.max(1, room);
  const end = Math.max(0, total - Math.max(0, Math.min(scroll, total - rows)));
  const start = Math.max(0, end - rows);
  const where = total <= rows ? `${total} line${total === 1 ? '' : 's'}` : `lines ${start + 1}-${end} of ${total}${start === 0 ? ' (top)' : end === total ? ' (end)' : ''}`;
  return { lines: all.slice(start, end), where };
}

/**
 * Markdown as written (hard-wrapped at ~76 columns) → lines to re-wrap at the pane's width:
 * paragraph lines are joined; list items, headings, quotes and fenced code keep their breaks.
 */
export function reflow(markdown: string): string {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.replace(/\r/g, '').split('\n')) {
    const t = line.trimStart();
    if (t.startsWith('```') || t.startsWith('~~~')) {
      fenced = !fenced;
      out.push(line);
      continue;
    }
    const prev = out[out.length - 1];
    const starts = fenced || t === '' || /^([-*+]|\d+[.)]|#|>|\|)\s?/.test(t) || line.startsWith('    ');
    if (!starts && prev !== undefined && prev.trim() !== '' && !/^\s*(```|~~~)/.test(prev)) out[out.length - 1] = `${prev} ${t}`;
    else out.push(line);
  }
  return out.join('\n');
}

/** What the system says of a step's recorded process group (see exec/group.ts). */
export interface GroupCheck {
  group: GroupState;
  /** The oncall that started it is still alive on this machine. */
  writerAlive: boolean;
}

/** What is known of a run with no result: from the log, and whether its process group still runs. */
export function unfinishedRun(st: StepState, check: GroupCheck | undefined): string {
  const started = `started at #${st.seq === undefined ? '?' : refOf({ seq: st.seq, ...(st.replica ? { replica: st.replica } : {}) })} with no result recorded`;
  const p = st.process;
  if (!p || !check) return `${started}: another terminal is running it, or that run was interrupted (r runs it again)`;
  switch (check.group) {
    case 'running': return check.writerAlive
      ? `${started}: oncall pid ${p.writer_pid} is running it now, as process group ${p.pid}; r refuses a second run beside it`
      : `${started}: its process group ${p.pid} is still running here, but the oncall that started it (pid ${p.writer_pid}) is gone. Wait for it, or stop it with kill -TERM -- -${p.pid}; r refuses to start a second run beside it`;
    case 'ended': return `${started}: its process group ${p.pid} has ended, so that run was interrupted (r runs it again)`;
    case 'elsewhere': return `${started}: it ran on ${p.host} as process group ${p.pid}; check there before running it again`;
  }
}

/** A step no longer marked running whose earlier run's group is still alive here (skipped while it ran, say). */
export function strayRun(p: NonNullable<StepState['process']>): string {
  return `an earlier run (#${refOf(p)}) is still running here as process group ${p.pid}: stop it with kill -TERM -- -${p.pid}; r refuses a second run beside it`;
}

export interface DetailInput {
  state: IncidentState;
  step: Step | undefined;
  running: Running | undefined;
  now: number;
  /** The step's recorded process group, as the system sees it now (when the log says it runs). */
  check?: GroupCheck;
  /** An earlier run's group still alive although the step has moved on. */
  stray?: boolean;
  /** A command typed with `a $ ...` that just finished: shown in place of the step's output. */
  typed?: IncidentState['commands'][number];
}

export interface Detail {
  /** Title, command, status, notices, instructions, route: everything above the output. */
  head: Line[];
  output?: { title: string; lines: string[]; live: boolean };
  /** Set when the step's last output belongs to an earlier run and is not shown under an unfinished one. */
  olderOutput?: string;
}

/** The step detail pane's content at `width`, with `height` rows; every cut is marked. */
export function stepDetail(d: DetailInput, width: number, height: number): Detail {
  const { state, step, running } = d;
  if (!step) return { head: [{ text: 'Nothing selected.', dim: true }] };
  const st = state.steps[step.id];
  const head: Line[] = [];
  head.push({ text: truncate(`[${step.kind}] ${step.title}  (${step.id})`, width), bold: true });
  const cmd = shownCommand(step, state.params);
  if (cmd) for (const l of clip(wrap(`$ ${cmd}${step.shell ? '   (sh -c)' : ''}`, width), 3)) head.push({ text: l, color: 'cyan' });
  if (st?.status === 'failed' || st?.status === 'skipped' || st?.status === 'partial') for (const l of clip(wrap(`${st.status === 'partial' ? 'PARTIAL' : st.status}: ${st.reason ?? ''}`, width), 3)) head.push({ text: l, color: st.status === 'skipped' ? 'gray' : 'red' });
  const live = !!running && (running.stepId === step.id || !running.stepId);
  const ownRun = !!running && running.stepId === step.id;
  if (step.targets && st?.fanout) {
    // A step over many targets shows a table of them where a single command shows its output.
    const flowLine = [step.next ? `next: ${step.next}` : '', step.on_fail ? `on fail: ${step.on_fail}` : ''].filter(Boolean).join('  ');
    if (flowLine) head.push({ text: truncate(flowLine, width), dim: true });
    const t = targetTable(st.fanout, ownRun);
    const title = ownRun ? `${t.summary} · ${((d.now - running!.startedAt) / 1000).toFixed(0)} s · Ctrl-C cancels` : t.summary;
    return { head, output: { title, lines: t.lines, live: ownRun } };
  }
  // Started in the log, but not by this screen: another terminal runs it, or its writer died mid-run.
  const unfinished = st?.status === 'running' && !ownRun;
  if (unfinished) for (const l of wrap(unfinishedRun(st, d.check), width)) head.push({ text: l, color: 'yellow' });
  else if (st?.process && !ownRun && d.stray) for (const l of wrap(strayRun(st.process), width)) head.push({ text: l, color: 'yellow' });
  const flow = [step.next ? `next: ${step.next}` : '', step.on_fail ? `on fail: ${step.on_fail}` : ''].filter(Boolean).join('  ');
  const hasOutput = live || !!d.typed || (!unfinished && st?.lastCommand !== undefined);
  if (step.instructions) {
    // With output to show, instructions get 40% of what is left; without, all of it.
    const left = height - head.length - (flow ? 1 : 0);
    const room = Math.max(2, hasOutput ? Math.floor(left * 0.4) : left - (unfinished && st?.lastCommand !== undefined ? 1 : 0));
    for (const l of clip(wrap(reflow(step.instructions.trim()), width), room)) head.push({ text: l });
  }
  if (flow) head.push({ text: truncate(flow, width), dim: true });

  if (live) {
    return { head, output: { title: `running ${running!.label} · ${((d.now - running!.startedAt) / 1000).toFixed(0)} s · ${running!.bytes} bytes · Ctrl-C cancels`, lines: running!.tail === '' ? [] : running!.tail.replace(/\n$/, '').split('\n'), live: true } };
  }
  if (d.typed) {
    const o = commandOutput(d.typed);
    return { head, output: { title: `typed $ ${truncate(d.typed.argv.slice(2).join(' '), 30)}, ${o.title}`, lines: o.lines, live: false } };
  }
  // An interrupted or elsewhere-running step: an older run's output under it would read as this run's.
  if (unfinished && st?.lastCommand !== undefined) return { head, olderOutput: st.lastCommand };
  const out = outputFor(state, step);
  return out ? { head, output: { ...out, live: false } } : { head };
}


/** Fan-out: one line per target, with its mark and why, and the counts. `pending` is "never started" unless this screen is running it. */
export function targetTable(fan: NonNullable<StepState['fanout']>, ownRun: boolean): { summary: string; lines: string[] } {
  const counts: Record<string, number> = {};
  const width = Math.min(40, Math.max(...fan.targets.map((t) => t.length), 6));
  const lines = fan.targets.map((t) => {
    const r = fan.results[t] ?? { status: 'not-run' as const };
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    const word = r.status === 'pending' ? (ownRun ? 'waiting' : 'never started') : r.status === 'running' ? (ownRun ? 'running' : `was running${r.process ? ` (process group ${r.process.pid})` : ''}`) : r.status;
    return `${TARGET_MARK[r.status] ?? '?'} ${truncate(t, width).padEnd(width)}  ${word}${r.reason ? `: ${r.reason}` : ''}`;
  });
  const n = (k: string) => counts[k] ?? 0;
  // Short enough to stay whole in the output's header line at 80 columns: only counts that are not 0.
  const parts = [[n('ok'), 'ok'], [n('failed'), 'failed'], [n('drifted'), 'drifted'], [n('not-run') + (ownRun ? 0 : n('pending')), 'not run'], [n('running'), ownRun ? 'running' : 'were running'], [ownRun ? n('pending') : 0, 'waiting'], [n('refused'), 'refused']] as const;
  const summary = `${parts.filter(([k]) => k > 0).map(([k, w]) => `${k} ${w}`).join(', ') || 'none run'} of ${fan.targets.length}`;
  return { summary, lines };
}

/** Output lines wrapped to the pane, blank lines kept. */
export function wrapOutput(lines: readonly string[], width: number): string[] {
  return lines.flatMap((l) => wrap(l, width));
}

/** Everything about a step, for `f`: the text the pane had to cut. */
export function fullStep(d: DetailInput, message: string | undefined): string[] {
  const { state, step } = d;
  if (!step) return ['Nothing selected.'];
  const st = state.steps[step.id];
  const out: string[] = [`[${step.kind}] ${step.title}  (${step.id})`, `status: ${st?.status ?? 'pending'}${st?.reason ? `: ${st.reason}` : ''}`];
  const cmd = shownCommand(step, state.params);
  if (cmd) out.push('', `command${step.shell ? ' (sh -c)' : ''}:`, ...cmd.split('\n').map((l) => `  ${l}`));
  if (step.warning) out.push('', `warning: ${step.warning}`);
  if (st?.status === 'running' && !(d.running && d.running.stepId === step.id)) out.push('', unfinishedRun(st, d.check));
  if (step.instructions) out.push('', 'instructions:', ...reflow(step.instructions.trim()).split('\n').map((l) => `  ${l}`));
  const flow = [step.next ? `next: ${step.next}` : '', step.on_fail ? `on fail: ${step.on_fail}` : ''].filter(Boolean).join('  ');
  if (flow) out.push('', flow);
  const o = outputFor(state, step);
  if (o) out.push('', `── ${o.title} ──`, ...o.lines);
  if (message) out.push('', `last message: ${message}`);
  return out;
}

/** One timeline line for an event: time, seq, who, what. */
export function timelineLine(e: StoredEvent): string {
  return `${e.ts.slice(11, 19)} #${refOf(e)} ${e.actor.kind === 'human' ? e.actor.name : `${e.actor.kind}:${e.actor.name}`}: ${describeEvent(e)}`;
}
