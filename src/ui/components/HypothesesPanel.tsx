import { Box, Text } from 'ink';
import { latestVerdict, type IncidentState } from '../../incident/replay.js';
import { describeEvidence, type CauseMatch } from '../../runbook/known-causes.js';
import type { HypoView } from '../state.js';
import { truncate, type Line } from '../view.js';

/** The lines of the panel: runbook known causes first, then the latest model answer. Pure. */
export function hypothesisLines(state: IncidentState, matches: CauseMatch[], hypo: HypoView | undefined, now: number): Line[] {
  const lines: Line[] = [];
  const hasCauses = (state.runbook?.runbook.known_causes?.length ?? 0) > 0;
  const verdict = (m: { seq?: number; cause?: string }) => {
    const j = latestVerdict(state, m);
    return j ? ` — ${j.verdict} by ${j.actor.name}` : '';
  };
  if (matches.length === 0) lines.push({ text: hasCauses ? 'Known causes (runbook): none matches what has been recorded so far.' : 'Known causes (runbook): this runbook lists none.' });
  else {
    lines.push({ text: `Known causes (runbook): ${matches.length} match${matches.length === 1 ? 'es' : ''}`, bold: true });
    for (const m of matches) lines.push({ text: `▸ ${m.cause.title} — ${describeEvidence(m)}${verdict({ cause: m.cause.id })}`, color: 'magenta' });
  }
  const lastReq = state.hypotheses.length ? Math.max(...state.hypotheses.map((h) => h.request_seq ?? 0)) : undefined;
  const latest = state.hypotheses.filter((h) => (h.request_seq ?? 0) === lastReq);
  if (hypo?.status === 'asking') lines.push({ text: `Asking the model… ${Math.max(0, Math.round((now - (hypo.startedAt ?? now)) / 1000))} s, ${hypo.chunks ?? 0} tokens · ${hypo.text}`, color: 'yellow' });
  else if (hypo) lines.push({ text: hypo.text, ...(hypo.status === 'failed' ? { color: 'red' } : {}) });
  if (latest.length) {
    lines.push({ text: `Hypotheses from ${latest[0]!.model} (suggestions to test; nothing was run; v to judge):`, bold: true });
    for (const h of latest) {
      const label = h.grounding === 'ungrounded' ? 'UNGROUNDED' : h.grounding ?? 'unchecked';
      lines.push({ text: `  #${h.seq} [${label}] ${h.title}${verdict({ seq: h.seq })}`, ...(h.grounding === 'ungrounded' ? { dim: true } : {}) });
    }
  }
  return lines;
}

/** Fits `height` rows; when the lines do not fit, the last row says how many more there are. */
export function HypothesesPanel({ lines, width, height, color }: { lines: Line[]; width: number; height: number; color: boolean }) {
  const shown = lines.length > height ? [...lines.slice(0, Math.max(0, height - 1)), { text: `… +${lines.length - height + 1} more (p: the panel in full)`, dim: true }] : lines;
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <Text key={i} bold={l.bold} dimColor={l.dim} color={color ? l.color : undefined} wrap="truncate">{truncate(l.text, width)}</Text>
      ))}
    </Box>
  );
}
