// Writes schema/charter.schema.json from the built package; with --check, fails if it is stale.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { charterJsonSchema } from '../dist/index.js';

const target = 'schema/charter.schema.json';
const text = `${JSON.stringify(charterJsonSchema(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    process.stderr.write(`${target} is out of date: run \`npm run schema\` and commit it\n`);
    process.exit(1);
  }
  process.stdout.write(`${target}: up to date\n`);
} else {
  mkdirSync('schema', { recursive: true });
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
