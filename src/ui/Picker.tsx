/** Choosing what to work on when `oncall start` is given nothing: resume an open incident or open one from a runbook. */
import { Box, Text, useApp, useInput } from 'ink';
import { useState } from 'react';
import { truncate } from './view.js';

export interface PickItem {
  kind: 'resume' | 'runbook' | 'none';
  id: string;
  label: string;
  detail: string;
}

/** Pure: filter by every word of the query, in order of the list. */
export function filterItems(items: readonly PickItem[], query: string): PickItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return items.filter((i) => words.every((w) => `${i.id} ${i.label} ${i.detail}`.toLowerCase().includes(w)));
}

export function Picker({ items, onPick, width, height }: { items: PickItem[]; onPick: (item: PickItem | undefined) => void; width: number; height: number }) {
  const { exit } = useApp();
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const shown = filterItems(items, query);
  const sel = Math.min(index, Math.max(0, shown.length - 1));
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) {
      onPick(undefined);
      exit();
    } else if (key.return) {
      if (shown[sel]) {
        onPick(shown[sel]);
        exit();
      }
    } else if (key.downArrow || (key.ctrl && input === 'n')) setIndex(Math.min(sel + 1, shown.length - 1));
    else if (key.upArrow || (key.ctrl && input === 'p')) setIndex(Math.max(0, sel - 1));
    else if (key.backspace || key.delete) {
      setQuery(query.slice(0, -1));
      setIndex(0);
    } else if (input && !key.ctrl && !key.tab) {
      setQuery(query + input.replace(/[\r\n]/g, ''));
      setIndex(0);
    }
  });
  const room = Math.max(3, height - 4);
  const first = Math.max(0, Math.min(sel - Math.floor(room / 2), shown.length - room));
  return (
    <Box flexDirection="column" width={width}>
      <Text bold>oncall: resume an open incident, or open a new one from a runbook</Text>
      <Text>filter: {query}<Text inverse> </Text></Text>
      {shown.slice(first, first + room).map((it, i) => (
        <Text key={`${it.kind}:${it.id}`} inverse={first + i === sel} wrap="truncate">
          {truncate(`${it.kind === 'resume' ? 'resume ' : it.kind === 'runbook' ? 'new    ' : '       '} ${it.label}  ${it.detail}`, width - 1)}
        </Text>
      ))}
      {shown.length === 0 ? <Text dimColor>nothing matches</Text> : null}
      <Text dimColor>type to filter · ↑/↓ choose · Enter open · Esc quit</Text>
    </Box>
  );
}
