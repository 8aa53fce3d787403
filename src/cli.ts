/**
 * The command line. Every action lazily imports its command module so `oncall --help`
 * and quick commands never load what they do not use.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Argument, Command, CommanderError, Option } from 'commander';
import { ExitCode, ExitError, UserError, ValidationError, formatProblem, jsonError, type JsonError } from './errors.js';
import type { Context } from './commands/context.js';

declare const __ONCALL_VERSION__: string | undefined;
/** package.json's version: put in by the bundler; read from the file when running from TypeScript. */
const VERSION = typeof __ONCALL_VERSION__ === 'string' ? __ONCALL_VERSION__ : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Commander's error text, held until it can be redacted (see main). */
const pendingError = { text: '' };

function collect(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

export function buildProgram(makeContext: (runbookDirs: string[]) => Promise<Context>, out: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process): Command {
  const program = new Command('oncall')
    // Set before any subcommand is added: subcommands copy these settings when created.
    .exitOverride()
    // Commander's own errors echo what was typed (a note starting with "-----BEGIN ... KEY"):
    // they are kept here and printed, redacted, by main's error handler.
    .configureOutput({ writeOut: (s) => out.stdout.write(s), writeErr: (s) => void (pendingError.text += s), outputError: (s) => void (pendingError.text += s) })
    .description('Runbooks, an append-only incident log, and checked hypotheses from a local model, for the person holding the pager.')
    .version(VERSION, '-V, --version')
    .option('--runbooks <dir>', 'also look for runbooks in DIR (repeatable; searched first)', collect)
    .option('--debug', 'show stack traces for unexpected errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', `
Examples:
  $ oncall start --demo                          the incident screen on the shipped demo
  $ oncall open --runbook host-disk-full --param instance=db-1:9100
  $ oncall note --kind root-cause "pg_wal filled the disk: archiving was stuck"
  $ oncall export-postmortem --out pm.md

Exit codes: 0 ok, 1 internal error, 2 usage, 3 invalid input, 4 not found, 5 log verification failed,
6 log write failed, 7 needs a terminal, 8 conflict, 9 step failed, 10-15 hypotheses (unavailable,
model missing, timeout, malformed, error, none), 16 Alertmanager error, 17 unsafe data home or file,
18 sync failed, 130 interrupted. With --json, errors are one JSON object on stderr (docs/JSON.md). Docs: README.md.`);

  // The config is read before any command runs, so a bad one is reported the same way by all of them.
  const ctx = async () => {
    const c = await makeContext((program.opts().runbooks as string[]) ?? []);
    await c.config();
    return c;
  };
  // A parent's option given after a subcommand lands on the parent (commander): take the ones both define.
  const pick = (o: Record<string, unknown> | undefined, keys: string[]) => Object.fromEntries(keys.filter((k) => o?.[k] !== undefined).map((k) => [k, o![k]]));
  const examples = (cmd: Command, lines: string[]) => cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`);

  program.command('start')
    .description('the incident screen: open an incident (or resume one) and walk its runbook')
    .option('--runbook <id|file>', 'runbook to follow')
    .option('--alert <file|->', 'alert payload (Alertmanager webhook or API v2 alerts, Grafana, PagerDuty v3, Opsgenie JSON); - reads stdin')
    .option('--incident <id>', 'resume this incident')
    .option('--operator <name>', 'your name in the log (default: ONCALL_OPERATOR, config, OS user)')
    .option('--param <name=value>', 'set a runbook parameter (repeatable)', collect)
    .option('--demo', 'open a demo incident with the shipped demo runbook (harmless local commands)')
    .option('--allow-remote', 'let h send incident data to an OLLAMA_HOST that is not on this machine')
    .action(async (opts) => (await import('./commands/start.js')).start(await ctx(), opts));

  program.command('open')
    .description('open an incident without the UI and print its id')
    .option('--runbook <id|file>', 'runbook to follow')
    .option('--alert <file|->', 'alert payload (Alertmanager webhook or API v2 alerts, Grafana, PagerDuty v3, Opsgenie JSON); - reads stdin')
    .option('--from-alertmanager [url]', 'read the firing alerts from this Alertmanager (default: ALERTMANAGER_URL, config); several of one kind make one incident')
    .option('--alertname <name>', 'with --from-alertmanager: only alerts of this name')
    .option('--fingerprint <fp>', 'with --from-alertmanager: only the alert with this fingerprint')
    .option('--match <label=value>', 'with --from-alertmanager: only alerts with this label (repeatable)', collect)
    .option('--title <text>', 'incident title (default: from the alert or runbook)')
    .option('--param <name=value>', 'set a runbook parameter (repeatable)', collect)
    .option('--operator <name>', 'your name in the log')
    .option('--json', 'print {"id": ...}')
    .action(async (opts) => (await import('./commands/open.js')).open(await ctx(), opts));

  examples(program.command('role')
    .description('record that you (or --operator NAME) hold an incident role from now on; the screen\'s header shows the commander')
    .addArgument(new Argument('<role>', 'the role').choices(['commander', 'scribe', 'ops', 'comms']))
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--operator <name>', 'who takes the role (default: you)')
    .option('--json', 'machine-readable output')
    .action(async (which: string, opts) => (await import('./commands/role.js')).role(await ctx(), which, opts)), ['oncall role commander', 'oncall role comms --operator carol']);

  examples(program.command('handoff')
    .description('record a hand-off: what the next person needs to know')
    .argument('<text...>', 'what is done, what is running, what to watch')
    .requiredOption('--to <name>', 'who takes over')
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--operator <name>', 'your name in the log')
    .option('--json', 'machine-readable output')
    .action(async (text: string[], opts) => (await import('./commands/handoff.js')).handoff(await ctx(), text, opts)), ['oncall handoff --to bob "disk cleaned on db-1; replication still 40 s behind, watch pg_wal"']);

  const drill = examples(program.command('drill')
    .description('practise on a past incident or a scenario: steps replay recorded output, nothing real runs, the model is off')
    .option('--from <incident>', 'replay this recorded incident')
    .option('--scenario <file|id>', 'a scenario file, or the id of one `oncall drill list` shows')
    .option('--fast <fraction>', 'wait this fraction of each recorded duration (0 shows output at once; default 1)')
    .option('--with-model', 'allow model hypotheses (off in drills by default)')
    .option('--gm', 'with --from: show the original step by step, for whoever runs the drill')
    .option('--operator <name>', 'the trainee\'s name in the drill\'s log')
    .option('--json', 'only create the drill and print {"id"} (also without a terminal)')
    .action(async (opts) => (await import('./commands/drill.js')).drillStart(await ctx(), opts)), ['oncall drill --from 20261126-0314-k3f9', 'oncall drill --scenario pg-wal-stuck-archiver --fast 0.2', 'oncall drill --from k3f9 --gm | less', 'oncall drill end --format json']);
  drill.command('list')
    .description('the drill scenarios found (drills/ beside each runbook folder, and the shipped ones)')
    .option('--json', 'machine-readable output')
    .action(async (opts, cmd: Command) => (await import('./commands/drill.js')).drillList(await ctx(), { ...cmd.parent?.opts(), ...opts }));
  drill.command('end')
    .description('end a drill: print the debrief (the drill beside the original) and record it in the drill\'s log')
    .option('--incident <id>', 'the drill (default: the most recent one not ended)')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']))
    .option('--json', 'the same as --format json')
    .option('--operator <name>', 'your name in the log')
    .action(async (opts, cmd: Command) => (await import('./commands/drill.js')).drillEnd(await ctx(), { ...pick(cmd.parent?.opts(), ['json', 'operator']), ...opts }));

  const share = program.command('share').description('share this home\'s incidents with the team through a git remote (docs/SHARING.md)');
  examples(share.command('init')
    .description('set up sharing through REMOTE-URL (an empty repository, or the one the team shares through) and sync once')
    .argument('<remote-url>', 'any URL git can push to: git@host:team/incidents.git, https://..., a bare repository on disk')
    .option('--operator <name>', 'your name, shown with this home\'s replica id')
    .option('--json', 'machine-readable output')
    .action(async (url: string, opts) => (await import('./commands/share.js')).shareInit(await ctx(), url, opts)), ['oncall share init git@git.example.com:sre/incidents.git', 'oncall share init /srv/git/incidents.git']);
  share.command('status')
    .description('what is not on the remote yet, when the last sync succeeded, the last error')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/share.js')).shareStatus(await ctx(), opts));

  program.command('sync')
    .description('one round with the remote: push this home\'s new records, receive the others\'; exit 18 when it cannot')
    .option('--incident <id>', 'push only this incident\'s records (all incidents are still received)')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/sync.js')).sync(await ctx(), opts));

  program.command('incidents')
    .description('list incidents, newest first')
    .option('--open', 'only incidents that are not resolved')
    .option('--drills', 'list drills too (they are marked DRILL)')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/incidents.js')).incidents(await ctx(), opts));

  program.command('note')
    .description('append a note to an incident (default: the most recent open one)')
    .argument('<text...>', 'the note; - reads it from standard input')
    .option('--incident <id>', 'incident id, unique prefix or 4-letter suffix')
    .addOption(new Option('--kind <kind>', 'postmortem section this note feeds').choices(['summary', 'impact', 'trigger', 'root-cause', 'resolution', 'detection', 'lesson', 'went-well', 'went-wrong', 'lucky', 'action', 'hypothesis', 'comms', 'plain']))
    .addHelpText('after', `
Kinds: comms is an internal or status-page update (the postmortem's Messaging section).
  impact: figures as name=value are tabled: "users=1200 duration=45m errors=3.2% checkout slow"
  action: "[prevent] @alice JIRA-123 Add an 80% disk alert": type in brackets (mitigate, prevent,
          process, detect, repair, other), owner as @name or "owner: name" (default: you), a
          tracker reference (ABC-123, #123 or an issue URL).`)
    .option('--operator <name>', 'your name in the log')
    .option('--json', 'print {"incident", "seq", "hash"}')
    .action(async (text: string[], opts) => (await import('./commands/note.js')).note(await ctx(), text, opts));

  const log = program.command('log')
    .description('print an incident\'s events')
    .option('--incident <id>', 'incident id (default: the most recent incident)')
    .option('--json', 'one stored event object a line')
    .action(async (opts) => (await import('./commands/log.js')).log(await ctx(), opts));
  log.command('verify')
    .description('check the hash chain and seq numbers; exit 5 naming the first bad seq')
    .option('--incident <id>', 'incident id (default: the most recent incident)')
    .option('--upto <seq>', 'only up to this seq: the head hash a postmortem exported then states')
    .option('--json', 'machine-readable output')
    .action(async (opts, cmd: Command) => (await import('./commands/log-verify.js')).logVerify(await ctx(), { ...cmd.parent?.opts(), ...opts }));

  program.command('silence')
    .description('silence the incident\'s alert in Alertmanager: shows the matchers and duration, creates it with --yes')
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--for <duration>', 'how long, e.g. 30m or 2h')
    .option('--comment <text>', 'why (the incident id is added)')
    .option('--expire', 'end the silences this incident created')
    .option('--alertmanager <url>', 'Alertmanager (default: the one the alert came from, ALERTMANAGER_URL, config)')
    .option('--yes', 'create (or expire) it')
    .option('--operator <name>', 'your name in the log and as the silence\'s creator')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/silence.js')).silence(await ctx(), opts));

  program.command('status')
    .description('set the incident\'s status')
    .addArgument(new Argument('<status>', 'the new status').choices(['investigating', 'mitigated', 'resolved']))
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--operator <name>', 'your name in the log')
    .option('--json', 'machine-readable output')
    .action(async (to: string, opts) => (await import('./commands/status.js')).status(await ctx(), to, opts));

  const step = program.command('step').description('run, skip or tick off a runbook step without the UI (same events as the UI)');
  step.command('run')
    .description('run a step\'s command; prints what would run and needs --yes')
    .argument('<step>', 'step id')
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--yes', 'confirm running the command shown')
    .option('--param <name=value>', 'give a parameter (repeatable); secret ones are never recorded', collect)
    .option('--targets <which>', 'steps with targets: all (default), failed (the ones not ok: failed, drifted, not run) or a comma-separated list')
    .option('--operator <name>', 'your name in the log')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts) => (await import('./commands/step.js')).stepRun(await ctx(), id, opts));
  step.command('status')
    .description('a step\'s status and, for a step with targets, each target\'s result')
    .argument('<step>', 'step id')
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts) => (await import('./commands/step.js')).stepStatus(await ctx(), id, opts));
  step.command('skip')
    .description('skip a step, with a reason')
    .argument('<step>', 'step id')
    .requiredOption('--reason <text>', 'why it is skipped')
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--operator <name>', 'your name in the log')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts) => (await import('./commands/step.js')).stepSkip(await ctx(), id, opts));
  step.command('done')
    .description('mark a manual step done')
    .argument('<step>', 'step id')
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--operator <name>', 'your name in the log')
    .option('--json', 'machine-readable output')
    .action(async (id: string, opts) => (await import('./commands/step.js')).stepDone(await ctx(), id, opts));

  program.command('hypothesize')
    .description('ask a local Ollama model for hypotheses; every citation is checked, nothing is run')
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--model <name>', 'Ollama model (default: ONCALL_MODEL, config, llama3.2:3b)')
    .option('--timeout <seconds>', 'deadline for the whole answer (default 120)')
    .option('--you-first', 'record your own hypothesis before the model\'s is shown')
    .option('--mine <text>', 'your hypothesis for --you-first ("none" if you have none)')
    .option('--allow-remote', 'send incident data to an OLLAMA_HOST that is not on this machine')
    .option('--operator <name>', 'your name in the log')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/hypothesize.js')).hypothesize(await ctx(), opts));

  program.command('judge')
    .description('record a verdict on a hypothesis (human, runbook or model)')
    .argument('<target>', 'the hypothesis\'s seq, or a runbook known cause id')
    .addArgument(new Argument('<verdict>', 'the verdict').choices(['supported', 'refuted', 'dismissed']))
    .requiredOption('--reason <text>', 'why')
    .option('--incident <id>', 'incident id (default: the most recent open one)')
    .option('--operator <name>', 'your name in the log')
    .option('--json', 'machine-readable output')
    .action(async (target: string, verdict: string, opts) => (await import('./commands/judge.js')).judge(await ctx(), target, verdict, opts));

  program.command('doctor')
    .description('check the data home, the runbooks, Ollama and the model, with the fix for each problem')
    .option('--model <name>', 'model to check')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/doctor.js')).doctor(await ctx(), opts));

  program.command('export-postmortem')
    .description('a postmortem draft: facts from the log, analysis from people\'s notes')
    .option('--incident <id>', 'incident id (default: the most recent incident)')
    .addOption(new Option('--format <format>', 'md or json (default: md)').choices(['md', 'json']))
    .option('--json', 'the same as --format json')
    .option('--out <file>', 'write to FILE atomically instead of stdout')
    .option('--final', 'refuse unless the incident was mitigated or resolved, Summary, Impact, Root causes and Action items are written and the log verifies; records the export')
    .option('--allow-open', 'with --final: export an incident never mitigated or resolved (the document says so)')
    .option('--operator <name>', 'your name in the log (for --final)')
    .option('--share', 'with --final on a shared home: commit the document beside the logs in the incident repository (review it where the team reviews code)')
    .action(async (opts) => (await import('./commands/export-postmortem.js')).exportPostmortem(await ctx(), opts));

  const runbooks = program.command('runbooks').description('list, check and show runbooks');
  runbooks.command('list')
    .description('runbooks on the search path (--runbooks, ONCALL_RUNBOOKS, config, ./runbooks, shipped)')
    .option('--json', 'machine-readable output')
    .action(async (opts) => (await import('./commands/runbooks-list.js')).runbooksList(await ctx(), opts));
  runbooks.command('validate')
    .description('check runbook files or folders (default: the search path); lists every problem, exit 3 if any')
    .argument('[path...]', 'files or folders')
    .option('--json', 'machine-readable output')
    .action(async (paths: string[], opts) => (await import('./commands/runbooks-validate.js')).runbooksValidate(await ctx(), paths, opts));
  runbooks.command('import')
    .description('convert Markdown runbooks into runbook YAML that validates, with a report of what to review')
    .argument('<source...>', '.md files, folders of them, or - for stdin')
    .option('--out <dir>', 'where to write (default ./runbooks)')
    .option('--id <id>', 'the runbook id (one file only)')
    .option('--dry-run', 'print the YAML and the report; write nothing')
    .option('--force', 'overwrite an existing runbook file')
    .option('--json', 'the report (and with --dry-run the YAML) as JSON')
    .action(async (sources: string[], opts) => (await import('./commands/runbooks-import.js')).runbooksImport(await ctx(), sources, opts));
  runbooks.command('show')
    .description('print a runbook')
    .argument('<id|file>', 'runbook id or file')
    .option('--json', 'the parsed runbook as JSON')
    .action(async (ref: string, opts) => (await import('./commands/runbooks-show.js')).runbooksShow(await ctx(), ref, opts));

  program.command('completion')
    .description('print a shell completion script: eval "$(oncall completion bash)"')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: string) => void out.stdout.write((await import('./commands/completion.js')).completion(program, shell as 'bash' | 'zsh' | 'fish')));

  const sub = (path: string) => path.split(' ').reduce((c, n) => c.commands.find((x) => x.name() === n)!, program);
  examples(sub('start'), ['oncall start --demo', 'oncall start --runbook host-disk-full --alert alert.json', 'oncall start --incident 7k2q   # resume']);
  examples(sub('open'), ['oncall open --runbook host-disk-full --param instance=db-1:9100', 'curl -s "$AM/api/v2/alerts" | oncall open --alert -', 'oncall open --from-alertmanager http://127.0.0.1:9093 --alertname HostDiskFull --json']);
  examples(sub('note'), ['oncall note "restarted the api pods"', 'oncall note --kind impact "users=1200 duration=45m"', 'kubectl describe pod api-0 | oncall note -']);
  examples(sub('step run'), ['oncall step run check-disk             # shows the command, runs nothing', 'oncall step run check-disk --yes --param mountpoint=/var', 'oncall step run restart-pods --targets failed --yes   # only the targets not ok']);
  examples(sub('hypothesize'), ['oncall hypothesize', 'oncall hypothesize --you-first --mine "WAL archiving is stuck"', 'oncall hypothesize --json | jq \'.hypotheses[].grounding\'']);
  examples(sub('export-postmortem'), ['oncall export-postmortem > pm.md', 'oncall export-postmortem --final --out pm.md', 'oncall export-postmortem --json | jq .timeline']);
  examples(sub('runbooks import'), ['oncall runbooks import wiki/disk-full.md --dry-run', 'oncall runbooks import wiki/ --out runbooks/']);
  examples(sub('silence'), ['oncall silence --for 2h --comment "disk being cleaned"', 'oncall silence --for 2h --yes', 'oncall silence --expire --yes']);
  examples(sub('log verify'), ['oncall log verify', 'oncall log verify --incident 7k2q --json']);

  return program;
}

