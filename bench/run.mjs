// `npm run bench` (after the build): runs every bench/*.bench.mjs in its own Node process,
// so no bench inherits another's JIT state, heap or phone memo. --expose-gc lets benches
// collect garbage between phases. Targets missed are printed, never turned into a failure;
// only a bench that crashes makes this exit non-zero.
//
// --no-turbo-inline-js-wasm-calls: with it on, Node 20.20's V8 aborts ("unreachable code" in
// Deoptimizer::DoComputeBuiltinContinuation) when optimised code calling cedar-wasm is lazily
// deoptimised. It only changes how JS calls into WebAssembly are compiled: canSend,
// json-rules-engine and the hand-written baseline contain no such calls.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.mjs'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

let failed = 0;
const started = performance.now();
for (const file of benches) {
  const result = spawnSync(process.execPath, ['--expose-gc', '--no-turbo-inline-js-wasm-calls', fileURLToPath(new URL(file, import.meta.url))], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    process.stderr.write(`bench/${file} exited with ${result.status ?? result.signal}\n`);
  }
  process.stdout.write('\n');
}
process.stdout.write(`${benches.length} bench file(s) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
process.exit(failed > 0 ? 1 : 0);
