/**
 * The TUI's own state (selection, scroll, dialogs, the running command's live view) and its one
 * pure reducer. Everything about the incident itself comes from the replayed log, never from
 * here. Side effects are requested by setting `effect`; App performs them and reports back.
 */

export interface StepView {
  id: string;
  kind: 'check' | 'action' | 'manual';
  hasCommand: boolean;
}

export type Effect =
  | { kind: 'prepare-run'; stepId: string }
  | { kind: 'run-step'; stepId: string }
  | { kind: 'confirm-typed'; line: string }
  | { kind: 'run-typed'; line: string }
  | { kind: 'skip'; stepId: string; reason: string }
  | { kind: 'done'; stepId: string }
  | { kind: 'note'; text: string }
  | { kind: 'action'; text: string }
  | { kind: 'set-param'; name: string; value: string; stepId: string }
  | { kind: 'status'; to: 'mitigated' | 'resolved' }
  | { kind: 'hypothesize'; mine?: string }
  | { kind: 'judge'; target: string; verdict: 'supported' | 'refuted' | 'dismissed'; reason: string }
  | { kind: 'my-hypothesis'; text: string }
  | { kind: 'cancel-run' }
  | { kind: 'quit' };

export interface ConfirmView {
  /** The question; default "Run this command?". */
  title?: string;
  /** What the operator is asked to confirm: the exact argv, cwd, timeout, env. */
  lines: string[];
  warning?: string;
  onYes: Effect;
}

export type PromptPurpose =
  | { kind: 'skip'; stepId: string }
  | { kind: 'note' }
  | { kind: 'action' }
  | { kind: 'param'; name: string; stepId: string; pattern: string; secret: boolean }
  /** "You first": the operator's own hypothesis, then the model is asked. */
  | { kind: 'mine-first' }
  | { kind: 'mine' }
  | { kind: 'judge' };

export type Mode =
  | { kind: 'normal' }
  | { kind: 'help' }
  | { kind: 'confirm'; confirm: ConfirmView }
  | { kind: 'prompt'; purpose: PromptPurpose; label: string; text: string };

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

export interface UiState {
  selected: number;
  hypo?: HypoView;
  mode: Mode;
  running?: Running;
  /** Lines scrolled up from the bottom of the output pane. */
  scroll: number;
  message?: { text: string; tone: 'info' | 'ok' | 'error' };
  /** Where the runbook goes next (next / on_fail, or the following step); Enter selects it. */
  suggested?: string;
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
  backspace?: boolean;
  delete?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  tab?: boolean;
}

export type UiAction =
  | { type: 'key'; input: string; key: KeyInfo; steps: readonly StepView[] }
  | { type: 'select'; stepId: string; steps: readonly StepView[] }
  | { type: 'suggest'; stepId: string | undefined }
  | { type: 'confirm'; confirm: ConfirmView }
  | { type: 'ask-param'; name: string; stepId: string; pattern: string; secret: boolean; description?: string }
  | { type: 'run-started'; label: string; stepId?: string; at: number }
  | { type: 'run-output'; tail: string; bytes: number }
  | { type: 'run-finished' }
  | { type: 'message'; text: string; tone?: 'info' | 'ok' | 'error' }
  | { type: 'hypo'; hypo: HypoView | undefined }
  | { type: 'ask-mine-first' };

export function initialUi(selected = 0): UiState {
  return { selected, mode: { kind: 'normal' }, scroll: 0, effectSeq: 0 };
}

const MAX_INPUT = 4000;

function withEffect(s: UiState, effect: Effect, patch: Partial<UiState> = {}): UiState {
  return { ...s, ...patch, effect, effectSeq: s.effectSeq + 1 };
}

function say(s: UiState, text: string, tone: 'info' | 'ok' | 'error' = 'info'): UiState {
  return { ...s, message: { text, tone } };
}

export function uiReducer(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case 'key':
      return onKey(s, a.input, a.key, a.steps);
    case 'select': {
      const i = a.steps.findIndex((x) => x.id === a.stepId);
      return i >= 0 ? { ...s, selected: i, scroll: 0 } : s;
    }
    case 'suggest':
      return { ...s, suggested: a.stepId };
    case 'confirm':
      return { ...s, mode: { kind: 'confirm', confirm: a.confirm } };
    case 'ask-param':
      return {
        ...s,
        mode: { kind: 'prompt', purpose: { kind: 'param', name: a.name, stepId: a.stepId, pattern: a.pattern, secret: a.secret }, label: `value for ${a.name}${a.description ? ` (${a.description})` : ''}, must match ${a.pattern}`, text: '' },
      };
    case 'run-started':
      return { ...s, running: { label: a.label, ...(a.stepId ? { stepId: a.stepId } : {}), startedAt: a.at, tail: '', bytes: 0 }, scroll: 0, message: undefined };
    case 'run-output':
      return s.running ? { ...s, running: { ...s.running, tail: a.tail, bytes: a.bytes } } : s;
    case 'run-finished':
      return { ...s, running: undefined };
    case 'message':
      return say(s, a.text, a.tone);
    case 'hypo':
      return { ...s, hypo: a.hypo };
    case 'ask-mine-first':
      return { ...s, mode: { kind: 'prompt', purpose: { kind: 'mine-first' }, label: 'your hypothesis first, before the model\'s (or "none")', text: '' } };
  }
}

