/** Pure helpers that turn incident state into the strings the components show. */
import type { GroupState } from '../exec/group.js';
import type { IncidentState, StepState } from '../incident/replay.js';
import { commandText } from '../runbook/render.js';
import type { Step } from '../runbook/schema.js';
import type { StepView } from './state.js';

export const MARKS: Record<StepState['status'], string> = { pending: '·', running: '▶', done: '✓', failed: '✗', skipped: '↷' };

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

export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Hard-wraps text to `width` columns, keeping at most `max` lines. */
export function wrap(text: string, width: number, max = Infinity): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\t/g, '    ').split('\n')) {
    let line = raw;
    if (line.length === 0) out.push('');
    while (line.length > 0) {
      if (line.length <= width) {
        out.push(line);
        break;
      }
      let cut = line.lastIndexOf(' ', width);
      if (cut <= width / 3) cut = width;
      out.push(line.slice(0, cut));
      line = line.slice(cut).replace(/^ /, '');
    }
    if (out.length >= max) return out.slice(0, max);
  }
  return out;
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

export function outputFor(state: IncidentState, step: Step | undefined): OutputView | undefined {
  if (!step) return undefined;
  const st = state.steps[step.id];
  if (st?.lastCommand === undefined) return undefined;
  const cmd = state.commands.find((c) => c.seq === st.lastCommand);
  if (!cmd) return undefined;
  const result = cmd.timed_out ? 'timed out' : cmd.cancelled ? 'cancelled' : cmd.signal ? `killed by ${cmd.signal}` : `exit ${cmd.exit_code}`;
  const cut = cmd.stdout.truncated || cmd.stderr.truncated ? `, ${cmd.stdout.bytes + cmd.stderr.bytes} bytes, cut` : '';
  const text = `${cmd.stdout.text}${cmd.stderr.text ? `${cmd.stdout.text && !cmd.stdout.text.endsWith('\n') ? '\n' : ''}${cmd.stderr.text}` : ''}`;
  return { title: `output of #${cmd.seq}: ${result} in ${cmd.duration_ms} ms${cut}`, lines: text.replace(/\n$/, '').split('\n') };
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
  const started = `started at #${st.seq ?? '?'} with no result recorded`;
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
  return `an earlier run (#${p.seq}) is still running here as process group ${p.pid}: stop it with kill -TERM -- -${p.pid}; r refuses a second run beside it`;
}
