// The main entry must bundle for browsers and edge runtimes: no Node built-ins reachable from it.
import { build } from 'esbuild';

const result = await build({
  entryPoints: ['dist/index.js'],
  bundle: true,
  write: false,
  platform: 'browser',
  format: 'esm',
  minify: true,
  metafile: true,
  logLevel: 'silent',
}).catch((error) => {
  process.stderr.write(`browser bundle failed:\n${error.errors?.map((e) => `  ${e.text}`).join('\n') ?? error}\n`);
  process.exit(1);
});
const builtins = Object.keys(result.metafile.inputs).filter((input) => input.startsWith('node:'));
if (builtins.length > 0) {
  process.stderr.write(`browser bundle pulls in Node built-ins: ${builtins.join(', ')}\n`);
  process.exit(1);
}
const bytes = result.outputFiles[0].contents.length;
process.stdout.write(`browser bundle: ok (${(bytes / 1024).toFixed(0)} KiB minified, no Node built-ins)\n`);
