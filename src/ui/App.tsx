/**
 * The incident screen. Thin: state comes from the log (LogFollower) plus the UI reducer;
 * effects (appending events, running commands) happen here and report back as actions.
 */
import { refOf } from '../incident/replicas.js';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { groupState, processAlive, secondRunRefused } from '../exec/group.js';
import { NO_HYPOTHESIS_NOTE, type Actor } from '../incident/events.js';
import { eventDetails } from '../incident/format.js';
import type { LogFollower } from '../incident/follow.js';
import { hashMatches } from '../incident/reader.js';
import { judgeTarget } from '../incident/replay.js';
import type { IncidentStore } from '../incident/store.js';
import { redact, redactDeep } from '../redact/index.js';
import { matchKnownCauses } from '../runbook/known-causes.js';
import { shellQuote } from '../runbook/render.js';
import { executeStep, executeTyped, type StepProgress } from '../runner/execute.js';
import { discoverTargets, executeFanout, fanoutBusy, planFanout, type FanoutProgress } from '../runner/fanout.js';
import { prepareStep } from '../runner/prepare.js';
import { planLines } from '../runner/plan-lines.js';
import { HypothesesPanel, hypothesisLines, panelText } from './components/HypothesesPanel.js';
import type { HypothesizeInput } from '../hypotheses/run.js';
import { Confirm } from './components/Confirm.js';
import { Footer } from './components/Footer.js';
import { FullText, fullRoom } from './components/FullText.js';
import { Header, ShareLine } from './components/Header.js';
import type { BackgroundSync, SyncStatus } from '../share/background.js';
import type { DrillInfo, DrillSource } from '../drill/drill.js';
import { replayStep, runFor } from '../runner/replay.js';
import { PromptLine } from './components/PromptLine.js';
import { StepDetail, detailRows } from './components/StepDetail.js';
import { StepList } from './components/StepList.js';
import { Timeline } from './components/Timeline.js';
import { HELP_LINES } from './help.js';
import { initialUi, uiReducer, type ConfirmView, type Effect, type Layout } from './state.js';
import { fullStep, stepDetail, stepViews, wrap, wrapOutput, type DetailInput } from './view.js';

export interface AppProps {
  store: IncidentStore;
  follower: LogFollower;
  actor: Actor;
  cwd: string;
  defaultTimeoutMs: number;
  color: boolean;
  /** How often to look for events written by other processes. */
  pollMs?: number;
  /** Secret parameter values given on the command line: kept in memory, never recorded. */
  secrets?: Record<string, string>;
  /** Where and how to ask for hypotheses (h). */
  hypotheses?: Pick<HypothesizeInput, 'host' | 'model' | 'deadlines' | 'numCtx' | 'allowRemote'> & { youFirst: boolean };
  /** Where S creates silences (ALERTMANAGER_URL or the config); else the Alertmanager the alert came from. */
  /** ALERTMANAGER_URL and the config's alertmanager.url: where silences go when the alert has no origin, and credentials for it when it has. */
  alertmanagerUrls?: string[];
  /** A drill's source (the original incident or scenario), read when a step is replayed. */
  loadDrill?: (info: DrillInfo) => Promise<DrillSource>;
  /** Called when the trainee quits a drill choosing to end it. */
  onEndDrill?: () => void;
  /** A shared home's background sync: its state is shown under the header. */
  sync?: { replica: string; runner: BackgroundSync };
  onExit?: () => void;
}

/** Terminals at least this wide show the timeline beside the steps. */
const WIDE = 150;

/** The lines of the confirm box for a prepared step. */
function confirmLines(c: ReturnType<typeof prepareStep> & { ok: true }): string[] {
  const cmd = c.command;
  // Shown as the log will hold them: what the redactor masks is masked here too.
  const vars = Object.entries(cmd.vars).map(([k, v]) => `${k}=${cmd.secretVars.includes(k) ? '••••' : redact(shellQuote(v))}`);
  return [
    `argv: ${redact(cmd.shownArgv.map(shellQuote).join(' '))}`,
    `cwd: ${cmd.cwd}`,
    `timeout: ${cmd.timeoutMs / 1000} s`,
    ...(vars.length ? [`shell variables (not exported to programs): ${vars.join(' ')}`] : []),
  ];
}

/** A parameter's value in a message: never a secret one, others redacted and cut short. */
function shownValue(param: { name: string; secret?: boolean }, value: string): string {
  if (param.secret) return '(secret value)';
  const v = redactDeep({ [param.name]: value })[param.name]!;
  return JSON.stringify(v.length > 60 ? `${v.slice(0, 59)}…` : v);
}

