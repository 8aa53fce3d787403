import { Box, Text } from 'ink';
import { truncate } from '../view.js';

/** A whole text, scrollable: nothing in it is cut (lines are wrapped to the width beforehand). */
export function FullText({ title, lines, top, width, height }: { title: string; lines: string[]; top: number; width: number; height: number }) {
  const room = Math.max(1, height - 1);
  const shown = lines.slice(top, top + room);
  const end = Math.min(lines.length, top + room);
  const where = lines.length <= room ? `${lines.length} lines` : `lines ${top + 1}-${end} of ${lines.length}`;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate">{truncate(`${title} · ${where}`, width)}</Text>
      {shown.map((l, i) => <Text key={i} wrap="truncate">{l || ' '}</Text>)}
    </Box>
  );
}

/** Rows of text a FullText of `height` shows. */
export function fullRoom(height: number): number {
  return Math.max(1, height - 1);
}