/** Entry point used by bin/oncall.js. Returns the exit code it set. */
export async function main(argv: string[], overrides: Partial<Context> = {}): Promise<number> {
  const stderr = overrides.stderr ?? process.stderr;
  const debug = argv.includes('--debug');
  // `oncall help step run` is `oncall step run --help` (commander's help command takes one name).
  if (argv[2] === 'help' && argv.length > 4) argv = [argv[0]!, argv[1]!, ...argv.slice(3), '--help'];
  const json = wantsJson(argv);
  // `oncall log | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  // This module is the bundle's entry (dist/cli.js) or src/cli.ts: either way the package root is one up.
  const packageRoot = fileURLToPath(new URL('..', import.meta.url));
  const program = buildProgram(
    async (runbookDirs) => (await import('./commands/context.js')).defaultContext({ runbookDirs, packageRoot, ...overrides }),
    { stdout: overrides.stdout ?? process.stdout, stderr },
  );
  let code: number = ExitCode.ok;
  try {
    await program.parseAsync(argv);
    if (pendingError.text) await flushPending(stderr);
  } catch (err) {
    // Error text can echo input (a secret pasted as an argument): it goes through the
    // redactor, loaded only now so the commands that succeed never pay for it.
    const { redact } = await import('./redact/index.js');
    const { sanitize } = await import('./util/sanitize.js');
    const clean = { write: (s: string) => stderr.write(redact(sanitize(s))) };
    if (json) {
      const { code: c, error } = errorAsJson(err, pendingError.text);
      pendingError.text = '';
      code = c;
      if (error) stderr.write(`${redact(sanitize(JSON.stringify(error)))}\n`);
      if (debug && (err as Error)?.stack) clean.write(`${(err as Error).stack}\n`);
    } else {
      if (pendingError.text) clean.write(pendingError.text);
      pendingError.text = '';
      code = handleError(err, clean, debug);
    }
  }
  process.exitCode = code;
  return code;
}

