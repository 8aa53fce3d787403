import { Box, Text } from 'ink';
import type { IncidentState } from '../../incident/replay.js';
import { MARKS, truncate } from '../view.js';

const MARK_COLOR = { pending: undefined, running: 'yellow', done: 'green', failed: 'red', skipped: 'gray', partial: 'red' } as const;

export function StepList({ state, selected, width, height, color, dim = false }: { state: IncidentState; selected: number; width: number; height: number; color: boolean; dim?: boolean }) {
  const steps = state.runbook?.runbook.steps ?? [];
  if (steps.length === 0) return <Box width={width} height={height}><Text dimColor>no runbook</Text></Box>;
  // Keep the selection visible when there are more steps than rows.
  const first = Math.max(0, Math.min(selected - Math.floor(height / 2), steps.length - height));
  const visible = steps.slice(first, first + height);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {visible.map((s, i) => {
        const index = first + i;
        const st = state.steps[s.id]?.status ?? 'pending';
        const sel = index === selected;
        const label = truncate(`${String(index + 1).padStart(2)} ${s.title}`, width - 4);
        return (
          <Text key={s.id} inverse={sel && !dim} underline={sel && dim} wrap="truncate">
            {sel ? '›' : ' '}<Text color={color ? MARK_COLOR[st] : undefined}>{MARKS[st]}</Text> {label}
          </Text>
        );
      })}
    </Box>
  );
}
