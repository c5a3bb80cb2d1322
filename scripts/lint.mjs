// House rules that the type checker cannot see: no console in library code, no Node
// built-ins in the browser-safe core, kebab-case file names, files of a readable size.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const NODE_ONLY = ['src/cli/', 'src/stores/', 'src/vitest/', 'src/node/'];
const MAX_LINES = 400;
const problems = [];

for (const file of walk('src')) {
  const path = relative('.', file).replaceAll('\\', '/');
  const text = readFileSync(file, 'utf8');
  const name = path.split('/').pop();
  if (!/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9-]+)*\.ts$/.test(name)) problems.push(`${path}: file names are kebab-case`);
  const lines = text.split('\n');
  if (lines.length > MAX_LINES) problems.push(`${path}: ${lines.length} lines; split it (house limit ${MAX_LINES})`);
  lines.forEach((line, index) => {
    const where = `${path}:${index + 1}`;
    const code = line.trimStart();
    if (code.startsWith('*') || code.startsWith('//')) return;
    if (/\bconsole\.\w+\(/.test(line) && !path.startsWith('src/cli/')) problems.push(`${where}: no console in library code`);
    if (/from\s+['"](node:|fs['"]|path['"]|crypto['"])/.test(line) && !NODE_ONLY.some((prefix) => path.startsWith(prefix))) {
      problems.push(`${where}: Node built-in imported in the browser-safe core`);
    }
    if (/\b(it|test|describe)\.only\(/.test(line)) problems.push(`${where}: .only left in`);
  });
}

if (problems.length > 0) {
  process.stderr.write(`lint: ${problems.length} problem(s)\n${problems.join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('lint: ok\n');

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (path.endsWith('.ts')) yield path;
  }
}
