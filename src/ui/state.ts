/**
 * The TUI's own state (selection, focus, scroll, dialogs, the running command's live view) and
 * its one pure reducer. Everything about the incident itself comes from the replayed log, never
 * from here. Side effects are requested by setting `effect`; App performs them and reports back.
 */
import { fullMatch } from '../runbook/pattern.js';
import { NOTE_KINDS, type NoteKind } from '../incident/events.js';

export interface StepView {
  id: string;
  kind: 'check' | 'action' | 'manual';
  hasCommand: boolean;
}

/** What `f` opens in full. */
export type FullTarget = 'step' | 'timeline-entry' | 'confirm' | 'panel' | 'help';

export type Effect =
  | { kind: 'prepare-run'; stepId: string }
  | { kind: 'run-step'; stepId: string }
  /** Fan-out: find the targets (from_command), run the plan, answer the canary gate. */
  | { kind: 'discover'; stepId: string }
  | { kind: 'run-fanout'; stepId: string; selection: 'all' | 'failed' }
  | { kind: 'canary'; go: boolean }
  | { kind: 'confirm-typed'; line: string }
  | { kind: 'run-typed'; line: string }
  | { kind: 'skip'; stepId: string; reason: string }
  | { kind: 'done'; stepId: string }
  | { kind: 'note'; text: string; noteKind?: NoteKind }
  | { kind: 'action'; text: string }
  | { kind: 'set-param'; name: string; value: string; stepId: string }
  | { kind: 'status'; to: 'mitigated' | 'resolved' }
  | { kind: 'hypothesize'; mine?: string }
  | { kind: 'judge'; target: string; verdict: 'supported' | 'refuted' | 'dismissed'; reason: string }
  | { kind: 'my-hypothesis'; text: string }
  | { kind: 'show-full'; what: FullTarget; index?: number }
  | { kind: 'plan-silence'; duration: string }
  | { kind: 'silence'; duration: string }
  | { kind: 'cancel-run' }
  /** `confirmed`: a drill's end was asked about already; `endDrill`: end it (the debrief prints when the screen closes). */
  | { kind: 'quit'; confirmed?: boolean; endDrill?: boolean };

export interface ConfirmView {
  /** The question; default "Run this command?". */
  title?: string;
  /** What the operator is asked to confirm: the exact argv, cwd, timeout, variables. */
  lines: string[];
  /** Shown whole, always (a runbook warning is at most 400 characters). */
  warning?: string;
  onYes: Effect;
  /** What any other key means, when it is more than "nothing happens" (the canary gate: stop). */
  onNo?: Effect;
}

/** The note kinds `n` offers, in the order Tab goes through them; '' is a plain note. */
export const NOTE_CHOICES: readonly ('' | NoteKind)[] = ['', ...NOTE_KINDS];

export type PromptPurpose =
  | { kind: 'skip'; stepId: string }
  | { kind: 'note'; noteKind: number }
  | { kind: 'action' }
  | { kind: 'param'; name: string; stepId: string; pattern: string; secret: boolean }
  /** "You first": the operator's own hypothesis, then the model is asked. */
  | { kind: 'mine-first' }
  | { kind: 'mine' }
  | { kind: 'judge' }
  | { kind: 'silence' };

export type Mode =
  | { kind: 'normal' }
  | { kind: 'confirm'; confirm: ConfirmView }
  | { kind: 'prompt'; purpose: PromptPurpose; label: string; text: string }
  /** A whole text, scrollable: `f` on a step, a timeline entry or a confirm; `p`; `?`. */
  | { kind: 'full'; title: string; lines: string[]; top: number; back?: Mode };

export interface Running {
  label: string;
  stepId?: string;
  startedAt: number;
  tail: string;
  bytes: number;
}

export interface HypoView {
  /** asking: a request is under way; otherwise the last request's status line. */
  status: 'asking' | 'done' | 'failed';
  text: string;
  startedAt?: number;
  chunks?: number;
}

export type Focus = 'steps' | 'timeline';

export interface UiState {
  selected: number;
  focus: Focus;
  /** Narrow terminals: the timeline replaces the step detail while open (wide ones always show it). */
  timelineOpen: boolean;
  /** The selected timeline entry; undefined follows the newest. */
  tlSel?: number;
  hypo?: HypoView;
  mode: Mode;
  running?: Running;
  /** Lines scrolled up from the end of the output pane (0 = the end). */
  scroll: number;
  /** Inside a bracketed paste (the terminal marks pasted text). */
  pasting: boolean;
  message?: { text: string; tone: 'info' | 'ok' | 'error' };
  /** Where the runbook goes next (next / on_fail, or the following step); Enter selects it. */
  suggested?: string;
  /** Enter after a run whose route is `end`: what to say. */
  routeEnd?: string;
  /** A command typed with `a $ ...` that just finished: its output shows in the detail pane until a step is selected. */
  typedRef?: string;
  effect?: Effect;
  /** Increments with each new effect so App can tell two equal effects apart. */
  effectSeq: number;
}

