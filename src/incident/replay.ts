/**
 * Replay: events → IncidentState. Pure: the same events give the same state. Everything the
 * UI, the hypotheses and the postmortem know comes from here.
 */
import type { Alert } from '../alerts/types.js';
import { parseRef, refOf, sameRef } from './replicas.js';
import { ROLES, isGroupPid, type Actor, type EventDataMap, type NoteKind, type Role, type Status, type StoredEvent } from './events.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'partial';

/** Fan-out: where one target stands. `pending` after a plan means it never started. */
export type TargetStatus = 'pending' | 'running' | 'ok' | 'failed' | 'drifted' | 'not-run' | 'refused';

export interface TargetState {
  status: TargetStatus;
  reason?: string;
  /** seq (and replica, see Entry) of the event that last changed it. */
  seq?: number;
  replica?: string;
  /** Its process group while it runs (for resume after a crash). */
  process?: Proc;
}

/** A command's process group as command.started recorded it, and that record's reference. */
export interface Proc {
  pid: number;
  host: string;
  start_ticks?: number;
  writer_pid: number;
  seq: number;
  replica?: string;
}

export interface FanoutState {
  /** Every target of the step's last full plan (and any added by a later one), in order. */
  targets: string[];
  results: Record<string, TargetState>;
  plan: EventDataMap['fanout.planned'] & { seq: number; replica?: string };
}

export interface StepState {
  status: StepStatus;
  reason?: string;
  /** Reference (replicas.ts refOf) of the last command.ran for this step. */
  lastCommand?: string;
  runs: number;
  /** seq (and replica) of the event that last changed this step. */
  seq?: number;
  replica?: string;
  /** The process group of its command while no result is recorded (see exec/group.ts). */
  process?: Proc;
  /** Fan-out steps: each target's result. */
  fanout?: FanoutState;
}

export interface Entry {
  seq: number;
  /** The replica that wrote it, when that is not the incident's origin (see replicas.ts refOf). */
  replica?: string;
  ts: string;
  actor: Actor;
}

export interface IncidentState {
  id: string;
  title: string;
  severity: string;
  status: Status;
  opened?: Entry;
  mitigated?: Entry;
  resolved?: Entry;
  alert?: Alert;
  runbook?: EventDataMap['runbook.selected'] & { seq: number };
  /** Parameter values known so far: the runbook's, then any set later. Secret values are never here. */
  params: Record<string, string>;
  steps: Record<string, StepState>;
  commands: (EventDataMap['command.ran'] & Entry)[];
  notes: (EventDataMap['note.added'] & Entry)[];
  actions: (EventDataMap['action.recorded'] & Entry)[];
  statusChanges: (EventDataMap['status.changed'] & Entry)[];
  hypotheses: (EventDataMap['hypothesis.proposed'] & Entry)[];
  /** Verdicts; `target` is the record judged (data.seq and data.replica in the log), `seq` the verdict's own. */
  judgments: (Omit<EventDataMap['hypothesis.judged'], 'seq' | 'replica'> & { target?: { seq: number; replica?: string } } & Entry)[];
  /** Names of the humans who did anything, in order of first appearance. */
  operators: string[];
  lastSeq: number;
  lastTs?: string;
  eventCount: number;
  /** Event types this version does not know (written by a newer oncall). */
  unknownTypes: string[];
  /** References (replicas.ts refOf) of records whose data has the wrong shape for their type: skipped, not applied. */
  malformed: string[];
  /** Silences created for this incident; `expired` once oncall expired them. */
  silences: { id: string; url: string; endsAt: string; seq: number; replica?: string; expired?: string }[];
  /** Set when this incident is a drill. */
  drill?: { info: EventDataMap['drill.started']; ended?: Entry };
  /** Who holds each role now (the latest role.assigned in the merged order). */
  roles: Partial<Record<Role, { name: string } & Entry>>;
  handoffs: (EventDataMap['handoff.recorded'] & Entry)[];
}

