/** Cross-field rules that JSON Schema cannot state. Pure; returns every violation. */
import { MAX_RECORD_BYTES } from '../incident/events.js';
import { fullMatch, patternProblem } from './pattern.js';
import type { Runbook, Step } from './schema.js';
import { DOCUMENTED_ENV, SHELL_SET, scanShell, type ShellScan } from './shell-vars.js';
import { durationMs, envNameFor, isReservedEnv, MAX_TIMEOUT_MS, placeholdersIn } from './template.js';

import type { RuleViolation } from '../util/strict-yaml.js';

const compiles = patternProblem;

/**
 * What a command may hold. Linux takes at most 128 KiB per argument (MAX_ARG_STRLEN), and a
 * shell script is one argument of sh -c, with the parameter preamble before it.
 */
export const MAX_ARG_BYTES = 120 * 1024;
const MAX_ARGV_BYTES = 1024 * 1024;

/** What makes a command impossible to exec: a NUL (the kernel would cut the argument there), an argument or argv too large. */
function commandProblems(command: string | string[], path: (string | number)[]): RuleViolation[] {
  const out: RuleViolation[] = [];
  const args = typeof command === 'string' ? [command] : command;
  args.forEach((a, j) => {
    const at = typeof command === 'string' ? path : [...path, j];
    if (a.includes('\0')) out.push({ path: at, message: 'holds a NUL character, which no command line can carry', hint: 'remove it' });
    const bytes = Buffer.byteLength(a);
    if (bytes > MAX_ARG_BYTES) out.push({ path: at, message: `is ${bytes} bytes; one argument can be at most ${MAX_ARG_BYTES / 1024} KiB`, hint: 'move the script into a file the step runs' });
  });
  const total = args.reduce((n, a) => n + Buffer.byteLength(a) + 1, 0);
  if (total > MAX_ARGV_BYTES) out.push({ path, message: `the command is ${total} bytes; at most ${MAX_ARGV_BYTES / 1024} KiB can be passed`, hint: 'move it into a script file' });
  return out;
}

