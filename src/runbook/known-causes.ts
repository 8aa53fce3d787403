/** Deterministic matching of a runbook's known causes against what the log recorded. Pure. */
import type { IncidentState } from '../incident/replay.js';
import { refOf } from '../incident/replicas.js';
import { findIn } from './pattern.js';
import type { KnownCause } from './schema.js';

export interface Evidence {
  step: string;
  /** The command.ran (or step event) seq the evidence comes from. */
  seq?: number;
  replica?: string;
  /** The output line that matched. */
  line?: string;
  outcome?: string;
}

export interface CauseMatch {
  cause: KnownCause;
  evidence: Evidence[];
}

/** `disk #14: "/dev/sda1 … 96% /"; flag failed`: what made a cause match, for people. */
export function describeEvidence(m: CauseMatch): string {
  return m.evidence.map((e) => (e.line !== undefined ? `${e.step} #${refOf({ seq: e.seq ?? 0, ...(e.replica ? { replica: e.replica } : {}) })}: "${e.line}"` : `${e.step} ${e.outcome}`)).join('; ');
}

/** Known causes whose every signal holds, in runbook order. */
export function matchKnownCauses(state: IncidentState): CauseMatch[] {
  const rb = state.runbook?.runbook;
  if (!rb?.known_causes) return [];
  const byRef = new Map(state.commands.map((c) => [refOf(c), c]));
  const out: CauseMatch[] = [];
  for (const cause of rb.known_causes) {
    const evidence: Evidence[] = [];
    let holds = true;
    for (const sig of cause.signals) {
      const st = state.steps[sig.step];
      if (sig.outcome) {
        const outcome = st?.status === 'done' ? 'succeeded' : st?.status === 'failed' ? 'failed' : st?.status === 'skipped' ? 'skipped' : undefined;
        if (outcome !== sig.outcome) {
          holds = false;
          break;
        }
        evidence.push({ step: sig.step, outcome, ...(st?.seq !== undefined ? { seq: st.seq, ...(st.replica ? { replica: st.replica } : {}) } : {}) });
      }
      if (sig.output_matches) {
        const cmd = st?.lastCommand !== undefined ? byRef.get(st.lastCommand) : undefined;
        if (!cmd) {
          holds = false;
          break;
        }
        const text = `${cmd.stdout.text}${cmd.stderr.text ? `\n${cmd.stderr.text}` : ''}`;
        const m = findIn(sig.output_matches, text);
        if (!m) {
          holds = false;
          break;
        }
        evidence.push({ step: sig.step, seq: cmd.seq, ...(cmd.replica ? { replica: cmd.replica } : {}), line: lineAround(text, m.index) });
      }
    }
    if (holds) out.push({ cause, evidence });
  }
  return out;
}

function lineAround(text: string, index: number): string {
  // A match may begin with the newline before its line; show the line it is about.
  let start = text.lastIndexOf('\n', index - 1) + 1;
  if (text[index] === '\n') start = index + 1;
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).trim().slice(0, 200);
}