export function App({ store, follower, actor, cwd, defaultTimeoutMs, color, pollMs = 250, secrets: givenSecrets, hypotheses: hypoSettings, alertmanagerUrls, sync, loadDrill, onEndDrill, onExit }: AppProps) {
  const [syncStatus, setSyncStatus] = useState<SyncStatus | undefined>(sync?.runner.status);
  useEffect(() => sync?.runner.subscribe(setSyncStatus), [sync]);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [incident, setIncident] = useState(follower.state);
  const [ui, dispatch] = useReducer(uiReducer, undefined, () => initialUi(firstOpenStep(follower.state)));
  const [now, setNow] = useState(Date.now());
  const [size, setSize] = useState({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const abortRef = useRef<AbortController | null>(null);
  /** The background request for hypotheses; aborted on quit. */
  const hypoAbort = useRef<AbortController | null>(null);
  /** Quit once the aborted request has recorded its outcome (the store closes when the screen exits). */
  const quitAfterHypo = useRef(false);
  /** Set when the terminal closes or we are killed: quit as soon as the running command is recorded. */
  const quitAfterRun = useRef(false);
  const secrets = useRef<Record<string, string>>({ ...givenSecrets });
  /** Fan-out: targets a from_command step found (confirmed plan runs over exactly these), and the canary gate's answer. */
  const discovered = useRef<Record<string, string[]>>({});
  const canaryAnswer = useRef<((go: boolean) => void) | null>(null);
  const steps = useMemo(() => stepViews(incident), [incident]);
  const causes = useMemo(() => matchKnownCauses(incident), [incident]);

  const refresh = useCallback(() => {
    if (follower.poll()) setIncident(follower.state);
  }, [follower]);

  useEffect(() => {
    const poll = setInterval(refresh, pollMs);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    const onResize = () => setSize({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
      stdout.off('resize', onResize);
      abortRef.current?.abort();
      hypoAbort.current?.abort();
    };
  }, [refresh, pollMs, stdout]);

  // Once the screen is up: a log that fails verification is said so, in the message line. The
  // records read at start are checked in slices between frames (10,000 hashes take ~130 ms),
  // so neither the first paint nor a keypress waits for it.
  useEffect(() => {
    const events = follower.events.slice();
    let i = 0;
    let timer: NodeJS.Timeout;
    const say = (text: string) => dispatch({ type: 'message', text: `${text}; run \`oncall log verify\``, tone: 'error' });
    const slice = () => {
      for (const end = Math.min(i + 250, events.length); i < end; i++) {
        if (!hashMatches(events[i]!)) return say(`log check failed: #${refOf(events[i]!)} was edited`);
      }
      if (i < events.length) timer = setTimeout(slice, 0);
      else if (follower.stray) say(`log check failed: ${follower.stray} record(s) off the chain, not shown`);
      else if (follower.torn.length) say(`${follower.torn.length} torn line(s) in the log skipped`);
    };
    timer = setTimeout(slice, 300);
    return () => clearTimeout(timer);
  }, [follower]);

  /** Appends through the store (fsynced) and only then updates the screen from the log. */
  const record = useCallback((fn: () => void, ok: string) => {
    try {
      fn();
      refresh();
      dispatch({ type: 'message', text: ok, tone: 'ok' });
    } catch (err) {
      dispatch({ type: 'message', text: `NOT RECORDED: ${(err as Error).message}`, tone: 'error' });
    }
  }, [refresh]);

  const consume = useCallback(async <P extends StepProgress | FanoutProgress>(gen: AsyncGenerator<P>, onDone: (p: Extract<P, { type: 'recorded' }>) => void) => {
    try {
      for await (const p of gen) {
        if (p.type === 'output') dispatch({ type: 'run-output', tail: (p as Extract<StepProgress, { type: 'output' }>).tail, bytes: (p as Extract<StepProgress, { type: 'output' }>).bytes });
        else if (p.type === 'recorded') onDone(p as Extract<P, { type: 'recorded' }>);
        refresh();
      }
    } catch (err) {
      dispatch({ type: 'message', text: `NOT RECORDED: ${(err as Error).message}`, tone: 'error' });
    } finally {
      abortRef.current = null;
      dispatch({ type: 'run-finished' });
      refresh();
      if (quitAfterRun.current) {
        onExit?.();
        exit();
      }
    }
  }, [refresh, exit, onExit]);

  useEffect(() => {
    const onSignal = () => {
      quitAfterRun.current = true;
      if (abortRef.current) abortRef.current.abort();
      else {
        onExit?.();
        exit();
      }
    };
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
    return () => {
      for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
    };
  }, [exit, onExit]);

  // Geometry: the reducer needs the same numbers the panes use, to stop scrolling at the ends.
  const cols = Math.max(40, size.cols);
  const rows = Math.max(12, size.rows);
  const wide = cols >= WIDE;
  const leftW = wide ? 34 : Math.min(38, Math.max(20, Math.floor(cols * 0.32)));
  const tlW = wide ? Math.floor((cols - leftW - 2) * 0.45) : 0;
  const rightW = cols - leftW - 1 - (wide ? tlW + 1 : 0);
  // You-first: model hypotheses stay hidden until this operator has written their own.
  const hideModel = !!hypoSettings?.youFirst && !incident.notes.some((n) => n.actor.name === actor.name && (n.kind === 'hypothesis' || n.text === NO_HYPOTHESIS_NOTE));
  const panel = hypothesisLines(incident, causes, ui.hypo, now, hideModel);
  const causesH = Math.min(Math.max(2, Math.floor(rows / 3)), Math.max(2, panel.length));
  const msgLines = ui.message ? wrap(ui.message.text, cols, 2) : [' '];
  const msgCut = !!ui.message && wrap(ui.message.text, cols).length > 2;
  const bottomH = ui.mode.kind === 'prompt' ? 2 : 0;
  const headerH = sync ? 2 : 1;
  const bodyH = Math.max(4, rows - 1 - headerH - causesH - bottomH - msgLines.length - 1);
  const overlayH = bodyH + causesH;
  const selectedStep = incident.runbook?.runbook.steps[ui.selected];
  const showTimeline = wide || ui.timelineOpen;

  const detailInput: DetailInput = useMemo(() => {
    const st = selectedStep ? incident.steps[selectedStep.id] : undefined;
    const own = !!ui.running && ui.running.stepId === selectedStep?.id;
    // The system is asked only when the log says a group may still run (a few syscalls).
    const check = st?.process && !own ? { group: groupState(st.process), writerAlive: processAlive(st.process.writer_pid) } : undefined;
    const typed = ui.typedRef !== undefined ? incident.commands.find((c) => refOf(c) === ui.typedRef) : undefined;
    return { state: incident, step: selectedStep, running: ui.running, now, ...(check ? { check, stray: check.group === 'running' } : {}), ...(typed ? { typed } : {}) };
  }, [incident, selectedStep, ui.running, ui.typedRef, now]);
  const detail = useMemo(() => stepDetail(detailInput, rightW, bodyH), [detailInput, rightW, bodyH]);
  const outLines = useMemo(() => (detail.output ? wrapOutput(detail.output.lines, rightW) : []), [detail, rightW]);
  const layout: Layout = { outLines: outLines.length, outRoom: detailRows(detail, bodyH).outRoom, tlCount: follower.events.length, fullRoom: fullRoom(overlayH) };
  const layoutRef = useRef(layout);
  layoutRef.current = layout;

  const showFull = useCallback((title: string, lines: string[], back?: ConfirmView) => {
    dispatch({ type: 'full', title, lines: lines.flatMap((l) => wrap(l, cols)), ...(back ? { back: { kind: 'confirm', confirm: back } } : {}) });
  }, [cols]);

  // A drill's recorded runs, read from its source once per screen.
  // Read after the first frame: a drill's first paint does not wait for the original's log.
  const drillSource = useRef<DrillSource | undefined>(undefined);
  const drillLoading = useRef<Promise<unknown> | undefined>(undefined);
  const drillInfo = incident.drill?.info;
  useEffect(() => {
    if (!drillInfo || !loadDrill || drillLoading.current) return;
    drillLoading.current = loadDrill(drillInfo).then((src) => (drillSource.current = src), (err: Error) => dispatch({ type: 'message', text: `DRILL: cannot read what to replay: ${err.message}`, tone: 'error' }));
  }, [drillInfo, loadDrill]);
  const recordedRun = useCallback((stepId: string) => {
    if (!drillSource.current) return undefined;
    return runFor(drillSource.current.runs(stepId), follower.state.steps[stepId]?.runs ?? 0);
  }, [follower]);

  const perform = useCallback((effect: Effect) => {
    const state = follower.state;
    switch (effect.kind) {
      case 'prepare-run': {
        const refused = secondRunRefused(state.steps[effect.stepId]);
        if (refused) return dispatch({ type: 'message', text: `not run: ${refused.why}; ${refused.fix}`, tone: 'error' });
        const busy = fanoutBusy(state.steps[effect.stepId]);
        if (busy) return dispatch({ type: 'message', text: `not run: ${busy}`, tone: 'error' });
        const fanStep = state.runbook?.runbook.steps.find((s) => s.id === effect.stepId);
        if (fanStep?.targets) {
          // Never for real in a drill: a step over many targets is not replayed, so it is refused.
          if (state.drill) return dispatch({ type: 'message', text: `DRILL: ${effect.stepId} runs over many targets, and drills do not replay those: nothing runs (mark it done, or skip it)`, tone: 'error' });
          const from = fanStep.targets.from_command;
          if (from !== undefined && !discovered.current[effect.stepId]) {
            return dispatch({ type: 'confirm', confirm: { title: `Find the targets of ${effect.stepId}?`, lines: [`argv: ${redact(Array.isArray(from) ? from.map(shellQuote).join(' ') : `/bin/sh -c ${shellQuote(from)}`)}`, 'read-only (the runbook says so); the plan is shown before anything else runs'], onYes: { kind: 'discover', stepId: effect.stepId } } });
          }
          // After a partial run or a crash, r offers only the targets not ok: the ones that succeeded are never run again silently.
          const st = state.steps[effect.stepId];
          const selection = st?.fanout && st.status !== 'done' && Object.values(st.fanout.results).some((r) => r.status === 'ok') ? 'failed' : 'all';
          const planned = planFanout(state, effect.stepId, { cwd, defaultTimeoutMs, secrets: secrets.current, selection, ...(discovered.current[effect.stepId] ? { discovered: discovered.current[effect.stepId] } : {}) });
          if (!planned.ok) {
            const m = planned.missing?.[0];
            if (m) return dispatch({ type: 'ask-param', name: m.name, stepId: effect.stepId, pattern: m.pattern, secret: !!m.secret, ...(m.description ? { description: m.description } : {}) });
            return dispatch({ type: 'message', text: `not run: ${planned.reason}`, tone: 'error' });
          }
          const plan = planned.plan;
          return dispatch({
            type: 'confirm',
            confirm: {
              title: `Run ${effect.stepId} over ${plan.targets.length} target${plan.targets.length === 1 ? '' : 's'}?`,
              lines: planLines(plan, redact),
              ...(fanStep.warning ? { warning: fanStep.warning } : fanStep.kind === 'action' ? { warning: 'this step changes things' } : {}),
              onYes: { kind: 'run-fanout', stepId: effect.stepId, selection },
            },
          });
        }
        const p = prepareStep(state, effect.stepId, { cwd, defaultTimeoutMs, secrets: secrets.current });
        // r pressed before the original's record was read: carry on once it is.
        if (p.ok && state.drill && !drillSource.current) {
          if (drillLoading.current) void drillLoading.current.then(() => drillSource.current && performRef.current(effect));
          return dispatch({ type: 'message', text: 'DRILL: reading the original\'s record…' });
        }
        if (p.ok && state.drill && !recordedRun(effect.stepId)) return dispatch({ type: 'message', text: `DRILL: the original never ran ${effect.stepId}: there is no recorded output to replay (skip it, or mark it done)`, tone: 'error' });
        if (!p.ok) {
          if (p.reason === 'missing-params') {
            const m = p.missing[0]!;
            const note = p.masked.includes(m.name) ? 'its recorded value is masked as a secret: type it again' : m.description;
            dispatch({ type: 'ask-param', name: m.name, stepId: effect.stepId, pattern: m.pattern, secret: !!m.secret || p.masked.includes(m.name), ...(note ? { description: note } : {}) });
          } else if (p.reason === 'bad-param') dispatch({ type: 'message', text: `parameter ${p.param.name}=${shownValue(p.param, p.value)} ${p.why ?? `does not match ${p.param.pattern}`}; nothing was run`, tone: 'error' });
          else if (p.reason === 'leading-dash') dispatch({ type: 'message', text: `parameter ${p.param.name}=${shownValue(p.param, p.value)} starts with "-" and would be read as an option; nothing was run`, tone: 'error' });
          else dispatch({ type: 'message', text: `cannot run: ${p.reason}`, tone: 'error' });
          return;
        }
        const c = p.command;
        dispatch({
          type: 'confirm',
          confirm: {
            lines: state.drill ? ['DRILL: nothing runs. The output the original recorded for this step is replayed.', ...confirmLines(p)] : confirmLines(p),
            ...(c.step.warning ? { warning: c.step.warning } : c.step.kind === 'action' ? { warning: 'this step changes things' } : {}),
            onYes: { kind: 'run-step', stepId: effect.stepId },
          },
        });
        return;
      }
      case 'run-step': {
        const p = prepareStep(state, effect.stepId, { cwd, defaultTimeoutMs, secrets: secrets.current });
        if (!p.ok) return dispatch({ type: 'message', text: `cannot run: ${p.reason}`, tone: 'error' });
        const ac = new AbortController();
        abortRef.current = ac;
        dispatch({ type: 'run-started', label: effect.stepId, stepId: effect.stepId, at: Date.now() });
        const replay = state.drill ? recordedRun(effect.stepId) : undefined;
        if (state.drill && !replay) return dispatch({ type: 'message', text: `DRILL: nothing to replay for ${effect.stepId}`, tone: 'error' });
        void consume(replay ? replayStep(store, actor, p.command, replay, state.drill!.info.fast, ac.signal) : executeStep(store, actor, p.command, ac.signal), (r) => {
          const all = stepViews(follower.state);
          const at = all.findIndex((s) => s.id === effect.stepId);
          // Stay on the step so its output stays in view; Enter follows the runbook's route.
          const target = r.next === 'end' ? undefined : r.next ?? (r.ok ? all[at + 1]?.id : undefined);
          const ends = r.next === 'end' ? `the runbook ends here: ${effect.stepId} ${r.ok ? 'succeeded' : 'failed'} and its ${r.ok ? 'next' : 'on_fail'} route is end` : !target ? `${effect.stepId} failed and the runbook gives no on_fail route: choose the next step yourself (j/k)` : undefined;
          dispatch({ type: 'suggest', stepId: target, ...(ends ? { routeEnd: ends } : {}) });
          const route = r.next === 'end' ? '; the runbook ends here' : target ? `; Enter → ${target}` : '';
          const tag = replay ? '[replayed] ' : '';
          dispatch({ type: 'message', text: r.ok ? `${tag}${effect.stepId} done (#${r.ref})${route}` : `${tag}${effect.stepId} FAILED: ${r.reason} (#${r.ref})${route}`, tone: r.ok ? 'ok' : 'error' });
        });
        return;
      }
      case 'discover': {
        if (state.drill) return dispatch({ type: 'message', text: `DRILL: ${effect.stepId} runs over many targets, and drills do not replay those: nothing runs (mark it done, or skip it)`, tone: 'error' });
        const ac = new AbortController();
        abortRef.current = ac;
        dispatch({ type: 'run-started', label: `finding the targets of ${effect.stepId}`, stepId: effect.stepId, at: Date.now() });
        void discoverTargets(store, actor, state, effect.stepId, { cwd, defaultTimeoutMs, secrets: secrets.current }, ac.signal).then((d) => {
          abortRef.current = null;
          dispatch({ type: 'run-finished' });
          refresh();
          if (!d.ok) return dispatch({ type: 'message', text: `not run: ${d.reason}`, tone: 'error' });
          discovered.current[effect.stepId] = d.targets;
          dispatch({ type: 'message', text: `${d.targets.length} target${d.targets.length === 1 ? '' : 's'} found (#${d.ref}); r shows the plan`, tone: 'ok' });
        }, (err: unknown) => {
          abortRef.current = null;
          dispatch({ type: 'run-finished' });
          dispatch({ type: 'message', text: `NOT RECORDED: ${(err as Error).message}`, tone: 'error' });
        });
        return;
      }
      case 'run-fanout': {
        if (state.drill) return dispatch({ type: 'message', text: `DRILL: ${effect.stepId} runs over many targets, and drills do not replay those: nothing runs (mark it done, or skip it)`, tone: 'error' });
        const planned = planFanout(state, effect.stepId, { cwd, defaultTimeoutMs, secrets: secrets.current, selection: effect.selection, ...(discovered.current[effect.stepId] ? { discovered: discovered.current[effect.stepId] } : {}) });
        if (!planned.ok) return dispatch({ type: 'message', text: `not run: ${planned.reason}`, tone: 'error' });
        delete discovered.current[effect.stepId];
        const ac = new AbortController();
        abortRef.current = ac;
        const n = planned.plan.targets.length;
        dispatch({ type: 'run-started', label: `${effect.stepId} over ${n} target${n === 1 ? '' : 's'}`, stepId: effect.stepId, at: Date.now() });
        // The canary gate asks again, in the same confirm box; any key but y stops there.
        const canaryGate = (c: { ok: number; failed: number; rest: number }) => new Promise<boolean>((resolve) => {
          canaryAnswer.current = resolve;
          dispatch({ type: 'confirm', confirm: { title: `Canary done: run the other ${c.rest}?`, lines: [`${c.ok} ok, ${c.failed} failed (the table shows each)`, 'y runs the rest; any other key stops here (the rest are recorded as not run)'], onYes: { kind: 'canary', go: true }, onNo: { kind: 'canary', go: false } } });
        });
        void consume(executeFanout(store, actor, planned.plan, { state, signal: ac.signal, canaryGate }), (r) => {
          canaryAnswer.current = null;
          const all = stepViews(follower.state);
          const at = all.findIndex((s) => s.id === effect.stepId);
          const target = r.next === 'end' ? undefined : r.next ?? (r.ok ? all[at + 1]?.id : undefined);
          const ends = r.next === 'end' ? `the runbook ends here: ${effect.stepId} ${r.ok ? 'succeeded' : 'did not succeed on every target'} and its ${r.ok ? 'next' : 'on_fail'} route is end` : !target ? `${effect.stepId} is not done on every target and the runbook gives no on_fail route: r runs the ones not ok again` : undefined;
          dispatch({ type: 'suggest', stepId: target, ...(ends ? { routeEnd: ends } : {}) });
          const again = r.counts.failed.length + r.counts.drifted.length + r.counts.notRun.length > 0;
          dispatch({ type: 'message', text: r.ok ? `${effect.stepId} done on all ${r.counts.total} targets (#${r.ref})` : `${effect.stepId} PARTIAL: ${redact(r.reason ?? '')} (#${r.ref})${again ? '; r runs the ones not ok again' : '; only refused targets are left'}`, tone: r.ok ? 'ok' : 'error' });
        });
        return;
      }
      case 'canary':
        canaryAnswer.current?.(effect.go);
        canaryAnswer.current = null;
        return;
      case 'confirm-typed':
        // In a drill a typed command runs only if the trainee says it is safe on this machine; otherwise it is recorded as what they would run.
        if (state.drill) dispatch({ type: 'confirm', confirm: { title: 'DRILL: run this for real, on THIS machine?', lines: [`argv: /bin/sh -c ${shellQuote(effect.line)}`, `cwd: ${cwd}`, 'y runs it here for real; any other key records it as "would run" and runs nothing'], warning: 'a drill: the systems of the original incident are not here', onYes: { kind: 'run-typed', line: effect.line }, onNo: { kind: 'action', text: `would run (DRILL, not run): ${effect.line}` } } });
        else dispatch({ type: 'confirm', confirm: { lines: [`argv: /bin/sh -c ${shellQuote(effect.line)}`, `cwd: ${cwd}`, `timeout: ${defaultTimeoutMs / 1000} s`], warning: 'a command you typed, outside the runbook', onYes: { kind: 'run-typed', line: effect.line } } });
        return;
      case 'run-typed': {
        const ac = new AbortController();
        abortRef.current = ac;
        dispatch({ type: 'run-started', label: effect.line, at: Date.now() });
        void consume(executeTyped(store, actor, effect.line, { cwd, timeoutMs: defaultTimeoutMs }, ac.signal), (r) => {
          dispatch({ type: 'typed-done', ref: r.ref });
          dispatch({ type: 'message', text: r.ok ? `command recorded (#${r.ref})` : `command failed: ${r.reason} (#${r.ref})`, tone: r.ok ? 'ok' : 'error' });
        });
        return;
      }
      case 'skip':
        return record(() => store.append({ type: 'step.skipped', actor, data: { step: effect.stepId, reason: effect.reason } }), `skipped ${effect.stepId}`);
      case 'done':
        return record(() => store.append({ type: 'step.completed', actor, data: { step: effect.stepId, via: 'manual' } }), `${effect.stepId} marked done`);
      case 'note':
        return record(() => store.append({ type: 'note.added', actor, data: { text: effect.text, ...(effect.noteKind ? { kind: effect.noteKind } : {}) } }), `${effect.noteKind ? `${effect.noteKind} ` : ''}note recorded`);
      case 'action':
        return record(() => store.append({ type: 'action.recorded', actor, data: { text: effect.text } }), 'action recorded');
      case 'status': {
        // The log decides (under its lock) whether this is a change: another terminal may have made it.
        let changed = true;
        record(() => {
          changed = store.changeStatus(effect.to, actor) !== undefined;
        }, `status: ${effect.to}`);
        if (!changed) dispatch({ type: 'message', text: `already ${effect.to}` });
        return;
      }
      case 'set-param': {
        const param = state.runbook?.runbook.parameters?.find((x) => x.name === effect.name);
        if (param?.secret) secrets.current[effect.name] = effect.value;
        record(() => store.append({ type: 'parameter.set', actor, data: param?.secret ? { name: effect.name, secret: true } : { name: effect.name, value: effect.value } }), `${effect.name} set`);
        perform({ kind: 'prepare-run', stepId: effect.stepId });
        return;
      }
      case 'hypothesize': {
        if (!hypoSettings) return dispatch({ type: 'message', text: 'hypotheses are not set up in this screen', tone: 'error' });
        if (state.drill && !state.drill.info.with_model) return dispatch({ type: 'message', text: 'DRILL: model hypotheses are off, so the practice is yours (start the drill with --with-model to have them)', tone: 'error' });
        if (hypoAbort.current) return dispatch({ type: 'message', text: 'already asking the model' });
        if (hypoSettings.youFirst && effect.mine === undefined) return dispatch({ type: 'ask-mine-first' });
        if (effect.mine !== undefined) {
          const none = effect.mine.trim().toLowerCase() === 'none';
          record(() => store.append({ type: 'note.added', actor, data: none ? { text: NO_HYPOTHESIS_NOTE } : { text: effect.mine!, kind: 'hypothesis' } }), 'your hypothesis is recorded; asking the model');
        }
        const ac = new AbortController();
        hypoAbort.current = ac;
        const startedAt = Date.now();
        dispatch({ type: 'hypo', hypo: { status: 'asking', text: `${hypoSettings.model} at ${hypoSettings.host.url}`, startedAt, chunks: 0 } });
        // In the background: the screen stays responsive, and a second h does not start another.
        void (async () => {
          try {
            // Loaded on first use: zod and the client stay off the first paint.
            const { hypothesize } = await import('../hypotheses/run.js');
            const gen = hypothesize({ store, state: follower.state, events: follower.events, actor, ...hypoSettings, signal: ac.signal });
            for (;;) {
              const step = await gen.next();
              if (step.done) {
                const r = step.value;
                refresh();
                const ok = r.status === 'ok';
                dispatch({ type: 'hypo', hypo: { status: ok ? 'done' : 'failed', text: `${ok ? '' : `hypotheses ${r.status.replace('_', ' ')}: `}${r.detail}${r.warnings.length ? ` (warning: ${r.warnings.join('; ')})` : ''}` } });
                break;
              }
              if (step.value.type === 'tokens') dispatch({ type: 'hypo', hypo: { status: 'asking', text: `${hypoSettings.model} at ${hypoSettings.host.url}`, startedAt, chunks: step.value.chunks } });
            }
          } catch (err) {
            dispatch({ type: 'hypo', hypo: { status: 'failed', text: `hypotheses failed: ${(err as Error).message}` } });
          } finally {
            hypoAbort.current = null;
            if (quitAfterHypo.current) {
              onExit?.();
              exit();
            }
          }
        })();
        return;
      }
      case 'my-hypothesis':
        return record(() => store.append({ type: 'note.added', actor, data: { text: effect.text, kind: 'hypothesis' } }), 'your hypothesis is recorded');
      case 'judge': {
        const found = judgeTarget(state, effect.target);
        if ('notHypothesis' in found || 'unknown' in found) return dispatch({ type: 'message', text: `${effect.target} is not a hypothesis seq or a known cause id`, tone: 'error' });
        return record(() => store.append({ type: 'hypothesis.judged', actor, data: { ...found, verdict: effect.verdict, reason: effect.reason } }), `${effect.target} ${effect.verdict}`);
      }
      case 'show-full': {
        if (effect.what === 'help') return showFull('Keys', HELP_LINES);
        if (effect.what === 'panel') return showFull('Known causes and hypotheses', panelText(state, causes, ui.hypo, Date.now(), hideModel));
        if (effect.what === 'timeline-entry') {
          const e = follower.events[effect.index ?? follower.events.length - 1];
          if (e && hideModel && e.type === 'hypothesis.proposed') return showFull(`Log entry #${refOf(e)}`, ['A model hypothesis, hidden until you record your own (H): you-first mode.']);
          return e ? showFull(`Log entry #${refOf(e)}`, eventDetails(e)) : undefined;
        }
        if (effect.what === 'confirm') {
          if (ui.mode.kind !== 'confirm') return;
          const c = ui.mode.confirm;
          return showFull(c.title ?? 'Run this command?', [...c.lines, ...(c.warning ? [`! ${c.warning}`] : []), '', 'Close this (q), then press y to confirm.'], c);
        }
        return showFull(selectedStep ? `Step ${selectedStep.id}` : 'Step', fullStep(detailInput, ui.message?.text));
      }
      case 'plan-silence':
      case 'silence': {
        const duration = effect.duration;
        void (async () => {
          try {
            // Loaded on first use: the Alertmanager client stays off the first paint.
            const silences = await import('../alerts/silences.js');
            const plan = silences.planSilence(follower.state.alert, follower.state.id, { url: silences.silenceUrl(undefined, follower.state.alert?.origin, alertmanagerUrls ?? []), duration, creator: actor.name, now: new Date() });
            if (effect.kind === 'plan-silence') {
              dispatch({ type: 'confirm', confirm: { title: 'Create this silence in Alertmanager?', lines: plan.lines.map((l) => redact(l)), onYes: { kind: 'silence', duration } } });
              return;
            }
            dispatch({ type: 'message', text: 'creating the silence…' });
            const e = await silences.createPlannedSilence(plan, store, actor);
            refresh();
            dispatch({ type: 'message', text: `silence ${e.data.silence_id} created until ${e.data.ends_at.slice(0, 16).replace('T', ' ')} UTC (#${refOf(e)}); oncall silence --expire ends it`, tone: 'ok' });
          } catch (err) {
            dispatch({ type: 'message', text: `no silence: ${(err as Error).message}`, tone: 'error' });
          }
        })();
        return;
      }
      case 'cancel-run':
        abortRef.current?.abort();
        return dispatch({ type: 'message', text: 'cancelling: SIGTERM to the command\'s process group, SIGKILL after 2 s' });
      case 'quit':
        // Quitting a drill asks whether to end it: the debrief is the point of the exercise.
        if (state.drill && !state.drill.ended && !effect.confirmed && !ui.running) {
          return dispatch({ type: 'confirm', confirm: { title: 'End the drill?', lines: ['y: end it now; the debrief (the drill beside the original) prints when the screen closes, and is recorded', 'any other key: quit and leave the drill open (oncall drill end later)'], onYes: { kind: 'quit', confirmed: true, endDrill: true }, onNo: { kind: 'quit', confirmed: true } } });
        }
        if (effect.endDrill) onEndDrill?.();
        abortRef.current?.abort();
        if (hypoAbort.current) {
          quitAfterHypo.current = true;
          hypoAbort.current.abort();
          return dispatch({ type: 'message', text: 'stopping the request to the model, then quitting' });
        }
        onExit?.();
        exit();
        return;
    }
  }, [actor, consume, cwd, defaultTimeoutMs, exit, follower, onExit, record, store, refresh, hypoSettings, showFull, causes, ui.hypo, ui.mode, ui.message, detailInput, selectedStep, hideModel, alertmanagerUrls, recordedRun, onEndDrill, ui.running]);

  const performRef = useRef(perform);
  performRef.current = perform;
  useEffect(() => {
    if (ui.effect) performRef.current(ui.effect);
    // Runs once per new effect; effectSeq tells equal effects apart.
  }, [ui.effectSeq]);

  useInput((input, key) => {
    // Bracketed paste (enabled by run.ts): the terminal marks where pasted text starts and ends.
    if (input === '[200~' || input === '[201~') return dispatch({ type: 'paste', edge: input === '[200~' ? 'start' : 'end' });
    dispatch({ type: 'key', input, key, steps, layout: layoutRef.current });
  });

  const overlay = ui.mode.kind === 'full' || ui.mode.kind === 'confirm';
  return (
    <Box flexDirection="column" width={cols} height={rows - 1}>
      <Header state={incident} now={now} width={cols} color={color} />
      {sync && syncStatus ? <ShareLine status={syncStatus} replica={sync.replica} now={now} width={cols} color={color} /> : null}
      {ui.mode.kind === 'full' ? <FullText title={ui.mode.title} lines={ui.mode.lines} top={ui.mode.top} width={cols} height={overlayH} />
        : ui.mode.kind === 'confirm' ? <Box height={overlayH}><Confirm confirm={ui.mode.confirm} width={cols} height={overlayH} color={color} /></Box>
        : (
          <Box height={bodyH}>
            <StepList state={incident} selected={ui.selected} width={leftW} height={bodyH} color={color} dim={ui.focus === 'timeline'} />
            <Box width={1} height={bodyH}><Text dimColor>{'│\n'.repeat(bodyH).trimEnd()}</Text></Box>
            {!wide && ui.timelineOpen
              ? <Timeline events={follower.events} selected={ui.tlSel} focused={ui.focus === 'timeline'} width={rightW} height={bodyH} color={color} hideModel={hideModel} />
              : <StepDetail detail={detail} outLines={outLines} scroll={ui.scroll} width={rightW} height={bodyH} color={color} />}
            {wide ? <Box width={1} height={bodyH}><Text dimColor>{'│\n'.repeat(bodyH).trimEnd()}</Text></Box> : null}
            {wide ? <Timeline events={follower.events} selected={ui.tlSel} focused={ui.focus === 'timeline'} width={tlW} height={bodyH} color={color} hideModel={hideModel} /> : null}
          </Box>
        )}
      {overlay ? null : <HypothesesPanel lines={panel} width={cols} height={causesH} color={color} />}
      {ui.mode.kind === 'prompt' ? <PromptLine label={ui.mode.label} text={ui.mode.text} secret={ui.mode.purpose.kind === 'param' && ui.mode.purpose.secret} width={cols} /> : null}
      {msgLines.map((l, i) => (
        <Text key={`m${i}`} color={color && ui.message ? (ui.message.tone === 'error' ? 'red' : ui.message.tone === 'ok' ? 'green' : undefined) : undefined} wrap="truncate">
          {i === msgLines.length - 1 && msgCut ? `${l.slice(0, Math.max(0, cols - 12))}… (f: all)` : l || ' '}
        </Text>
      ))}
      <Footer width={cols} running={!!ui.running} timeline={showTimeline && ui.focus === 'timeline'} mode={ui.mode.kind} />
    </Box>
  );
}

function firstOpenStep(state: LogFollower['state']): number {
  const steps = state.runbook?.runbook.steps ?? [];
  const i = steps.findIndex((s) => { const st = state.steps[s.id]?.status; return st === undefined || st === 'pending' || st === 'running'; });
  return i < 0 ? 0 : i;
}
