import { Box, Text } from 'ink';
import type { IncidentState } from '../../incident/replay.js';
import { incidentClock, truncate } from '../view.js';

export function Header({ state, now, width, color }: { state: IncidentState; now: number; width: number; color: boolean }) {
  const sevColor = state.severity === 'critical' ? 'red' : state.severity === 'warning' ? 'yellow' : 'cyan';
  const statusColor = state.status === 'resolved' ? 'green' : state.status === 'mitigated' ? 'cyan' : 'yellow';
  const clock = incidentClock(state, now);
  const right = ` ${state.severity} · ${state.status} · ${clock} `;
  const left = `oncall ${state.id} · `;
  const title = truncate(state.title || '(untitled)', Math.max(8, width - left.length - right.length - 1));
  return (
    <Box width={width}>
      <Text bold>{left}</Text>
      <Text bold>{title}</Text>
      <Box flexGrow={1} />
      <Text color={color ? sevColor : undefined}>{` ${state.severity}`}</Text>
      <Text> · </Text>
      <Text color={color ? statusColor : undefined} bold>{state.status}</Text>
      <Text>{` · ${clock} `}</Text>
    </Box>
  );
}
