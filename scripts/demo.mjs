// `npm run demo`: runs scripts/demo.ts with tsx (a dev dependency), after the build.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/demo.ts'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
