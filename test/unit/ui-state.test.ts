// The TUI's reducer, without rendering.
import { describe, expect, it } from 'vitest';
import { initialUi, uiReducer, type KeyInfo, type StepView, type UiAction, type UiState } from '../../src/ui/state.js';

const steps: StepView[] = [
  { id: 'load', kind: 'check', hasCommand: true },
  { id: 'look', kind: 'manual', hasCommand: false },
  { id: 'flush', kind: 'action', hasCommand: true },
];
const key = (input: string, k: KeyInfo = {}): UiAction => ({ type: 'key', input, key: k, steps });
const run = (s: UiState, ...actions: UiAction[]) => actions.reduce(uiReducer, s);

describe('ui reducer', () => {
  it('j/k and arrows move the selection within bounds', () => {
    let s = run(initialUi(), key('j'), key('j'), key('j'));
    expect(s.selected).toBe(2);
    s = run(s, key('', { upArrow: true }), key('k'), key('k'));
    expect(s.selected).toBe(0);
  });

  it('r asks App to prepare the run; the confirmation runs only on y', () => {
    const s = run(initialUi(), key('r'));
    expect(s.effect).toEqual({ kind: 'prepare-run', stepId: 'load' });
    const confirm = { lines: ['argv: uptime'], onYes: { kind: 'run-step', stepId: 'load' } as const };
    const asked = run(s, { type: 'confirm', confirm });
    expect(asked.mode.kind).toBe('confirm');
    const yes = run(asked, key('y'));
    expect(yes.effect).toEqual({ kind: 'run-step', stepId: 'load' });
    expect(yes.effectSeq).toBe(s.effectSeq + 1);
    for (const other of ['n', 'Y', ' ', 'q']) {
      const no = run(asked, key(other));
      expect(no.mode.kind).toBe('normal');
      expect(no.effectSeq).toBe(s.effectSeq);
      expect(no.message?.text).toMatch(/nothing was run/);
    }
    expect(run(asked, key('', { return: true })).effectSeq).toBe(s.effectSeq);
  });

  it('r on a manual step says to use d; d on a command step says to run it', () => {
    expect(run(initialUi(1), key('r')).message?.text).toMatch(/manual step/);
    expect(run(initialUi(0), key('d')).message?.text).toMatch(/d marks a manual step/);
    expect(run(initialUi(1), key('d')).effect).toEqual({ kind: 'done', stepId: 'look' });
  });

  it('s needs a reason: typing, backspace, Enter', () => {
    let s = run(initialUi(2), key('s'));
    expect(s.mode).toMatchObject({ kind: 'prompt', purpose: { kind: 'skip', stepId: 'flush' } });
    expect(run(s, key('', { return: true })).message?.text).toMatch(/needs a reason/);
    s = run(s, key('no dirty pagesX'), key('', { backspace: true }), key('', { return: true }));
    expect(s.effect).toEqual({ kind: 'skip', stepId: 'flush', reason: 'no dirty pages' });
    expect(s.mode.kind).toBe('normal');
  });

  it('text and Enter arriving in one chunk submit the prompt', () => {
    const s = run(initialUi(), key('n'), key('restarted api\r'));
    expect(s.effect).toEqual({ kind: 'note', text: 'restarted api' });
  });

  it('text pasted outside a prompt is ignored, never acted on key by key', () => {
    const s = run(initialUi(), key('kubectl get pods -n payments\r'));
    expect(s.effect).toBeUndefined();
    expect(s.mode.kind).toBe('normal');
    expect(s.selected).toBe(0);
    expect(s.message?.text).toMatch(/pasted text ignored/);
  });

  it('a: free text is an action; "$ cmd" asks to confirm a typed command', () => {
    expect(run(initialUi(), key('a'), key('paged the DBA'), key('', { return: true })).effect).toEqual({ kind: 'action', text: 'paged the DBA' });
    expect(run(initialUi(), key('a'), key('$ systemctl status nginx'), key('', { return: true })).effect).toEqual({ kind: 'confirm-typed', line: 'systemctl status nginx' });
  });

  it('Esc cancels a prompt without an effect', () => {
    const s = run(initialUi(), key('n'), key('half a thought'), key('', { escape: true }));
    expect(s.mode.kind).toBe('normal');
    expect(s.effect).toBeUndefined();
  });

  it('a parameter value that fails its pattern is refused in the prompt', () => {
    let s = run(initialUi(), { type: 'ask-param', name: 'namespace', stepId: 'load', pattern: '[a-z]+', secret: false });
    s = run(s, key('-rf; rm'), key('', { return: true }));
    expect(s.effect).toBeUndefined();
    expect(s.message?.text).toMatch(/must match/);
    s = run(s, { type: 'key', input: 'u', key: { ctrl: true }, steps }, key('payments'), key('', { return: true }));
    expect(s.effect).toEqual({ kind: 'set-param', name: 'namespace', value: 'payments', stepId: 'load' });
  });

  it('Ctrl-C cancels a running command, and quits when nothing runs', () => {
    const running = run(initialUi(), { type: 'run-started', label: 'load', stepId: 'load', at: 0 });
    expect(run(running, { type: 'key', input: 'c', key: { ctrl: true }, steps }).effect).toEqual({ kind: 'cancel-run' });
    expect(run(initialUi(), { type: 'key', input: 'c', key: { ctrl: true }, steps }).effect).toEqual({ kind: 'quit' });
  });

  it('while a command runs, q and r are refused but notes are allowed', () => {
    const running = run(initialUi(), { type: 'run-started', label: 'load', stepId: 'load', at: 0 });
    expect(run(running, key('q')).effect).toBeUndefined();
    expect(run(running, key('r')).effect).toBeUndefined();
    expect(run(running, key('n')).mode.kind).toBe('prompt');
  });

  it('Enter follows the suggested route; m and R change status; ? opens help and any key closes it', () => {
    const s = run(initialUi(), { type: 'suggest', stepId: 'flush' }, key('', { return: true }));
    expect(s.selected).toBe(2);
    expect(run(initialUi(), key('m')).effect).toBeUndefined();
    expect(run(initialUi(), key('m'), key('y')).effect).toEqual({ kind: 'status', to: 'mitigated' });
    expect(run(initialUi(), key('R'), key('y')).effect).toEqual({ kind: 'status', to: 'resolved' });
    expect(run(initialUi(), key('R'), key('n')).message?.text).toBe('cancelled: nothing was changed');
    expect(run(initialUi(), key('?')).effect).toEqual({ kind: 'show-full', what: 'help' });
    const full = run(initialUi(), { type: 'full', title: 'Keys', lines: ['a', 'b'] });
    expect(full.mode.kind).toBe('full');
    expect(run(full, key('x')).mode.kind).toBe('full');
    expect(run(full, key('q')).mode.kind).toBe('normal');
  });
});