export function checkRunbookRules(rb: Runbook): RuleViolation[] {
  const out: RuleViolation[] = [];
  // The runbook is recorded whole when an incident follows it: it must fit one record.
  const bytes = Buffer.byteLength(JSON.stringify(rb));
  if (bytes > MAX_RECORD_BYTES - 16 * 1024) out.push({ path: [], message: `the runbook is ${bytes} bytes as JSON; at most ${(MAX_RECORD_BYTES - 16 * 1024) / 1024} KiB can be recorded with an incident`, hint: 'split it into several runbooks' });
  const stepIds = new Map<string, number>();
  rb.steps.forEach((s, i) => {
    if (stepIds.has(s.id)) out.push({ path: ['steps', i, 'id'], message: `duplicate step id "${s.id}" (first used by steps.${stepIds.get(s.id)})`, hint: 'give each step a unique id' });
    else stepIds.set(s.id, i);
  });
  const params = new Map<string, number>();
  (rb.parameters ?? []).forEach((p, i) => {
    if (params.has(p.name)) out.push({ path: ['parameters', i, 'name'], message: `duplicate parameter "${p.name}"`, hint: 'give each parameter a unique name' });
    else params.set(p.name, i);
    const env = envNameFor(p.name);
    if (isReservedEnv(env)) out.push({ path: ['parameters', i, 'name'], message: `parameter "${p.name}" would be the shell variable ${env}, which the shell itself reads or programs need from the environment`, hint: 'rename it, e.g. target_path' });
    const bad = compiles(p.pattern);
    if (bad) out.push({ path: ['parameters', i, 'pattern'], message: `pattern ${JSON.stringify(p.pattern)} cannot be used: ${bad}`, hint: 'write a regular expression without lookaround or backreferences, e.g. ^[a-z0-9-]+$ (runbook patterns run on RE2, in linear time)' });
    else if (p.default !== undefined && !fullMatch(p.pattern, p.default)) out.push({ path: ['parameters', i, 'default'], message: `default ${JSON.stringify(p.default)} does not match the parameter's pattern ${p.pattern}`, hint: 'fix the default or the pattern' });
  });

  const isTarget = (t: string) => t === 'end' || stepIds.has(t);
  rb.steps.forEach((s, i) => {
    for (const key of ['on_fail', 'next'] as const) {
      const t = s[key];
      if (t !== undefined && !isTarget(t)) out.push({ path: ['steps', i, key], message: `${key} points to "${t}", which is not a step id`, hint: `use one of: ${[...stepIds.keys(), 'end'].join(', ')}` });
    }
    if (s.timeout !== undefined) {
      const ms = durationMs(s.timeout);
      if (ms < 1 || ms > MAX_TIMEOUT_MS) out.push({ path: ['steps', i, 'timeout'], message: `timeout ${JSON.stringify(s.timeout)} is ${ms < 1 ? 'zero' : 'longer than 24 days'}`, hint: 'e.g. timeout: 30s' });
    }
    if (s.command !== undefined) out.push(...commandProblems(s.command, ['steps', i, 'command']));
    if (s.kind === 'manual' && s.command !== undefined) out.push({ path: ['steps', i], key: 'command', message: 'a manual step is ticked off by hand and cannot have a command', hint: 'put the text in instructions, or make the step kind: check' });
    if (typeof s.command === 'string' && s.shell !== true) out.push({ path: ['steps', i, 'command'], message: 'a command given as a string needs shell: true', hint: 'write it as an argv list, e.g. [df, -h], or add shell: true' });
    if (Array.isArray(s.command) && s.shell === true) out.push({ path: ['steps', i], key: 'shell', message: 'shell: true needs the command as one string', hint: 'write command: "df -h | sort" or drop shell: true' });
    if (typeof s.command === 'string') {
      const names = placeholdersIn(s.command);
      if (names.length) out.push({ path: ['steps', i, 'command'], message: `shell command splices parameter {{${names[0]}}} into the shell string, which allows injection`, hint: `reference it as "$${envNameFor(names[0]!)}" (the parameter arrives as a shell variable)` });
      const scan = scanShell(s.command);
      if (scan.tooDeep) out.push({ path: ['steps', i, 'command'], message: 'the script nests $( ) or ` ` more than 64 levels deep, too deep to check which parameters it uses', hint: 'simplify it, or move it into a script file the step runs' });
      const unknown = unknownIn(scan, [...params.keys()].map(envNameFor).concat(s.targets ? ['TARGET'] : []), s.environment ?? []);
      if (unknown.length) {
        const lower = unknown.find((u) => params.has(u));
        out.push({
          path: ['steps', i, 'command'],
          message: `the script reads ${unknown.map((u) => `$${u}`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} neither a parameter, set by the script, nor a documented environment variable`,
          hint: lower ? `parameter ${lower} is $${envNameFor(lower)}` : `declare a parameter, or list what it reads from your environment under environment: (e.g. environment: [${unknown[0]}])`,
        });
      }
    }
    if (s.environment !== undefined && typeof s.command !== 'string') out.push({ path: ['steps', i], key: 'environment', message: 'environment: lists what a shell script reads; this step has no shell command', hint: 'drop it, or make the command a shell string with shell: true' });
    if (Array.isArray(s.command)) {
      s.command.forEach((arg, j) => {
        for (const name of placeholdersIn(arg)) {
          if (!params.has(name) && !(name === 'target' && s.targets)) out.push({ path: ['steps', i, 'command', j], message: `{{${name}}} is not a declared parameter`, hint: params.size ? `declared: ${[...params.keys()].join(', ')}` : 'declare it under parameters:' });
        }
      });
    }
    if (s.shell !== true && s.command === undefined && s.kind !== 'manual' && s.shell !== undefined) out.push({ path: ['steps', i], key: 'shell', message: 'shell is set but there is no command' });
    if (s.targets) out.push(...targetProblems(s, i, params, new Set((rb.parameters ?? []).filter((p) => p.secret).map((p) => p.name))));
    for (const key of ['output_matches', 'output_not_matches'] as const) {
      const re = s.expect?.[key];
      const bad = re === undefined ? null : compiles(re);
      if (bad) out.push({ path: ['steps', i, 'expect', key], message: `pattern ${JSON.stringify(re)} cannot be used: ${bad}`, hint: 'runbook patterns run on RE2, in linear time: rewrite it without lookaround or backreferences' });
    }
  });

  rb.match?.forEach((m, i) => {
    if (!m.labels && !m.regex) out.push({ path: ['match', i], message: 'an empty matcher would match every alert', hint: 'add labels: {alertname: ...}' });
    for (const [label, re] of Object.entries(m.regex ?? {})) {
      const bad = compiles(re);
      if (bad) out.push({ path: ['match', i, 'regex', label], message: `pattern ${JSON.stringify(re)} cannot be used: ${bad}`, hint: 'runbook patterns run on RE2, in linear time: rewrite it without lookaround or backreferences' });
    }
  });

  const causeIds = new Set<string>();
  rb.known_causes?.forEach((c, i) => {
    if (causeIds.has(c.id)) out.push({ path: ['known_causes', i, 'id'], message: `duplicate known cause id "${c.id}"` });
    causeIds.add(c.id);
    c.signals.forEach((sig, j) => {
      if (!stepIds.has(sig.step)) out.push({ path: ['known_causes', i, 'signals', j, 'step'], message: `signal refers to step "${sig.step}", which does not exist`, hint: `use one of: ${[...stepIds.keys()].join(', ')}` });
      if (sig.output_matches === undefined && sig.outcome === undefined) out.push({ path: ['known_causes', i, 'signals', j], message: 'a signal needs output_matches or outcome', hint: 'e.g. output_matches: "OOMKilled"' });
      const bad = sig.output_matches === undefined ? null : compiles(sig.output_matches);
      if (bad) out.push({ path: ['known_causes', i, 'signals', j, 'output_matches'], message: `pattern ${JSON.stringify(sig.output_matches)} cannot be used: ${bad}`, hint: 'runbook patterns run on RE2, in linear time: rewrite it without lookaround or backreferences' });
    });
    for (const key of ['confirm', 'fix'] as const) {
      c[key]?.forEach((sid, j) => {
        if (!stepIds.has(sid)) out.push({ path: ['known_causes', i, key, j], message: `refers to step "${sid}", which does not exist` });
      });
    }
  });
  return out;
}

