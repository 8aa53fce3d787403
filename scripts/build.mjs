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
  // Production React: smaller, faster, no dev-only checks at 3 a.m.
  define: { __ONCALL_BUILD__: JSON.stringify(buildId), 'process.env.NODE_ENV': '"production"' },
});
