// E2E tests run the built binary; `npm test` builds first, this covers `npx vitest` alone.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (!existsSync(new URL('../dist/cli.js', import.meta.url))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit', cwd: new URL('..', import.meta.url) });
  }
}