function onKey(s: UiState, input: string, key: KeyInfo, steps: readonly StepView[]): UiState {
  const mode = s.mode;
  // Several characters at once outside a prompt are a paste (or keys typed into the wrong
  // window): acting on them key by key could skip steps or resolve the incident. Ignore them.
  if (mode.kind === 'normal' && !key.ctrl && [...input].length > 1) {
    return say(s, 'pasted text ignored: press n first to paste it into a note', 'error');
  }
  if (mode.kind === 'help') return { ...s, mode: { kind: 'normal' } };
  if (mode.kind === 'confirm') {
    // Only "y" confirms; anything else cancels.
    if (input === 'y' && !key.ctrl) return withEffect(s, mode.confirm.onYes, { mode: { kind: 'normal' } });
    return say({ ...s, mode: { kind: 'normal' } }, mode.confirm.title ? 'cancelled: nothing was changed' : 'cancelled: nothing was run');
  }
  if (mode.kind === 'prompt') return onPromptKey(s, mode, input, key);

  // Ctrl-C cancels a running command; with nothing running it quits.
  if (key.ctrl && input === 'c') return s.running ? withEffect(s, { kind: 'cancel-run' }) : withEffect(s, { kind: 'quit' });
  const step = steps[s.selected];
  const last = Math.max(0, steps.length - 1);
  if (input === 'j' || key.downArrow) return { ...s, selected: Math.min(last, s.selected + 1), scroll: 0 };
  if (input === 'k' || key.upArrow) return { ...s, selected: Math.max(0, s.selected - 1), scroll: 0 };
  if (input === 'J' || key.pageDown) return { ...s, scroll: Math.max(0, s.scroll - 10) };
  if (input === 'K' || key.pageUp) return { ...s, scroll: s.scroll + 10 };
  if (input === '?') return { ...s, mode: { kind: 'help' } };
  if (key.return && s.suggested) {
    const i = steps.findIndex((x) => x.id === s.suggested);
    if (i >= 0) return { ...s, selected: i, scroll: 0, suggested: undefined };
  }
  if (input === 'n') return { ...s, mode: { kind: 'prompt', purpose: { kind: 'note' }, label: 'note', text: '' } };
  if (s.running) {
    if (input === 'q') return say(s, 'a command is running: Ctrl-C cancels it, then q quits', 'error');
    if ('rsdamRa'.includes(input) && input !== '') return say(s, 'wait for the running command to finish, or Ctrl-C to cancel it', 'error');
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
    default:
      return s;
  }
}

function onPromptKey(s: UiState, mode: Extract<Mode, { kind: 'prompt' }>, input: string, key: KeyInfo): UiState {
  if (key.escape || (key.ctrl && input === 'c')) return say({ ...s, mode: { kind: 'normal' } }, 'cancelled');
  // Text and Enter can arrive in one chunk (a paste, a fast terminal): the text, then submit.
  const nl = input.search(/[\r\n]/);
  if (!key.return && nl >= 0) {
    const typed = onPromptKey(s, mode, input.slice(0, nl), {});
    return typed.mode.kind === 'prompt' ? onPromptKey(typed, typed.mode, '', { return: true }) : typed;
  }
  if (key.return) {
    const text = mode.text.trim();
    const p = mode.purpose;
    if (!text) return say(s, p.kind === 'skip' ? 'a skip needs a reason' : 'empty: type something, or Esc to cancel', 'error');
    const normal: Partial<UiState> = { mode: { kind: 'normal' } };
    switch (p.kind) {
      case 'skip':
        return withEffect(s, { kind: 'skip', stepId: p.stepId, reason: text }, normal);
      case 'note':
        return withEffect(s, { kind: 'note', text }, normal);
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
      case 'param':
        // A value that fails its pattern is refused here and again before anything runs.
        if (!new RegExp(`^(?:${p.pattern})$`).test(mode.text)) return say(s, `${p.name} must match ${p.pattern}`, 'error');
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
