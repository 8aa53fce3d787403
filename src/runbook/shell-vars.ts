/**
 * What a `shell: true` script reads and assigns: a small POSIX-shell lexer, enough to find
 * every expansion form of a variable ($NAME, ${NAME}, ${NAME%...}, ${NAME:-...}, ${#NAME},
 * "$NAME", $((NAME + 1)), and inside heredocs that expand). Text the shell never expands is
 * skipped: single quotes, $'...', comments, heredocs with a quoted delimiter. Pure.
 */

export interface ShellScan {
  /** Variables the shell expands, in order of first use. */
  reads: string[];
  /** Variables the script sets itself (NAME=, for NAME in, read NAME, export/local NAME, ${NAME:=x}). */
  assigns: string[];
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const WORD_BREAK = /[\s;&|()<>]/;
/** Words after which NAME=VALUE or NAME is an assignment. */
const DECLARERS = new Set(['export', 'local', 'readonly', 'declare', 'typeset']);

export function scanShell(script: string): ShellScan {
  const reads: string[] = [];
  const assigns: string[] = [];
  const read = (n: string) => {
    if (!reads.includes(n)) reads.push(n);
  };
  const assign = (n: string) => {
    if (!assigns.includes(n)) assigns.push(n);
  };
  const s = script;
  /** Heredocs announced on the current line: their bodies start after the next newline. */
  let heredocs: { word: string; expands: boolean; strip: boolean }[] = [];
  /** The words of the current simple command, for `read a b`, `for x in`, `export X`. */
  let words: string[] = [];
  let word = '';
  let wordStart = true;

  const nameAt = (at: number): string => {
    let j = at;
    if (j >= s.length || !NAME_START.test(s[j]!)) return '';
    while (j < s.length && NAME_CHAR.test(s[j]!)) j++;
    return s.slice(at, j);
  };

  const endWord = () => {
    if (word) words.push(word);
    word = '';
  };
  const endCommand = () => {
    endWord();
    noteCommand(words, assign);
    words = [];
  };

  /** After `$` at position i (s[i] === '$'): records what it reads, returns the index after the expansion's head. */
  const dollar = (at: number): number => {
    const c = s[at + 1];
    if (c === '{') {
      let j = at + 2;
      if (s[j] === '#' || s[j] === '!') j++;
      const n = nameAt(j);
      if (n) {
        read(n);
        const op = s.slice(j + n.length, j + n.length + 2);
        if (op === ':=' || op.startsWith('=')) assign(n);
        return j + n.length;
      }
      return at + 2;
    }
    if (c === '(' && s[at + 2] === '(') return arithmetic(at + 3);
    const n = nameAt(at + 1);
    if (n) {
      read(n);
      return at + 1 + n.length;
    }
    return at + 1;
  };

  /** $(( ... )): bare names inside are variables too. Returns the index after the closing )). */
  const arithmetic = (from: number): number => {
    let depth = 0;
    let j = from;
    while (j < s.length) {
      const c = s[j]!;
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0 && s[j + 1] === ')') return j + 2;
        depth--;
      } else if (c === '$') {
        j = dollar(j);
        continue;
      } else if (NAME_START.test(c) && (j === 0 || !NAME_CHAR.test(s[j - 1]!))) {
        const n = nameAt(j);
        read(n);
        j += n.length;
        continue;
      }
      j++;
    }
    return j;
  };

  /** Inside double quotes (or an expanding heredoc body when `until` is undefined). */
  const doubleQuoted = (from: number): number => {
    let j = from;
    while (j < s.length) {
      const c = s[j]!;
      if (c === '\\') j += 2;
      else if (c === '"') return j + 1;
      else if (c === '$') {
        if (s[j + 1] === '(' && s[j + 2] !== '(') j = code(j + 2, ')');
        else j = dollar(j);
      } else if (c === '`') j = code(j + 1, '`');
      else j++;
    }
    return j;
  };

  /** Shell code until `close` (`)` of $(...), a backtick, or the end). */
  const code = (from: number, close: string | undefined): number => {
    let j = from;
    let depth = 0;
    while (j < s.length) {
      const c = s[j]!;
      if (close === ')' && c === '(') depth++;
      if (c === close) {
        if (close !== ')' || depth === 0) {
          endCommand();
          return j + 1;
        }
        depth--;
      }
      if (c === '\\') {
        word += s.slice(j, j + 2);
        j += 2;
        wordStart = false;
        continue;
      }
      if (c === '\n') {
        endCommand();
        j++;
        wordStart = true;
        if (heredocs.length) {
          j = heredocBodies(j);
        }
        continue;
      }
      if (WORD_BREAK.test(c)) {
        if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') endCommand();
        else endWord();
        if (c === '<' && s[j + 1] === '<' && s[j + 2] !== '<') {
          j = heredocStart(j + 2);
          continue;
        }
        wordStart = true;
        j++;
        continue;
      }
      if (c === '#' && wordStart) {
        while (j < s.length && s[j] !== '\n') j++;
        continue;
      }
      wordStart = false;
      if (c === '\'') {
        const end = s.indexOf('\'', j + 1);
        word += '\'\'';
        j = end < 0 ? s.length : end + 1;
      } else if (c === '$' && s[j + 1] === '\'') {
        let k = j + 2;
        while (k < s.length && s[k] !== '\'') k += s[k] === '\\' ? 2 : 1;
        word += '\'\'';
        j = k + 1;
      } else if (c === '"') {
        word += '""';
        j = doubleQuoted(j + 1);
      } else if (c === '$') {
        if (s[j + 1] === '(' && s[j + 2] !== '(') {
          const saved = { words, word };
          words = [];
          word = '';
          j = code(j + 2, ')');
          ({ words, word } = saved);
          word += '$()';
        } else {
          const k = dollar(j);
          word += s.slice(j, k);
          j = k;
        }
      } else if (c === '`') {
        const saved = { words, word };
        words = [];
        word = '';
        j = code(j + 1, '`');
        ({ words, word } = saved);
        word += '``';
      } else {
        word += c;
        j++;
      }
    }
    endCommand();
    return j;
  };

  /** After `<<` at `from`: reads the delimiter word and queues the body. */
  const heredocStart = (from: number): number => {
    let j = from;
    const strip = s[j] === '-';
    if (strip) j++;
    while (s[j] === ' ' || s[j] === '\t') j++;
    let delim = '';
    let quoted = false;
    while (j < s.length && !/[\s;&|()<>]/.test(s[j]!)) {
      const c = s[j]!;
      if (c === '\'' || c === '"') {
        quoted = true;
        const end = s.indexOf(c, j + 1);
        delim += s.slice(j + 1, end < 0 ? s.length : end);
        j = end < 0 ? s.length : end + 1;
      } else if (c === '\\') {
        quoted = true;
        delim += s[j + 1] ?? '';
        j += 2;
      } else {
        delim += c;
        j++;
      }
    }
    if (delim) heredocs.push({ word: delim, expands: !quoted, strip });
    return j;
  };

  /** The bodies of the heredocs announced on the line just ended, from `from`. */
  const heredocBodies = (from: number): number => {
    let j = from;
    for (const h of heredocs) {
      for (;;) {
        if (j >= s.length) break;
        const nl = s.indexOf('\n', j);
        const end = nl < 0 ? s.length : nl;
        const line = s.slice(j, end);
        if ((h.strip ? line.replace(/^\t+/, '') : line) === h.word) {
          j = end + 1;
          break;
        }
        if (h.expands) {
          // Expands like double quotes, with no closing quote to stop at.
          let k = j;
          while (k < end) {
            const c = s[k]!;
            if (c === '\\') k += 2;
            else if (c === '$') k = s[k + 1] === '(' && s[k + 2] !== '(' ? code(k + 2, ')') : dollar(k);
            else if (c === '`') k = code(k + 1, '`');
            else k++;
          }
        }
        j = end + 1;
      }
    }
    heredocs = [];
    return j;
  };

  code(0, undefined);
  return { reads, assigns };
}

