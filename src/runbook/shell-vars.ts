/**
 * What a `shell: true` script reads and assigns: a small POSIX-shell lexer, enough to find
 * every expansion form of a variable ($NAME, ${NAME}, ${NAME%...}, ${NAME:-...}, ${#NAME},
 * "$NAME", $((NAME + 1)), (( NAME )), let NAME, and inside heredocs that expand). Text
 * the shell never expands is skipped: single quotes, $'...', comments, quoted heredocs. Pure,
 * linear in the script's length, and bounded in nesting: a script it cannot follow is
 * reported as such rather than crashing or hanging.
 */

export interface ShellScan {
  /** Variables the shell expands, in order of first use. */
  reads: string[];
  /** Variables the script sets itself (NAME=, for NAME in, read NAME, export/local NAME, ${NAME:=x}). */
  assigns: string[];
  /** Set when the script nests deeper than the lexer follows: what it found is incomplete. */
  tooDeep?: boolean;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const WORD_BREAK = /[\s;&|()<>]/;
/** Words after which NAME=VALUE or NAME is an assignment. */
const DECLARERS = new Set(['export', 'local', 'readonly', 'declare', 'typeset']);
/** Reserved words and prefixes before the command word of a simple command. */
const PREFIX_WORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '{', '}', '!', 'time', 'case', 'esac', 'in']);
/** How deeply $( "$( ... )" ) may nest before the lexer stops following. */
const MAX_DEPTH = 64;

