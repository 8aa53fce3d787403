/**
 * The postmortem as Markdown. Everything that came from the log is neutralised: text goes
 * through mdast-util-to-markdown as a text node, which escapes only what would otherwise
 * become structure (a link, an image, HTML, a heading, emphasis), so the raw Markdown reads
 * like the note (`pg_wal`, `(critical)`, `fine!` stay as written); URLs become code spans,
 * so no link from a note, an alert or command output is live in the document.
 */
import { refOf } from '../incident/replicas.js';
import type { PhrasingContent } from 'mdast';
import { toMarkdown } from 'mdast-util-to-markdown';
import { shellQuote } from '../runbook/render.js';
import { sanitize } from '../util/sanitize.js';
import type { Entry, Postmortem } from './model.js';

// No \b: GFM links "_www.x" and "x_https://…" too, so a URL is found wherever it starts.
const URLISH = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>`]*|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/gi;

/** A code span that survives any backticks inside it. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}


const PLAIN = /^[A-Za-z0-9 ,;:'"=/+%$?^.'’→\u00C0-\u024F-]*$/;

/** Log text → inert inline Markdown (one line). */
export function md(raw: string): string {
  // The log holds no control characters; a log from elsewhere might: they never reach the document.
  const text = sanitize(raw);
  const flat = text.includes('\n') ? text.replace(/\s*\n\s*/g, ' ').trim() : text.trim();
  // Most text has nothing to escape and cannot start a list: skip the work.
  if (PLAIN.test(flat) && /^[A-Za-z\u00C0-\u024F]/.test(flat) && !/www\.|:\/\//i.test(flat)) return flat;
  const children: PhrasingContent[] = [];
  let last = 0;
  for (const m of flat.matchAll(URLISH)) {
    if (m.index! > last) children.push({ type: 'text', value: flat.slice(last, m.index) });
    children.push({ type: 'inlineCode', value: m[0] });
    last = m.index! + m[0].length;
  }
  if (last < flat.length) children.push({ type: 'text', value: flat.slice(last) });
  // As the first thing in a paragraph: a leading "#", "-", "1." or ">" is escaped, as it must
  // be wherever md() output starts a line or a list item's text.
  const out = toMarkdown({ type: 'paragraph', children }).replace(/\n$/, '');
  // A line of only "=" or "-" under a line of text is a setext heading underline: never let one stand.
  return /^[=-]+$/.test(out) ? `\\${out}` : out;
}

/** For table cells: also escape the column separator inside code spans. */
/**
 * For table cells: every "|" escaped, whatever precedes it (GFM splits cells before it reads
 * escapes, and "\\|" would be an escaped backslash then a column break).
 */
function cell(text: string): string {
  return md(text).replace(/\|/g, '\\|');
}

/** A command in a table cell: a code span, unless it holds "\\|", which no code span in a GFM table can show. */
function commandCell(command: string): string {
  return command.includes('\\|') ? cell(command) : codeSpan(command).replace(/\|/g, '\\|');
}

function hhmmss(iso: string | null): string {
  return iso ? iso.slice(11, 19) : '—';
}

export function duration(sec: number | null): string {
  if (sec === null) return '—';
  const neg = sec < 0;
  let s = Math.abs(sec);
  const d = Math.floor(s / 86400);
  s %= 86400;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const parts = d ? [`${d}d`, `${h}h`, `${m}m`] : h ? [`${h}h`, `${String(m).padStart(2, '0')}m`] : m ? [`${m}m`, `${String(r).padStart(2, '0')}s`] : [`${r}s`];
  return `${neg ? '-' : ''}${parts.join(' ')}`;
}

const PROMPTS: Record<string, [string, string]> = {
  summary: ['What happened, in one or two sentences, and for how long.', 'summary'],
  impact: ['Who and what was affected, how much, for how long (users, requests, revenue, SLO).', 'impact'],
  root_causes: ['Why it happened: the conditions that made it possible (5 whys), not who.', 'root-cause'],
  trigger: ['What set it off (a deploy, a load spike, an expiry).', 'trigger'],
  resolution: ['What stopped the bleeding and what fixed it.', 'resolution'],
  detection: ['How we found out, and how we could have found out sooner.', 'detection'],
  went_well: ['What went well.', 'went-well'],
  went_wrong: ['What went wrong.', 'went-wrong'],
  lucky: ['Where we got lucky (near misses).', 'lucky'],
};

function section(entries: Entry[], key: string): string[] {
  if (entries.length === 0) {
    const [ask, kind] = PROMPTS[key]!;
    return [`> _To be written by a human:_ ${ask} Add it with \`oncall note --kind ${kind} "..."\`.`];
  }
  return entries.map((e) => `- ${md(e.text)} _(${md(e.by)}, #${refOf(e)})_`);
}

