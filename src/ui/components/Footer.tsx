import { Text } from 'ink';
import { truncate } from '../view.js';

// Each fits the width it is chosen for; ? lists every key.
const WIDE = 'j/k:step r:run s:skip d:done n:note a:action t:timeline f:full h:hypotheses v:judge m/R:status ?:keys q:quit';
const NARROW = 'j/k r:run s:skip n:note a:act t:timeline f:full h:hyp ?:keys q:quit';
const TINY = 'r:run n:note t:timeline ?:keys q:quit';

export function Footer({ width, running, timeline, mode }: { width: number; running: boolean; timeline: boolean; mode: 'normal' | 'prompt' | 'confirm' | 'full' }) {
  const text = mode === 'full' ? 'j/k J/K g/G:scroll q/Esc/f:close'
    : mode === 'confirm' ? 'y:confirm f:full text, any other key cancels'
    : mode === 'prompt' ? 'Enter:save Esc:cancel Ctrl-U:clear'
    : running ? 'Ctrl-C:cancel the command n:note J/K:scroll f:full t:timeline ?:keys'
    : timeline ? 'j/k:entry f/Enter:open g/G:first/last t/Esc:steps ?:keys'
    : width >= WIDE.length ? WIDE : width >= NARROW.length ? NARROW : TINY;
  return <Text dimColor wrap="truncate">{truncate(text, width)}</Text>;
}
