// The matcher types must reach a consumer who imports `charterguard/vitest` before `vitest`,
// the order the module's @example shows. The repo's own type tests import from src with
// vitest loaded first, so they cannot see this: here the packed package is type-checked
// from a throwaway consumer under nodenext and bundler resolution. Offline: dependencies
// are symlinked from this repo's node_modules. Run it after the build.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const CONSUMER_TEST = `import 'charterguard/vitest';
import { expect, it } from 'vitest';
import type { Charter } from 'charterguard';
import type { MatcherOptions } from 'charterguard/vitest';

declare const charter: Charter;
declare const options: MatcherOptions;

it('types the matchers', async () => {
  expect({}).toComplyWith(charter);
  expect({}).not.toBeAllowedBy(charter, options);
  await expect(Promise.resolve({})).resolves.toComplyWith(charter);
  await expect.poll(() => ({})).toBeAllowedBy(charter);
  expect({ plan: {} }).toEqual({ plan: expect.toComplyWith(charter) });
  expect({ plan: {} }).toEqual({ plan: expect.not.toComplyWith(charter) });
  // @ts-expect-error: a charter is required
  expect({}).toComplyWith();
});
`;

const root = resolve('.');
const deps = ['vitest', 'zod', 'libphonenumber-js'];
const resolutions = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

if (!existsSync(join(root, 'dist', 'vitest.d.ts'))) {
  process.stderr.write('consumer types: dist/vitest.d.ts is missing; run the build first\n');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'charterguard-consumer-'));
let failures;
try {
  failures = await checkConsumer(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length > 0) {
  const details = failures.map(({ name, output }) => `  [${name}]\n${output.replace(/^/gm, '    ')}`).join('\n');
  process.stderr.write(`consumer types: matchers untyped when 'charterguard/vitest' is imported before 'vitest'\n${details}\n`);
  process.exit(1);
}
process.stdout.write(`consumer types: ok (${Object.keys(resolutions).join(' and ')} resolution)\n`);

async function checkConsumer(dir) {
  const modules = join(dir, 'node_modules');
  const pkg = join(modules, 'charterguard');
  // Copy the published files rather than link the repo, so src and the repo's tsconfig
  // paths cannot stand in for dist (npm pack would do the same, two seconds slower).
  const { files } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const entry of ['package.json', ...files]) cpSync(join(root, entry), join(pkg, entry), { recursive: true });
  for (const dep of deps) symlinkSync(join(root, 'node_modules', dep), join(modules, dep), 'dir');

  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(dir, 'campaign.test.ts'), CONSUMER_TEST);
  for (const [name, options] of Object.entries(resolutions)) {
    const compilerOptions = { ...options, target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: [] };
    writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({ compilerOptions, files: ['campaign.test.ts'] }));
  }

  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = promisify(execFile);
  const results = await Promise.all(
    Object.keys(resolutions).map((name) =>
      run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: dir }).then(
        () => null,
        (error) => ({ name, output: `${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || String(error) }),
      ),
    ),
  );
  return results.filter((result) => result !== null);
}
