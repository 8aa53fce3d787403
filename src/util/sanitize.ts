/** Making command output safe to store and show: no terminal escapes, no invisible tricks. */
import stripAnsi from 'strip-ansi';

// C0 controls except \t and \n, DEL, C1 controls; bidi overrides; zero-width; Unicode tag characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;

/** Strips ANSI/OSC escapes and control characters; a carriage return keeps what was drawn last on that line. */
export function sanitize(text: string): string {
  let out = stripAnsi(text);
  if (out.includes('\r')) out = out.split('\n').map((line) => {
    const parts = line.split('\r').filter((p) => p !== '');
    return parts.length ? parts[parts.length - 1]! : '';
  }).join('\n');
  return out.replace(CONTROL, '');
}
