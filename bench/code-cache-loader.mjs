// Node 20 has no module compile cache. This loader answers whether a V8 code cache for the
// bundle would help there: it loads dist/cli.js and its chunks as vm.SourceTextModules, with
// cached data from an earlier run when there is one, and saves fresh cached data on exit.
// Run: node --experimental-vm-modules bench/code-cache-loader.mjs CACHE_DIR oncall-args...
// A measurement tool only (it needs an experimental flag): the shipped launcher never uses it.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const [cacheDir, ...args] = process.argv.slice(2);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(cacheDir, { recursive: true });
const modules = new Map();
const made = [];

async function external(specifier) {
  const ns = await import(specifier);
  const names = Object.keys(ns);
  const m = new vm.SyntheticModule(names, function () {
    for (const n of names) this.setExport(n, ns[n]);
  }, { identifier: specifier });
  await m.link(() => {});
  await m.evaluate();
  return m;
}

function load(file) {
  let m = modules.get(file);
  if (m) return m;
  const source = readFileSync(file, 'utf8');
  const cacheFile = join(cacheDir, `${createHash('sha256').update(source).digest('hex').slice(0, 24)}.cache`);
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  m = new vm.SourceTextModule(source, {
    identifier: pathToFileURL(file).href,
    ...(cachedData ? { cachedData } : {}),
    initializeImportMeta: (meta) => { meta.url = pathToFileURL(file).href; },
    importModuleDynamically: async (specifier) => link(specifier, file).then(async (dep) => { await instantiate(dep); return dep; }),
  });
  modules.set(file, m);
  // Cached data can only be made before the module is evaluated: it holds what V8 compiled eagerly.
  if (!cachedData) made.push({ data: m.createCachedData(), cacheFile });
  else if (m.cachedDataRejected) process.stderr.write(`code cache rejected for ${file}\n`);
  return m;
}

async function link(specifier, from) {
  if (specifier.startsWith('.')) return load(resolve(dirname(from), specifier));
  return external(specifier);
}

async function instantiate(m) {
  if (m.status === 'unlinked') await m.link((specifier, ref) => link(specifier, fileURLToPath(ref.identifier)));
  if (m.status === 'linked') await m.evaluate();
}

process.on('exit', () => {
  for (const { data, cacheFile } of made) writeFileSync(cacheFile, data);
});
const cli = load(join(root, 'dist', 'cli.js'));
await instantiate(cli);
await cli.namespace.main([process.argv[0], join(root, 'bin', 'oncall.js'), ...args]);
