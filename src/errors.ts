/** Named exit codes; the README lists them. Keep numbers stable: scripts depend on them. */
export const ExitCode = {
  ok: 0,
  /** A bug: an error that is not one of the typed ones below. */
  internal: 1,
  /** Bad flags or arguments. */
  usage: 2,
  /** A runbook, alert payload or config file failed validation. */
  invalidInput: 3,
  /** No such incident, runbook, step or file. */
  notFound: 4,
  /** The incident log failed verification (edited, removed or reordered lines). */
  logCorrupt: 5,
  /** The incident log could not be written durably (disk full, read-only, fsync failed, lock timeout). */
  logWrite: 6,
  /** An interactive command was run without a terminal. */
  needsTerminal: 7,
  /** The operation conflicts with the incident's state (e.g. noting on a closed incident). */
  conflict: 8,
  /** A step's command ran and failed (exit code, timeout, expect not met). */
  stepFailed: 9,
  /** Hypotheses: no Ollama server answered. */
  ollamaUnavailable: 10,
  /** Hypotheses: the model is not pulled. */
  modelMissing: 11,
  /** Hypotheses: no first token, or no complete answer, in time. */
  ollamaTimeout: 12,
  /** Hypotheses: the answer was not valid JSON for the contract (or only thinking). */
  answerMalformed: 13,
  /** Hypotheses: Ollama returned an error (400/404/500/503, an error mid-stream, a stream without done). */
  ollamaError: 14,
  /** Hypotheses: a valid answer with no hypotheses in it. */
  noHypotheses: 15,
  /** Alertmanager could not be reached, refused access, or answered with an error. */
  alertmanagerError: 16,
  /** The data home, a log or the runbook cache is unsafe to use: a symlink, not a regular file, writable by others, or on a pseudo file system. */
  unsafe: 17,
  /** Sharing: the remote could not be reached, refused the push, or git failed. */
  syncFailed: 18,
  /** Interrupted by Ctrl-C. */
  interrupted: 130,
} as const;
export type ExitCodeName = keyof typeof ExitCode;

/** An error the user can fix: printed as one line, with a hint, never a stack. */
export class UserError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, opts: { code?: ExitCodeName; hint?: string } = {}) {
    super(message);
    this.name = 'UserError';
    this.exitCode = ExitCode[opts.code ?? 'usage'];
    this.hint = opts.hint;
  }
}

/** A problem found at a place in a file (file:line:col). */
export interface Problem {
  file: string;
  line: number;
  col: number;
  /** Dotted path inside the document, when there is one. */
  path?: string;
  message: string;
  hint?: string;
}

export function formatProblem(p: Problem): string {
  const where = `${p.file}:${p.line}:${p.col}`;
  const path = p.path ? ` ${p.path}:` : '';
  const hint = p.hint ? ` (${p.hint})` : '';
  return `${where}${path} ${p.message}${hint}`;
}

/** Validation failed; carries every problem so commands can list them all. */
export class ValidationError extends UserError {
  readonly problems: Problem[];
  /** What the file is: a runbook's extra problems are listed by `runbooks validate`; a config's are all printed. */
  readonly subject: 'runbook' | 'config';
  constructor(problems: Problem[], code: ExitCodeName = 'invalidInput', subject: 'runbook' | 'config' = 'runbook') {
    const first = problems[0];
    super(first ? formatProblem(first) : 'invalid input', { code });
    this.name = 'ValidationError';
    this.problems = problems;
    this.subject = subject;
  }
}

/** The log could not be written durably. Fatal for the writer: never retried. */
export class LogWriteError extends UserError {
  constructor(message: string, hint?: string) {
    super(message, { code: 'logWrite', ...(hint ? { hint } : {}) });
    this.name = 'LogWriteError';
  }
}

/** Exit quietly with a code (the command already printed what it had to say). The message is for `--json` errors. */
export class ExitError extends Error {
  readonly exitCode: number;
  constructor(code: ExitCodeName | number, message?: string) {
    super(message ?? `exit ${code}`);
    this.name = 'ExitError';
    this.exitCode = typeof code === 'number' ? code : ExitCode[code];
  }
}

/** The name scripts see for an exit code (`ExitCode`'s key), e.g. 4 → "notFound". */
export function exitCodeName(code: number): string {
  for (const [name, n] of Object.entries(ExitCode)) if (n === code) return name;
  return 'unknown';
}

/** The one JSON object an error becomes on stderr under `--json` (docs/JSON.md, "error"). */
export interface JsonError {
  error: { code: number; name: string; message: string; hint: string | null; problems?: Problem[] };
}

export function jsonError(code: number, message: string, hint?: string, problems?: Problem[]): JsonError {
  return { error: { code, name: exitCodeName(code), message, hint: hint ?? null, ...(problems?.length ? { problems } : {}) } };
}