export function renderMarkdown(pm: Postmortem): string {
  return [...renderMarkdownParts(pm)].join('');
}

// Lines gathered before a part is handed out: big enough to keep writes few, small enough
// that a 100,000-event timeline is never held whole as lines and as a document at once.
const PART_LINES = 2000;

/** The same document as renderMarkdown, in parts to write (or hash) as they come. */
export function* renderMarkdownParts(pm: Postmortem): Generator<string> {
  const L: string[] = [];
  // Parts end with the newline that joins them to the next: their concatenation is L.join('\n').
  const full = () => L.length >= PART_LINES;
  const take = () => {
    const part = `${L.join('\n')}\n`;
    L.length = 0;
    return part;
  };
  const f = pm.facts;
  L.push(`# Postmortem: ${md(pm.incident.title || 'Untitled incident')}`, '');
  L.push(`**Incident:** ${pm.incident.id} · severity ${md(pm.incident.severity)} · ${pm.incident.status}  `);
  L.push(`**Date:** ${pm.date || '—'}  `);
  L.push(`**Authors:** ${pm.authors.length ? pm.authors.map(md).join(', ') : '—'}  `);
  L.push(`**Status:** ${pm.status === 'final' ? 'Final' : 'Draft'}${pm.status === 'final' && pm.facts.times.mitigated === null && pm.facts.times.resolved === null ? ' (exported while the incident was never marked mitigated or resolved)' : ''}`);
  L.push('', `_Facts (times, durations, steps, commands, timeline) are filled from the incident log. Analysis sections come only from notes written by people; model output appears only in the hypotheses table under Supporting information._`);
  if (pm.status === 'draft' && pm.missing.length) L.push('', `_Still to write before a final export: ${pm.missing.join(', ')}._`);

  L.push('', '## Summary', '', ...section(pm.sections.summary, 'summary'));
  L.push('', '## Impact', '', ...section(pm.sections.impact, 'impact'));
  if (pm.impact_metrics.length) {
    L.push('', '| Metric | Value | From |', '| --- | --- | --- |');
    for (const m of pm.impact_metrics) L.push(`| ${cell(m.metric)} | ${cell(m.value)} | ${cell(m.by)}, #${refOf(m)} |`);
  }
  L.push('', '## Root causes', '');
  // Several root-cause notes are contributing factors, each kept; none is forced to be "the" cause.
  if (pm.sections.root_causes.length > 1) L.push(`_${pm.sections.root_causes.length} contributing factors, as the responders wrote them:_`, '');
  L.push(...section(pm.sections.root_causes, 'root_causes'));
  L.push('', '## Trigger', '', ...section(pm.sections.trigger, 'trigger'));
  L.push('', '## Resolution', '', ...section(pm.sections.resolution, 'resolution'));
  const done = f.steps.filter((s) => s.status === 'done').length;
  L.push('', `From the log: mitigated ${f.times.mitigated ? `at ${hhmmss(f.times.mitigated)} UTC` : '— (never marked)'}, resolved ${f.times.resolved ? `at ${hhmmss(f.times.resolved)} UTC` : '— (not yet)'}; ${done} of ${f.steps.length} runbook steps done, ${f.commands.length} command${f.commands.length === 1 ? '' : 's'} run, ${pm.timeline.filter((t) => t.text.startsWith('action:')).length} action(s) recorded outside the runbook.`);
  L.push('', '## Detection', '');
  if (f.alert) L.push(`From the log: alert ${md(f.alert.name)} (${f.alert.source}, ${f.alert.severity}) started at ${f.alert.started_at.slice(0, 19).replace('T', ' ')} UTC; the incident was opened at ${hhmmss(f.times.opened)} UTC, ${duration(f.durations.detect_to_open)} later.`, '');
  else L.push(`From the log: no alert was attached; the incident was opened at ${hhmmss(f.times.opened)} UTC.`, '');
  L.push(...section(pm.sections.detection, 'detection'));

  L.push('', '## Responders', '');
  if (pm.responders.length === 0) L.push('From the log: no person acted in this incident.');
  else {
    L.push('_From the log: everyone who acted, what the log shows them doing, and when they were first and last seen (UTC)._', '', '| Responder | Role | Did | First | Last | Events |', '| --- | --- | --- | --- | --- | --- |');
    for (const r of pm.responders) L.push(`| ${cell(r.name)} | ${r.roles.length ? cell(r.roles.join(', ')) : '—'} | ${r.did.join(', ') || '—'} | ${hhmmss(r.first.ts)} (#${refOf(r.first)}) | ${hhmmss(r.last.ts)} (#${refOf(r.last)}) | ${r.events} |`);
  }

  L.push('', '## Messaging', '');
  if (pm.sections.messaging.length === 0) L.push('> _To be written by a human:_ internal and status-page updates, as sent. Add each with `oncall note --kind comms "Status page: investigating elevated checkout errors"`.');
  else for (const e of pm.sections.messaging) L.push(`- ${hhmmss(e.ts)} ${md(e.text)} _(${md(e.by)}, #${refOf(e)})_`);

  L.push('', '## Action items', '');
  if (pm.action_items.length === 0) L.push('> _To be written by a human:_ what will prevent this, detect it sooner or mitigate it faster. Add each with `oncall note --kind action "Add an 80% disk alert [prevent] @alice"`.');
  else {
    L.push('| Action | Type | Owner | Tracker | Ref |', '| --- | --- | --- | --- | --- |');
    for (const a of pm.action_items) L.push(`| ${cell(a.action)} | ${a.type} | ${cell(a.owner)} | ${a.tracker ? cell(a.tracker) : '—'} | #${refOf(a)} |`);
  }

  L.push('', '## Lessons learned', '', '### What went well', '', ...section(pm.sections.lessons.went_well, 'went_well'));
  L.push('', '### What went wrong', '', ...section(pm.sections.lessons.went_wrong, 'went_wrong'));
  L.push('', '### Where we got lucky', '', ...section(pm.sections.lessons.lucky, 'lucky'));
  if (pm.sections.lessons.other.length) L.push('', '### Other lessons', '', ...pm.sections.lessons.other.map((e) => `- ${md(e.text)} _(${md(e.by)}, #${refOf(e)})_`));

  L.push('', '## Timeline', '', '_All times UTC. Each line: time, seq, actor (kind: name), what happened._');
  // Events are in log order; the alert's start goes where its time belongs (a merge, no sort).
  let day = '';
  let alertDone = !f.alert;
  const emit = (ts: string, text: string) => {
    if (ts.slice(0, 10) !== day) {
      day = ts.slice(0, 10);
      L.push('', `**${day}**`, '');
    }
    L.push(`- ${ts.slice(11, 19)} ${text}`);
  };
  for (const t of pm.timeline) {
    if (!alertDone && t.ts > f.alert!.started_at) {
      emit(f.alert!.started_at, `(alert) — **ALERT FIRED** ${md(f.alert!.name)}`);
      alertDone = true;
    }
    emit(t.ts, `#${refOf(t)} ${t.actor.kind}: ${md(t.actor.name)} — ${t.marker ? `**${t.marker}** ` : ''}${md(t.text)}`);
    if (full()) yield take();
  }
  if (!alertDone) emit(f.alert!.started_at, `(alert) — **ALERT FIRED** ${md(f.alert!.name)}`);

  L.push('', '## Supporting information', '', '### Times', '');
  L.push('| Event | Time (UTC) | Since alert | Since opened |', '| --- | --- | --- | --- |');
  const since = (a: string | null, b: string | null) => duration(a && b ? Math.round((Date.parse(b) - Date.parse(a)) / 1000) : null);
  for (const [name, t] of [['Alert fired', f.times.alert_started], ['Incident opened', f.times.opened], ['Mitigated', f.times.mitigated], ['Resolved', f.times.resolved]] as const) {
    L.push(`| ${name} | ${t ? t.slice(0, 19).replace('T', ' ') : '—'} | ${since(f.times.alert_started, t)} | ${since(f.times.opened, t)} |`);
  }
  if (f.alert) {
    L.push('', '### Alert', '', `${md(f.alert.name)} from ${f.alert.source}, severity ${f.alert.severity}. Labels:`, '');
    // Code-point order, not the locale's: the same log gives the same bytes everywhere.
    for (const [k, v] of Object.entries(f.alert.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) L.push(`- ${md(k)}: ${md(v)}`);
  }
  L.push('', '### Runbook', '');
  if (f.runbook) {
    L.push(`${md(f.runbook.title)} (${codeSpan(f.runbook.id)}, chosen by ${f.runbook.matched_by}; sha256 ${codeSpan(f.runbook.sha256.slice(0, 16))}…)`, '');
    L.push('| Step | Kind | Outcome | Reason | Ref |', '| --- | --- | --- | --- | --- |');
    for (const s of f.steps) L.push(`| ${cell(s.title)} (${codeSpan(s.id)}) | ${s.kind} | ${s.status} | ${s.reason ? cell(s.reason) : ''} | ${s.seq !== null ? `#${refOf({ seq: s.seq, ...(s.replica ? { replica: s.replica } : {}) })}` : ''} |`);
    // A step over many targets: every target, so the ones that did not succeed cannot hide.
    for (const s of f.steps.filter((x) => x.targets)) {
      const t = s.targets!;
      const ok = t.filter((x) => x.status === 'ok').length;
      L.push('', `#### Targets of ${codeSpan(s.id)}: ${ok} of ${t.length} ok`, '', '| Target | Result | Reason | Ref |', '| --- | --- | --- | --- |');
      for (const x of t) {
        L.push(`| ${codeSpan(x.target)} | ${x.status} | ${x.reason ? cell(x.reason) : ''} | ${x.seq !== null ? `#${refOf({ seq: x.seq, ...(x.replica ? { replica: x.replica } : {}) })}` : ''} |`);
        if (full()) yield take();
      }
    }
  } else L.push('No runbook was followed.');
  L.push('', '### Commands run', '');
  if (f.commands.length === 0) L.push('None.');
  else {
    L.push('| Ref | Time | Step | Command | Result | Duration |', '| --- | --- | --- | --- | --- | --- |');
    for (const c of f.commands) {
      L.push(`| #${refOf(c)} | ${hhmmss(c.ts)} | ${c.step ? codeSpan(c.step) : 'typed'} | ${commandCell(c.argv.map(shellQuote).join(' '))} | ${c.result} | ${c.duration_ms} ms |`);
      if (full()) yield take();
    }
  }
  L.push('', '### Hypotheses', '', '_Model hypotheses are suggestions; they never fill the sections above. Grounding is the tool\'s check of their citations against the log._', '');
  if (pm.hypotheses.length === 0) L.push('None recorded.');
  else {
    L.push('| Source | Hypothesis | Grounding | Verdict | Reason |', '| --- | --- | --- | --- | --- |');
    for (const h of pm.hypotheses) L.push(`| ${cell(h.source)} | ${cell(h.text)}${h.count ? ` (proposed ${h.count} times: ${h.seqs!.map((q) => `#${q}`).join(', ')})` : h.seq !== undefined ? ` (#${refOf({ seq: h.seq, ...(h.replica ? { replica: h.replica } : {}) })})` : ''} | ${h.grounding} | ${h.verdict} | ${cell(h.reason)} |`);
  }
  const g = pm.integrity;
  L.push('', '### Log integrity', '');
  L.push(`- Events: ${g.events}; chain ${g.verified ? 'verifies' : `**FAILS at seq ${g.first_bad_seq}**: ${md(g.reason ?? '')}`}`);
  // A shared incident: each replica's line below has its own head and command.
  if (!g.replicas) L.push(`- Covers seq 1..${g.events} (head hash ${codeSpan(g.head)}); \`oncall log verify --upto ${g.events}\` prints the same head, whatever was written after this export`);
  L.push(`- Log file sha256: ${codeSpan(g.log_sha256)}`);
  for (const r of g.replicas ?? []) L.push(`- Replica ${codeSpan(r.replica)}${r.origin ? ' (opened the incident)' : ''}: ${r.events} events, ${r.verified ? 'chain verifies' : `**FAILS at seq ${r.first_bad_seq}**: ${md(r.reason ?? '')}`}; head ${codeSpan(r.head)}; file sha256 ${codeSpan(r.log_sha256)}; \`oncall log verify --upto ${r.origin ? '' : `${r.replica}:`}${r.events}\``);
  L.push(`- Torn lines skipped: ${g.torn_lines.length}${g.torn_lines.length ? ` (${g.torn_lines.map((t) => `line ${t.line}, ${t.bytes} bytes`).join('; ')})` : ''}`);
  L.push('', '_Keep the head hash with this document: `oncall log verify --upto SEQ` on the same log prints the same value._', '');
  yield L.join('\n');
}
