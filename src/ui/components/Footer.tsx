import { Text } from 'ink';
import { truncate } from '../view.js';

const HINTS = 'j/k:select r:run s:skip d:done n:note a:action h:hypotheses v:judge m:mitigated R:resolved ?:help q:quit';
const SHORT = 'j/k r:run s:skip d:done n:note a:action h:hyp v:judge ?:help q:quit';

export function Footer({ width, running }: { width: number; running: boolean }) {
  const text = running ? 'Ctrl-C:cancel the command n:note J/K:scroll ?:help' : width >= HINTS.length ? HINTS : SHORT;
  return <Text dimColor wrap="truncate">{truncate(text, width)}</Text>;
}
