#!/usr/bin/env node
// Tiny launcher: everything lives in the bundle that `npm ci` (prepare) builds.
import { enableCompileCacheIfSafe } from './compile-cache.js';

enableCompileCacheIfSafe();
import('../dist/cli.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    process.stderr.write('oncall: the bundle is missing; run `npm run build` (or `npm ci`) in the oncall folder\n');
    process.exit(1);
  }
  throw err;
});
