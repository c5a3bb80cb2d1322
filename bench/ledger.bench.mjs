// The ledger on the memory store (issue 4): authorize + commit against canSend alone on the
// same sends, and authorizeMany of one mailing to 100,000 recipients. Targets: authorize +
// commit ≤ 2× canSend; authorizeMany(100k) ≤ 0.5 s. Misses are printed, never fatal.
import { canSend, createLedger, memoryStore } from '../dist/index.js';
import { charter } from './lib/charter.mjs';
import { generate, MESSAGES, usageView } from './lib/data.mjs';
import { int, out } from './lib/report.mjs';
import { median, settle } from './lib/timing.mjs';

const N = 20_000;
const { recipients, messageOf, nowOf } = generate(N, 7);
out('# Ledger benchmark (issue 4): dist/index.js, memory store');

// Warm the phone memo for both sides alike, so neither pays first-seen parsing.
for (let i = 0; i < N; i++) canSend(MESSAGES[messageOf[i]], recipients[i], { charter, now: nowOf[i], usage: usageView });

/** µs per send for `run` over the N sends, median of 5 passes (each on a fresh ledger). */
async function measure(make) {
  const times = [];
  for (let pass = 0; pass < 5; pass++) {
    const run = make();
    settle();
    const start = performance.now();
    for (let i = 0; i < N; i++) await run(i, pass);
    times.push(((performance.now() - start) * 1000) / N);
  }
  return median(times);
}

const alone = await measure(() => async (i) => canSend(MESSAGES[messageOf[i]], recipients[i], { charter, now: nowOf[i], usage: usageView }));
const withLedger = await measure(() => {
  const ledger = createLedger({ charter, store: memoryStore(), secret: 'bench' });
  return async (i, pass) => {
    const message = MESSAGES[messageOf[i]];
    const { reservation } = await ledger.authorize({ ...message, id: `${message.id}-${pass}` }, recipients[i], { now: nowOf[i] });
    await reservation?.commit({ now: nowOf[i] });
  };
});
out(`  canSend alone                ${alone.toFixed(2)} µs per send`);
out(`  authorize + commit           ${withLedger.toFixed(2)} µs per send   ratio ${(withLedger / alone).toFixed(2)}×   target ≤ 2×: ${withLedger / alone <= 2 ? 'PASS' : 'MISS'}`);

// One mailing to 100,000 members in one batch.
const big = generate(100_000, 11).recipients;
const mailing = MESSAGES.find((message) => message.id === 'email-members-1');
const times = [];
for (let pass = 0; pass < 3; pass++) {
  const ledger = createLedger({ charter, store: memoryStore(), secret: 'bench' });
  settle();
  const start = performance.now();
  const results = await ledger.authorizeMany({ ...mailing, id: `members-${pass}` }, big, { now: '2013-05-20T09:30:00+02:00' });
  times.push((performance.now() - start) / 1000);
  if (pass === 0) out(`  authorizeMany: ${int(results.filter((result) => result.reservation).length)} of ${int(big.length)} reserved`);
}
const seconds = median(times);
out(`  authorizeMany(100,000)       ${seconds.toFixed(2)} s (median of 3, first-seen contacts in pass 1)   target ≤ 0.5 s: ${seconds <= 0.5 ? 'PASS' : 'MISS'}`);

// The engine's share, for scale: canSend alone on the same 100,000 sends, each decision kept
// as authorizeMany keeps it (a quota stub reports nothing used, as the fresh ledger does).
const fresh = { quota: () => ({ used: 0, counted: false }) };
const now = Date.parse('2013-05-20T09:30:00+02:00');
const floor = [];
for (let pass = 0; pass < 3; pass++) {
  settle();
  const start = performance.now();
  const kept = new Array(big.length);
  for (let i = 0; i < big.length; i++) kept[i] = { decision: canSend({ ...mailing, id: `floor-${pass}` }, big[i], { charter, now, usage: fresh }) };
  floor.push((performance.now() - start) / 1000);
}
const engine = median(floor);
out(`  canSend alone, same 100,000  ${engine.toFixed(2)} s (decisions kept; baseline)   authorizeMany ratio ${(seconds / engine).toFixed(2)}×`);
