// Prints the bundled 2013 Paris charter once validated: what `defineCharter` made of it.
import { charter } from '../examples/paris-2013/charter.js';

const line = (text = '') => process.stdout.write(`${text}\n`);
line(`${charter.title} (${charter.id}) — validated, ${charter.rules.length} rules, time zone ${charter.timezone}`);
line();
line('Phases:');
for (const [name, phase] of Object.entries(charter.phases)) {
  line(`  ${name.padEnd(18)} ${phase.from ?? '…'.padEnd(16)} → ${phase.to ?? '…'}  ${phase.label ?? ''}`);
}
line();
line('Rules:');
for (const rule of charter.rules) {
  line(`  ${(rule.article ?? '').padEnd(34)} ${rule.kind.padEnd(7)} ${rule.title ?? rule.id}`);
}
line();
line('Not mentioned by any rule: sms, call, post, social → refused by default (defaults.unlisted = deny).');
