import { Box, Text } from 'ink';
import { truncate } from '../view.js';

export function PromptLine({ label, text, secret, width }: { label: string; text: string; secret: boolean; width: number }) {
  const shown = secret ? '•'.repeat([...text].length) : text;
  const room = Math.max(10, width - 2);
  const visible = [...shown].length > room - 1 ? `…${[...shown].slice(-(room - 2)).join('')}` : shown;
  return (
    <Box flexDirection="column" width={width}>
      <Text dimColor wrap="truncate">{truncate(label, width)}</Text>
      <Text wrap="truncate">{'> '}{visible}<Text inverse> </Text></Text>
    </Box>
  );
}
