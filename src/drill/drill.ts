/**
 * Drills: practising on a past incident (or a scenario file) without the model. Pure apart from
 * reading the source: the original incident's log (never written) or the scenario file.
 *
 * A drill is an incident of its own whose first records say so (`drill.started`). Its steps
 * replay what the original recorded (runner/replay.ts); the original's notes, hypotheses,
 * verdicts and postmortem stay out of it until the debrief compares the two.
 */
import { UserError } from '../errors.js';
import type { CapturedOutput, EventDataMap, StoredEvent } from '../incident/events.js';
import { loadIncident } from '../incident/incidents.js';
import type { IncidentState } from '../incident/replay.js';
import { loadScenarioFile, type RecordedOutput, type Scenario } from './scenario.js';

/** One recorded run of a step: what the replay shows. */
export interface RecordedRun {
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  cancelled: boolean;
  error?: string;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
  duration_ms: number;
  /** Where it comes from: the original's record, or the scenario. */
  from: { incident: string; seq: number; replica?: string } | { scenario: string };
}

/** What the debrief compares against: the original as it happened. */
export interface OriginalSummary {
  firstHypothesisS: number | null;
  mitigatedS: number | null;
  steps: string[];
  skipped: string[];
}

export interface DrillSource {
  title: string;
  runs(step: string): RecordedRun[];
  rootCause: { text: string; by?: string }[];
  resolution: { text: string; by?: string }[];
  /** Absent for a scenario (it has no timeline). */
  original?: OriginalSummary;
}

/** How a drill started: kept in its `drill.started` record. */
export type DrillInfo = EventDataMap['drill.started'];

export function sourceOf(home: string, info: DrillInfo): DrillSource {
  if (info.scenario) {
    const s = loadScenarioFile(info.scenario.file);
    if (s.sha256 !== info.scenario.sha256) throw new UserError(`the scenario ${info.scenario.file} changed since this drill started`, { code: 'conflict', hint: 'start a new drill from it' });
    return scenarioSource(s.scenario);
  }
  if (!info.from) throw new UserError('this drill names no source', { code: 'invalidInput' });
  const o = loadIncident(home, info.from);
  return incidentSource(info.from, o.state, o.read.events);
}

function asRun(r: RecordedOutput, id: string): RecordedRun {
  return {
    exit_code: r.exit_code, signal: null, timed_out: false, cancelled: false,
    stdout: { text: r.stdout, bytes: Buffer.byteLength(r.stdout), truncated: false },
    stderr: { text: r.stderr, bytes: Buffer.byteLength(r.stderr), truncated: false },
    duration_ms: r.duration_ms, from: { scenario: id },
  };
}

export function scenarioSource(s: Scenario): DrillSource {
  return {
    title: s.title,
    runs: (step) => {
      const r = s.steps[step];
      return r === undefined ? [] : (Array.isArray(r) ? r : [r]).map((x) => asRun(x, s.id));
    },
    rootCause: [{ text: s.root_cause }],
    resolution: [{ text: s.resolution }],
  };
}

export function incidentSource(id: string, state: IncidentState, events: readonly StoredEvent[]): DrillSource {
  return {
    title: state.title,
    runs: (step) => state.commands.filter((c) => c.step === step && c.target === undefined && c.role === undefined).map((c) => ({
      exit_code: c.exit_code, signal: c.signal, timed_out: c.timed_out, cancelled: c.cancelled, ...(c.error ? { error: c.error } : {}),
      stdout: c.stdout, stderr: c.stderr, duration_ms: c.duration_ms, from: { incident: id, seq: c.seq, ...(c.replica ? { replica: c.replica } : {}) },
    })),
    rootCause: state.notes.filter((n) => n.kind === 'root-cause').map((n) => ({ text: n.text, by: n.actor.name })),
    resolution: state.notes.filter((n) => n.kind === 'resolution').map((n) => ({ text: n.text, by: n.actor.name })),
    original: summarise(state, events),
  };
}

/** The facts the debrief compares, from a log: the same function for the original and the drill. */
export function summarise(state: IncidentState, events: readonly StoredEvent[]): OriginalSummary {
  const opened = state.opened ? Date.parse(state.opened.ts) : NaN;
  const since = (ts: string | undefined) => (ts && Number.isFinite(opened) ? Math.max(0, Math.round((Date.parse(ts) - opened) / 1000)) : null);
  const firstHyp = events.find((e) => (e.type === 'note.added' && (e.data as { kind?: string }).kind === 'hypothesis') || e.type === 'hypothesis.proposed');
  const steps: string[] = [];
  const skipped: string[] = [];
  for (const e of events) {
    const step = (e.data as { step?: unknown }).step;
    if (typeof step !== 'string') continue;
    if ((e.type === 'step.started' || e.type === 'step.completed' || e.type === 'step.failed' || e.type === 'step.partial') && !steps.includes(step)) steps.push(step);
    if (e.type === 'step.skipped' && !skipped.includes(step)) skipped.push(step);
  }
  return { firstHypothesisS: since(firstHyp?.ts), mitigatedS: since(state.mitigated?.ts ?? state.resolved?.ts), steps, skipped };
}