async function flushPending(stderr: NodeJS.WritableStream): Promise<void> {
  const { redact } = await import('./redact/index.js');
  stderr.write(redact(pendingError.text));
  pendingError.text = '';
}

/** --json (or --format json) anywhere before a lone "--": errors then go out as JSON. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  const args = end < 0 ? argv.slice(2) : argv.slice(2, end);
  return args.some((a, i) => a === '--json' || a === '--format=json' || (a === '--format' && args[i + 1] === 'json'));
}

/** The exit code and the one JSON object (docs/JSON.md, "error") for an error; none for help and --version. */
function errorAsJson(err: unknown, commanderText: string): { code: number; error?: JsonError } {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return { code: ExitCode.ok };
    const first = (commanderText.split('\n').find((l) => l.trim()) ?? err.message).replace(/^error: /, '');
    return { code: ExitCode.usage, error: jsonError(ExitCode.usage, first, 'run with --help for usage') };
  }
  if (err instanceof ExitError) return { code: err.exitCode, error: jsonError(err.exitCode, err.message) };
  if (err instanceof ValidationError) return { code: err.exitCode, error: jsonError(err.exitCode, err.problems[0] ? formatProblem({ ...err.problems[0], hint: undefined }) : err.message, err.problems[0]?.hint, err.problems) };
  if (err instanceof UserError) return { code: err.exitCode, error: jsonError(err.exitCode, err.message, err.hint) };
  const e = err as Error;
  return { code: ExitCode.internal, error: jsonError(ExitCode.internal, `internal error: ${e?.message ?? String(err)}`, 'this is a bug; run again with --debug for the stack') };
}

function handleError(err: unknown, stderr: { write(s: string): unknown }, debug: boolean): number {
  if (err instanceof CommanderError) {
    // Commander already said what was wrong (printed above); help and version are not errors.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof ExitError) return err.exitCode;
  if (err instanceof ValidationError) {
    // A config is short: every problem in it. A runbook's others are listed by `runbooks validate`.
    if (err.subject === 'config') for (const p of err.problems) stderr.write(`error: config: ${formatProblem(p)}\n`);
    else stderr.write(`error: ${formatProblem(err.problems[0]!)}${err.problems.length > 1 ? ` (+${err.problems.length - 1} more; run \`oncall runbooks validate ${err.problems[0]!.file}\`)` : ''}\n`);
    return err.exitCode;
  }
  if (err instanceof UserError) {
    stderr.write(`error: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
    if (debug && err.stack) stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  stderr.write(`oncall: internal error: ${e?.message ?? String(err)}${debug ? '' : ' (this is a bug; run again with --debug for the stack)'}\n`);
  if (debug && e?.stack) stderr.write(`${e.stack}\n`);
  return ExitCode.internal;
}