/** Assignments made by one simple command's words. */
function noteCommand(words: string[], assign: (n: string) => void): void {
  let k = 0;
  // Leading NAME=VALUE words (before the command, or alone).
  while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k]!)) assign(words[k++]!.split('=')[0]!);
  const cmd = words[k];
  if (cmd === undefined) return;
  const args = words.slice(k + 1);
  if (DECLARERS.has(cmd)) {
    for (const a of args) if (/^[A-Za-z_][A-Za-z0-9_]*(=|$)/.test(a)) assign(a.split('=')[0]!);
  } else if (cmd === 'for' && args[0] && /^[A-Za-z_][A-Za-z0-9_]*$/.test(args[0])) {
    assign(args[0]);
  } else if (cmd === 'read') {
    // read [-r] [-p prompt] [-d delim] NAME...: options taking a value skip it.
    for (let a = 0; a < args.length; a++) {
      const w = args[a]!;
      if (/^-[a-zA-Z]*[pdntua]$/.test(w) && w !== '-r') a++;
      else if (!w.startsWith('-') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w)) assign(w);
    }
  } else if (cmd === 'getopts' && args[1] && /^[A-Za-z_][A-Za-z0-9_]*$/.test(args[1])) {
    assign(args[1]);
  }
}

/** Shell parameters that are always there: positional and special ones are not names, but these are. */
export const SHELL_SET = ['IFS', 'PPID', 'PWD', 'OLDPWD', 'LINENO', 'OPTARG', 'OPTIND', 'RANDOM', 'SECONDS', 'REPLY', 'UID', 'EUID', 'HOSTNAME'] as const;

/**
 * Environment variables a shell step may read without declaring them: the ones every login
 * session has. Anything else a script reads is a parameter, set by the script, or listed in the
 * step's `environment:`.
 */
export const DOCUMENTED_ENV = ['HOME', 'PATH', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TERM', 'TZ'] as const;

/**
 * Names the shell itself reads (POSIX sh, dash, bash, busybox ash): a parameter may not take
 * one, even as an unexported shell variable, because it would change how the script runs.
 */
export const SHELL_READS = [
  'ENV', 'BASH_ENV', 'CDPATH', 'FCEDIT', 'HISTFILE', 'HISTSIZE', 'HISTCONTROL', 'HISTIGNORE', 'HOME', 'IFS', 'LANG', 'LC_ALL', 'LC_COLLATE', 'LC_CTYPE',
  'LC_MESSAGES', 'LC_NUMERIC', 'LC_TIME', 'LINENO', 'MAIL', 'MAILCHECK', 'MAILPATH', 'NLSPATH', 'OPTARG', 'OPTIND', 'PATH', 'PPID', 'PS1', 'PS2', 'PS3', 'PS4',
  'PWD', 'OLDPWD', 'SHELLOPTS', 'BASHOPTS', 'GLOBIGNORE', 'FUNCNEST', 'TMOUT', 'TIMEFORMAT', 'EXECIGNORE', 'POSIXLY_CORRECT', 'PROMPT_COMMAND',
  'INPUTRC', 'HOSTFILE', 'IGNOREEOF', 'CHILD_MAX', 'FIGNORE', 'SHLVL', 'RANDOM', 'SECONDS', 'REPLY', 'UID', 'EUID', 'GROUPS', 'PIPESTATUS', 'FUNCNAME',
  'HOSTNAME', 'HOSTTYPE', 'MACHTYPE', 'OSTYPE',
] as const;
