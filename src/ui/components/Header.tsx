import { Box, Text } from 'ink';
import type { IncidentState } from '../../incident/replay.js';
import type { SyncStatus } from '../../share/background.js';
import { incidentClock, truncate } from '../view.js';

export function Header({ state, now, width, color }: { state: IncidentState; now: number; width: number; color: boolean }) {
  const sevColor = state.severity === 'critical' ? 'red' : state.severity === 'warning' ? 'yellow' : 'cyan';
  const statusColor = state.status === 'resolved' ? 'green' : state.status === 'mitigated' ? 'cyan' : 'yellow';
  const clock = incidentClock(state, now);
  // One row whatever the width: the id shortens to its suffix, then the severity goes, then the title.
  const ic = state.roles.commander && width >= 90 ? ` · IC ${truncate(state.roles.commander.name, 20)}` : '';
  const right = (width >= 60 ? ` ${state.severity} · ${state.status} · ${clock} ` : ` ${state.status} · ${clock} `) + ic;
  const left = (state.drill ? 'DRILL · ' : '') + (width >= 72 ? `oncall ${state.id} · ` : `${state.id.slice(-4)} · `);
  const room = width - left.length - right.length;
  const title = room >= 4 ? truncate(state.title || '(untitled)', room) : '';
  return (
    <Box width={width} height={1}>
      {state.drill ? <Text bold inverse color={color ? 'magenta' : undefined}>DRILL</Text> : null}
      <Text bold wrap="truncate">{state.drill ? left.slice(5) : left}{title}</Text>
      <Box flexGrow={1} />
      {width >= 60 ? <Text color={color ? sevColor : undefined}>{` ${state.severity}`}</Text> : null}
      {width >= 60 ? <Text> · </Text> : <Text> </Text>}
      <Text color={color ? statusColor : undefined} bold>{state.status}</Text>
      <Text>{` · ${clock} `}</Text>
      {ic ? <Text bold>{`· ${ic.slice(3)} `}</Text> : null}
    </Box>
  );
}

/** The second header row of a shared incident: what is not on the remote yet, the last success, the last error. */
export function syncLine(s: SyncStatus, replica: string, now: number): { text: string; error: boolean } {
  const age = s.lastSuccess ? Math.max(0, Math.round((now - Date.parse(s.lastSuccess)) / 1000)) : undefined;
  const when = age === undefined ? 'not synced yet' : `synced ${age < 60 ? `${age} s` : age < 3600 ? `${Math.round(age / 60)} min` : `${Math.round(age / 3600)} h`} ago`;
  const pending = s.pending === undefined ? 'syncing' : s.pending > 0 ? `${s.pending} not on the remote yet` : 'all recorded here is on the remote';
  return { text: `shared · replica ${replica} · ${pending} · ${when}${s.error ? ` · SYNC FAILED: ${s.error}` : ''}`, error: !!s.error };
}

export function ShareLine({ status, replica, now, width, color }: { status: SyncStatus; replica: string; now: number; width: number; color: boolean }) {
  const l = syncLine(status, replica, now);
  return <Text dimColor={!l.error} color={color && l.error ? 'red' : undefined} wrap="truncate">{truncate(l.text, width)}</Text>;
}
