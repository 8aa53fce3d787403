import { Box, Text } from 'ink';
import type { ConfirmView } from '../state.js';
import { wrap } from '../view.js';

/** Fits `height` rows: the first line (argv) is shortened if need be; the others and the prompt always show. */
export function Confirm({ confirm, width, height, color }: { confirm: ConfirmView; width: number; height: number; color: boolean }) {
  const inner = Math.max(10, width - 4);
  const warning = confirm.warning ? wrap(`! ${confirm.warning}`, inner, 3) : [];
  const rest = confirm.lines.slice(1).flatMap((l) => wrap(l, inner, 3));
  const room = Math.max(1, height - 4 - warning.length - rest.length);
  let first = confirm.lines[0] !== undefined ? wrap(confirm.lines[0], inner) : [];
  if (first.length > room) first = [...first.slice(0, Math.max(1, room - 1)), `… ${first.length - Math.max(1, room - 1)} more line(s) of this command`];
  return (
    <Box flexDirection="column" alignSelf="flex-start" borderStyle="double" borderColor={color ? 'yellow' : undefined} width={width} paddingX={1}>
      <Text bold>{confirm.title ?? 'Run this command?'}</Text>
      {[...first, ...rest].map((l, i) => <Text key={i} wrap="truncate">{l}</Text>)}
      {warning.map((l, i) => <Text key={`w${i}`} color={color ? 'red' : undefined} bold wrap="truncate">{l}</Text>)}
      <Text bold>{confirm.title ? 'Press y to confirm.' : 'Press y to run it.'} Any other key cancels.</Text>
    </Box>
  );
}