export function scanShell(script: string): ShellScan {
  const reads = new Set<string>();
  const assigns = new Set<string>();
  let tooDeep = false;
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
    noteCommand(words, (n) => assigns.add(n), (n) => reads.add(n));
    words = [];
  };

  /** After `$` at `at`: records what it reads; returns the index after the expansion's head. */
  const dollar = (at: number, depth: number): number => {
    const c = s[at + 1];
    if (c === '{') {
      let j = at + 2;
      if (s[j] === '#' || s[j] === '!') j++;
      const n = nameAt(j);
      if (n) {
        reads.add(n);
        const op = s.slice(j + n.length, j + n.length + 2);
        if (op === ':=' || op.startsWith('=')) assigns.add(n);
        return j + n.length;
      }
      return at + 2;
    }
    if (c === '(' && s[at + 2] === '(') return arithmetic(at + 3, depth + 1);
    const n = nameAt(at + 1);
    if (n) {
      reads.add(n);
      return at + 1 + n.length;
    }
    return at + 1;
  };

  /** $(( ... )): bare names inside are variables too; $(...) inside is code. Returns the index after the closing )). */
  const arithmetic = (from: number, depth: number): number => {
    if (depth > MAX_DEPTH) {
      tooDeep = true;
      return s.length;
    }
    let paren = 0;
    let j = from;
    while (j < s.length) {
      const c = s[j]!;
      if (c === '(') paren++;
      else if (c === ')') {
        if (paren === 0 && s[j + 1] === ')') return j + 2;
        paren--;
      } else if (c === '$') {
        j = s[j + 1] === '(' && s[j + 2] !== '(' ? code(j + 2, ')', depth + 1) : dollar(j, depth);
        continue;
      } else if (c === '`') {
        j = code(j + 1, '`', depth + 1);
        continue;
      } else if (c === '#' && /[0-9]/.test(s[j - 1] ?? '')) {
        // 16#ff: a number in another base, not a name.
        j++;
        while (j < s.length && NAME_CHAR.test(s[j]!)) j++;
        continue;
      } else if (NAME_START.test(c) && (j === 0 || !NAME_CHAR.test(s[j - 1]!))) {
        const n = nameAt(j);
        reads.add(n);
        j += n.length;
        continue;
      }
      j++;
    }
    return j;
  };

  /** Inside double quotes. */
  const doubleQuoted = (from: number, depth: number): number => {
    let j = from;
    while (j < s.length) {
      const c = s[j]!;
      if (c === '\\') j += 2;
      else if (c === '"') return j + 1;
      else if (c === '$') j = s[j + 1] === '(' && s[j + 2] !== '(' ? code(j + 2, ')', depth + 1) : dollar(j, depth);
      else if (c === '`') j = code(j + 1, '`', depth + 1);
      else j++;
    }
    return j;
  };

  /** Shell code until `close` (`)` of $(...), a backtick, or the end). */
  const code = (from: number, close: string | undefined, depth: number): number => {
    if (depth > MAX_DEPTH) {
      tooDeep = true;
      return s.length;
    }
    const saved = { words, word };
    if (close) {
      words = [];
      word = '';
    }
    let j = from;
    let paren = 0;
    const done = (at: number) => {
      endCommand();
      if (close) ({ words, word } = saved);
      return at;
    };
    while (j < s.length) {
      const c = s[j]!;
      if (close === ')' && c === '(') paren++;
      if (c === close) {
        if (close !== ')' || paren === 0) return done(j + 1);
        paren--;
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
        if (heredocs.length) j = heredocBodies(j, depth);
        continue;
      }
      if (c === '(' && s[j + 1] === '(' && wordStart) {
        // (( ... )) arithmetic command.
        j = arithmetic(j + 2, depth + 1);
        continue;
      }
      if (WORD_BREAK.test(c)) {
        if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') endCommand();
        else endWord();
        if (c === '<' && s[j + 1] === '<') {
          // <<< is a here-string (a word follows); << starts a heredoc.
          if (s[j + 2] === '<') {
            j += 3;
            continue;
          }
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
        j = doubleQuoted(j + 1, depth);
      } else if (c === '$') {
        if (s[j + 1] === '(' && s[j + 2] !== '(') {
          j = code(j + 2, ')', depth + 1);
          word += '$()';
        } else {
          const k = dollar(j, depth);
          word += s.slice(j, k);
          j = k;
        }
      } else if (c === '`') {
        j = code(j + 1, '`', depth + 1);
        word += '``';
      } else {
        word += c;
        j++;
      }
    }
    return done(j);
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
  const heredocBodies = (from: number, depth: number): number => {
    // Taken off the queue first: code inside a body never reprocesses them.
    const queue = heredocs;
    heredocs = [];
    let j = from;
    for (const h of queue) {
      while (j < s.length) {
        const nl = s.indexOf('\n', j);
        const end = nl < 0 ? s.length : nl;
        const line = s.slice(j, end);
        if ((h.strip ? line.replace(/^\t+/, '') : line) === h.word) {
          j = end + 1;
          break;
        }
        let k = j;
        if (h.expands) {
          // Expands like double quotes, with no closing quote to stop at.
          while (k < end) {
            const c = s[k]!;
            if (c === '\\') k += 2;
            else if (c === '$') k = s[k + 1] === '(' && s[k + 2] !== '(' ? code(k + 2, ')', depth + 1) : dollar(k, depth);
            else if (c === '`') k = code(k + 1, '`', depth + 1);
            else k++;
          }
        }
        // A substitution may run past the line's end: never go back.
        j = Math.max(k, end) + 1;
      }
    }
    return j;
  };

  code(0, undefined, 0);
  return { reads: [...reads], assigns: [...assigns], ...(tooDeep ? { tooDeep } : {}) };
}

/** Assignments (and `let` reads) made by one simple command's words. */
function noteCommand(all: string[], assign: (n: string) => void, read: (n: string) => void): void {
  let k = 0;
  // Reserved words and NAME=VALUE words come before the command word.
  for (;;) {
    const w = all[k];
    if (w === undefined) return;
    if (PREFIX_WORDS.has(w)) k++;
    else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) assign(all[k++]!.split('=')[0]!);
    else break;
  }
  const cmd = all[k]!;
  const args = all.slice(k + 1);
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
  } else if (cmd === 'let') {
    // let x=NAME+1: names on both sides.
    for (const a of args) for (const n of a.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) {
      if (a.startsWith(`${n}=`)) assign(n);
      else read(n);
    }
  }
}

/**
 * Whether `name` occurs in the script as a whole word anywhere (quotes and comments
 * included). A parameter whose name appears so is treated as used even where the lexer
 * cannot follow (eval, sh -c '...', an indirect ${!ref}): the safe side of failing closed.
 */
export function mentions(script: string, name: string): boolean {
  return new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`).test(script);
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
