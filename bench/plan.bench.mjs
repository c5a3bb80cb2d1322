// checkPlan on 100,000 recipients × 10 mailings = 1,000,000 deliveries (issue 6): time, peak
// memory and the share of the time spent normalising phone numbers in mixed human formats.
// Targets: ≤ 8 s and ≤ 1 GiB on this machine. Misses are printed, never fatal.
import { checkPlan, normalizePhone } from '../dist/index.js';
import { charter } from './lib/charter.mjs';
import { generate, MESSAGES } from './lib/data.mjs';
import { int, out, pct } from './lib/report.mjs';
import { decide, prepare } from './baselines/hand-written.mjs';

const RECIPIENTS = 100_000;
const { recipients } = generate(RECIPIENTS, 2026);
const ids = recipients.map((recipient) => recipient.id);
// Ten mailings across the campaign, to everyone: texts and emails, compliant or not.
const picks = ['email-members-1', 'sms-stop', 'email-pre-2', 'sms-stop-sms', 'email-csp-all', 'sms-no-stop', 'email-pre-direct', 'sms-long', 'email-members-4', 'sms-pre'];
const days = ['2013-04-15T10:00', '2013-04-22T18:30', '2013-05-14T09:00', '2013-05-15T11:00', '2013-05-16T10:00', '2013-05-17T21:30', '2013-05-20T10:00', '2013-05-21T12:00', '2013-05-22T10:00', '2013-05-24T14:00'];
const plan = {
  recipients,
  sends: picks.map((id, k) => ({ at: days[k], message: MESSAGES.find((message) => message.id === id), to: ids })),
};

out(`# Plan benchmark (issue 6): checkPlan from dist/index.js`);
out(`node ${process.version}, ${RECIPIENTS.toLocaleString('en-US')} recipients × ${plan.sends.length} mailings; load average ${(await import('node:os')).loadavg().map((n) => n.toFixed(2)).join(' ')}`);

globalThis.gc?.();
const baseRss = process.memoryUsage().rss;
let peak = baseRss;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const timer = setInterval(sample, 20);
const started = performance.now();
const report = await checkPlan(plan, { charter, onProgress: sample });
const seconds = (performance.now() - started) / 1000;
clearInterval(timer);
sample();

// Phone normalisation alone over the same numbers, first seen (a fresh process has no memo for
// these strings until the plan ran; so time it on copies with a suffix-free re-spacing).
const phones = recipients.flatMap((recipient) => (recipient.phone === undefined ? [] : [recipient.phone]));
const fresh = phones.map((phone) => ` ${phone} `);
const phoneStart = performance.now();
for (const phone of fresh) normalizePhone(phone, 'FR');
const phoneSeconds = (performance.now() - phoneStart) / 1000;

// Baseline, same process, same deliveries: the charter's rules hard-coded (bench/baselines/
// hand-written.mjs), each recipient prepared once (phone parsed and typed), then every
// delivery decided in time order with every rule evaluated; no ledger, reasons or report.
// The machine's speed varies from hour to hour (up to ~2.5× seen); the ratio does not.
globalThis.gc?.();
const baseStart = performance.now();
const prepared = recipients.map(prepare);
let refused = 0;
for (const send of [...plan.sends].sort((a, b) => a.at.localeCompare(b.at))) {
  const now = Date.parse(`${send.at}:00+02:00`);
  for (let i = 0; i < recipients.length; i++) if (decide(send.message, recipients[i], prepared[i], now, true) !== 0) refused++;
}
const baseSeconds = (performance.now() - baseStart) / 1000;

const deliveries = report.summary.deliveries;
out(`deliveries: ${int(deliveries)} (${int(report.summary.verdicts.allow)} allowed, ${int(report.summary.verdicts.deny)} denied, ${int(report.summary.verdicts.review)} to review), ${int(report.violations.length)} violations kept`);
out(`time: ${seconds.toFixed(2)} s (${((seconds * 1e6) / deliveries).toFixed(2)} µs per delivery)   target ≤ 8 s: ${seconds <= 8 ? 'PASS' : 'MISS'}`);
out(`peak RSS: ${(peak / 2 ** 20).toFixed(0)} MiB (${((peak - baseRss) / 2 ** 20).toFixed(0)} MiB above the start)   target ≤ 1 GiB: ${peak <= 2 ** 30 ? 'PASS' : 'MISS'}`);
out(`phone normalisation, ${int(phones.length)} distinct numbers first seen: ${phoneSeconds.toFixed(2)} s = ${pct(phoneSeconds, seconds)} of the plan's time if each number is parsed once`);
out(`hand-written baseline (rules hard-coded, no ledger or reasons; ${int(refused)} refused): ${baseSeconds.toFixed(2)} s; checkPlan = ${(seconds / baseSeconds).toFixed(2)}× the baseline`);
