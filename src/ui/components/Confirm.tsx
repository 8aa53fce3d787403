import { Box, Text } from 'ink';
import type { ConfirmView } from '../state.js';
import { clip, wrap } from '../view.js';

/**
 * Fits `height` rows. The warning is always shown whole; the other lines give way first, each
 * cut with a mark, and `f` shows everything.
 */
export function Confirm({ confirm, width, height, color }: { confirm: ConfirmView; width: number; height: number; color: boolean }) {
  const inner = Math.max(10, width - 4);
  const warning = confirm.warning ? wrap(`! ${confirm.warning}`, inner) : [];
  // Border (2), title, prompt.
  let room = Math.max(1, height - 4 - warning.length);
  const body: string[] = [];
  confirm.lines.forEach((line, i) => {
    const left = confirm.lines.length - i - 1;
    const wrapped = wrap(line, inner);
    const take = clip(wrapped, Math.max(1, room - left));
    body.push(...take);
    room -= take.length;
  });
  return (
    <Box flexDirection="column" alignSelf="flex-start" borderStyle="double" borderColor={color ? 'yellow' : undefined} width={width} paddingX={1}>
      <Text bold>{confirm.title ?? 'Run this command?'}</Text>
      {body.map((l, i) => <Text key={i} wrap="truncate">{l || ' '}</Text>)}
      {warning.map((l, i) => <Text key={`w${i}`} color={color ? 'red' : undefined} bold wrap="truncate">{l}</Text>)}
      <Text bold wrap="truncate">{confirm.title ? 'y: confirm · f: full text · any other key cancels' : 'y: run it · f: full text · any other key cancels'}</Text>
    </Box>
  );
}
