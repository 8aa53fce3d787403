import { Box, Text } from 'ink';
import { cleanModelText, groupHypotheses } from '../../util/model-text.js';
import { latestVerdict, latestVerdictOn, type IncidentState } from '../../incident/replay.js';
import { refOf } from '../../incident/replicas.js';
import { describeEvidence, type CauseMatch } from '../../runbook/known-causes.js';
import type { HypoView } from '../state.js';
import { truncate, type Line } from '../view.js';

type Hypothesis = IncidentState['hypotheses'][number];

const CITE: Record<string, string> = { found: 'found', 'not-found': 'NOT FOUND', 'wrong-event': 'WRONG ENTRY', 'not-evidence': 'NOT EVIDENCE', 'too-short': 'TOO SHORT', future: 'NO SUCH ENTRY', 'no-such-entry': 'NO SUCH ENTRY' };

/** A cite's mark, for logs written before cites said why. */
export function citeMark(c: NonNullable<Hypothesis['cites']>[number]): string {
  return c.status ? CITE[c.status] ?? c.status : c.verified ? 'found' : 'NOT FOUND';
}

interface Shown {
  h: Hypothesis;
  count: number;
  /** The latest verdict on any time it was proposed. */
  verdict?: { verdict: string; by: string };
}

/** The tool's column for a hypothesis: seq, label, how often it was proposed, the verdict. Fixed width, so model text never sits where the tool's words go. */
function toolColumn(x: Shown): string {
  const label = x.h.grounding === 'ungrounded' ? 'UNGROUNDED' : x.h.grounding === 'partial' ? 'PARTIAL' : x.h.grounding ?? 'unchecked';
  return `#${refOf(x.h)} ${label}${x.count > 1 ? ` ×${x.count}` : ''}${x.verdict ? ` ${x.verdict.verdict.toUpperCase()}` : ''}`.padEnd(28);
}

/** Model hypotheses of the latest request, each proposed-again one shown once with a count and its latest verdict. */
export function latestHypotheses(state: IncidentState): Shown[] {
  // The latest request is the one of the last hypothesis in the merged order (a request and its hypotheses share a replica).
  const last = state.hypotheses.at(-1);
  const latest = new Set(state.hypotheses.filter((h) => last && (h.request_seq ?? 0) === (last.request_seq ?? 0) && h.replica === last.replica).map((h) => refOf(h)));
  return groupHypotheses(state.hypotheses).filter((g) => latest.has(refOf(g.latest))).map((g) => {
    const j = latestVerdictOn(state, g.members);
    return { h: g.latest, count: g.count, ...(j ? { verdict: { verdict: j.verdict, by: j.actor.name } } : {}) };
  });
}

