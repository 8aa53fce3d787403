import { Box, Text } from 'ink';
import { groupState, processAlive } from '../../exec/group.js';
import type { IncidentState } from '../../incident/replay.js';
import type { Step } from '../../runbook/schema.js';
import type { Running } from '../state.js';
import { outputFor, reflow, shownCommand, strayRun, truncate, unfinishedRun, wrap } from '../view.js';

interface Props {
  state: IncidentState;
  step: Step | undefined;
  running: Running | undefined;
  scroll: number;
  width: number;
  height: number;
  now: number;
  color: boolean;
}

/** The selected step: title, exact command, instructions, and the output of its last (or current) run. */
export function StepDetail({ state, step, running, scroll, width, height, now, color }: Props) {
  if (!step) return <Box width={width} height={height}><Text dimColor>Nothing selected.</Text></Box>;
  const st = state.steps[step.id];
  const head: { text: string; color?: string; bold?: boolean; dim?: boolean }[] = [];
  head.push({ text: truncate(`[${step.kind}] ${step.title}  (${step.id})`, width), bold: true });
  const cmd = shownCommand(step, state.params);
  if (cmd) for (const l of wrap(`$ ${cmd}${step.shell ? '   (sh -c)' : ''}`, width, 3)) head.push({ text: l, color: 'cyan' });
  if (st?.status === 'failed' || st?.status === 'skipped') head.push({ text: truncate(`${st.status}: ${st.reason ?? ''}`, width), color: st.status === 'failed' ? 'red' : 'gray' });
  // Started in the log, but not by this screen: another terminal runs it, or its writer died mid-run.
  // The system is asked at each render (a few syscalls): the group may end while the screen is open.
  if (st?.status === 'running' && !(running && running.stepId === step.id)) {
    const check = st.process ? { group: groupState(st.process), writerAlive: processAlive(st.process.writer_pid) } : undefined;
    for (const l of wrap(unfinishedRun(st, check), width, 3)) head.push({ text: l, color: 'yellow' });
  } else if (st?.process && !(running && running.stepId === step.id) && groupState(st.process) === 'running') {
    for (const l of wrap(strayRun(st.process), width, 3)) head.push({ text: l, color: 'yellow' });
  }
  const flow = [step.next ? `next: ${step.next}` : '', step.on_fail ? `on fail: ${step.on_fail}` : ''].filter(Boolean).join('  ');
  const instrRoom = Math.max(2, Math.floor((height - head.length) * 0.4));
  const instructions = step.instructions ? wrap(reflow(step.instructions.trim()), width, instrRoom) : [];
  if (flow) instructions.push(flow);

  const live = running && (running.stepId === step.id || !running.stepId);
  const out = live
    ? { title: `running ${running.label} · ${((now - running.startedAt) / 1000).toFixed(0)} s · ${running.bytes} bytes · Ctrl-C cancels`, lines: running.tail.replace(/\n$/, '').split('\n') }
    : outputFor(state, step);
  const outRoom = Math.max(0, height - head.length - instructions.length - 1);
  let outLines: string[] = [];
  if (out) {
    const all = out.lines.flatMap((l) => wrap(l, width));
    const end = Math.max(0, all.length - scroll);
    outLines = all.slice(Math.max(0, end - (outRoom - 1)), end);
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {head.map((h, i) => <Text key={`h${i}`} bold={h.bold} color={color ? h.color : undefined} wrap="truncate">{h.text}</Text>)}
      {instructions.map((l, i) => <Text key={`i${i}`} wrap="truncate">{l}</Text>)}
      {out ? <Text color={color ? (live ? 'yellow' : 'gray') : undefined} wrap="truncate">{truncate(`── ${out.title}${scroll ? ` (scrolled ${scroll})` : ''} ──`, width)}</Text> : null}
      {outLines.map((l, i) => <Text key={`o${i}`} wrap="truncate">{l}</Text>)}
    </Box>
  );
}