export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  backspace?: boolean;
  delete?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  tab?: boolean;
}

/** Sizes the reducer needs to stop scrolling at both ends; App computes them with the panes. */
export interface Layout {
  /** Lines of output (wrapped) for the selected step, and how many fit. */
  outLines: number;
  outRoom: number;
  /** Entries in the timeline. */
  tlCount: number;
  /** Lines a full-text view can show at once. */
  fullRoom: number;
}

export const NO_LAYOUT: Layout = { outLines: 0, outRoom: 0, tlCount: 0, fullRoom: 10 };

export type UiAction =
  | { type: 'key'; input: string; key: KeyInfo; steps: readonly StepView[]; layout?: Layout }
  | { type: 'paste'; edge: 'start' | 'end' }
  | { type: 'select'; stepId: string; steps: readonly StepView[] }
  | { type: 'suggest'; stepId: string | undefined; routeEnd?: string }
  | { type: 'confirm'; confirm: ConfirmView }
  | { type: 'full'; title: string; lines: string[]; back?: Mode }
  | { type: 'ask-param'; name: string; stepId: string; pattern: string; secret: boolean; description?: string }
  | { type: 'run-started'; label: string; stepId?: string; at: number }
  | { type: 'run-output'; tail: string; bytes: number }
  | { type: 'run-finished' }
  | { type: 'typed-done'; ref: string }
  | { type: 'message'; text: string; tone?: 'info' | 'ok' | 'error' }
  | { type: 'hypo'; hypo: HypoView | undefined }
  | { type: 'ask-mine-first' };

export function initialUi(selected = 0): UiState {
  return { selected, focus: 'steps', timelineOpen: false, mode: { kind: 'normal' }, scroll: 0, pasting: false, effectSeq: 0 };
}

const MAX_INPUT = 4000;
/** Keys that are safe to act on when several arrive in one read (typed fast, or a busy screen): they only move and show. */
const SAFE_TOGETHER = new Set([...'jkJKgGtf?p']);

function withEffect(s: UiState, effect: Effect, patch: Partial<UiState> = {}): UiState {
  return { ...s, ...patch, effect, effectSeq: s.effectSeq + 1 };
}

function say(s: UiState, text: string, tone: 'info' | 'ok' | 'error' = 'info'): UiState {
  return { ...s, message: { text, tone } };
}

export function noteLabel(noteKind: number): string {
  return `note, kind ${NOTE_CHOICES[noteKind] || 'plain'} (Tab: next kind, Shift-Tab: previous; ? lists them)`;
}

export function uiReducer(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'key':
      return onKeys(s, a.input, a.key, a.steps, a.layout ?? NO_LAYOUT);
    case 'paste':
      return { ...s, pasting: a.edge === 'start' };
    case 'select': {
      const i = a.steps.findIndex((x) => x.id === a.stepId);
      return i >= 0 ? { ...s, selected: i, scroll: 0, typedRef: undefined } : s;
    }
    case 'suggest':
      return { ...s, suggested: a.stepId, routeEnd: a.routeEnd };
    case 'confirm':
      return { ...s, mode: { kind: 'confirm', confirm: a.confirm } };
    case 'full':
      return { ...s, mode: { kind: 'full', title: a.title, lines: a.lines, top: 0, ...(a.back ? { back: a.back } : {}) } };
    case 'ask-param':
      return {
        ...s,
        mode: { kind: 'prompt', purpose: { kind: 'param', name: a.name, stepId: a.stepId, pattern: a.pattern, secret: a.secret }, label: `value for ${a.name}${a.description ? ` (${a.description})` : ''}, must match ${a.pattern}`, text: '' },
      };
    case 'run-started':
      return { ...s, running: { label: a.label, ...(a.stepId ? { stepId: a.stepId } : {}), startedAt: a.at, tail: '', bytes: 0 }, scroll: 0, message: undefined, typedRef: undefined };
    case 'run-output':
      return s.running ? { ...s, running: { ...s.running, tail: a.tail, bytes: a.bytes } } : s;
    case 'run-finished':
      return { ...s, running: undefined, scroll: 0 };
    case 'typed-done':
      return { ...s, typedRef: a.ref, scroll: 0 };
    case 'message':
      return say(s, a.text, a.tone);
    case 'hypo':
      return { ...s, hypo: a.hypo };
    case 'ask-mine-first':
      return { ...s, mode: { kind: 'prompt', purpose: { kind: 'mine-first' }, label: 'your hypothesis first, before the model\'s (or "none")', text: '' } };
  }
}

