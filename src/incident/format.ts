/** One line per event, for `oncall log` and plain-text views. */
import type { EventDataMap, StoredEvent } from './events.js';
import { wellFormed } from './replay.js';

function one(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function describeEvent(e: StoredEvent): string {
  const d = e.data as Record<string, unknown>;
  // Replay skips such a record; say what it is rather than read fields that are not there.
  if (!wellFormed(e)) return `malformed ${e.type} record, skipped: ${one(JSON.stringify(d), 120)}`;
  switch (e.type) {
    case 'incident.opened': { const x = d as EventDataMap['incident.opened']; return `opened "${one(x.title)}" (${x.severity}, via ${x.via})`; }
    case 'alert.attached': { const x = (d as EventDataMap['alert.attached']).alert; return `alert ${x.name} from ${x.source}, started ${x.startsAt}`; }
    case 'runbook.selected': { const x = d as EventDataMap['runbook.selected']; const p = Object.entries(x.params).map(([k, v]) => `${k}=${v}`).join(' '); return `runbook ${x.runbook.id} (by ${x.matched_by})${p ? ` ${p}` : ''}`; }
    case 'step.started': return `step ${String(d.step)} started`;
    case 'step.completed': return `step ${String(d.step)} done`;
    case 'step.skipped': return `step ${String(d.step)} skipped: ${one(String(d.reason))}`;
    case 'step.failed': return `step ${String(d.step)} failed: ${one(String(d.reason))}`;
    case 'command.started': return `command started${d.step ? ` for step ${String(d.step)}` : ''}: process group ${String(d.pid)} on ${String(d.host)}`;
    case 'command.ran': { const x = d as EventDataMap['command.ran']; return `ran ${one(x.argv.join(' '), 120)} → ${x.timed_out ? 'timed out' : x.cancelled ? 'cancelled' : x.signal ? `signal ${x.signal}` : `exit ${x.exit_code}`} in ${x.duration_ms} ms`; }
    case 'note.added': { const x = d as EventDataMap['note.added']; return `${x.kind ? `${x.kind} ` : ''}note: ${one(x.text)}`; }
    case 'parameter.set': return d.secret ? `parameter ${String(d.name)} set (secret)` : `parameter ${String(d.name)}=${String(d.value)}`;
    case 'action.recorded': return `action: ${one(String(d.text))}`;
    case 'status.changed': return `status ${String(d.from)} → ${String(d.to)}`;
    case 'severity.changed': return `severity ${String(d.from)} → ${String(d.to)}`;
    case 'hypothesis.proposed': return `hypothesis (${String(d.model)}, ${String(d.grounding ?? 'unchecked')}): ${one(String(d.title))}`;
    case 'hypothesis.judged': return `judged ${d.seq !== undefined ? `#${String(d.seq)}` : `cause ${String(d.cause)}`} ${String(d.verdict)}: ${one(String(d.reason))}`;
    case 'postmortem.exported': return `postmortem exported (${String(d.format)}), log head ${String(d.head).slice(0, 12)}…`;
    default: return one(JSON.stringify(d), 160);
  }
}
