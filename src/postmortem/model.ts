/**
 * IncidentState (+ the log's integrity facts) → the postmortem, as data. Pure and
 * deterministic: no clock, no randomness, so the same log gives the same document.
 * Facts come from the log; analysis sections come only from human notes of the matching kind.
 */
import type { Actor, NoteKind, StoredEvent } from '../incident/events.js';
import { latestVerdict, latestVerdictOn, wellFormed, type IncidentState } from '../incident/replay.js';
import { refOf } from '../incident/replicas.js';
import { cleanModelText, groupHypotheses } from '../util/model-text.js';
import { commandResult, describeEvent } from '../incident/format.js';
import { matchKnownCauses } from '../runbook/known-causes.js';
import { redactInPlace } from '../redact/index.js';
import { sanitize } from '../util/sanitize.js';

export const POSTMORTEM_SCHEMA = 'oncall.postmortem/v1';

export interface Entry {
  text: string;
  by: string;
  seq: number;
  /** Set when the record is another replica's than the incident's origin (cited replica:seq). */
  replica?: string;
  ts: string;
}

export interface ActionItem {
  action: string;
  type: string;
  owner: string;
  /** A tracker reference written in the note (JIRA-123, #123, an issue URL), or null. */
  tracker: string | null;
  seq: number;
  replica?: string;
}

/** Who acted during the incident, from the log: what they did and when they were first and last seen. */
export interface Responder {
  name: string;
  /** What the log shows them doing: ran commands, changed status, wrote notes, sent updates, judged hypotheses, silenced alerts. */
  did: string[];
  /** Incident roles the log says they held (`oncall role`), in the order they took them. */
  roles: string[];
  events: number;
  first: { seq: number; replica?: string; ts: string };
  last: { seq: number; replica?: string; ts: string };
}

/** A figure from an impact note: `users=1200 duration=45m errors=3.2%`. */
export interface ImpactMetric {
  metric: string;
  value: string;
  seq: number;
  replica?: string;
  by: string;
}

export interface TimelineLine {
  seq: number;
  replica?: string;
  ts: string;
  actor: Actor;
  text: string;
  /** OUTAGE-style markers: INCIDENT OPENED, ALERT FIRED, MITIGATED, RESOLVED. */
  marker?: string;
}

export interface HypothesisRow {
  source: string;
  text: string;
  grounding: string;
  verdict: string;
  reason: string;
  seq?: number;
  replica?: string;
  /** For a model hypothesis proposed by several requests: how many times, and their references (seq, or "replica:seq"). */
  count?: number;
  seqs?: (number | string)[];
}

export interface Integrity {
  verified: boolean;
  first_bad_seq?: number;
  reason?: string;
  events: number;
  head: string;
  log_sha256: string;
  torn_lines: { line: number; offset: number; bytes: number }[];
  /** A shared incident: each replica's file (the top level speaks for the first that fails, else this home's). */
  replicas?: { replica: string; origin: boolean; verified: boolean; first_bad_seq?: number; reason?: string; events: number; head: string; log_sha256: string }[];
}

export interface Postmortem {
  schema: typeof POSTMORTEM_SCHEMA;
  status: 'draft' | 'final';
  incident: { id: string; title: string; severity: string; status: string };
  date: string;
  authors: string[];
  sections: {
    summary: Entry[];
    impact: Entry[];
    root_causes: Entry[];
    trigger: Entry[];
    resolution: Entry[];
    detection: Entry[];
    lessons: { went_well: Entry[]; went_wrong: Entry[]; lucky: Entry[]; other: Entry[] };
    /** Notes of kind comms: internal and status-page updates, in order. */
    messaging: Entry[];
  };
  responders: Responder[];
  impact_metrics: ImpactMetric[];
  action_items: ActionItem[];
  facts: {
    alert: { name: string; source: string; severity: string; started_at: string; labels: Record<string, string> } | null;
    runbook: { id: string; title: string; file: string; sha256: string; matched_by: string } | null;
    times: { alert_started: string | null; opened: string | null; mitigated: string | null; resolved: string | null };
    /** Seconds between the times above; null where either end is unknown. */
    durations: { detect_to_open: number | null; open_to_mitigate: number | null; detect_to_mitigate: number | null; open_to_resolve: number | null; detect_to_resolve: number | null };
    /** `targets`: for a step over many targets, each one's result (the step is done only when all are ok). */
    steps: { id: string; title: string; kind: string; status: string; reason: string | null; seq: number | null; replica?: string; targets?: { target: string; status: string; reason: string | null; seq: number | null; replica?: string }[] }[];
    commands: { seq: number; replica?: string; ts: string; step: string | null; argv: string[]; result: string; exit_code: number | null; duration_ms: number }[];
  };
  timeline: TimelineLine[];
  hypotheses: HypothesisRow[];
  integrity: Integrity;
  /** Required sections still empty (a final export refuses while any is). */
  missing: string[];
}