/** One read from the terminal: a key, several keys typed fast, or pasted text. */
function onKeys(s: UiState, input: string, key: KeyInfo, steps: readonly StepView[], layout: Layout): UiState {
  const chars = [...input];
  if (s.mode.kind === 'prompt' || (s.mode.kind === 'confirm' && s.pasting) || key.ctrl || chars.length <= 1) return onKey(s, input, key, steps, layout);
  // Pasted text (the terminal marked it, or it is more than a few navigation keys) is never
  // read as keys outside a prompt: acting on it key by key could skip steps or resolve the incident.
  if (s.pasting || !chars.every((c) => SAFE_TOGETHER.has(c))) {
    if (s.mode.kind === 'normal') return say(s, 'pasted text ignored: press n first to paste it into a note', 'error');
    return s;
  }
  let out = s;
  for (const c of chars) out = onKey(out, c, {}, steps, layout);
  return out;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

function onKey(s: UiState, input: string, key: KeyInfo, steps: readonly StepView[], layout: Layout): UiState {
  const mode = s.mode;
  if (mode.kind === 'full') return onFullKey(s, mode, input, key, layout);
  if (mode.kind === 'confirm') {
    // Only a typed "y" confirms (never a pasted one); f shows the whole text first; anything else cancels.
    if (s.pasting) return say(mode.confirm.onNo ? withEffect(s, mode.confirm.onNo, { mode: { kind: 'normal' } }) : { ...s, mode: { kind: 'normal' } }, 'pasted text cancelled the confirmation: nothing was run', 'error');
    if (input === 'y' && !key.ctrl) return withEffect(s, mode.confirm.onYes, { mode: { kind: 'normal' } });
    if (input === 'f' && !key.ctrl) return withEffect(s, { kind: 'show-full', what: 'confirm' });
    if (mode.confirm.onNo) return withEffect(s, mode.confirm.onNo, { mode: { kind: 'normal' } });
    const runs = ['run-step', 'run-fanout', 'run-typed', 'discover'].includes(mode.confirm.onYes.kind);
    return say({ ...s, mode: { kind: 'normal' } }, runs ? 'cancelled: nothing was run' : 'cancelled: nothing was changed');
  }
  if (mode.kind === 'prompt') return onPromptKey(s, mode, input, key);
  if (s.pasting) return say(s, 'pasted text ignored: press n first to paste it into a note', 'error');

  // Ctrl-C cancels a running command; with nothing running it quits.
  if (key.ctrl && input === 'c') return s.running ? withEffect(s, { kind: 'cancel-run' }) : withEffect(s, { kind: 'quit' });
  if (input === '?') return withEffect(s, { kind: 'show-full', what: 'help' });
  if (input === 'p') return withEffect(s, { kind: 'show-full', what: 'panel' });
  if (input === 't') {
    if (s.focus === 'timeline') return { ...s, focus: 'steps', timelineOpen: false };
    return { ...s, focus: 'timeline', timelineOpen: true };
  }
  if (s.focus === 'timeline') {
    const last = layout.tlCount - 1;
    const at = s.tlSel ?? last;
    if (input === 'j' || key.downArrow) return { ...s, tlSel: at >= last ? undefined : at + 1 };
    if (input === 'k' || key.upArrow) return { ...s, tlSel: clamp(at - 1, 0, Math.max(0, last)) };
    if (input === 'J' || key.pageDown) return { ...s, tlSel: at + 10 >= last ? undefined : at + 10 };
    if (input === 'K' || key.pageUp) return { ...s, tlSel: clamp(at - 10, 0, Math.max(0, last)) };
    if (input === 'g') return { ...s, tlSel: 0 };
    if (input === 'G') return { ...s, tlSel: undefined };
    if (input === 'f' || key.return) return last < 0 ? s : withEffect(s, { kind: 'show-full', what: 'timeline-entry', index: clamp(at, 0, last) });
    if (key.escape) return { ...s, focus: 'steps', timelineOpen: false };
  }
  const step = steps[s.selected];
  const lastStep = Math.max(0, steps.length - 1);
  const maxScroll = Math.max(0, layout.outLines - layout.outRoom);
  if (input === 'j' || key.downArrow) return { ...s, selected: Math.min(lastStep, s.selected + 1), scroll: 0, typedRef: undefined };
  if (input === 'k' || key.upArrow) return { ...s, selected: Math.max(0, s.selected - 1), scroll: 0, typedRef: undefined };
  if (input === 'J' || key.pageDown) return { ...s, scroll: clamp(s.scroll - 10, 0, maxScroll) };
  if (input === 'K' || key.pageUp) return { ...s, scroll: clamp(s.scroll + 10, 0, maxScroll) };
  if (input === 'g') return { ...s, scroll: maxScroll };
  if (input === 'G') return { ...s, scroll: 0 };
  if (input === 'f') return withEffect(s, { kind: 'show-full', what: 'step' });
  if (key.return) {
    if (s.suggested) {
      const i = steps.findIndex((x) => x.id === s.suggested);
      if (i >= 0) return { ...s, selected: i, scroll: 0, suggested: undefined, routeEnd: undefined, typedRef: undefined };
    }
    if (s.routeEnd) return say(s, s.routeEnd);
    return s;
  }
  if (input === 'n') return { ...s, mode: { kind: 'prompt', purpose: { kind: 'note', noteKind: 0 }, label: noteLabel(0), text: '' } };
  if (s.running) {
    if (input === 'q') return say(s, 'a command is running: Ctrl-C cancels it, then q quits', 'error');
    if ('rsdamRaS'.includes(input) && input !== '') return say(s, 'wait for the running command to finish, or Ctrl-C to cancel it', 'error');
    return s;
  }
  switch (input) {
    case 'q':
      return withEffect(s, { kind: 'quit' });
    case 'r':
      if (!step) return say(s, 'this incident has no runbook steps', 'error');
      if (!step.hasCommand) return say(s, step.kind === 'manual' ? 'a manual step has no command: do it by hand, then press d' : 'this step has no command', 'error');
      return withEffect(s, { kind: 'prepare-run', stepId: step.id });
    case 's':
      if (!step) return say(s, 'this incident has no runbook steps', 'error');
      return { ...s, mode: { kind: 'prompt', purpose: { kind: 'skip', stepId: step.id }, label: `reason for skipping ${step.id}`, text: '' } };
    case 'd':
      if (!step) return say(s, 'this incident has no runbook steps', 'error');
      if (step.kind !== 'manual') return say(s, 'd marks a manual step done; run this one with r (or skip it with s)', 'error');
      return withEffect(s, { kind: 'done', stepId: step.id });
    case 'a':
      return { ...s, mode: { kind: 'prompt', purpose: { kind: 'action' }, label: 'action taken outside the runbook (start with $ to run a command)', text: '' } };
    case 'h':
      if (s.hypo?.status === 'asking') return say(s, 'already asking the model; its answer will appear below');
      return withEffect(s, { kind: 'hypothesize' });
    case 'H':
      return { ...s, mode: { kind: 'prompt', purpose: { kind: 'mine' }, label: 'your hypothesis', text: '' } };
    case 'v':
      return { ...s, mode: { kind: 'prompt', purpose: { kind: 'judge' }, label: 'verdict: SEQ-or-cause-id supported|refuted|dismissed reason', text: '' } };
    case 'm':
      return { ...s, mode: { kind: 'confirm', confirm: { title: 'Mark the incident mitigated?', lines: ['The impact has stopped, even if the cause is not fixed yet.'], onYes: { kind: 'status', to: 'mitigated' } } } };
    case 'R':
      return { ...s, mode: { kind: 'confirm', confirm: { title: 'Mark the incident resolved?', lines: ['The cause is fixed and the incident is over.'], onYes: { kind: 'status', to: 'resolved' } } } };
    case 'S':
      return { ...s, mode: { kind: 'prompt', purpose: { kind: 'silence' }, label: 'silence this incident\'s alert in Alertmanager for how long (e.g. 2h)? the next screen shows it before anything is created', text: '' } };
    default:
      return s;
  }
}

function onFullKey(s: UiState, mode: Extract<Mode, { kind: 'full' }>, input: string, key: KeyInfo, layout: Layout): UiState {
  const max = Math.max(0, mode.lines.length - layout.fullRoom);
  const to = (top: number) => ({ ...s, mode: { ...mode, top: clamp(top, 0, max) } });
  if (input === 'j' || key.downArrow) return to(mode.top + 1);
  if (input === 'k' || key.upArrow) return to(mode.top - 1);
  if (input === 'J' || key.pageDown || input === ' ') return to(mode.top + Math.max(1, layout.fullRoom - 1));
  if (input === 'K' || key.pageUp) return to(mode.top - Math.max(1, layout.fullRoom - 1));
  if (input === 'g') return to(0);
  if (input === 'G') return to(max);
  if (input === 'q' || input === 'f' || input === '?' || input === 'p' || key.escape || key.return || (key.ctrl && input === 'c')) return { ...s, mode: mode.back ?? { kind: 'normal' } };
  return s;
}

function onPromptKey(s: UiState, mode: Extract<Mode, { kind: 'prompt' }>, input: string, key: KeyInfo): UiState {
  if (key.escape || (key.ctrl && input === 'c')) return say({ ...s, mode: { kind: 'normal' } }, 'cancelled');
  // Pasted text goes into the prompt as it is, line breaks as spaces: a paste never submits.
  if (s.pasting) {
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    const add = input.replace(/\r\n?|\n/g, ' ').replace(/[\u0000-\u001F\u007F]/g, '');
    return { ...s, mode: { ...mode, text: (mode.text + add).slice(0, MAX_INPUT) } };
  }
  // Text and Enter can arrive in one chunk (a fast terminal): the text, then submit.
  const nl = input.search(/[\r\n]/);
  if (!key.return && nl >= 0) {
    const typed = onPromptKey(s, mode, input.slice(0, nl), {});
    return typed.mode.kind === 'prompt' ? onPromptKey(typed, typed.mode, '', { return: true }) : typed;
  }
  if (key.tab && mode.purpose.kind === 'note') {
    const n = NOTE_CHOICES.length;
    const noteKind = (mode.purpose.noteKind + (key.shift ? n - 1 : 1)) % n;
    return { ...s, mode: { ...mode, purpose: { kind: 'note', noteKind }, label: noteLabel(noteKind) } };
  }
  if (key.return) {
    const text = mode.text.trim();
    const p = mode.purpose;
    if (!text) return say(s, p.kind === 'skip' ? 'a skip needs a reason' : 'empty: type something, or Esc to cancel', 'error');
    const normal: Partial<UiState> = { mode: { kind: 'normal' } };
    switch (p.kind) {
      case 'skip':
        return withEffect(s, { kind: 'skip', stepId: p.stepId, reason: text }, normal);
      case 'note': {
        const noteKind = NOTE_CHOICES[p.noteKind];
        return withEffect(s, { kind: 'note', text, ...(noteKind ? { noteKind } : {}) }, normal);
      }
      case 'action':
        if (text.startsWith('$')) {
          const line = text.replace(/^\$\s*/, '');
          if (!line) return say(s, 'type the command after $', 'error');
          return withEffect(s, { kind: 'confirm-typed', line }, normal);
        }
        return withEffect(s, { kind: 'action', text }, normal);
      case 'mine-first':
        return withEffect(s, { kind: 'hypothesize', mine: text }, normal);
      case 'mine':
        return withEffect(s, { kind: 'my-hypothesis', text }, normal);
      case 'judge': {
        const m = /^#?(\S+)\s+(supported|refuted|dismissed)\s+(.+)$/i.exec(text);
        if (!m) return say(s, 'type: SEQ supported|refuted|dismissed REASON (e.g. "15 refuted log volume was flat")', 'error');
        return withEffect(s, { kind: 'judge', target: m[1]!, verdict: m[2]!.toLowerCase() as 'supported' | 'refuted' | 'dismissed', reason: m[3]!.trim() }, normal);
      }
      case 'silence':
        return withEffect(s, { kind: 'plan-silence', duration: text }, normal);
      case 'param':
        // A value that fails its pattern is refused here and again before anything runs.
        if (!fullMatch(p.pattern, mode.text)) return say(s, `${p.name} must match ${p.pattern}`, 'error');
        return withEffect(s, { kind: 'set-param', name: p.name, value: mode.text, stepId: p.stepId }, normal);
    }
  }
  if (key.backspace || key.delete) return { ...s, mode: { ...mode, text: [...mode.text].slice(0, -1).join('') } };
  if (key.ctrl && input === 'u') return { ...s, mode: { ...mode, text: '' } };
  if (input && !key.ctrl && !key.upArrow && !key.downArrow && !key.tab) {
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    const add = input.replace(/[\u0000-\u001F\u007F]/g, '');
    return { ...s, mode: { ...mode, text: (mode.text + add).slice(0, MAX_INPUT) } };
  }
  return s;
}