export function emptyState(id: string): IncidentState {
  return { id, title: '', severity: 'warning', status: 'investigating', params: {}, steps: {}, commands: [], notes: [], actions: [], statusChanges: [], hypotheses: [], judgments: [], operators: [], lastSeq: 0, eventCount: 0, unknownTypes: [], malformed: [], silences: [], roles: {}, handoffs: [] };
}

export function replay(id: string, events: readonly StoredEvent[]): IncidentState {
  const s = emptyState(id);
  for (const e of events) apply(s, e);
  return s;
}

/** Returns a new state with more events applied; `state` is left as it was. */
export function applyEvents(state: IncidentState, events: readonly StoredEvent[]): IncidentState {
  const s: IncidentState = {
    ...state,
    params: { ...state.params },
    steps: Object.fromEntries(Object.entries(state.steps).map(([k, v]) => [k, { ...v, ...(v.fanout ? { fanout: { ...v.fanout, targets: [...v.fanout.targets], results: { ...v.fanout.results } } } : {}) }])),
    commands: [...state.commands], notes: [...state.notes], actions: [...state.actions], statusChanges: [...state.statusChanges],
    hypotheses: [...state.hypotheses], judgments: [...state.judgments],
    operators: [...state.operators], unknownTypes: [...state.unknownTypes], malformed: [...state.malformed], silences: state.silences.map((x) => ({ ...x })), roles: { ...state.roles }, handoffs: [...state.handoffs], ...(state.drill ? { drill: { ...state.drill } } : {}),
  };
  for (const e of events) apply(s, e);
  return s;
}

function step(s: IncidentState, id: string): StepState {
  return (s.steps[id] ??= { status: 'pending', runs: 0 });
}

type Ref = { seq: number; replica?: string };

const refFields = (e: StoredEvent): Ref => (e.replica ? { seq: e.seq, replica: e.replica } : { seq: e.seq });

function setStep(s: IncidentState, id: string, status: StepStatus, ref: Ref, reason?: string): void {
  const st = step(s, id);
  st.status = status;
  st.seq = ref.seq;
  if (ref.replica) st.replica = ref.replica;
  else delete st.replica;
  if (reason === undefined) delete st.reason;
  else st.reason = reason;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isOut = (v: unknown) => isObj(v) && isStr(v.text) && typeof v.bytes === 'number';

const isStrMap = (v: unknown) => isObj(v) && Object.values(v).every(isStr);
const isOptStr = (v: unknown) => v === undefined || isStr(v);
const isOptNum = (v: unknown) => v === undefined || typeof v === 'number';
/** A value that prints as itself (no object whose toString could throw or lie). */
const isScalar = (v: unknown) => v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v);