/** A fan-out step: one source of targets, a command that uses the target, patterns that compile. */
function targetProblems(s: Step, i: number, params: Map<string, number>, secret: Set<string>): RuleViolation[] {
  const out: RuleViolation[] = [];
  const t = s.targets!;
  const at = ['steps', i, 'targets'];
  const sources = (['from_param', 'from_label', 'from_command'] as const).filter((k) => t[k] !== undefined);
  if (sources.length !== 1) out.push({ path: at, message: sources.length ? `targets come from one place, not ${sources.join(' and ')}` : 'targets need a source: from_param, from_label or from_command', hint: 'e.g. from_label: instance' });
  if (t.from_param !== undefined && !params.has(t.from_param)) out.push({ path: [...at, 'from_param'], message: `"${t.from_param}" is not a declared parameter`, hint: params.size ? `declared: ${[...params.keys()].join(', ')}` : 'declare it under parameters:' });
  // Targets are recorded, shown and named in the plan and the postmortem: they cannot be secret.
  if (t.from_param !== undefined && secret.has(t.from_param)) out.push({ path: [...at, 'from_param'], message: `parameter ${t.from_param} is secret, and targets are recorded and shown by name`, hint: 'take targets from a parameter that is not secret' });
  if (params.has('target')) out.push({ path: [...at], message: 'a parameter named "target" would clash with the fan-out target', hint: 'rename the parameter' });
  if (s.kind === 'manual' || s.command === undefined) out.push({ path: at, message: 'targets need a command to run for each one', hint: 'give the step a command that uses {{target}} (argv) or $TARGET (shell)' });
  else {
    const uses = Array.isArray(s.command) ? s.command.some((a) => placeholdersIn(a).includes('target')) : scanShell(s.command).reads.includes('TARGET');
    if (!uses) out.push({ path: ['steps', i, 'command'], message: 'a step with targets must use its target, or every run would do the same thing', hint: Array.isArray(s.command) ? 'put {{target}} in the argv' : 'read "$TARGET" in the script' });
  }
  for (const key of ['pattern', 'match'] as const) {
    const re = t[key];
    const bad = re === undefined ? null : compiles(re);
    if (bad) out.push({ path: [...at, key], message: `pattern ${JSON.stringify(re)} cannot be used: ${bad}`, hint: 'runbook patterns run on RE2, in linear time: rewrite it without lookaround or backreferences' });
  }
  if (t.match !== undefined && t.from_command === undefined) out.push({ path: [...at, 'match'], message: 'match filters the lines of from_command; there is none', hint: 'drop it' });
  for (const key of ['from_command', 'verify'] as const) {
    const c = t[key];
    if (c === undefined) continue;
    out.push(...commandProblems(c, [...at, key]));
    // Placeholders: declared parameters, and {{target}} in verify (finding the targets has none yet).
    if (Array.isArray(c)) c.forEach((arg, j) => {
      for (const name of placeholdersIn(arg)) {
        if (!params.has(name) && !(name === 'target' && key === 'verify')) out.push({ path: [...at, key, j], message: `{{${name}}} is not ${name === 'target' ? 'known while the targets are being found' : 'a declared parameter'}`, hint: params.size ? `declared: ${[...params.keys()].join(', ')}` : 'declare it under parameters:' });
      }
    });
    if (typeof c === 'string' && placeholdersIn(c).length) out.push({ path: [...at, key], message: 'a shell string cannot splice {{...}}, which allows injection', hint: 'use "$TARGET" or the parameter\'s $NAME' });
  }
  return out;
}

/** Variables a script reads that nothing provides: not a parameter, not set by the script, not a shell or documented environment variable, not declared. */
export function unknownVariables(script: string, paramVars: readonly string[], declared: readonly string[]): string[] {
  return unknownIn(scanShell(script), paramVars, declared);
}

function unknownIn({ reads, assigns }: ShellScan, paramVars: readonly string[], declared: readonly string[]): string[] {
  const known = new Set<string>([...paramVars, ...assigns, ...SHELL_SET, ...DOCUMENTED_ENV, ...declared]);
  return reads.filter((r) => !known.has(r));
}


