// Node 22.1+ can keep the bundle's compiled code between runs (module.enableCompileCache):
// start-up then skips most of the parsing and compiling. The cache is code V8 will run, so it
// lives only in a folder that is ours alone ($XDG_CACHE_HOME/oncall/compile-cache, 0700, not a
// symlink, owned by us); anything else and oncall runs without it. NODE_DISABLE_COMPILE_CACHE=1
// turns it off (Node's own switch).
import { lstatSync, mkdirSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function enableCompileCacheIfSafe() {
  if (typeof module.enableCompileCache !== 'function' || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  try {
    const base = process.env.XDG_CACHE_HOME && process.env.XDG_CACHE_HOME.startsWith('/') ? process.env.XDG_CACHE_HOME : join(process.env.HOME || homedir(), '.cache');
    const dir = join(base, 'oncall', 'compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The folder and its parent: real folders, ours, not writable by group or others.
    for (const d of [join(dir, '..'), dir]) {
      const st = lstatSync(d);
      const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
      if (!st.isDirectory() || !mine || (st.mode & 0o022) !== 0) return;
    }
    module.enableCompileCache(dir);
  } catch {
    // a read-only home, say: run without the cache
  }
}
