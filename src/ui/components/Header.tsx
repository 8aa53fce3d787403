import { Box, Text } from 'ink';
import type { IncidentState } from '../../incident/replay.js';
import { incidentClock, truncate } from '../view.js';

export function Header({ state, now, width, color }: { state: IncidentState; now: number; width: number; color: boolean }) {
  const sevColor = state.severity === 'critical' ? 'red' : state.severity === 'warning' ? 'yellow' : 'cyan';
  const statusColor = state.status === 'resolved' ? 'green' : state.status === 'mitigated' ? 'cyan' : 'yellow';
  const clock = incidentClock(state, now);
  // One row whatever the width: the id shortens to its suffix, then the severity goes, then the title.
  const right = width >= 60 ? ` ${state.severity} · ${state.status} · ${clock} ` : ` ${state.status} · ${clock} `;
  const left = width >= 72 ? `oncall ${state.id} · ` : `${state.id.slice(-4)} · `;
  const room = width - left.length - right.length;
  const title = room >= 4 ? truncate(state.title || '(untitled)', room) : '';
  return (
    <Box width={width} height={1}>
      <Text bold wrap="truncate">{left}{title}</Text>
      <Box flexGrow={1} />
      {width >= 60 ? <Text color={color ? sevColor : undefined}>{` ${state.severity}`}</Text> : null}
      {width >= 60 ? <Text> · </Text> : <Text> </Text>}
      <Text color={color ? statusColor : undefined} bold>{state.status}</Text>
      <Text>{` · ${clock} `}</Text>
    </Box>
  );
}
