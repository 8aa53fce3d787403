/** Events as text: one line each (`oncall log`, the screen's timeline, the postmortem), and in full. */
import { refOf } from './replicas.js';
import type { EventDataMap, StoredEvent } from './events.js';
import { wellFormed, type TargetStatus } from './replay.js';
import { cleanModelText } from '../util/model-text.js';

function one(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

type Ran = Pick<EventDataMap['command.ran'], 'exit_code' | 'signal' | 'timed_out' | 'cancelled' | 'error' | 'shell' | 'stderr'>;

/** How a command ended, in plain words: `exit 0`, `timed out`, `command not found: dff (...)`. */
export function commandResult(c: Ran): string {
  if (c.timed_out) return 'timed out';
  if (c.cancelled) return 'cancelled';
  if (c.signal) return `killed by ${c.signal}`;
  if (c.error) return c.error;
  if (c.exit_code === null) return 'did not start';
  if (c.exit_code === 127 && c.shell) {
    const found = [...c.stderr.text.matchAll(/(?:^|\n)[^\n]*?:\s*(?:line \d+:\s*)?([^\s:]+): (?:command )?not found/g)].pop();
    if (found) return `exit 127, command not found: ${found[1]} (is it installed and on PATH?)`;
  }
  return `exit ${c.exit_code}`;
}

/** A few names and how many more: `web-1, web-7 and 3 more`. */
function names(list: readonly string[], max = 5): string {
  const shown = list.slice(0, max).map((x) => one(x, 60)).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
}

/** A fan-out target's mark, the same on the screen, in `step run` and in `step status`. */
export const TARGET_MARK: Record<TargetStatus, string> = { ok: '✓', failed: '✗', drifted: '↺', 'not-run': '·', pending: '·', running: '▶', refused: '⊘' };

export function describeEvent(e: StoredEvent): string {
  const d = e.data as Record<string, unknown>;
  // Replay skips such a record; say what it is rather than read fields that are not there.
  if (!wellFormed(e)) return `malformed ${e.type} record, skipped: ${one(JSON.stringify(d), 120)}`;
  switch (e.type) {
    case 'incident.opened': { const x = d as EventDataMap['incident.opened']; return `opened "${one(x.title)}" (${x.severity}, via ${x.via})`; }
    case 'incident.closed': return `incident closed${d.reason ? `: ${one(String(d.reason))}` : ''}`;
    case 'alert.attached': { const x = (d as EventDataMap['alert.attached']).alert; return `alert ${x.name} from ${x.source}, started ${x.startsAt}${x.count > 1 ? ` (${x.count} alerts in the group)` : ''}`; }
    case 'runbook.selected': { const x = d as EventDataMap['runbook.selected']; const p = Object.entries(x.params).map(([k, v]) => `${k}=${v}`).join(' '); return `runbook ${x.runbook.id} (by ${x.matched_by})${p ? ` ${p}` : ''}`; }
    case 'step.started': return `step ${String(d.step)} started`;
    case 'step.completed': return `step ${String(d.step)} done${d.via === 'manual' ? ' (by hand)' : ''}`;
    case 'step.skipped': return `step ${String(d.step)} skipped: ${one(String(d.reason))}`;
    case 'step.failed': return `step ${String(d.step)} failed: ${one(String(d.reason))}`;
    case 'command.started': return `command started${d.step ? ` for step ${String(d.step)}` : ''}${d.target !== undefined ? ` target ${one(String(d.target), 80)}${d.role === 'verify' ? ' (verify)' : ''}` : d.role === 'discover' ? ' (finding targets)' : ''}: process group ${String(d.pid)} on ${String(d.host)}`;
    case 'fanout.planned': { const x = d as EventDataMap['fanout.planned']; return `step ${x.step}: ${x.targets.length} target${x.targets.length === 1 ? '' : 's'} planned (${x.selection}${x.parallel > 1 ? `, ${x.parallel} at once` : ''}${x.canary ? `, canary ${x.canary}` : ''}${x.stop_after_failures ? `, stop after ${x.stop_after_failures} failed` : ''})${x.refused.length ? `, ${x.refused.length} refused` : ''}`; }
    case 'target.finished': return `step ${String(d.step)} target ${one(String(d.target), 80)}: ${String(d.status)}${d.reason ? ` (${one(String(d.reason), 80)})` : ''}`;
    case 'step.partial': { const x = d as EventDataMap['step.partial']; return `step ${x.step} partial: ${x.ok} of ${x.total} ok${x.failed.length ? `, failed ${names(x.failed)}` : ''}${x.drifted.length ? `, drifted ${names(x.drifted)}` : ''}${x.not_run.length ? `, not run ${names(x.not_run)}` : ''}${x.refused.length ? `, refused ${names(x.refused)}` : ''}`; }
    case 'command.ran': { const x = d as EventDataMap['command.ran']; return `${x.replayed ? '[replayed, nothing ran] ' : ''}${x.target !== undefined ? `[${one(x.target, 60)}${x.role === 'verify' ? ' verify' : ''}] ` : x.role === 'discover' ? '[finding targets] ' : ''}ran ${one(x.argv[0] === '/bin/sh' && x.argv[1] === '-c' ? x.argv.slice(2).join(' ') : x.argv.join(' '), 120)} → ${commandResult(x)} in ${x.duration_ms} ms`; }
    case 'note.added': { const x = d as EventDataMap['note.added']; return `${x.kind ? `${x.kind} ` : ''}note: ${one(x.text)}`; }
    case 'parameter.set': return d.secret ? `parameter ${String(d.name)} set (secret)` : `parameter ${String(d.name)}=${String(d.value)}`;
    case 'action.recorded': return `action: ${one(String(d.text))}`;
    case 'status.changed': return `status ${String(d.from)} → ${String(d.to)}`;
    case 'severity.changed': return `severity ${String(d.from)} → ${String(d.to)}`;
    case 'hypothesis.requested': {
      const n = typeof d.hypotheses === 'number' ? d.hypotheses : undefined;
      return `asked ${String(d.model ?? 'the model')} for hypotheses: ${String(d.outcome ?? 'unknown outcome')}${n !== undefined ? `, ${n} hypothes${n === 1 ? 'is' : 'es'}` : ''}${d.detail ? ` (${one(String(d.detail), 160)})` : ''}`;
    }
    case 'hypothesis.proposed': return `hypothesis (${String(d.model)}, ${String(d.grounding ?? 'unchecked')}): ${one(cleanModelText(String(d.title)))}`;
    case 'hypothesis.judged': return `judged ${typeof d.seq === 'number' ? `#${refOf({ seq: d.seq, ...(typeof d.replica === 'string' ? { replica: d.replica } : {}) })}` : `cause ${String(d.cause)}`} ${String(d.verdict)}: ${one(String(d.reason))}`;
    case 'silence.created': { const x = d as EventDataMap['silence.created']; return `silence ${x.silence_id} created in Alertmanager until ${x.ends_at.slice(0, 16).replace('T', ' ')} UTC for ${x.matchers.map((m) => `${m.name}${m.isEqual ? '' : '!'}${m.isRegex ? '=~' : '='}${JSON.stringify(m.value)}`).join(', ')}`; }
    case 'silence.expired': return `silence ${String(d.silence_id)} expired`;
    case 'role.assigned': return `${one(String(d.name), 64)} is ${String(d.role) === 'ops' ? 'on ops' : `the ${String(d.role)}`}`;
    case 'drill.started': return `DRILL started from ${d.scenario ? `scenario ${String((d.scenario as { id: unknown }).id)}` : `incident ${String(d.from)}`}${d.fast === 0 ? ', shows recorded output at once' : d.fast !== 1 ? `, waits ${String(d.fast)}x the recorded durations` : ''}${d.with_model ? ', model hypotheses on' : ', model hypotheses off'}`;
    case 'drill.ended': return 'DRILL ended: debrief recorded';
    case 'handoff.recorded': return `hand-off to ${one(String(d.to), 64)}: ${one(String(d.text))}`;
    case 'postmortem.exported': return `postmortem exported (${String(d.format)}), log head ${String(d.head).slice(0, 12)}…`;
    default: return `${e.type} (an event type this version does not know): ${one(JSON.stringify(d), 140)}`;
  }
}

/** Lines of an event's details that its one-line description does not show (0 when it shows everything). */
export function foldedLines(e: StoredEvent): number {
  if (!wellFormed(e)) return 1;
  const d = e.data as Record<string, unknown>;
  const lines = (t: string) => (t === '' ? 0 : t.replace(/\n$/, '').split('\n').length);
  switch (e.type) {
    case 'command.ran': { const x = d as EventDataMap['command.ran']; return lines(x.stdout.text) + lines(x.stderr.text); }
    case 'alert.attached': { const a = (d as EventDataMap['alert.attached']).alert; return Object.keys(a.labels).length + Object.keys(a.annotations).length; }
    case 'hypothesis.proposed': return eventDetails(e).length - 2;
    case 'hypothesis.requested': return Object.keys(d).length - 1;
    case 'note.added': case 'action.recorded': case 'step.failed': case 'step.skipped': case 'hypothesis.judged': {
      const t = String(d.text ?? d.reason);
      return t.includes('\n') || t.length > 200 ? lines(t) : 0;
    }
    default: return 0;
  }
}

/** Indents a block of text under a label. */
function block(label: string, text: string): string[] {
  const body = text.replace(/\n$/, '');
  return body === '' ? [`${label}: (empty)`] : [`${label}:`, ...body.split('\n').map((l) => `  ${l}`)];
}

/**
 * Everything the record holds, as lines: the one-line description first, then each field in
 * full (output, explanation, cites, reasons). What the screen shows when an entry is opened.
 */
export function eventDetails(e: StoredEvent): string[] {
  const head = `#${refOf(e)} ${e.ts.replace('T', ' ').slice(0, 19)} UTC · ${e.actor.kind}: ${e.actor.name}`;
  const d = e.data as Record<string, unknown>;
  const out = [head, describeEvent(e)];
  if (!wellFormed(e)) return [...out, ...block('record', JSON.stringify(d, null, 2))];
  switch (e.type) {
    case 'incident.opened': return [...out, `title: ${String(d.title)}`];
    case 'alert.attached': {
      const a = (d as EventDataMap['alert.attached']).alert;
      return [...out, `status: ${a.status}, severity ${a.severity}`, 'labels:', ...Object.entries(a.labels).map(([k, v]) => `  ${k}=${v}`), 'annotations:', ...Object.entries(a.annotations).flatMap(([k, v]) => block(`  ${k}`, v)), ...(a.links.length ? ['links:', ...a.links.map((l) => `  ${l}`)] : [])];
    }
    case 'step.skipped': case 'step.failed': return [...out, ...block('reason', String(d.reason))];
    case 'step.started': return d.argv ? [...out, ...block('command', (d.argv as string[]).join(' ')), `cwd: ${String(d.cwd ?? '')}`] : out;
    case 'command.ran': {
      const x = d as EventDataMap['command.ran'];
      const cut = (o: EventDataMap['command.ran']['stdout']) => (o.truncated ? ` (${o.bytes} bytes, cut: the start and end are kept)` : '');
      return [...out, ...block('command', x.argv[0] === '/bin/sh' && x.argv[1] === '-c' ? x.argv.slice(2).join(' ') : x.argv.join(' ')), `cwd: ${x.cwd}`, `result: ${commandResult(x)} in ${x.duration_ms} ms`, ...block(`stdout${cut(x.stdout)}`, x.stdout.text), ...block(`stderr${cut(x.stderr)}`, x.stderr.text)];
    }
    case 'note.added': return [...out, ...(d.kind ? [`kind: ${String(d.kind)}`] : []), ...block('text', String(d.text))];
    case 'action.recorded': return [...out, ...block('text', String(d.text))];
    case 'hypothesis.requested': return [...out, ...Object.entries(d).filter(([k]) => k !== 'model').map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)];
    case 'hypothesis.proposed': {
      const x = d as EventDataMap['hypothesis.proposed'];
      return [
        ...out,
        `from the model ${x.model}: a suggestion to test, not a finding; nothing was run. After each "model" label, the model's own words.`,
        `grounding (the tool's check of its cites): ${x.grounding ?? 'unchecked'}`,
        ...block('model title', cleanModelText(x.title)),
        ...(x.explanation ? block('model explanation', cleanModelText(x.explanation)) : []),
        ...(x.cites?.length ? ['cites, as checked:', ...x.cites.map((c) => `  #${refOf(c)} ${c.status ? c.status.toUpperCase().replace(/-/g, ' ') : c.verified ? 'FOUND' : 'NOT FOUND'}${c.reason ? ` (${c.reason})` : ''}: model quote "${cleanModelText(c.quote)}"`)] : ['cites: none']),
        ...(x.refute_by ? block('model: refuted if', cleanModelText(x.refute_by)) : []),
        ...(x.check ? (x.check_warning ? block(`WARNING: the model's check is not known to be read-only (${x.check_warning}); do not paste it as it is`, cleanModelText(x.check)) : block('model: a read-only check to do by hand', cleanModelText(x.check))) : []),
      ];
    }
    case 'hypothesis.judged': return [...out, ...block('reason', String(d.reason))];
    default: return out;
  }
}
