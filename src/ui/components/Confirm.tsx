import { Box, Text } from 'ink';
import type { ConfirmView } from '../state.js';
import { clip, wrap } from '../view.js';

/** The rows of a confirm box in `height` rows: the warning first, then the rest, each cut with a mark. Pure. */
export function confirmRows(confirm: ConfirmView, width: number, height: number): { border: boolean; body: string[]; warning: string[] } {
  // Borders go first when rows are short: the words matter more than the frame.
  const border = height >= 12;
  const inner = Math.max(10, width - (border ? 4 : 0));
  const room = Math.max(1, height - (border ? 2 : 0) - 2);
  let warning = confirm.warning ? wrap(`! ${confirm.warning}`, inner) : [];
  const all = confirm.lines.map((l) => wrap(l, inner));
  const total = all.reduce((n, l) => n + l.length, 0);
  // The warning is whole whenever it fits with one row left for the rest.
  if (warning.length > room - (total ? 1 : 0)) warning = clip(warning, Math.max(1, room - (total ? 1 : 0)), 'f: full text');
  const bodyRoom = room - warning.length;
  let body: string[];
  if (total <= bodyRoom) body = all.flat();
  else {
    // The command line gives way first: the cwd, timeout and variables keep their rows.
    const rest = all.slice(1).flat();
    body = rest.length + 1 <= bodyRoom ? [...clip(all[0] ?? [], bodyRoom - rest.length, 'f: full text'), ...rest] : clip(all.flat(), bodyRoom, 'f: full text');
  }
  return { border, body, warning };
}

/** Fits `height` rows. The warning is shown whole unless the terminal is too small for it; the other lines give way first, each cut with a mark, and `f` shows everything. */
export function Confirm({ confirm, width, height, color }: { confirm: ConfirmView; width: number; height: number; color: boolean }) {
  const { border, body, warning } = confirmRows(confirm, width, height);
  return (
    <Box flexDirection="column" alignSelf="flex-start" {...(border ? { borderStyle: 'double' as const, borderColor: color ? 'yellow' : undefined, paddingX: 1 } : {})} width={width}>
      <Text bold wrap="truncate">{confirm.title ?? 'Run this command?'}</Text>
      {body.map((l, i) => <Text key={i} wrap="truncate">{l || ' '}</Text>)}
      {warning.map((l, i) => <Text key={`w${i}`} color={color ? 'red' : undefined} bold wrap="truncate">{l}</Text>)}
      <Text bold wrap="truncate">{confirm.title ? 'y: confirm · f: full text · any other key cancels' : 'y: run it · f: full text · any other key cancels'}</Text>
    </Box>
  );
}
