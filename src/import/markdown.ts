/**
 * Markdown runbooks (prometheus-operator, OpenShift, GitLab, wiki pages) → runbook YAML and a
 * report of what a human should review. Pure. Works on the Markdown AST (mdast), never on
 * regexes over lines, except inside a code block, where lines are what a shell sees.
 */
import type { Code, Heading, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { toString } from 'mdast-util-to-string';
import { frontmatter } from 'micromark-extension-frontmatter';
import { parse as parseYaml, stringify } from 'yaml';
import type { Parameter, Runbook, Step } from '../runbook/schema.js';
import { classifyCommand } from '../runbook/command-safety.js';
import { isReservedEnv } from '../runbook/template.js';

export interface ImportResult {
  runbook: Runbook;
  yaml: string;
  /** What a human should look at before trusting the runbook. */
  review: string[];
}

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'zsh', 'console', 'shell-session', 'shellsession', 'terminal']);
const SUMMARY_HEADINGS = /^(meaning|overview|description|summary|about|purpose)$/i;

/** Alert labels a placeholder most often stands for. */
const LABELS = new Set(['namespace', 'pod', 'container', 'instance', 'job', 'node', 'service', 'deployment', 'daemonset', 'statefulset', 'persistentvolumeclaim', 'cluster', 'device', 'mountpoint', 'fstype', 'cronjob', 'job_name', 'endpoint', 'host']);
/** ALL-CAPS words taken as placeholders only from this list ("clearly used as such"). */
const CAPS = new Set(['POD', 'NAMESPACE', 'NODE', 'CONTAINER', 'DEPLOYMENT', 'INSTANCE', 'SERVICE', 'PVC', 'CLUSTER', 'DAEMONSET', 'STATEFULSET', 'JOB']);
/** Shell variables that are not placeholders. */
const SHELL_VARS = new Set(['HOME', 'PATH', 'USER', 'PWD', 'HOSTNAME', 'SHELL', 'IFS', 'RANDOM', 'LINENO', 'UID', 'EUID', 'PPID', 'SECONDS', 'TERM', 'LANG', 'TMPDIR', 'OLDPWD', 'REPLY', 'OPTARG', 'OPTIND', 'BASH_SOURCE']);

/**
 * Prompts a console block shows before each command. Local: `$ `, and `# ` (root) only in a
 * block with no `$ ` prompt (elsewhere "# " starts a comment). Remote, a shell or client that
 * is not this machine's: `sh-4.4# `, `[root@host ~]# `, `user@host:~$ `, `postgres=# `,
 * `mydb=> `, `mysql> `, `redis 127.0.0.1:6379> `, `test> ` (mongosh), `etcdctl> `.
 */
const LOCAL_PROMPT = /^\s*\$\s+(?=\S)/;
const ROOT_PROMPT = /^\s*#\s+(?=\S)/;
const REMOTE_PROMPT = /^\s*(?:(?:sh|bash|zsh)-[0-9.]+[#$]|\[[^\]\n]{1,80}\][#$]|[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:[^\s$#]*[$#]|[a-z_][a-z0-9_]*[=-][#>]|(?:mysql|mariadb|sqlite3?|redis|mongo|mongosh|test|admin|etcdctl|cqlsh|irb|pry)>|(?:redis\s+)?[0-9a-z.-]+:[0-9]+>|[/~][^\s#$]{0,80}\s[#$])\s+(?=\S)/i;

/** Commands that open an interactive session: what follows them in a block is typed inside it. */
const INTERACTIVE = /^\s*(sudo\s+(-u\s+\S+\s+)?)?((oc|kubectl)\s+debug\b|(docker|podman|crictl|nerdctl)\s[^\n]*\bexec\b[^\n]*\s(-it|-ti|-i\s+-t)\b|mongosh?\b(?![^\n]*--eval)[^\n]*$|gcloud\s+compute\s+ssh\b(?![^\n]*--command)[^\n]*$|psql\b(?![^\n]*\s(-c|--command|-f|--file)(\s|=))[^\n]*$|mysql\b(?![^\n]*\s(-e|--execute)(\s|=))[^\n]*$|redis-cli(\s+(-[hpanu]|-c|--user|--pass|--tls)(\s+[^-\s]\S*)?)*\s*$|(oc|kubectl)\s[^\n]*\bexec\b[^\n]*\s--\s+(sh|bash|psql|mysql|redis-cli|mongosh)\b(?![^\n]*\s-c\s)[^\n]*$|(oc|kubectl)\s+(-n\s+\S+\s+)?(rsh|exec\s+-it?)\s+\S+\s*$|(oc|kubectl)\s[^\n]*\bexec\b[^\n]*\s(-it|-ti|-i\s+-t|--stdin\s+--tty|--tty\s+--stdin)\b|ssh\s|chroot\s+\S+\s*$|su\b|sudo\s+-i|psql\s*(-[hUdp]\s*\S+\s*)*$|gitlab-psql\s*$|redis-cli\s*(-h\s+\S+\s*)?$|mysql\s*(-[uhpP]\s*\S+\s*)*$|etcdctl\s*$)/m;

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64).replace(/-+$/, '') || 'imported';
}

