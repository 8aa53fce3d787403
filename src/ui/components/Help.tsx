import { Box, Text } from 'ink';

export const HELP_LINES = [
  'Keys',
  '  j k / arrows  select a step         J K / PgDn PgUp  scroll the output',
  '  r  run the step: shows argv, cwd and timeout first; only y runs it',
  '  Enter  go where the runbook says (next, or on_fail after a failure)',
  '  s  skip the step, with a reason     d  mark a manual step done',
  '  n  add a note (also while a command runs)',
  '  a  record an action; "$ command" runs it after the same y',
  '  h  ask the local model (background; citations checked; nothing is run)',
  '  H  record your own hypothesis       v  judge: SEQ verdict REASON',
  '  m  mitigated   R  resolved (both ask for y)',
  '  Ctrl-C  cancel the running command (with none running: quit)',
  '  q  quit; the incident stays open (oncall start --incident ID)',
  '',
  'Everything is written to the log (and fsynced) before it is shown.',
  'Press any key to close.',
];

export function Help({ width }: { width: number }) {
  return (
    <Box flexDirection="column" alignSelf="flex-start" borderStyle="single" width={width} paddingX={1}>
      {HELP_LINES.map((l, i) => <Text key={i} bold={i === 0} wrap="truncate">{l}</Text>)}
    </Box>
  );
}
