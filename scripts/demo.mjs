// Until the CLI exists: validate the bundled 2013 Paris charter with the built package and print it.
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const tsx = require.resolve('tsx/cli');
const result = spawnSync(process.execPath, [tsx, 'scripts/demo-charter.ts'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