/** The fields replay and the views rely on. A record that lacks them (a bug, a hand edit) is skipped, never fatal. */
export function wellFormed(e: StoredEvent): boolean {
  const d = e.data as unknown as Record<string, unknown>;
  switch (e.type) {
    case 'incident.opened': return isStr(d.title) && isStr(d.severity) && isOptStr(d.via);
    case 'alert.attached': return isObj(d.alert) && isStr(d.alert.name) && isStr(d.alert.source) && isStr(d.alert.severity) && isStrMap(d.alert.labels) && isStrMap(d.alert.annotations) && isStr(d.alert.startsAt);
    case 'runbook.selected': return isObj(d.runbook) && isStr(d.runbook.id) && isStr(d.runbook.title) && Array.isArray(d.runbook.steps) && d.runbook.steps.every((x) => isObj(x) && isStr(x.id) && isStr(x.title))
      && (d.runbook.known_causes === undefined || (Array.isArray(d.runbook.known_causes) && d.runbook.known_causes.every((c) => isObj(c) && isStr(c.id) && isStr(c.title) && Array.isArray(c.signals) && c.signals.every(isObj))))
      && isStrMap(d.params) && isStr(d.sha256) && isStr(d.matched_by);
    case 'step.started': case 'step.completed': return isStr(d.step);
    case 'step.skipped': case 'step.failed': return isStr(d.step) && isStr(d.reason);
    case 'command.started': return isOptStr(d.step) && isGroupPid(d.pid) && isStr(d.host) && isOptNum(d.start_ticks) && typeof d.writer_pid === 'number';
    case 'command.ran': return Array.isArray(d.argv) && d.argv.every(isStr) && isOptStr(d.step) && isOut(d.stdout) && isOut(d.stderr) && typeof d.duration_ms === 'number'
      && (d.exit_code === null || typeof d.exit_code === 'number') && (d.signal === null || isStr(d.signal)) && isScalar(d.timed_out) && isScalar(d.cancelled) && isOptStr(d.error);
    case 'note.added': case 'action.recorded': return isStr(d.text) && isOptStr(d.kind);
    case 'status.changed': return isStr(d.to) && ['investigating', 'mitigated', 'resolved'].includes(d.to as string) && isScalar(d.from);
    case 'severity.changed': return isStr(d.to) && isScalar(d.from);
    case 'parameter.set': return isStr(d.name) && isScalar(d.value);
    case 'hypothesis.proposed': return isStr(d.title) && isStr(d.model) && isScalar(d.grounding);
    case 'hypothesis.judged': return isStr(d.verdict) && isStr(d.reason) && isOptNum(d.seq) && isOptStr(d.cause);
    case 'silence.created': return isStr(d.silence_id) && isStr(d.url) && isStr(d.ends_at) && isStr(d.starts_at) && isStr(d.comment) && Array.isArray(d.matchers) && d.matchers.every((m) => isObj(m) && isStr(m.name) && isStr(m.value));
    case 'silence.expired': return isStr(d.silence_id) && isStr(d.url);
    case 'role.assigned': return (ROLES as readonly unknown[]).includes(d.role) && isStr(d.name) && d.name.trim() !== '';
    case 'handoff.recorded': return isStr(d.to) && isStr(d.text);
    case 'drill.started': return (isStr(d.from) || (isObj(d.scenario) && isStr(d.scenario.id) && isStr(d.scenario.file) && isStr(d.scenario.sha256))) && typeof d.fast === 'number' && typeof d.with_model === 'boolean';
    case 'drill.ended': return isObj(d.debrief);
    case 'fanout.planned': return isStr(d.step) && Array.isArray(d.targets) && d.targets.every(isStr) && Array.isArray(d.refused) && d.refused.every((r) => isObj(r) && isStr(r.target) && isStr(r.reason)) && isStr(d.selection) && isStr(d.source) && typeof d.parallel === 'number';
    case 'target.finished': return isStr(d.step) && isStr(d.target) && ['ok', 'failed', 'drifted'].includes(d.status as string) && isOptStr(d.reason);
    case 'step.partial': return isStr(d.step) && isStr(d.reason) && ['failed', 'drifted', 'not_run', 'refused'].every((k) => Array.isArray(d[k]) && (d[k] as unknown[]).every(isStr));
    default: return true;
  }
}

