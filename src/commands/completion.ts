/**
 * `oncall completion bash|zsh|fish`: a completion script generated from the command tree, so
 * it can never list a command or flag that does not exist. Completes commands, subcommands,
 * flags, the values of flags and arguments with fixed choices, and file names for file flags.
 */
import type { Command, Option } from 'commander';

type Shell = 'bash' | 'zsh' | 'fish';

interface Node {
  path: string;
  subs: string[];
  /** Flags, long form first; `takesValue` when the flag reads the next word. */
  options: { flags: string[]; takesValue: boolean; choices: string[]; description: string }[];
  /** Choices of the first positional argument that has them. */
  argChoices: string[];
  description: string;
}

function walk(cmd: Command, path: string, out: Node[]): void {
  const options = cmd.options.map((o: Option) => ({
    flags: [o.long, o.short].filter((f): f is string => Boolean(f)),
    takesValue: o.required || o.optional,
    choices: o.argChoices ?? [],
    description: o.description,
  }));
  options.push({ flags: ['--help', '-h'], takesValue: false, choices: [], description: 'show help' });
  const argChoices = cmd.registeredArguments.find((a) => a.argChoices?.length)?.argChoices ?? [];
  const subs = cmd.commands.map((c) => c.name());
  out.push({ path, subs, options, argChoices, description: cmd.description() });
  for (const c of cmd.commands) walk(c, path ? `${path} ${c.name()}` : c.name(), out);
}

/** Single-quoted for sh and fish: no expansion inside. */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function fishQ(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function completion(program: Command, shell: Shell): string {
  const nodes: Node[] = [];
  walk(program, '', nodes);
  return shell === 'fish' ? fish(nodes) : bash(nodes, shell === 'zsh');
}

function bash(nodes: Node[], zsh: boolean): string {
  const cases = (f: (n: Node) => string) => nodes.map((n) => `    ${q(n.path)}) echo ${q(f(n))} ;;`).join('\n');
  const valueCases = nodes.flatMap((n) => n.options.filter((o) => o.takesValue).flatMap((o) => o.flags.map((f) => `    ${q(`${n.path}|${f}`)}) echo ${q(o.choices.length ? o.choices.join(' ') : '@files')} ;;`))).join('\n');
  return `# oncall completion for ${zsh ? 'zsh' : 'bash'}: eval "$(oncall completion ${zsh ? 'zsh' : 'bash'})" in your ~/.${zsh ? 'zshrc' : 'bashrc'}
${zsh ? '(( $+functions[compdef] )) || { autoload -Uz compinit && compinit -u; }\nautoload -U +X bashcompinit && bashcompinit\n' : ''}_oncall_subs() {
  case "$1" in
${cases((n) => n.subs.join(' '))}
  esac
}
_oncall_opts() {
  case "$1" in
${cases((n) => n.options.map((o) => o.flags[0]).join(' '))}
  esac
}
_oncall_args() {
  case "$1" in
${cases((n) => n.argChoices.join(' '))}
  esac
}
# What a flag takes: its choices, or @files.
_oncall_value() {
  case "$1" in
${valueCases}
  esac
}
_oncall() {
  # "path" is PATH in zsh: the command path is cmdpath.
  local cur prev cmdpath w i subs
  # \${a[@]:i:1} indexes from 0 in bash and in zsh alike.
  cur="\${COMP_WORDS[@]:$((COMP_CWORD)):1}"
  prev=""
  [ "$COMP_CWORD" -gt 0 ] && prev="\${COMP_WORDS[@]:$((COMP_CWORD-1)):1}"
  cmdpath=""
  local skip=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[@]:$i:1}"
    # The word after a flag that takes a value is that value, not a command.
    if [ -n "$skip" ]; then skip=""; continue; fi
    case "$w" in
      --*=*) continue ;;
      -*) if [ -n "$(_oncall_value "$cmdpath|$w")$(_oncall_value "|$w")" ]; then skip=1; fi; continue ;;
    esac
    subs=" $(_oncall_subs "$cmdpath") "
    case "$subs" in *" $w "*) cmdpath="\${cmdpath:+$cmdpath }$w" ;; esac
  done
  local value
  value="$(_oncall_value "$cmdpath|$prev")"
  if [ -z "$value" ] && [ -n "$cmdpath" ]; then value="$(_oncall_value "|$prev")"; fi
  if [ -n "$value" ]; then
    if [ "$value" = "@files" ]; then
      # One file name a line, kept whole even with spaces in it.
      COMPREPLY=()
      while IFS= read -r w; do COMPREPLY+=("$w"); done < <(compgen -f -- "$cur")
      type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null
    else COMPREPLY=($(compgen -W "$value" -- "$cur")); fi
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_oncall_opts "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_oncall_subs "$cmdpath") $(_oncall_args "$cmdpath")" -- "$cur"))
  fi
  return 0
}
complete -o default -F _oncall oncall
`;
}

function fish(nodes: Node[]): string {
  const lines = [
    '# oncall completion for fish: oncall completion fish > ~/.config/fish/completions/oncall.fish',
    'function __oncall_path',
    '    set -l words (commandline -opc)',
    '    set -l path ""',
    '    for w in $words[2..-1]',
    '        string match -q -- "-*" $w; and continue',
    '        if contains -- $w (__oncall_subs $path)',
    '            set path (string trim -- "$path $w")',
    '        end',
    '    end',
    '    echo $path',
    'end',
    'function __oncall_subs',
    '    switch "$argv[1]"',
    ...nodes.filter((n) => n.subs.length).map((n) => `        case ${fishQ(n.path)}\n            printf '%s\\n' ${n.subs.map(fishQ).join(' ')}`),
    '    end',
    'end',
    'complete -c oncall -f',
  ];
  for (const n of nodes) {
    const cond = `-n ${fishQ(`test (__oncall_path) = ${fishQ(n.path)}`)}`;
    const parent = nodes.find((p) => p.path === n.path);
    for (const s of parent?.subs ?? []) {
      const child = nodes.find((c) => c.path === (n.path ? `${n.path} ${s}` : s));
      lines.push(`complete -c oncall ${cond} -a ${fishQ(s)} -d ${fishQ(child?.description.slice(0, 60) ?? '')}`);
    }
    if (n.argChoices.length) lines.push(`complete -c oncall ${cond} -a ${fishQ(n.argChoices.join(' '))}`);
    for (const o of n.options) {
      const long = o.flags.find((f) => f.startsWith('--'));
      const short = o.flags.find((f) => !f.startsWith('--'));
      const value = o.takesValue ? (o.choices.length ? ` -x -a ${fishQ(o.choices.join(' '))}` : ' -r -F') : '';
      lines.push(`complete -c oncall ${cond}${long ? ` -l ${long.slice(2)}` : ''}${short ? ` -s ${short.slice(1)}` : ''}${value} -d ${fishQ(o.description.slice(0, 60))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
