// `npm run demo`: the CLI on the bundled 2013 Paris primary. The plan breaks the charter on
// purpose (that is the story of 2013), so the CLI's exit code 1 is the expected outcome here.
import { spawnSync } from 'node:child_process';

const args = ['dist/cli.js', 'check', 'examples/paris-2013/charter.ts', 'examples/paris-2013/plan.json', ...process.argv.slice(2)];
process.stdout.write(`$ charterguard ${args.slice(1).join(' ')}\n\n`);
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (result.status === 1) process.stdout.write('\n(exit 1: the plan has violations, as the 2013 campaign did)\n');
process.exit(result.status === 0 || result.status === 1 ? 0 : (result.status ?? 2));
