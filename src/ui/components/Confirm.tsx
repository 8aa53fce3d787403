import { Box, Text } from 'ink';
import type { ConfirmView } from '../state.js';
import { wrap } from '../view.js';

export function Confirm({ confirm, width, color }: { confirm: ConfirmView; width: number; color: boolean }) {
  const inner = Math.max(10, width - 4);
  return (
    <Box flexDirection="column" alignSelf="flex-start" borderStyle="double" borderColor={color ? 'yellow' : undefined} width={width} paddingX={1}>
      <Text bold>Run this command?</Text>
      {confirm.lines.flatMap((l) => wrap(l, inner)).map((l, i) => <Text key={i} wrap="truncate">{l}</Text>)}
      {confirm.warning ? wrap(`! ${confirm.warning}`, inner).map((l, i) => <Text key={`w${i}`} color={color ? 'red' : undefined} bold wrap="truncate">{l}</Text>) : null}
      <Text bold>Press y to run it. Any other key cancels.</Text>
    </Box>
  );
}
