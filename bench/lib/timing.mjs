// Timing helpers. Batches are timed as a whole (one clock read per batch), so the clock's
// own cost (tens of ns) does not swamp sub-microsecond baselines; percentiles come from a
// separate per-call pass, with the measured clock overhead subtracted.

const now = () => process.hrtime.bigint();

/**
 * Collects garbage between phases when run with --expose-gc, so one phase's garbage is not
 * billed to the next. Call it BEFORE a warm-up, never right before timing: a forced full GC
 * deoptimises optimised code that embeds objects it frees (V8's "weak objects"), and the
 * timing would then include re-optimisation (seen as 5–10× slower small batches).
 */
export function settle() {
  globalThis.gc?.();
}

/**
 * Runs `fn(i)` for every index of `indices` and returns nanoseconds per call. `fn` returns a
 * number that is folded into a sink, so the optimiser cannot drop the calls.
 * @param {(i: number) => number} fn
 * @param {ArrayLike<number>} indices
 */
export function timeBatch(fn, indices) {
  let sink = 0;
  const start = now();
  for (let k = 0; k < indices.length; k++) sink += fn(indices[k]);
  const ns = Number(now() - start);
  if (sink === -1) process.stdout.write('');
  return ns / indices.length;
}

/** As {@link timeBatch} for async functions (json-rules-engine), awaited one after the other. */
export async function timeBatchAsync(fn, indices) {
  let sink = 0;
  const start = now();
  for (let k = 0; k < indices.length; k++) sink += await fn(indices[k]);
  const ns = Number(now() - start);
  if (sink === -1) process.stdout.write('');
  return ns / indices.length;
}

/** The cost of reading the clock twice, to subtract from per-call samples. */
export function clockOverheadNs() {
  const samples = new Float64Array(20_000);
  for (let i = 0; i < samples.length; i++) {
    const start = now();
    samples[i] = Number(now() - start);
  }
  return quantile(samples, 0.5);
}

/**
 * Per-call samples (ns, clock overhead subtracted) for percentiles.
 * @param {(i: number) => number} fn
 * @param {ArrayLike<number>} indices
 */
export function perCallSamples(fn, indices, overheadNs) {
  const samples = new Float64Array(indices.length);
  let sink = 0;
  for (let k = 0; k < indices.length; k++) {
    const start = now();
    sink += fn(indices[k]);
    samples[k] = Math.max(0, Number(now() - start) - overheadNs);
  }
  if (sink === -1) process.stdout.write('');
  return samples;
}

// A separate function for async callers: one helper that sometimes awaits and sometimes does
// not crashed V8 (Node 20.20: "unreachable code" in Deoptimizer::DoComputeBuiltinContinuation).
/** As {@link perCallSamples} for async functions, awaited one after the other. */
export async function perCallSamplesAsync(fn, indices, overheadNs) {
  const samples = new Float64Array(indices.length);
  let sink = 0;
  for (let k = 0; k < indices.length; k++) {
    const start = now();
    sink += await fn(indices[k]);
    samples[k] = Math.max(0, Number(now() - start) - overheadNs);
  }
  if (sink === -1) process.stdout.write('');
  return samples;
}

/** The q-quantile (0..1) of numbers, by sorting a copy. */
export function quantile(values, q) {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
}

/** Median of batch figures. */
export const median = (values) => quantile(values, 0.5);

/** Consecutive slices of 0..n-1 as index arrays. */
export function slices(n, size) {
  const out = [];
  for (let from = 0; from < n; from += size) {
    const to = Math.min(n, from + size);
    out.push(Uint32Array.from({ length: to - from }, (_, k) => from + k));
  }
  return out;
}

/** Every `step`-th index of 0..n-1, starting at `offset`: a stratified subsample. */
export function every(n, step, offset = 0) {
  const out = [];
  for (let i = offset; i < n; i += step) out.push(i);
  return Uint32Array.from(out);
}
