import { Box, Text } from 'ink';
import type { Detail } from '../view.js';
import { clip, outputWindow, truncate } from '../view.js';

interface Props {
  detail: Detail;
  /** The output, already wrapped to `width`. */
  outLines: string[];
  scroll: number;
  width: number;
  height: number;
  color: boolean;
}

/** Rows the output gets under the head, and the head as shown (cut with a mark when taller than the pane). */
export function detailRows(detail: Detail, height: number): { head: Detail['head']; outRoom: number } {
  const headRoom = Math.max(1, height - (detail.output ? 3 : 1));
  const head = detail.head.length > headRoom ? [...detail.head.slice(0, headRoom - 1), { text: clip(detail.head.map((h) => h.text), headRoom)[headRoom - 1]!, dim: true }] : detail.head;
  return { head, outRoom: Math.max(1, height - head.length - 1) };
}

/** The selected step: title, exact command, notices, instructions, and the output of its last (or current) run. */
export function StepDetail({ detail, outLines, scroll, width, height, color }: Props) {
  const { head, outRoom } = detailRows(detail, height);
  const out = detail.output;
  const win = out ? outputWindow(outLines, outRoom, scroll) : undefined;
  return (
    <Box flexDirection="column" width={width} height={height}>
      {head.map((h, i) => <Text key={`h${i}`} bold={h.bold} dimColor={h.dim} color={color ? h.color : undefined} wrap="truncate">{h.text || ' '}</Text>)}
      {detail.olderOutput !== undefined ? <Text dimColor wrap="truncate">{truncate(`(the output of an earlier run, #${detail.olderOutput}, is in the timeline: t)`, width)}</Text> : null}
      {out ? <Text color={color ? (out.live ? 'yellow' : 'gray') : undefined} wrap="truncate">{truncate(`── ${win!.where} · ${out.title} ──`, width)}</Text> : null}
      {win?.lines.map((l, i) => <Text key={`o${i}`} wrap="truncate">{l || ' '}</Text>)}
    </Box>
  );
}