const REQUIRED = [['summary', 'Summary'], ['impact', 'Impact'], ['root_causes', 'Root causes'], ['action_items', 'Action items']] as const;

/** A record's replica, when it is not the origin's: the other half of its reference. */
const rep = (x: { replica?: string | undefined }): { replica?: string } => (x.replica ? { replica: x.replica } : {});

/** Notes grouped by kind in one pass (a 100,000-event log has ~90,000 of them). */
function notesByKind(s: IncidentState): (kind: NoteKind) => Entry[] {
  const by = new Map<string, Entry[]>();
  for (const n of s.notes) {
    // A note that is blank once invisible characters are gone fills no section.
    if (!n.kind || !sanitize(n.text).trim()) continue;
    let list = by.get(n.kind);
    if (!list) by.set(n.kind, (list = []));
    list.push({ text: n.text, by: n.actor.name, seq: n.seq, ...rep(n), ts: n.ts });
  }
  return (kind) => by.get(kind) ?? [];
}

/** `Add disk alert at 80% [prevent] @alice` → action, type prevent, owner alice. */
export function parseActionItem(text: string, seq: number, author: string): ActionItem {
  let rest = text.trim();
  let type = 'other';
  let owner = author;
  let tracker: string | null = null;
  const cut = (m: RegExpExecArray) => (rest = `${rest.slice(0, m.index)} ${rest.slice(m.index + m[0].length)}`.replace(/\s+/g, ' ').trim());
  const t = /\[(mitigate|prevent|process|detect|repair|other)\]/i.exec(rest);
  if (t) {
    type = t[1]!.toLowerCase();
    cut(t);
  }
  // "@alice" anywhere, or "owner: alice" / "owner=alice": a name starts with a letter, and a
  // sentence's full stop is not part of it.
  const o = /(?:^|\s)@([A-Za-z][A-Za-z0-9._-]*)/.exec(rest) ?? /(?:^|\s)owner\s*[:=]\s*([A-Za-z][A-Za-z0-9._@-]*)/i.exec(rest);
  if (o) {
    owner = o[1]!.replace(/[.-]+$/, '');
    cut(o);
  }
  // A tracker reference, only where people put one, at the start or the end: ABC-123, #123, or
  // an issue URL. Names such as SHA-256, UTF-8 or HTTP-2 are words, not tickets.
  const r = /^(https?:\/\/\S+\/(?:issues|browse|tickets?|pull|merge_requests)\/\S+|[A-Z][A-Z0-9]{1,9}-\d+|#\d+)(?=\s|$|[,;])|(?:^|\s)(https?:\/\/\S+\/(?:issues|browse|tickets?|pull|merge_requests)\/\S+|[A-Z][A-Z0-9]{1,9}-\d+|#\d+)[.,;]?$/.exec(rest);
  const ref = r ? (r[1] ?? r[2])! : undefined;
  if (r && ref && !NOT_TRACKERS.test(ref)) {
    tracker = ref;
    cut(r);
  }
  const action = rest.replace(/^[\s,;:-]+|[\s,;:-]+$/g, '');
  // A note with only an owner or a tracker (and a type) is still an action item: its text is
  // kept. A bare type ("[other]") says nothing to do.
  return { action: action || (o || tracker ? text.trim() : ''), type, owner, tracker, seq };
}

const NOT_TRACKERS = /^(SHA|UTF|HTTP|HTTPS|IPV|TLS|SSL|ISO|RFC|CVE|AES|RSA|MD|X|CRC|UCS|TCP|UDP|H|P|ECMA|EC|ED|DES|GPT|PCI|SOC|COVID)-\d+$/i;

/** `users=1200 duration=45m errors=3.2%` → figures, in the order written. */
export function impactMetrics(notes: readonly Entry[]): ImpactMetric[] {
  const out: ImpactMetric[] = [];
  for (const n of notes) {
    // Commands quoted in the note (`kubectl get pods -l app=web`) and flags (-d user=admin) are not figures.
    const prose = n.text.replace(/`[^`]*`/g, ' ');
    for (const m of prose.matchAll(/(?:^|[\s,;(])(?<!-\S*\s)([a-z][a-z0-9_.]{0,39})=([^\s,;()]+)/gi)) {
      const value = m[2]!.replace(/[.,;:]+$/, '');
      // A value longer than a table cell holds is left in the note, never cut.
      if (!value || value.length > 40 || /:\/\//.test(value)) continue;
      out.push({ metric: m[1]!, value, seq: n.seq, ...rep(n), by: n.by });
    }
  }
  return out;
}

const DID: [string, (e: StoredEvent) => boolean][] = [
  ['ran commands', (e) => e.type === 'command.ran' || e.type === 'action.recorded'],
  ['worked the runbook', (e) => e.type === 'step.completed' || e.type === 'step.skipped' || e.type === 'step.partial' || e.type === 'step.failed'],
  ['changed status', (e) => e.type === 'status.changed' || e.type === 'severity.changed'],
  ['sent updates', (e) => e.type === 'note.added' && (e.data as { kind?: string }).kind === 'comms'],
  ['wrote notes', (e) => e.type === 'note.added' && (e.data as { kind?: string }).kind !== 'comms'],
  ['judged hypotheses', (e) => e.type === 'hypothesis.judged'],
  ['asked the model', (e) => e.type === 'hypothesis.requested'],
  ['silenced alerts', (e) => e.type === 'silence.created' || e.type === 'silence.expired'],
  ['opened the incident', (e) => e.type === 'incident.opened'],
  ['handed off', (e) => e.type === 'handoff.recorded'],
];

/** Every human who appears in the log, in order of first appearance, with what they did. */
export function responders(events: readonly StoredEvent[]): Responder[] {
  const by = new Map<string, Responder & { kinds: Set<string> }>();
  for (const e of events) {
    if (e.actor.kind !== 'human') continue;
    let r = by.get(e.actor.name);
    if (!r) by.set(e.actor.name, (r = { name: e.actor.name, did: [], roles: [], events: 0, first: { seq: e.seq, ...rep(e), ts: e.ts }, last: { seq: e.seq, ...rep(e), ts: e.ts }, kinds: new Set() }));
    r.events++;
    r.last = { seq: e.seq, ...rep(e), ts: e.ts };
    for (const [label, test] of DID) if (wellFormed(e) && test(e)) r.kinds.add(label);
    if (e.type === 'role.assigned' && wellFormed(e)) {
      const role = (e.data as { role: string }).role;
      if (!r.roles.includes(role)) r.roles.push(role);
    }
  }
  return [...by.values()].map(({ kinds, ...r }) => ({ ...r, did: DID.map(([l]) => l).filter((l) => kinds.has(l)) }));
}

function seconds(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  return Math.round((Date.parse(to) - Date.parse(from)) / 1000);
}

// Model hypotheses are not timeline lines: the request is, as one line pointing to the Hypotheses table.
const SIGNIFICANT = new Set(['incident.opened', 'alert.attached', 'runbook.selected', 'step.completed', 'step.failed', 'step.skipped', 'step.partial', 'command.ran', 'note.added', 'action.recorded', 'status.changed', 'severity.changed', 'parameter.set', 'hypothesis.requested', 'hypothesis.judged', 'silence.created', 'silence.expired', 'postmortem.exported', 'incident.closed', 'role.assigned', 'handoff.recorded']);

/** A request for hypotheses in the timeline: how many, from which model; never the model's words. */
function requestLine(e: StoredEvent): string {
  const d = e.data as { model?: unknown; outcome?: unknown; hypotheses?: unknown };
  const n = typeof d.hypotheses === 'number' ? d.hypotheses : 0;
  const model = String(d.model ?? 'the model');
  return d.outcome === 'ok' || d.outcome === 'empty' ? `${n} hypothes${n === 1 ? 'is' : 'es'} from ${model}, see Hypotheses` : `asked ${model} for hypotheses: ${String(d.outcome ?? 'no outcome')}`;
}

export function buildPostmortem(state: IncidentState, events: readonly StoredEvent[], integrity: Integrity, status: 'draft' | 'final'): Postmortem {
  const byKind = notesByKind(state);
  const notes = (_s: IncidentState, kind: NoteKind) => byKind(kind);
  const alert = state.alert;
  const opened = state.opened?.ts ?? null;
  const alertStart = alert?.startsAt ?? null;
  const mitigated = state.mitigated?.ts ?? (state.resolved?.ts ?? null);
  const resolved = state.resolved?.ts ?? null;
  const rb = state.runbook;

  const timeline: TimelineLine[] = [];
  for (const e of events) {
    if (!SIGNIFICANT.has(e.type)) continue;
    let marker: string | undefined;
    if (e.type === 'incident.opened') marker = 'INCIDENT OPENED';
    if (e.type === 'status.changed') {
      const to = (e.data as { to: string }).to;
      marker = to === 'mitigated' ? 'MITIGATED' : to === 'resolved' ? 'RESOLVED' : 'REOPENED';
    }
    timeline.push({ seq: e.seq, ...(e.replica ? { replica: e.replica } : {}), ts: e.ts, actor: { kind: e.actor.kind, name: e.actor.name }, text: e.type === 'hypothesis.requested' && wellFormed(e) ? requestLine(e) : describeEvent(e), ...(marker ? { marker } : {}) });
  }

  const judged = (m: { seq?: number; replica?: string; cause?: string }) => {
    const j = latestVerdict(state, m);
    return j ? { verdict: j.verdict, reason: j.reason } : { verdict: 'not judged', reason: '' };
  };
  // A verdict on any of a repeated hypothesis's seqs speaks for the row: the latest one.
  const latestOf = (members: readonly { seq: number; replica?: string }[]) => {
    const j = latestVerdictOn(state, members);
    return j ? { verdict: j.verdict, reason: j.reason } : { verdict: 'not judged', reason: '' };
  };
  const hypotheses: HypothesisRow[] = [
    ...notes(state, 'hypothesis').map((n) => ({ source: `human (${n.by})`, text: n.text, grounding: 'n/a', seq: n.seq, ...(n.replica ? { replica: n.replica } : {}), ...judged(n) })),
    ...matchKnownCauses(state).map((m) => ({ source: 'runbook', text: m.cause.title, grounding: 'matched', ...judged({ cause: m.cause.id }) })),
    // The same idea proposed by several requests is one row, with how many times and the latest seq.
    ...groupHypotheses(state.hypotheses).map(({ latest: h, count, members }) => ({ source: `model ${h.model}`, text: cleanModelText(h.title), grounding: h.grounding ?? 'unchecked', seq: h.seq, ...(h.replica ? { replica: h.replica } : {}), ...(count > 1 ? { count, seqs: members.map((m) => (m.replica ? refOf(m) : m.seq)) } : {}), ...latestOf(members) })),
  ];

  const pm: Postmortem = {
    schema: POSTMORTEM_SCHEMA,
    status,
    incident: { id: state.id, title: state.title, severity: state.severity, status: state.status },
    date: (opened ?? alertStart ?? '').slice(0, 10),
    authors: [...state.operators],
    sections: {
      summary: notes(state, 'summary'),
      impact: notes(state, 'impact'),
      root_causes: notes(state, 'root-cause'),
      trigger: notes(state, 'trigger'),
      resolution: notes(state, 'resolution'),
      detection: notes(state, 'detection'),
      lessons: { went_well: notes(state, 'went-well'), went_wrong: notes(state, 'went-wrong'), lucky: notes(state, 'lucky'), other: notes(state, 'lesson') },
      messaging: notes(state, 'comms'),
    },
    responders: responders(events),
    impact_metrics: impactMetrics(notes(state, 'impact')),
    action_items: byKind('action').map((n) => ({ ...parseActionItem(n.text, n.seq, n.by), ...rep(n) })).filter((a) => a.action.trim() !== ''),
    facts: {
      alert: alert ? { name: alert.name, source: alert.source, severity: alert.severity, started_at: alert.startsAt, labels: { ...alert.labels } } : null,
      runbook: rb ? { id: rb.runbook.id, title: rb.runbook.title, file: rb.file, sha256: rb.sha256, matched_by: rb.matched_by } : null,
      times: { alert_started: alertStart, opened, mitigated, resolved },
      durations: {
        detect_to_open: seconds(alertStart, opened),
        open_to_mitigate: seconds(opened, mitigated),
        detect_to_mitigate: seconds(alertStart, mitigated),
        open_to_resolve: seconds(opened, resolved),
        detect_to_resolve: seconds(alertStart, resolved),
      },
      steps: (rb?.runbook.steps ?? []).map((st) => {
        const x = state.steps[st.id];
        const fan = x?.fanout;
        return {
          id: st.id, title: st.title, kind: st.kind, status: x?.status ?? 'pending', reason: x?.reason ?? null, seq: x?.seq ?? null, ...rep(x ?? {}),
          ...(fan ? { targets: fan.targets.map((t) => ({ target: t, status: fan.results[t]?.status === 'pending' ? 'never started' : fan.results[t]?.status ?? 'not-run', reason: fan.results[t]?.reason ?? null, seq: fan.results[t]?.seq ?? null, ...rep(fan.results[t] ?? {}) })) } : {}),
        };
      }),
      commands: state.commands.map((c) => ({ seq: c.seq, ...rep(c), ts: c.ts, step: c.step ?? null, argv: [...c.argv], result: commandResult(c), exit_code: c.exit_code, duration_ms: c.duration_ms })),
    },
    timeline,
    hypotheses,
    integrity: { ...integrity, torn_lines: [] },
    missing: [],
  };
  pm.missing = REQUIRED.filter(([k]) => (k === 'action_items' ? pm.action_items : pm.sections[k]).length === 0).map(([, label]) => label);
  // Redaction applies again on export, whatever the log holds. Every object above is built
  // here (nothing shared with `state`), so redacting in place leaves the input untouched.
  redactInPlace(pm);
  pm.integrity = { ...integrity, torn_lines: integrity.torn_lines.map((t) => ({ ...t })) };
  return pm;
}
