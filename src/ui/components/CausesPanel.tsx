import { Box, Text } from 'ink';
import type { CauseMatch } from '../../runbook/known-causes.js';
import { truncate } from '../view.js';

/** Known causes from the runbook, matched deterministically; shown before any model text. */
export function CausesPanel({ matches, hasCauses, width, height, color }: { matches: CauseMatch[]; hasCauses: boolean; width: number; height: number; color: boolean }) {
  const lines: { text: string; bold?: boolean }[] = [];
  if (matches.length === 0) {
    lines.push({ text: hasCauses ? 'Known causes (runbook): none matches what has been recorded so far.' : 'Known causes (runbook): this runbook lists none.' });
  } else {
    lines.push({ text: `Known causes (runbook): ${matches.length} match${matches.length === 1 ? 'es' : ''}`, bold: true });
    for (const m of matches) {
      const ev = m.evidence.map((e) => (e.line !== undefined ? `${e.step} #${e.seq}: "${e.line}"` : `${e.step} ${e.outcome}`)).join('; ');
      lines.push({ text: `▸ ${m.cause.title} — ${ev}` });
    }
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(0, height).map((l, i) => (
        <Text key={i} bold={l.bold} color={color && i > 0 ? 'magenta' : undefined} wrap="truncate">{truncate(l.text, width)}</Text>
      ))}
    </Box>
  );
}
