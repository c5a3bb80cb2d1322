// The first-seen cost of phone normalisation vs the memoised cost, in a fresh process.
// dist does not export clearPhoneCache, so "first seen" means numbers this process has never
// normalised: every batch below uses new, distinct numbers (the memo holds 20,000).
import { canSend, normalizePhone } from '../dist/index.js';
import { charter } from './lib/charter.mjs';
import { MESSAGES, PHONE_FORMATS, formatPhone, usageView } from './lib/data.mjs';
import { createRandom } from './lib/prng.mjs';
import { int, out, table } from './lib/report.mjs';
import { clockOverheadNs, every, perCallSamples, quantile, settle } from './lib/timing.mjs';

const BATCH = 2_000;
const BATCHES = 5;
const random = createRandom(33);
const seen = new Set();
/** `n` French mobile numbers in `format` that no earlier call produced. */
function freshNumbers(n, format) {
  const numbers = [];
  while (numbers.length < n) {
    const nsn = `6${random.digits(8)}`;
    if (seen.has(nsn)) continue;
    seen.add(nsn);
    numbers.push(formatPhone(random, nsn, '33', format));
  }
  return numbers;
}

const overhead = clockOverheadNs();
out('# Phone normalisation: first seen vs memoised (fresh process; dist/index.js)');

settle();
// Warm the JIT on numbers that are never measured.
for (const format of Object.keys(PHONE_FORMATS)) for (const raw of freshNumbers(1_000, format)) normalizePhone(raw, 'FR');

// 1. normalizePhone alone. Formats are interleaved within each batch, so the memo filling up
// (evictions start at 20,000 entries) and heap growth weigh on every format alike.
const formats = Object.keys(PHONE_FORMATS);
const first = Object.fromEntries(formats.map((format) => [format, []]));
const memo = Object.fromEntries(formats.map((format) => [format, []]));
for (let b = 0; b < BATCHES; b++) {
  const perFormat = Math.ceil(BATCH / formats.length);
  const numbers = formats.flatMap((format) => freshNumbers(perFormat, format));
  const call = (k) => (normalizePhone(numbers[k], 'FR').ok ? 1 : 0);
  const all = every(numbers.length, 1);
  const passes = [perCallSamples(call, all, overhead), perCallSamples(call, all, overhead), perCallSamples(call, all, overhead)];
  formats.forEach((format, f) => {
    const from = f * perFormat;
    first[format].push(...passes[0].subarray(from, from + perFormat));
    memo[format].push(...passes[1].subarray(from, from + perFormat), ...passes[2].subarray(from, from + perFormat));
  });
}
const row = (name, samples) => ({ name, typical: mean(samples), p50: quantile(samples, 0.5), p95: quantile(samples, 0.95), samples: `${int(samples.length)} calls` });
const rows = [];
for (const format of formats) {
  const example = formatPhone(createRandom(1), '612345678', '33', format);
  rows.push(row(`first seen  '${example}'`, first[format]), row(`memoised    '${example}'`, memo[format]));
}
rows.push(row('first seen, all formats', formats.flatMap((format) => first[format])), row('memoised, all formats', formats.flatMap((format) => memo[format])));

// 1b. The same once the memo is full (20,000 entries): every new number now also evicts one.
for (const raw of freshNumbers(20_000, 'spaced')) normalizePhone(raw, 'FR');
const evicting = [];
for (let b = 0; b < BATCHES; b++) {
  const numbers = formats.flatMap((format) => freshNumbers(Math.ceil(BATCH / formats.length), format));
  evicting.push(...perCallSamples((k) => (normalizePhone(numbers[k], 'FR').ok ? 1 : 0), every(numbers.length, 1), overhead));
}
rows.push(row('first seen, memo full (evicts)', evicting));
out(`normalizePhone(raw, 'FR'): ${BATCHES} batches of ${int(BATCH)} new numbers, the 6 formats interleaved; each batch timed call by call`);
out('once (first seen), then twice more (memoised)');
table(rows, { typical: 'mean µs', rate: 'calls/s' });
out(`  with the memo full, a new number costs ${((quantile(evicting, 0.5) - quantile(formats.flatMap((format) => first[format]), 0.5)) / 1000).toFixed(1)} µs more (median): the eviction, not the parse`);

// 2. A whole canSend decision: an allowed SMS to a member (every SMS rule runs), new numbers vs
// memoised. The memo is full by now (as in any campaign past 20,000 numbers), so new numbers evict.
const message = MESSAGES.find((m) => m.id === 'sms-stop');
const now = Date.parse('2013-05-02T11:00:00+02:00');
const recipientsFor = (numbers) => numbers.map((phone, k) => ({ id: `m-${k}`, phone, audiences: ['members'], source: 'campaignSignup', relationship: 'member' }));
const decide = (recipients) => (k) => (canSend(message, recipients[k], { charter, now, usage: usageView }).allowed ? 0 : 1);
const mixed = (n) => Object.keys(PHONE_FORMATS).flatMap((format) => freshNumbers(Math.ceil(n / 6), format)).slice(0, n);
const warmup = recipientsFor(mixed(BATCH));
for (let pass = 0; pass < 3; pass++) for (let k = 0; k < warmup.length; k++) decide(warmup)(k);
const firstDecisions = [];
const memoDecisions = [];
let allowedCount = 0;
for (let b = 0; b < BATCHES; b++) {
  const recipients = recipientsFor(mixed(BATCH));
  const all = every(recipients.length, 1);
  firstDecisions.push(...(perCallSamples(decide(recipients), all, overhead)));
  memoDecisions.push(...(perCallSamples(decide(recipients), all, overhead)), ...(perCallSamples(decide(recipients), all, overhead)));
  for (let k = 0; k < recipients.length; k++) allowedCount += decide(recipients)(k) === 0 ? 1 : 0;
}
out();
out(`canSend, SMS 'sms-stop' to members (${((100 * allowedCount) / (BATCHES * BATCH)).toFixed(0)}% allowed), mixed French formats, ${BATCHES} batches of ${int(BATCH)} new numbers`);
table([row('canSend, number first seen, memo full', firstDecisions), row('canSend, number memoised', memoDecisions)], { typical: 'mean µs' });
const [firstP50, memoP50] = [quantile(firstDecisions, 0.5), quantile(memoDecisions, 0.5)];
out(`  a first-seen number (with its eviction) adds ${((firstP50 - memoP50) / 1000).toFixed(1)} µs to the median SMS decision (${(firstP50 / memoP50).toFixed(1)}×), ` +
  `${((mean(firstDecisions) - mean(memoDecisions)) / 1000).toFixed(1)} µs to the mean; a memo hit costs two Map lookups.`);
out(`  The memo keeps 20,000 raw strings: a campaign sweeping more distinct numbers than that in order never hits it,`);
out(`  so large sends pay the first-seen figure on every SMS decision (see the 100k sweep in decision.bench.mjs).`);

function mean(values) {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