/** The lines of the panel: runbook known causes first, then the latest model answer. Pure. */
export function hypothesisLines(state: IncidentState, matches: CauseMatch[], hypo: HypoView | undefined, now: number, hidden = false): Line[] {
  const lines: Line[] = [];
  const hasCauses = (state.runbook?.runbook.known_causes?.length ?? 0) > 0;
  const verdict = (m: { seq?: number; replica?: string; cause?: string }) => {
    const j = latestVerdict(state, m);
    return j ? ` — ${j.verdict} by ${j.actor.name}` : '';
  };
  if (matches.length === 0) lines.push({ text: hasCauses ? 'Known causes (runbook): none matches what has been recorded so far.' : 'Known causes (runbook): this runbook lists none.' });
  else {
    lines.push({ text: `Known causes (runbook): ${matches.length} match${matches.length === 1 ? 'es' : ''}`, bold: true });
    for (const m of matches) lines.push({ text: `▸ ${m.cause.title} — ${describeEvidence(m)}${verdict({ cause: m.cause.id })}`, color: 'magenta' });
  }
  if (hypo?.status === 'asking') lines.push({ text: `Asking the model… ${Math.max(0, Math.round((now - (hypo.startedAt ?? now)) / 1000))} s, ${hypo.chunks ?? 0} tokens · ${hypo.text}`, color: 'yellow' });
  else if (hypo) lines.push({ text: hypo.text, ...(hypo.status === 'failed' ? { color: 'red' } : {}) });
  const latest = latestHypotheses(state);
  if (latest.length && hidden) {
    lines.push({ text: `${latest.length} model hypothes${latest.length === 1 ? 'is is' : 'es are'} hidden until you record your own (H): you-first mode`, dim: true });
  } else if (latest.length) {
    lines.push({ text: `Hypotheses from ${latest[0]!.h.model} (suggestions to test; nothing was run; v to judge; p shows them whole). Left: the tool's check; right: the model's words.`, bold: true });
    for (const x of latest) {
      const { h } = x;
      const col = toolColumn(x);
      lines.push({ text: `${col}│ ${cleanModelText(h.title)}`, ...(h.grounding === 'ungrounded' ? { dim: true } : {}) });
      const cites = (h.cites ?? []).map((c) => `#${refOf(c)} ${citeMark(c)}`).join(', ') || 'none';
      const check = h.check ? (h.check_warning ? ` · ⚠ its check is not known to be read-only` : ' · check: read-only') : '';
      lines.push({ text: `${' '.repeat(col.length)}│ cites ${cites}${check}${x.verdict ? ` · ${x.verdict.verdict} by ${x.verdict.by}` : ''}`, dim: true, detail: true });
    }
  }
  return lines;
}

/** Fits `height` rows; when the lines do not fit, the last row says how many more there are. */
export function HypothesesPanel({ lines, width, height, color }: { lines: Line[]; width: number; height: number; color: boolean }) {
  // Detail lines give way first, so every hypothesis keeps its summary line when it can.
  let fit = lines;
  if (fit.length > height) fit = lines.filter((l) => !l.detail);
  const cut = lines.length - fit.length;
  const shown = fit.length > height || cut > 0
    ? [...fit.slice(0, Math.max(0, Math.min(fit.length, height - 1))), { text: `… +${lines.length - Math.min(fit.length, height - 1)} more line(s) (p: the panel in full)`, dim: true }]
    : fit;
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <Text key={i} bold={l.bold} dimColor={l.dim} color={color ? l.color : undefined} wrap="truncate">{truncate(l.text, width)}</Text>
      ))}
    </Box>
  );
}

/** The panel in full (p): known causes with their evidence, every hypothesis of the latest answer with all its parts. */
export function panelText(state: IncidentState, matches: CauseMatch[], hypo: HypoView | undefined, now: number, hidden: boolean): string[] {
  const out = hypothesisLines(state, matches, hypo, now, hidden).map((l) => l.text);
  if (hidden) return out;
  for (const x of latestHypotheses(state)) {
    const { h } = x;
    out.push('', `${toolColumn(x).trim()}${x.count > 1 ? ` (proposed ${x.count} times)` : ''}${x.verdict ? ` (${x.verdict.verdict} by ${x.verdict.by})` : ''}`);
    out.push(`  model's title: ${cleanModelText(h.title)}`);
    if (h.explanation) out.push(`  model's explanation: ${cleanModelText(h.explanation)}`);
    for (const c of h.cites ?? []) out.push(`  cite #${refOf(c)} [${citeMark(c)}]${c.reason ? ` ${c.reason}` : ''}: model's quote "${cleanModelText(c.quote)}"`);
    if (h.dropped_cites) out.push(`  (${h.dropped_cites} malformed cite${h.dropped_cites === 1 ? '' : 's'} dropped)`);
    if (h.refute_by) out.push(`  model, refuted if: ${cleanModelText(h.refute_by)}`);
    if (h.check) out.push(h.check_warning ? `  WARNING: the model's check is not known to be read-only (${h.check_warning}); do not paste it as it is. It reads: ${cleanModelText(h.check)}` : `  model, a read-only check to do by hand: ${cleanModelText(h.check)}`);
  }
  return out;
}
