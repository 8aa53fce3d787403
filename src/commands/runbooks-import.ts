import { lstatSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { UserError, formatProblem, ExitError } from '../errors.js';
import { MAX_RUNBOOK_BYTES, parseRunbook } from '../runbook/parse.js';
import { ID_PATTERN } from '../runbook/schema.js';
import { makePrivateDir, writeFileAtomic } from '../util/atomic-write.js';
import { readSmallFile } from '../util/safe-fs.js';
import { print, type Context } from './context.js';
import { readInput } from './shared.js';

export interface ImportOptions {
  out?: string;
  id?: string;
  dryRun?: boolean;
  force?: boolean;
}

/** `oncall runbooks import FILE.md|DIR|-`: Markdown runbooks → validated YAML plus a review report. */
export async function runbooksImport(ctx: Context, source: string, opts: ImportOptions): Promise<void> {
  // The id names the file written: nothing but a runbook id (no "/", no "..").
  if (opts.id !== undefined && !new RegExp(ID_PATTERN).test(opts.id)) throw new UserError(`--id ${JSON.stringify(opts.id)} is not a runbook id`, { code: 'usage', hint: 'lower-case letters, digits and dashes, e.g. --id disk-full' });
  const { importMarkdown } = await import('../import/markdown.js');
  const inputs: { name: string; text: string }[] = [];
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
    const files = st.isDirectory() ? readdirSync(path).filter((f) => /\.(md|markdown)$/i.test(f)).sort().map((f) => join(path, f)) : [path];
    if (files.length === 0) throw new UserError(`no Markdown files in ${source}`, { code: 'notFound' });
    for (const f of files) {
      let text: string;
      try {
        text = readSmallFile(f, { what: 'the Markdown file', maxBytes: MAX_RUNBOOK_BYTES, follow: true });
      } catch (err) {
        if (err instanceof UserError && / bytes, over the /.test(err.message)) throw new UserError(`${relative(ctx.cwd, f) || f} is larger than a runbook can be (${MAX_RUNBOOK_BYTES / 1024} KiB)`, { code: 'invalidInput', hint: 'import the runbook part of it' });
        if (err instanceof UserError) throw err;
        throw new UserError(`cannot read ${relative(ctx.cwd, f) || f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { code: 'notFound' });
      }
      inputs.push({ name: basename(f), text });
    }
  }
  if (opts.id && inputs.length > 1) throw new UserError('--id names one runbook, but several files were given', { code: 'usage' });
  const outDir = resolve(ctx.cwd, opts.out ?? 'runbooks');
  let failed = 0;
  for (const input of inputs) {
    const r = importMarkdown(input.text, { file: input.name, ...(opts.id ? { id: opts.id } : {}) });
    // Whatever the importer makes must pass the same validator as a hand-written runbook.
    const check = parseRunbook(r.yaml, `${r.runbook.id}.yaml`);
    if (!check.ok) {
      failed++;
      const big = Buffer.byteLength(r.yaml) > MAX_RUNBOOK_BYTES;
      ctx.stderr.write(big
        ? `error: ${input.name}: the imported runbook would be ${Buffer.byteLength(r.yaml)} bytes, over the ${MAX_RUNBOOK_BYTES / 1024} KiB a runbook may be; not written\n`
        : `error: ${input.name}: the imported runbook does not validate (a bug in the importer): ${formatProblem(check.problems[0]!)}\n`);
      continue;
    }
    const s = r.runbook.steps;
    const counts = `${s.filter((x) => x.kind === 'check').length} check, ${s.filter((x) => x.kind === 'action').length} action, ${s.filter((x) => x.kind === 'manual').length} manual`;
    const report = [`${input.name} → ${r.runbook.id}: ${s.length} steps (${counts}), ${r.runbook.parameters?.length ?? 0} parameters${r.runbook.match ? `, matches alertname=${r.runbook.match[0]!.labels!.alertname}` : ''}`, ...r.review.map((x) => `  review: ${x}`)].join('\n');
    if (opts.dryRun) {
      ctx.stdout.write(r.yaml);
      ctx.stderr.write(`${report}\n`);
      continue;
    }
    const out = join(outDir, `${r.runbook.id}.yaml`);
    // lstat: a dangling symlink exists too (existsSync would say no, and rename would replace it).
    let there = true;
    try {
      lstatSync(out);
    } catch {
      there = false;
    }
    if (there && !opts.force) {
      failed++;
      ctx.stderr.write(`error: ${relative(ctx.cwd, out) || out} exists; not overwritten (use --force, or --id to choose another id)\n`);
      continue;
    }
    makePrivateDir(outDir);
    writeFileAtomic(out, r.yaml);
    print(ctx, `${report}\n  written: ${relative(ctx.cwd, out) || out}`);
  }
  if (failed) throw new ExitError('conflict');
}
