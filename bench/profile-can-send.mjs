// Profiles canSend on the decision bench's mix and prints where the time goes (not part of
// `npm run bench`; run it after `npm run build`):
//
//   node bench/profile-can-send.mjs [out.cpuprofile]        # steady state, phones memoised
//   PROFILE_FIRST_SEEN=1 node bench/profile-can-send.mjs    # every number new
//
// The profiler starts after the warm-up (through node:inspector), so data generation, module
// loading and JIT warm-up stay out of the profile. The .cpuprofile opens in Chrome DevTools.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { canSend } from '../dist/index.js';
import { charter } from './lib/charter.mjs';
import { summarize } from './lib/cpu-profile-summary.mjs';
import { MESSAGES, generate, usageView } from './lib/data.mjs';

const N = 20_000; // about 12,000 distinct numbers: they fit the phone memo (20,000)
const PASSES = Number(process.env.PROFILE_PASSES ?? 15);
const fresh = process.env.PROFILE_FIRST_SEEN === '1';
const out = process.argv[2] ?? '/tmp/charterguard-can-send.cpuprofile';

// Fresh mode pre-generates every pass's recipients, so generation is not profiled either.
const sets = Array.from({ length: fresh ? PASSES : 1 }, (_, k) => generate(N, 2013 + k));
const warm = generate(N, 7);
const pass = (set) => {
  let allowed = 0;
  for (let i = 0; i < N; i++) {
    if (canSend(MESSAGES[set.messageOf[i]], set.recipients[i], { charter, now: set.nowOf[i], usage: usageView }).allowed) allowed++;
  }
  return allowed;
};
for (let k = 0; k < 3; k++) pass(warm);
if (!fresh) pass(sets[0]); // memoise the measured numbers

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const started = performance.now();
for (let k = 0; k < PASSES; k++) pass(sets[fresh ? k : 0]);
const ms = performance.now() - started;
const { profile } = await session.post('Profiler.stop');
session.disconnect();
writeFileSync(out, JSON.stringify(profile));
process.stdout.write(`${PASSES} passes of ${N} decisions${fresh ? ' (new numbers each pass)' : ' (phones memoised)'}: ` +
  `${((ms * 1000) / (PASSES * N)).toFixed(2)} µs per decision, mean, profiler on; profile in ${out}\n`);
summarize(profile, Number(process.env.PROFILE_TOP ?? 25));
