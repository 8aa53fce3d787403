// Writes runbooks/schema.json from src/runbook/schema.ts (via the test-time TS loader).
import { execFileSync } from 'node:child_process';
execFileSync(process.execPath, ['--import', 'tsx', '-e', `
  import('./src/runbook/schema.ts').then(({ runbookJsonSchema }) => {
    require('node:fs').writeFileSync('runbooks/schema.json', JSON.stringify(runbookJsonSchema(), null, 2) + '\\n');
  });
`], { stdio: 'inherit' });
