import { lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { UserError, formatProblem, ExitError } from '../errors.js';
import { MAX_RUNBOOK_BYTES, parseRunbook } from '../runbook/parse.js';
import { ID_PATTERN } from '../runbook/schema.js';
import { makePrivateDir, writeFileAtomic } from '../util/atomic-write.js';
import { readSmallFile } from '../util/safe-fs.js';
import { print, printJson, type Context } from './context.js';
import { readInput } from './shared.js';

export interface ImportOptions {
  out?: string;
  id?: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

/** One input's outcome, as `--json` prints it (docs/JSON.md, "runbooks import"). */
interface ImportResult {
  source: string;
  id: string | null;
  written: string | null;
  steps: { check: number; action: number; manual: number } | null;
  parameters: number;
  matches: string | null;
  review: string[];
  error: string | null;
  yaml?: string;
}

/** Files in a folder that are about the runbooks, not runbooks: skipped, and said so. */
const NOT_RUNBOOKS = /^(readme|sources?|changelog|changes|license|licence|contributing|code_of_conduct|_?index|summary|toc|template|todo|faq)(\.[a-z]+)?\.(md|markdown)$/i;

/** `oncall runbooks import FILE.md|DIR|- ...`: Markdown runbooks → validated YAML plus a review report. */
export async function runbooksImport(ctx: Context, sourceArgs: string[] | string, opts: ImportOptions): Promise<void> {
  const sources = Array.isArray(sourceArgs) ? sourceArgs : [sourceArgs];
  if (sources.includes('-') && sources.length > 1) throw new UserError('- (standard input) cannot be mixed with files', { code: 'usage' });
  const skipped: string[] = [];
  // The id names the file written: nothing but a runbook id (no "/", no "..").
  if (opts.id !== undefined && !new RegExp(ID_PATTERN).test(opts.id)) throw new UserError(`--id ${JSON.stringify(opts.id)} is not a runbook id`, { code: 'usage', hint: 'lower-case letters, digits and dashes, e.g. --id disk-full' });
  const { importMarkdown } = await import('../import/markdown.js');
  const inputs: { name: string; text: string }[] = [];
  for (const source of sources) {
    if (source === '-') {
      const { text } = await readInput(ctx, '-', 'import');
      if (Buffer.byteLength(text) > MAX_RUNBOOK_BYTES) throw new UserError(`standard input is larger than a runbook can be (${MAX_RUNBOOK_BYTES / 1024} KiB)`, { code: 'invalidInput', hint: 'import the runbook part of it' });
      inputs.push({ name: 'stdin.md', text });
    }
    else {
      const path = resolve(ctx.cwd, source);
      let st;
      try {
        st = statSync(path);
      } catch {
        throw new UserError(`no such file or folder: ${source}`, { code: 'notFound' });
      }
      let files = [path];
      if (st.isDirectory()) {
        const md = readdirSync(path).filter((f) => /\.(md|markdown)$/i.test(f)).sort();
        for (const f of md.filter((x) => NOT_RUNBOOKS.test(x))) skipped.push(relative(ctx.cwd, join(path, f)) || f);
        files = md.filter((x) => !NOT_RUNBOOKS.test(x)).map((f) => join(path, f));
        if (files.length === 0) throw new UserError(`no Markdown runbooks in ${source}${skipped.length ? ` (skipped ${skipped.join(', ')}: not runbooks)` : ''}`, { code: 'notFound' });
      }
      for (const f of files) {
        let text: string;
        try {
          text = readSmallFile(f, { what: 'the Markdown file', maxBytes: MAX_RUNBOOK_BYTES, follow: true });
        } catch (err) {
          if (err instanceof UserError && / bytes, over the /.test(err.message)) throw new UserError(`${relative(ctx.cwd, f) || f} is larger than a runbook can be (${MAX_RUNBOOK_BYTES / 1024} KiB)`, { code: 'invalidInput', hint: 'import the runbook part of it' });
          if (err instanceof UserError) throw err;
          throw new UserError(`cannot read ${relative(ctx.cwd, f) || f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { code: 'notFound' });
        }
        // Named by its path (relative to here): two folders may hold files of the same name.
        inputs.push({ name: relative(ctx.cwd, f) || basename(f), text });
      }
    }
  }
  if (!opts.json) for (const f of skipped) ctx.stderr.write(`skipped: ${f} (not a runbook: README, CHANGELOG and the like)\n`);
  if (opts.id && inputs.length > 1) throw new UserError('--id names one runbook, but several files were given', { code: 'usage' });
  const outDir = resolve(ctx.cwd, opts.out ?? 'runbooks');
  let failed = 0;
  const results: ImportResult[] = [];
  const idsThisRun = new Map<string, string>();
  const fail = (r: ImportResult, message: string) => {
    failed++;
    results.push({ ...r, error: message });
    if (!opts.json) ctx.stderr.write(`error: ${message}\n`);
  };
  for (const input of inputs) {
    const r = importMarkdown(input.text, { file: input.name, ...(opts.id ? { id: opts.id } : {}) });
    const s = r.runbook.steps;
    const base: ImportResult = {
      source: input.name,
      id: r.runbook.id,
      written: null,
      steps: { check: s.filter((x) => x.kind === 'check').length, action: s.filter((x) => x.kind === 'action').length, manual: s.filter((x) => x.kind === 'manual').length },
      parameters: r.runbook.parameters?.length ?? 0,
      matches: r.runbook.match ? r.runbook.match[0]!.labels!.alertname ?? null : null,
      review: r.review,
      error: null,
    };
    // Whatever the importer makes must pass the same validator as a hand-written runbook.
    const check = parseRunbook(r.yaml, `${r.runbook.id}.yaml`);
    if (!check.ok) {
      const big = Buffer.byteLength(r.yaml) > MAX_RUNBOOK_BYTES;
      fail(base, big
        ? `${input.name}: the imported runbook would be ${Buffer.byteLength(r.yaml)} bytes, over the ${MAX_RUNBOOK_BYTES / 1024} KiB a runbook may be; not written`
        : `${input.name}: the imported runbook does not validate (a bug in the importer): ${formatProblem(check.problems[0]!)}`);
      continue;
    }
    const counts = `${base.steps!.check} check, ${base.steps!.action} action, ${base.steps!.manual} manual`;
    const report = [`${input.name} → ${r.runbook.id}: ${s.length} steps (${counts}), ${base.parameters} parameters${base.matches ? `, matches alertname=${base.matches}` : ''}`, ...r.review.map((x) => `  review: ${x}`)].join('\n');
    if (opts.dryRun) {
      if (opts.json) results.push({ ...base, yaml: r.yaml });
      else {
        ctx.stdout.write(r.yaml);
        ctx.stderr.write(`${report}\n`);
      }
      continue;
    }
    // Two sources that import as the same id would overwrite each other (with --force) or
    // fail confusingly: the second is refused, naming both.
    const earlier = idsThisRun.get(r.runbook.id);
    if (earlier) {
      fail(base, `${input.name} and ${earlier} both import as runbook id ${r.runbook.id}; ${input.name} not written (import it alone with --id)`);
      continue;
    }
    idsThisRun.set(r.runbook.id, input.name);
    const out = join(outDir, `${r.runbook.id}.yaml`);
    const shown = relative(ctx.cwd, out) || out;
    // lstat: a dangling symlink exists too (existsSync would say no, and rename would replace it).
    let there = true;
    try {
      lstatSync(out);
    } catch {
      there = false;
    }
    if (there && !opts.force) {
      fail(base, `${shown} exists; not overwritten (use --force, or --id to choose another id)`);
      continue;
    }
    makePrivateDir(outDir);
    writeFileAtomic(out, r.yaml);
    results.push({ ...base, written: shown });
    if (!opts.json) print(ctx, `${report}\n  written: ${shown}`);
  }
  if (opts.json) printJson(ctx, { ok: failed === 0, dry_run: Boolean(opts.dryRun), runbooks: results, skipped });
  if (failed) throw new ExitError('conflict', `${failed} of ${inputs.length} runbook${inputs.length === 1 ? '' : 's'} not written`);
}
