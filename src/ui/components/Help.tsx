import { Box, Text } from 'ink';

export const HELP_LINES = [
  'Keys',
  '  j / ↓, k / ↑   select the next / previous step',
  '  J / PgDn, K / PgUp   scroll the output',
  '  r   run the selected step\'s command (shows argv, cwd, timeout; y confirms, anything else cancels)',
  '  Enter   go where the runbook says (after a step: its next, or on_fail when it failed)',
  '  s   skip the selected step, with a reason',
  '  d   mark a manual step done',
  '  n   add a note (works while a command runs)',
  '  a   record an action taken outside the runbook; start with $ to run a command (asks for y first)',
  '  h   ask the local model for hypotheses (in the background; citations are checked; nothing is run)',
  '  H   record your own hypothesis      v   judge one: SEQ supported|refuted|dismissed REASON',
  '  m   mark mitigated      R   mark resolved',
  '  Ctrl-C   cancel the running command (with none running: quit)',
  '  q   quit; the incident stays open: oncall start --incident ID resumes it',
  '',
  'Every action is written to the incident log (and fsynced) before the screen shows it.',
  'Press any key to close.',
];

export function Help({ width }: { width: number }) {
  return (
    <Box flexDirection="column" alignSelf="flex-start" borderStyle="single" width={width} paddingX={1}>
      {HELP_LINES.map((l, i) => <Text key={i} bold={i === 0} wrap="truncate">{l}</Text>)}
    </Box>
  );
}
