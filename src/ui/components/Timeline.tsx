import { Box, Text } from 'ink';
import { refOf } from '../../incident/replicas.js';
import type { StoredEvent } from '../../incident/events.js';
import { foldedLines } from '../../incident/format.js';
import { timelineLine, truncate } from '../view.js';

interface Props {
  events: readonly StoredEvent[];
  /** The selected entry, or undefined to follow the newest. */
  selected: number | undefined;
  focused: boolean;
  width: number;
  height: number;
  color: boolean;
  /** You-first mode before the operator's own hypothesis: model hypotheses are not shown. */
  hideModel?: boolean;
}

// Computed for the rows on screen only, once per record.
const extra = new WeakMap<StoredEvent, number>();
function moreLines(e: StoredEvent): number {
  let n = extra.get(e);
  if (n === undefined) extra.set(e, (n = foldedLines(e)));
  return n;
}

function tone(e: StoredEvent): string | undefined {
  if (e.type === 'note.added' || e.type === 'action.recorded') return 'cyan';
  if (e.type === 'hypothesis.proposed') return 'magenta';
  if (e.type === 'status.changed') return 'green';
  if (e.type === 'step.failed') return 'red';
  return undefined;
}

/** What the log holds, newest last: one line an entry, cut with a mark; t focuses it, f opens the selected one. */
export function Timeline({ events, selected, focused, width, height, color, hideModel = false }: Props) {
  const n = events.length;
  const rows = Math.max(1, height - 1);
  const sel = selected === undefined ? n - 1 : Math.min(selected, n - 1);
  const first = Math.max(0, Math.min(sel - rows + 1 + Math.floor(rows / 3), n - rows));
  const shown = events.slice(first, first + rows);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={focused} dimColor={!focused} wrap="truncate">{truncate(`Timeline · ${n} entries${first > 0 ? ` · ${first} earlier` : ''}${focused ? ' · j/k select, f opens, t back' : ' · t: select'}`, width)}</Text>
      {shown.map((e, i) => {
        const hide = hideModel && e.type === 'hypothesis.proposed';
        const more = hide ? 0 : moreLines(e);
        const mark = more > 0 ? ` [+${more} line${more === 1 ? '' : 's'}]` : '';
        // The selection is a mark as well as inverse video, so it shows without colour too.
        const selected = focused && first + i === sel;
        const line = `${selected ? '›' : ' '}${hide ? `${e.ts.slice(11, 19)} #${refOf(e)} model: a hypothesis, hidden until you record your own (H)` : timelineLine(e)}`;
        const text = [...line].length + mark.length > width ? `${truncate(line, Math.max(4, width - mark.length))}${mark}` : `${line}${mark}`;
        return <Text key={refOf(e)} inverse={selected} color={color ? tone(e) : undefined} wrap="truncate">{text}</Text>;
      })}
    </Box>
  );
}