function apply(s: IncidentState, e: StoredEvent): void {
  if (!wellFormed(e)) {
    s.malformed.push(refOf(e));
    s.lastSeq = e.seq;
    s.eventCount++;
    return;
  }
  s.lastSeq = e.seq;
  s.lastTs = e.ts;
  s.eventCount++;
  if (e.actor.kind === 'human' && !s.operators.includes(e.actor.name)) s.operators.push(e.actor.name);
  // Built without spreads: this runs once per record before the first paint.
  const at: Entry = e.replica ? { seq: e.seq, replica: e.replica, ts: e.ts, actor: e.actor } : { seq: e.seq, ts: e.ts, actor: e.actor };
  switch (e.type) {
    case 'incident.opened': {
      const d = e.data as EventDataMap['incident.opened'];
      s.title = d.title;
      s.severity = d.severity;
      s.opened = at;
      break;
    }
    case 'alert.attached':
      s.alert = (e.data as EventDataMap['alert.attached']).alert;
      break;
    case 'runbook.selected': {
      const d = e.data as EventDataMap['runbook.selected'];
      s.runbook = { ...d, seq: e.seq };
      s.params = { ...d.params };
      for (const st of d.runbook.steps) step(s, st.id);
      break;
    }
    case 'step.started':
      setStep(s, (e.data as EventDataMap['step.started']).step, 'running', at);
      break;
    case 'step.completed':
      setStep(s, (e.data as EventDataMap['step.completed']).step, 'done', at);
      break;
    case 'step.skipped':
      setStep(s, (e.data as EventDataMap['step.skipped']).step, 'skipped', at, (e.data as EventDataMap['step.skipped']).reason);
      break;
    case 'step.failed':
      setStep(s, (e.data as EventDataMap['step.failed']).step, 'failed', at, (e.data as EventDataMap['step.failed']).reason);
      break;
    case 'command.started': {
      const d = e.data as EventDataMap['command.started'];
      const proc = { pid: d.pid, host: d.host, ...(d.start_ticks !== undefined ? { start_ticks: d.start_ticks } : {}), writer_pid: d.writer_pid, ...refFields(e) };
      const fan = d.step ? s.steps[d.step]?.fanout : undefined;
      if (fan && d.target !== undefined) {
        if (d.role !== 'verify') fan.results[d.target] = { status: 'running', ...refFields(e), process: proc };
        else fan.results[d.target] = { ...fan.results[d.target]!, process: proc };
      } else if (d.step) step(s, d.step).process = proc;
      break;
    }
    case 'fanout.planned': {
      const d = e.data as EventDataMap['fanout.planned'];
      const st = step(s, d.step);
      const refused = d.refused.map((r) => r.target);
      const all = Array.isArray(d.all) && d.all.every(isStr) ? d.all : undefined;
      if (d.selection === 'all' || !st.fanout) st.fanout = { targets: all ?? [...d.targets, ...refused.filter((r) => !d.targets.includes(r))], results: {}, plan: { ...d, ...refFields(e) } };
      else {
        st.fanout.plan = { ...d, ...refFields(e) };
        // The step's targets are its source's as of this plan; results of ones still there are kept.
        if (all) st.fanout.targets = [...all];
        for (const t of [...d.targets, ...refused]) if (!st.fanout.targets.includes(t)) st.fanout.targets.push(t);
      }
      for (const t of d.targets) st.fanout.results[t] = { status: 'pending', ...refFields(e) };
      for (const r of d.refused) st.fanout.results[r.target] = { status: 'refused', reason: r.reason, ...refFields(e) };
      break;
    }
    case 'target.finished': {
      const d = e.data as EventDataMap['target.finished'];
      const fan = s.steps[d.step]?.fanout;
      if (fan) fan.results[d.target] = { status: d.status, ...(d.reason !== undefined ? { reason: d.reason } : {}), ...refFields(e) };
      break;
    }
    case 'step.partial': {
      const d = e.data as EventDataMap['step.partial'];
      setStep(s, d.step, 'partial', at, d.reason);
      const fan = s.steps[d.step]?.fanout;
      if (fan) for (const t of d.not_run) if (fan.results[t]?.status === 'pending' || fan.results[t]?.status === 'running') fan.results[t] = { status: 'not-run', ...refFields(e) };
      break;
    }
    case 'command.ran': {
      const d = e.data as EventDataMap['command.ran'];
      s.commands.push({ ...d, ...at });
      if (d.step) {
        const st = step(s, d.step);
        st.lastCommand = refOf(e);
        if (d.target === undefined) {
          st.runs++;
          delete st.process;
        } else if (st.fanout?.results[d.target]) {
          const { process: _p, ...rest } = st.fanout.results[d.target]!;
          st.fanout.results[d.target] = rest;
        }
      }
      break;
    }
    case 'note.added':
      s.notes.push({ ...(e.data as EventDataMap['note.added']), ...at });
      break;
    case 'parameter.set': {
      const d = e.data as EventDataMap['parameter.set'];
      if (d.value !== undefined && !d.secret) s.params[d.name] = d.value;
      break;
    }
    case 'action.recorded':
      s.actions.push({ ...(e.data as EventDataMap['action.recorded']), ...at });
      break;
    case 'status.changed': {
      const d = e.data as EventDataMap['status.changed'];
      s.statusChanges.push({ ...d, ...at });
      s.status = d.to;
      if (d.to === 'mitigated' && !s.mitigated) s.mitigated = at;
      if (d.to === 'resolved') s.resolved = at;
      if (d.to === 'investigating') delete s.resolved;
      break;
    }
    case 'severity.changed':
      s.severity = (e.data as EventDataMap['severity.changed']).to;
      break;
    case 'hypothesis.proposed':
      s.hypotheses.push({ ...(e.data as EventDataMap['hypothesis.proposed']), ...at });
      break;
    case 'hypothesis.judged': {
      const { seq: target, replica, ...rest } = e.data as EventDataMap['hypothesis.judged'];
      s.judgments.push({ ...rest, ...(target !== undefined ? { target: replica ? { seq: target, replica } : { seq: target } } : {}), ...at });
      break;
    }
    case 'silence.created': {
      const d = e.data as EventDataMap['silence.created'];
      s.silences.push({ id: d.silence_id, url: d.url, endsAt: d.ends_at, ...refFields(e) });
      break;
    }
    case 'silence.expired': {
      const d = e.data as EventDataMap['silence.expired'];
      for (const x of s.silences) if (x.id === d.silence_id && x.expired === undefined) x.expired = refOf(e);
      break;
    }
    case 'role.assigned': {
      const d = e.data as EventDataMap['role.assigned'];
      s.roles[d.role] = { name: d.name, ...at };
      break;
    }
    case 'drill.started':
      // Only a drill's first records can make it one: a later record cannot turn a real incident into a drill.
      if (s.eventCount <= 4 && !s.drill) s.drill = { info: e.data as EventDataMap['drill.started'] };
      break;
    case 'drill.ended':
      if (s.drill && !s.drill.ended) s.drill.ended = at;
      break;
    case 'handoff.recorded':
      s.handoffs.push({ ...(e.data as EventDataMap['handoff.recorded']), ...at });
      break;
    case 'incident.closed':
    case 'hypothesis.requested':
    case 'postmortem.exported':
      break;
    default:
      if (!s.unknownTypes.includes(e.type)) s.unknownTypes.push(e.type);
  }
}