interface Found {
  env: string;
  label?: string;
}

/** Placeholders in a shell script, rewritten as ${NAME} environment references. */
export function rewritePlaceholders(script: string, params: Map<string, Found>): string {
  const add = (raw: string): string => {
    const env = raw.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^_+|_+$/g, '').replace(/^(\d)/, 'P_$1');
    if (!env || SHELL_VARS.has(env) || isReservedEnv(env)) return '';
    const base = env.toLowerCase().replace(/_name$/, '');
    const label = LABELS.has(base) ? base : LABELS.has(env.toLowerCase()) ? env.toLowerCase() : undefined;
    if (!params.has(env)) params.set(env, { env, ...(label ? { label } : {}) });
    return env;
  };
  let out = script.replace(/\{\{\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (m, n: string) => {
    const env = add(n);
    return env ? `\${${env}}` : m;
  });
  out = out.replace(/<([a-z][a-z0-9_-]*(?:-name|_name|name)?)>/gi, (m, n: string, off: number, all: string) => {
    // <<EOF heredocs and <(process substitution) are shell, not placeholders.
    if (all[off - 1] === '<' || /^(EOF|END)$/i.test(n)) return m;
    const env = add(n);
    return env ? `\${${env}}` : m;
  });
  out = out.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a?: string, b?: string) => {
    const name = (a ?? b)!;
    if (name !== name.toUpperCase()) return m;
    add(name);
    return m;
  });
  out = out.replace(/(^|[\s=/])([A-Z]{2,}(?:_NAME)?)(?=$|[\s/;|&)'"])/gm, (m, pre: string, word: string) => {
    if (!CAPS.has(word.replace(/_NAME$/, ''))) return m;
    const env = add(word);
    return env ? `${pre}\${${env}}` : m;
  });
  return out;
}

function headingText(h: Heading): string {
  return toString(h).replace(/\s+/g, ' ').trim();
}

