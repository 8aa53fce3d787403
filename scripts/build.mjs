// Bundles src/cli.ts into dist/ with code splitting, so each command's module
// (and ink/react for interactive ones) loads only when that command runs.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// A fingerprint of the sources: caches keyed by it (validated runbooks) die with each change.
const hash = createHash('sha256');
for (const f of readdirSync('src', { recursive: true }).map(String).sort()) if (/\.tsx?$/.test(f)) hash.update(f).update(readFileSync(join('src', f)));
const buildId = hash.digest('hex').slice(0, 16);

// yaml reads process.env.LOG_TOKENS for every token and LOG_STREAM for every document, its
// debug switches. Each read is a getenv through C++: a third of parsing a runbook. They are
// folded to false here; the build fails if a yaml upgrade moves them, so this is seen.
const yamlDebugOff = {
  name: 'yaml-debug-off',
  setup(b) {
    const seen = new Set();
    b.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const out = src.replace(/\bnode_process\.env\.LOG_(TOKENS|STREAM)\b/g, (_, name) => (seen.add(name), 'false'));
      return { contents: out, loader: 'js' };
    });
    b.onEnd((r) => {
      if (r.errors.length === 0 && seen.size !== 2) throw new Error(`yaml-debug-off: expected LOG_TOKENS and LOG_STREAM in yaml's sources, found ${[...seen].join(', ') || 'neither'}`);
    });
  },
};

// yoga (ink's layout engine) loads its wasm from a base64 data: URL with fetch when fetch
// exists, and the first fetch loads undici: ~40 ms before the first frame. Without fetch it
// decodes the same bytes itself. Ollama's client still has fetch: only this file is changed.
const yogaNoFetch = {
  name: 'yoga-no-fetch',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const n = src.split('typeof fetch').length - 1;
      if (n !== 2) throw new Error(`yoga-no-fetch: expected 2 "typeof fetch" in ${args.path}, found ${n}`);
      return { contents: src.replaceAll('typeof fetch', 'typeof undefined'), loader: 'js' };
    });
  },
};

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // The native addon stays in node_modules; react-devtools-core is an optional dev-only import of ink.
  external: ['fs-native-extensions', 'react-devtools-core', 'ink-testing-library'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  // Ink's CI mode (last frame only) must not blank a real terminal: see scripts/not-ci.mjs.
  alias: { 'is-in-ci': './scripts/not-ci.mjs' },
  plugins: [yamlDebugOff, yogaNoFetch],
  // Production React: smaller, faster, no dev-only checks at 3 a.m.
  define: { __ONCALL_BUILD__: JSON.stringify(buildId), __ONCALL_VERSION__: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version), 'process.env.NODE_ENV': '"production"' },
});