export function notesOfKind(s: IncidentState, kind: NoteKind): IncidentState['notes'] {
  return s.notes.filter((n) => n.kind === kind);
}

/** The latest verdict on a hypothesis (by its reference) or a known cause (by id). */
export function latestVerdict(s: IncidentState, m: { seq?: number; replica?: string | undefined; cause?: string }): IncidentState['judgments'][number] | undefined {
  for (let i = s.judgments.length - 1; i >= 0; i--) {
    const x = s.judgments[i]!;
    if ((x.target && sameRef(x.target, m)) || (m.cause !== undefined && x.cause === m.cause)) return x;
  }
  return undefined;
}

/** The latest verdict (in the merged order) on any of these hypotheses: a repeated one's verdicts speak for all of them. */
export function latestVerdictOn(s: IncidentState, refs: readonly { seq: number; replica?: string }[]): IncidentState['judgments'][number] | undefined {
  for (let i = s.judgments.length - 1; i >= 0; i--) {
    const x = s.judgments[i]!;
    if (x.target && refs.some((r) => sameRef(x.target!, r))) return x;
  }
  return undefined;
}

export type JudgeTarget = { seq: number; replica?: string } | { cause: string } | { notHypothesis: string } | { unknown: string };

/**
 * What "judge X" refers to: the reference of a human or model hypothesis (`15`, `#15`,
 * `k3f9qa:4`), else a known cause id (which may be all digits when no hypothesis has that seq).
 */
export function judgeTarget(s: IncidentState, target: string): JudgeTarget {
  const ref = parseRef(target);
  const isHypothesis = ref !== undefined && (s.notes.some((x) => sameRef(x, ref) && x.kind === 'hypothesis') || s.hypotheses.some((x) => sameRef(x, ref)));
  if (isHypothesis) return ref;
  const cause = s.runbook?.runbook.known_causes?.find((c) => c.id === target);
  if (cause) return { cause: cause.id };
  return ref !== undefined ? { notHypothesis: refOf(ref) } : { unknown: target };
}