export interface Debrief {
  drill: string;
  source: { incident: string } | { scenario: string };
  title: string;
  time_to_first_hypothesis_s: { drill: number | null; original: number | null };
  time_to_mitigation_s: { drill: number | null; original: number | null };
  steps: { drill: string[]; original: string[] | null };
  skipped: { drill: string[]; original: string[] | null };
  /** Steps the original took that the drill did not, and the other way round. */
  not_taken: string[];
  extra: string[];
  root_cause: { drill: { text: string; by: string }[]; original: { text: string; by?: string }[] };
  resolution: { drill: { text: string; by: string }[]; original: { text: string; by?: string }[] };
}

/** The side-by-side comparison, from the two logs (or the drill and its scenario). No model involved. */
export function debrief(drillId: string, info: DrillInfo, drill: IncidentState, events: readonly StoredEvent[], src: DrillSource): Debrief {
  const mine = summarise(drill, events);
  const o = src.original;
  const notes = (kind: string) => drill.notes.filter((n) => n.kind === kind).map((n) => ({ text: n.text, by: n.actor.name }));
  return {
    drill: drillId,
    source: info.scenario ? { scenario: info.scenario.id } : { incident: info.from! },
    title: src.title,
    time_to_first_hypothesis_s: { drill: mine.firstHypothesisS, original: o?.firstHypothesisS ?? null },
    time_to_mitigation_s: { drill: mine.mitigatedS, original: o?.mitigatedS ?? null },
    steps: { drill: mine.steps, original: o?.steps ?? null },
    skipped: { drill: mine.skipped, original: o?.skipped ?? null },
    not_taken: o ? o.steps.filter((s) => !mine.steps.includes(s)) : [],
    extra: o ? mine.steps.filter((s) => !o.steps.includes(s)) : [],
    root_cause: { drill: notes('root-cause'), original: src.rootCause },
    resolution: { drill: notes('resolution'), original: src.resolution },
  };
}

const dur = (s: number | null) => (s === null ? '—' : s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`);

/** The debrief for people: two columns where it compares, the answers in full. */
export function debriefLines(d: Debrief): string[] {
  const from = 'incident' in d.source ? `incident ${d.source.incident}` : `scenario ${d.source.scenario}`;
  const side = (label: string, a: string, b: string) => `${label.padEnd(26)} ${a.padEnd(24)} ${b}`;
  const list = (xs: { text: string; by?: string }[]) => (xs.length ? xs.map((x) => `  - ${x.text.trim().replace(/\n/g, '\n    ')}${x.by ? ` (${x.by})` : ''}`) : ['  (none written)']);
  return [
    `DRILL DEBRIEF · ${d.drill} · from ${from}: ${d.title}`,
    '',
    side('', 'DRILL', 'ORIGINAL'),
    side('first hypothesis after', dur(d.time_to_first_hypothesis_s.drill), d.steps.original ? dur(d.time_to_first_hypothesis_s.original) : '(a scenario has no timeline)'),
    side('mitigated after', dur(d.time_to_mitigation_s.drill), d.steps.original ? dur(d.time_to_mitigation_s.original) : ''),
    side('steps, in order', d.steps.drill.join(' → ') || '(none)', d.steps.original ? d.steps.original.join(' → ') || '(none)' : ''),
    side('skipped', d.skipped.drill.join(', ') || '(none)', d.skipped.original ? d.skipped.original.join(', ') || '(none)' : ''),
    ...(d.not_taken.length ? [`steps the original took and the drill did not: ${d.not_taken.join(', ')}`] : []),
    ...(d.extra.length ? [`steps the drill took and the original did not: ${d.extra.join(', ')}`] : []),
    '',
    'Root cause, as the drill wrote it:', ...list(d.root_cause.drill),
    'Root cause, as the original found it:', ...list(d.root_cause.original),
    'Resolution, as the drill wrote it:', ...list(d.resolution.drill),
    'Resolution, as the original did it:', ...list(d.resolution.original),
  ];
}
