// Replays the spring 2013 Paris primary through its charter and prints each decision as a
// campaign volunteer would read it. (The `charterguard check` CLI will take this over.)
import { canSend, explain, type Message, type Recipient, type UsageView } from 'charterguard';
import { charter } from '../examples/paris-2013/charter.js';
import { emailDirect, emailToMembers, emailViaCsp, memberFromFederationFile, memberFromSignup, preRegisteredVoter, smsOfMay2 } from '../examples/paris-2013/sends.js';

const mailingsUsed = (used: number): UsageView => ({ quota: () => ({ used, counted: false }) });
const sends: [string, Message, Recipient, string, UsageView][] = [
  ['Email to members before candidacies close', emailToMembers, memberFromSignup, '2013-04-08T18:00:00+02:00', mailingsUsed(0)],
  ['SMS of 2 May to a member from the federation file', smsOfMay2, memberFromFederationFile, '2013-05-02T10:00:00+02:00', mailingsUsed(0)],
  ['2nd email to pre-registered voters, via the CSP', emailViaCsp, preRegisteredVoter, '2013-05-20T10:00:00+02:00', mailingsUsed(1)],
  ['The same email, sent directly', emailDirect, preRegisteredVoter, '2013-05-20T10:00:00+02:00', mailingsUsed(1)],
  ['4th email to pre-registered voters', { ...emailViaCsp, id: 'email-4' }, preRegisteredVoter, '2013-05-28T10:00:00+02:00', mailingsUsed(3)],
  ['Email during the freeze of 1 June', emailViaCsp, preRegisteredVoter, '2013-06-01T09:00:00+02:00', mailingsUsed(2)],
];

const out = (line = '') => process.stdout.write(`${line}\n`);
out(`${charter.title} — ${sends.length} sends replayed\n`);
for (const [title, message, recipient, now, usage] of sends) {
  const decision = canSend(message, recipient, { charter, now, usage });
  out(`▸ ${title} (${now.replace('T', ' ').slice(0, 16)})`);
  for (const line of explain(decision, { charter }).split('\n')) out(`  ${line}`);
  out();
}
