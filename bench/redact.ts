/** Redaction of 10 MiB of ordinary command output, before and after the maintained rule set. */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../src/redact/index.js';
import { redact as redactBefore } from './redact-before.js';
import { median, row } from './lib.js';

export function redactBench(say: (s: string) => void, work: string): void {
  // Ordinary output of this machine, repeated to 10 MiB.
  const sample = execSync('ps aux; df -h; mount; ls -la /usr/bin /etc; cat /proc/meminfo; env | cut -c1-40 | grep -v -i -E "pass|token|secret|key"', { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell: '/bin/bash' });
  const file = join(work, 'ordinary.txt');
  let text = '';
  while (text.length < 10 * 1024 * 1024) text += sample;
  writeFileSync(file, text);
  const time = (fn: () => void) => {
    const t = performance.now();
    fn();
    return performance.now() - t;
  };
  // Output reaches the redactor as each capture's kept text: 64 KiB pieces.
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 64 * 1024) pieces.push(text.slice(i, i + 64 * 1024));
  const read: number[] = [];
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < 5; i++) {
    read.push(time(() => readFileSync(file, 'utf8')));
    before.push(time(() => pieces.forEach((p) => redactBefore(p))));
    after.push(time(() => pieces.forEach((p) => redact(p))));
  }
  say(row('10 MiB ordinary output: read the file (baseline)', `${median(read).toFixed(1)} ms`, '-', true));
  say(row('10 MiB in 64 KiB pieces: the old redactor (19 patterns)', `${median(before).toFixed(0)} ms = ${(median(before) / median(read)).toFixed(1)}x reading`, '-', true));
  const ratio = median(after) / median(before);
  say(row('10 MiB in 64 KiB pieces: secretlint preset + own rules', `${median(after).toFixed(0)} ms = ${(median(after) / median(read)).toFixed(1)}x reading = ${ratio.toFixed(2)}x the old`, '<= 2x the old', ratio <= 2));
}