describe('scrolling stops at both ends', () => {
  const steps = [{ id: 'a', kind: 'check' as const, hasCommand: true }];
  const layout = { outLines: 95, outRoom: 20, tlCount: 0, fullRoom: 10 };
  const key = (input: string) => ({ type: 'key' as const, input, key: {}, steps, layout });
  it('J at the end and K at the top change nothing; g and G jump', () => {
    let s = initialUi();
    s = uiReducer(s, key('J'));
    expect(s.scroll).toBe(0);
    for (let i = 0; i < 20; i++) s = uiReducer(s, key('K'));
    expect(s.scroll).toBe(75);
    s = uiReducer(s, key('J'));
    expect(s.scroll).toBe(65);
    expect(uiReducer(s, key('g')).scroll).toBe(75);
    expect(uiReducer(s, key('G')).scroll).toBe(0);
  });
  it('a full-text view stops at both ends too', () => {
    let s = uiReducer(initialUi(), { type: 'full', title: 't', lines: Array.from({ length: 25 }, String) });
    s = uiReducer(s, key('k'));
    expect(s.mode).toMatchObject({ kind: 'full', top: 0 });
    for (let i = 0; i < 40; i++) s = uiReducer(s, key('j'));
    expect(s.mode).toMatchObject({ kind: 'full', top: 15 });
  });
});