export function importMarkdown(raw: string, opts: { file: string; id?: string }): ImportResult {
  // Front matter after leading HTML comments (a licence or source note) is still front matter.
  // (A tempered pattern: the lazy one backtracked exponentially over many comments.)
  const source = raw.replace(/^\uFEFF?(?:\s*<!--(?:(?!-->)[\s\S])*-->)+\s*(?=---\r?\n)/, '');
  const tree = fromMarkdown(source, { extensions: [frontmatter(['yaml'])], mdastExtensions: [frontmatterFromMarkdown(['yaml'])] }) as Root;
  const review: string[] = [];
  const slice = (n: RootContent) => source.slice(n.position!.start.offset!, n.position!.end.offset!);

  let fm: Record<string, unknown> = {};
  const first = tree.children[0];
  if (first?.type === 'yaml') {
    try {
      const v = parseYaml(first.value) as unknown;
      if (v && typeof v === 'object') fm = v as Record<string, unknown>;
    } catch {
      review.push('front matter is not valid YAML; ignored');
    }
  }
  const h1 = tree.children.find((c): c is Heading => c.type === 'heading' && c.depth === 1);
  const h1Text = h1 ? headingText(h1) : '';
  const fmAlert = [fm.alert, fm.alertname, fm.alert_name].find((x) => typeof x === 'string') as string | undefined;
  // The alert's name: the front matter, else a first heading that is one word of letters and
  // digits (KubePodCrashLooping, etcdHighFsyncDurations, in any case), else the file's name.
  const fileBase = opts.file.replace(/^.*\//, '').replace(/\.(md|markdown)$/i, '').replace(/^(prom-op|openshift|gitlab)-/i, '');
  // Mixed case with a capital after the first letter: KubePodCrashLooping, etcdHighFsyncDurations (not TODO, FAQ or Runbook).
  const oneWord = (s: string) => (/^[A-Za-z][A-Za-z0-9]{2,}$/.test(s) && /[A-Z]/.test(s.slice(1)) && /[a-z]/.test(s) ? s : undefined);
  const alertName = fmAlert ?? oneWord(h1Text) ?? oneWord(fileBase);
  const title = (typeof fm.title === 'string' && fm.title.trim()) || h1Text || opts.file.replace(/\.md$/i, '');
  const id = opts.id ?? kebab(alertName ?? title);

  // Sections: the content between headings below the title.
  interface Section { heading: string; depth: number; nodes: RootContent[] }
  const sections: Section[] = [];
  let cur: Section = { heading: '', depth: 1, nodes: [] };
  for (const node of tree.children) {
    if (node.type === 'yaml' || node === h1) continue;
    if (node.type === 'heading') {
      sections.push(cur);
      cur = { heading: headingText(node), depth: node.depth, nodes: [] };
      continue;
    }
    if (node.type === 'html' || (node.type === 'paragraph' && /^\[\[_TOC_\]\]$|^\*\*Table of Contents\*\*/.test(toString(node).trim()))) continue;
    cur.nodes.push(node);
  }
  sections.push(cur);
  // A heading whose content is all in its subsections ("## Mitigation" then "### Disaster and
  // recovery") is a parent, not an empty section: its subsections carry its name.
  const parents: { depth: number; heading: string }[] = [];
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]!;
    while (parents.length && parents[parents.length - 1]!.depth >= s.depth) parents.pop();
    const parent = parents[parents.length - 1];
    const isParent = s.heading && s.nodes.length === 0 && (sections[i + 1]?.depth ?? 0) > s.depth;
    if (parent && s.heading) s.heading = `${parent.heading}: ${s.heading}`;
    if (isParent) {
      parents.push({ depth: s.depth, heading: s.heading });
      (s as { parent?: boolean }).parent = true;
    }
  }

  const summarySection = sections.find((s) => SUMMARY_HEADINGS.test(s.heading) && s.nodes.some((n) => n.type === 'paragraph'));
  const firstPara = (summarySection ?? sections[0])?.nodes.find((n) => n.type === 'paragraph');
  const summary = (firstPara ? toString(firstPara).replace(/\s+/g, ' ').trim() : '') || title;

  const params = new Map<string, Found>();
  const steps: Step[] = [];
  const ids = new Set<string>();
  const stepId = (base: string) => {
    let s = kebab(base) || 'step';
    let n = 2;
    while (ids.has(s)) s = `${kebab(base).slice(0, 60)}-${n++}`;
    ids.add(s);
    return s;
  };

  for (const sec of sections) {
    if (sec === sections[0] && !sec.heading && sec.nodes.length === 0) continue;
    if ((sec as { parent?: boolean }).parent) continue;
    const name = sec.heading || 'Introduction';
    if (sec.nodes.length === 0) {
      if (!sec.heading) continue;
      review.push(`section "${name}" is empty in the source`);
      steps.push({ id: stepId(name), title: `${name} (empty in the source)`, kind: 'manual', instructions: 'REVIEW: this section was empty in the source runbook; fill it in or remove this step.' });
      continue;
    }
    let prose: string[] = [];
    let blocks = 0;
    // Numbered steps with commands inside ("1. Check the pods: ```…```"): each item's text and
    // blocks are taken in order, as if they were at the top level.
    const hasCode = (n: RootContent): boolean => n.type === 'code' || ('children' in n && (n.children as RootContent[]).some(hasCode));
    const expand = (nodes: RootContent[]): RootContent[] => nodes.flatMap((n) => (n.type === 'list' && hasCode(n) ? n.children.flatMap((item) => expand(item.children as RootContent[])) : [n]));
    const units = expand(sec.nodes);
    const codes = units.filter((n): n is Code => n.type === 'code');
    const flushManual = () => {
      if (!prose.length) return;
      const text = prose.join('\n\n').trim();
      prose = [];
      if (!text) return;
      const todo = /\bTODO\b/.test(text);
      if (todo) review.push(`section "${name}" has a TODO in its text`);
      steps.push({ id: stepId(name), title: name, kind: 'manual', instructions: `${todo ? 'REVIEW: the source has a TODO here.\n\n' : ''}${text}` });
    };
    for (const node of units) {
      if (node.type !== 'code') {
        prose.push(slice(node));
        continue;
      }
      blocks++;
      const lang = (node.lang ?? '').toLowerCase();
      const label = codes.length > 1 ? `${name} (${blocks})` : name;
      const before = prose.join('\n\n').trim();
      prose = [];
      const looksShell = SHELL_LANGS.has(lang) || (!lang && /^\s*(\$\s|kubectl|oc\s|sudo|systemctl|journalctl|df|du|ls|cat|grep|curl|redis-cli|psql|etcdctl)/.test(node.value));
      if (!looksShell) {
        // PromQL, SQL, LogQL, YAML…: shown to the human, never run.
        // The fence's language stays in the block, never in the step's title.
        steps.push({ id: stepId(label), title: label, kind: 'manual', instructions: `${before ? `${before}\n\n` : ''}\`\`\`${lang}\n${node.value}\n\`\`\`` });
        continue;
      }
      // Console blocks: prompted lines are commands; the other lines are the output to expect.
      // ("# " is a root prompt only in a console block; in a script it is a comment.)
      const lines = node.value.split('\n');
      const consoleLike = lang === 'console' || lang === 'shell-session' || lang === 'shellsession' || lang === 'terminal';
      const hasDollar = lines.some((l) => LOCAL_PROMPT.test(l));
      const localPrompt = (l: string) => LOCAL_PROMPT.test(l) || (consoleLike && !hasDollar && ROOT_PROMPT.test(l));
      const isPrompt = (l: string) => localPrompt(l) || REMOTE_PROMPT.test(l);
      const prompted = lines.some(isPrompt);
      const cmdLines: string[] = [];
      const output: string[] = [];
      /** Per command, the output lines shown after it (kept as what to expect). */
      const samples: { cmd: string; out: string[] }[] = [];
      /** Where the first command typed at a remote prompt (a session) is in cmdLines. */
      let remoteAt: number | undefined;
      let lastWasCommand = false;
      for (const l of lines) {
        const continued = /\\$/.test(cmdLines[cmdLines.length - 1] ?? '');
        if (isPrompt(l)) {
          const remote = !localPrompt(l);
          const cmd = l.replace(remote ? REMOTE_PROMPT : localPrompt(l) && LOCAL_PROMPT.test(l) ? LOCAL_PROMPT : ROOT_PROMPT, '');
          if (remote) remoteAt ??= cmdLines.length;
          cmdLines.push(cmd);
          samples.push({ cmd, out: [] });
          lastWasCommand = true;
        } else if (prompted && lastWasCommand && /^\s*>\s?/.test(l)) {
          // The shell's continuation prompt (PS2): a heredoc body, a loop's body.
          cmdLines.push(l.replace(/^\s*>\s?/, ''));
        } else if (prompted && continued) cmdLines.push(l);
        else if (prompted && (consoleLike || remoteAt !== undefined)) {
          lastWasCommand = false;
          if (l.trim()) {
            output.push(l);
            samples[samples.length - 1]?.out.push(l);
          }
        } else {
          cmdLines.push(l.replace(/^\s*\$\s+/, ''));
          lastWasCommand = true;
        }
      }
      while (cmdLines.length && !cmdLines[0]!.trim()) {
        cmdLines.shift();
        if (remoteAt !== undefined) remoteAt = Math.max(0, remoteAt - 1);
      }
      let script = cmdLines.join('\n').replace(/\n+$/, '').trim();
      const todo = /\bTODO\b/.test(script);
      if (!script.replace(/^#.*$/gm, '').trim()) {
        review.push(`"${label}": the code block holds no command${todo ? ' (a TODO)' : ''}`);
        steps.push({ id: stepId(label), title: label, kind: 'manual', instructions: `REVIEW: ${todo ? 'the source has a TODO here instead of a command' : 'this block had no command'}.\n\n${before ? `${before}\n\n` : ''}\`\`\`\n${node.value}\n\`\`\`` });
        continue;
      }
      script = rewritePlaceholders(script, params);
      // Go templates ({{.State.Status}}) would read as spliced parameters: keep them for a human.
      if (/\{\{/.test(script)) {
        review.push(`"${label}": holds {{ }} templating that is not a parameter; imported as a manual step`);
        steps.push({ id: stepId(label), title: label, kind: 'manual', instructions: `${before ? `${before}\n\n` : ''}Run by hand (it holds {{ }} templating):\n\n\`\`\`sh\n${script}\n\`\`\`` });
        continue;
      }
      if (remoteAt !== undefined || INTERACTIVE.test(script)) {
        // One manual step: the session command, then what is typed inside it, in order. Nothing
        // meant for the remote session ever becomes a local runnable step.
        const all = script.split('\n');
        // The opener: the last line before the first remote-prompt command, else the line that opens one.
        const at = remoteAt !== undefined ? Math.min(remoteAt, all.length) - 1 : all.findIndex((l) => INTERACTIVE.test(l));
        const opener = all.slice(0, at + 1).join('\n');
        const inner = all.slice(at + 1).filter((l) => l.trim());
        review.push(`"${label}": ${at >= 0 ? `opens an interactive session (${all[at]!.trim().split(/\s+/).slice(0, 3).join(' ')})` : 'holds commands typed at a prompt that is not this machine\'s shell'}; the ${inner.length} command${inner.length === 1 ? '' : 's'} after it ${inner.length === 1 ? 'is' : 'are'} typed inside it: imported as one manual step`);
        const expected = samples.filter((x) => x.out.length).map((x) => `\`${x.cmd.replace(/`/g, "'")}\` shows something like:\n\n\`\`\`\n${x.out.join('\n')}\n\`\`\``);
        steps.push({
          id: stepId(label), title: label, kind: 'manual',
          instructions: [before, opener.trim() ? `Open the session:\n\n\`\`\`sh\n${opener}\n\`\`\`` : 'In the session the source shows (a remote shell or a database client):', inner.length ? `Then, inside it, in order:\n\n\`\`\`sh\n${inner.join('\n')}\n\`\`\`` : '', ...expected].filter(Boolean).join('\n\n'),
        });
        continue;
      }
      const cls = classifyCommand(script);
      const notes: string[] = [];
      if (todo) {
        review.push(`"${label}": the command has a TODO`);
        notes.push('REVIEW: the source has a TODO in this command.');
      }
      if (cls === 'unknown') {
        review.push(`"${label}": could not tell whether this command changes things; imported as an action that needs confirmation`);
        notes.push('REVIEW: the importer could not classify this command; it is an action (confirmed before it runs) until you say otherwise.');
      }
      if (output.length) notes.push(`Expected output looks like:\n\n\`\`\`\n${output.join('\n')}\n\`\`\``);
      const instructions = [before, ...notes].filter(Boolean).join('\n\n');
      steps.push({
        id: stepId(label),
        title: label,
        kind: cls === 'check' ? 'check' : 'action',
        ...(instructions ? { instructions } : {}),
        command: script,
        shell: true,
        ...(cls !== 'check' ? { warning: cls === 'action' ? 'Imported command that changes things: read it before running.' : 'Imported command the importer could not classify: read it before running.' } : {}),
      });
    }
    flushManual();
  }
  if (steps.length === 0) {
    review.push('no sections or commands found; imported as a single manual step');
    steps.push({ id: 'read-the-runbook', title: title, kind: 'manual', instructions: source.slice(0, 8000) });
  }

  // A label the text names ("the `instance` label", "the pod label") is the label a parameter of that name maps to.
  const named = new Set([...source.matchAll(/\bthe\s+`?([a-z_][a-z0-9_]*)`?\s+label\b/gi)].map((m) => m[1]!.toLowerCase()));
  for (const p of params.values()) if (!p.label && named.has(p.env.toLowerCase())) p.label = p.env.toLowerCase();
  const parameters: Parameter[] = [...params.values()].filter((p) => p.env.length <= 32).map((p) => ({
    name: p.env.toLowerCase(),
    ...(p.label ? { from_label: p.label } : {}),
    pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,252}$',
  }));
  for (const p of parameters) if (!p.from_label) review.push(`parameter ${p.name} is bound to no alert label: it will be asked for`);
  for (const p of params.values()) if (p.env.length > 32) review.push(`placeholder ${p.env} is too long for a parameter name: set it in the environment yourself`);
  if (parameters.length) review.push(`parameters get a generic pattern (${parameters[0]!.pattern}): tighten it for each`);
  if (!alertName) review.push('no alert name found (front matter "alert", a one-word heading such as KubePodCrashLooping, or such a file name): the runbook matches no alert');

  const runbook: Runbook = {
    id,
    title,
    summary,
    severity: 'warning',
    tags: ['imported'],
    ...(alertName ? { match: [{ labels: { alertname: alertName } }] } : {}),
    ...(parameters.length ? { parameters } : {}),
    steps,
  };
  const header = [`# Imported from ${opts.file.replace(/\s+/g, ' ')} by \`oncall runbooks import\`.`, '# Review before relying on it:', ...(review.length ? review.map((r) => `#  - ${r.replace(/\s+/g, ' ')}`) : ['#  - nothing flagged']), ''].join('\n');
  return { runbook, yaml: `${header}${stringify(runbook, { lineWidth: 0 })}`, review };
}
