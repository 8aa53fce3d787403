/** The incident log's event types. One JSON object a line; see docs/LOG-FORMAT.md. */
import type { Alert } from '../alerts/types.js';
import type { Runbook } from '../runbook/schema.js';

export type ActorKind = 'human' | 'runbook' | 'model' | 'system';
export interface Actor {
  kind: ActorKind;
  name: string;
}

export const NOTE_KINDS = ['summary', 'impact', 'trigger', 'root-cause', 'resolution', 'detection', 'lesson', 'went-well', 'went-wrong', 'lucky', 'action', 'hypothesis', 'comms'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** The plain note you-first mode writes when the operator has no hypothesis of their own. */
export const NO_HYPOTHESIS_NOTE = 'no hypothesis of my own before asking the model';

export const ROLES = ['commander', 'scribe', 'ops', 'comms'] as const;
export type Role = (typeof ROLES)[number];

export const STATUSES = ['investigating', 'mitigated', 'resolved'] as const;
export type Status = (typeof STATUSES)[number];

export interface CapturedOutput {
  /** Redacted, escape-stripped text: the head and tail kept when the output was cut. */
  text: string;
  bytes: number;
  truncated: boolean;
}

/** Data for each event type. Unknown types from newer versions replay as no-ops. */
export interface EventDataMap {
  'incident.opened': { title: string; severity: string; via: string };
  'incident.closed': { reason?: string };
  'alert.attached': { alert: Alert };
  'runbook.selected': {
    runbook: Runbook;
    file: string;
    sha256: string;
    params: Record<string, string>;
    matched_by: 'flag' | 'matcher' | 'runbook_url' | 'list' | 'demo';
  };
  'step.started': { step: string; argv?: string[]; shell?: boolean; cwd?: string; timeout_ms?: number };
  'step.completed': { step: string; via: 'command' | 'manual' };
  'step.skipped': { step: string; reason: string };
  'step.failed': { step: string; reason: string };
  /** A command's process group, recorded once it is running: on resume, is it still? */
  'command.started': { step?: string; target?: string; role?: 'discover' | 'verify'; pid: number; host: string; start_ticks?: number; writer_pid: number };
  'command.ran': {
    step?: string;
    /** Fan-out: the target this run was for; `role` says when it found the targets or verified one. */
    target?: string;
    role?: 'discover' | 'verify';
    argv: string[];
    shell: boolean;
    cwd: string;
    exit_code: number | null;
    signal: string | null;
    duration_ms: number;
    timed_out: boolean;
    cancelled: boolean;
    /** Why the program could not start at all (not found, not executable), in plain words. */
    error?: string;
    /** A drill's step: nothing ran; this is the output recorded by the original (or the scenario). */
    replayed?: { incident?: string; seq?: number; replica?: string; scenario?: string };
    stdout: CapturedOutput;
    stderr: CapturedOutput;
  };
  /**
   * Fan-out: the targets a run of the step covers (all of them, or the ones asked for again),
   * those refused before anything ran (a value that fails the pattern), and the rules.
   */
  'fanout.planned': {
    step: string;
    source: 'param' | 'label' | 'command';
    selection: 'all' | 'failed' | 'list';
    /** Every target the step has as of this plan (what done is counted over); `targets` is what this run covers. */
    all?: string[];
    targets: string[];
    refused: { target: string; reason: string }[];
    parallel: number;
    canary?: number;
    stop_after_failures?: number;
    verify: boolean;
    /** The oncall process running the plan: while it lives and the step has no outcome yet, the step is busy. */
    writer_pid?: number;
    host?: string;
  };
  /** Fan-out: one target's result (drifted: the step succeeded there but verify failed). */
  'target.finished': { step: string; target: string; status: 'ok' | 'failed' | 'drifted'; reason?: string };
  /** Fan-out: the step ended without every target succeeding; names what did not. */
  'step.partial': { step: string; total: number; ok: number; failed: string[]; drifted: string[]; not_run: string[]; refused: string[]; reason: string };
  'note.added': { text: string; kind?: NoteKind };
  /** A parameter given during the incident. Secret values are never written: only that one was given. */
  'parameter.set': { name: string; value?: string; secret?: boolean };
  'action.recorded': { text: string; argv?: string[] };
  'status.changed': { from: Status; to: Status };
  'severity.changed': { from: string; to: string };
  'hypothesis.requested': Record<string, unknown>;
  /** A hypothesis from a model (human ones are notes of kind "hypothesis"). */
  'hypothesis.proposed': {
    model: string;
    title: string;
    explanation?: string;
    /** Each cite as checked: `verified` only when found in evidence; `status` and `reason` say why not (absent in logs written before 0.2). */
    cites?: { seq: number; replica?: string; quote: string; verified: boolean; status?: string; reason?: string; sent?: boolean }[];
    grounding?: 'grounded' | 'partial' | 'ungrounded';
    refute_by?: string;
    check?: string;
    /** Why the suggested check is not read-only. */
    check_warning?: string;
    dropped_cites?: number;
    request_seq?: number;
  };
  /** An operator's verdict on a hypothesis: a note of kind hypothesis or a hypothesis.proposed (by seq), or a runbook known cause (by id). */
  'hypothesis.judged': { seq?: number; replica?: string; cause?: string; verdict: 'supported' | 'refuted' | 'dismissed'; reason: string };
  /** A silence created in Alertmanager for this incident's alert (its comment names the incident). */
  'silence.created': { silence_id: string; url: string; matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[]; starts_at: string; ends_at: string; comment: string };
  'silence.expired': { silence_id: string; url: string };
  /** Who holds an incident role from now on (the one before them no longer does). */
  'role.assigned': { role: Role; name: string };
  /**
   * This incident is a drill (docs/DRILLS.md): practice on a past incident (`from`, with the
   * head hash its log had) or a scenario file; steps replay recorded output, nothing real runs.
   */
  'drill.started': { from?: string; head?: string; scenario?: { id: string; file: string; sha256: string }; fast: number; with_model: boolean };
  /** The drill is over: the debrief, computed from the two logs. */
  'drill.ended': { debrief: Record<string, unknown> };
  /** A hand-off: the writer passes their work to `to`, with what they need to know. */
  'handoff.recorded': { to: string; text: string };
  'postmortem.exported': { format: 'md' | 'json'; head: string; log_sha256: string; document_sha256: string; events: number; out?: string };
}
export type EventType = keyof EventDataMap;

/** What a caller hands to the store. */
export interface NewEvent<T extends EventType = EventType> {
  type: T;
  actor: Actor;
  data: EventDataMap[T];
}

/** A line of the log, as stored. */
export interface StoredEvent<T extends EventType = EventType> {
  /** 1, 2, 3, ... within the file of the replica that wrote it. */
  seq: number;
  id: string;
  ts: string;
  /**
   * Hybrid logical clock (microseconds): above the writer's wall clock and above every record of
   * the incident the writer had seen. Records written before sharing existed have none.
   */
  hlc?: number;
  actor: Actor;
  type: T;
  data: EventDataMap[T];
  prev: string;
  hash: string;
  /**
   * Not stored: set by the merged view on records of a replica other than the incident's origin
   * (see incident/replicas.ts). Its reference is `replica:seq`; the origin's is the bare seq.
   */
  replica?: string;
}

export const GENESIS = '0'.repeat(64);

/** Records above this size are refused: callers cap command output well below it. */
export const MAX_RECORD_BYTES = 256 * 1024;

/** A pid that can name a process group of ours: 0, 1 and negatives would name others (`kill -- -1`). */
export function isGroupPid(pid: unknown): pid is number {
  return Number.isInteger(pid) && (pid as number) > 1;
}
