// Deterministic test data: 100k recipients as a French party's CRM would hold them, a set of
// mailings and texts, and one decision (message, recipient, instant) per recipient.
import { createRandom } from './prng.mjs';

const candidateA = { id: 'candidate-a', role: 'candidate', candidate: 'candidate-a', name: 'Équipe A' };
const candidateB = { id: 'candidate-b', role: 'candidate', candidate: 'candidate-b', name: 'Paris Ensemble' };
const csp = { id: 'csp', role: 'authority', name: 'CSP' };

/** The mailings and texts; each decision sends one of them. */
export const MESSAGES = [
  { id: 'email-pre-2', channel: 'email', sender: candidateA, via: 'csp', audience: 'preRegistered', content: { subject: 'Notre projet', text: 'Chers électeurs…' } },
  { id: 'email-pre-direct', channel: 'email', sender: candidateA, audience: 'preRegistered', content: { subject: 'Notre projet', text: 'Chers électeurs…' } },
  { id: 'email-members-1', channel: 'email', sender: candidateA, via: 'csp', audience: 'members', content: { subject: 'Ma candidature', text: 'Chers adhérents…' } },
  { id: 'email-members-4', channel: 'email', sender: candidateB, via: 'csp', audience: 'members', content: { subject: 'Dernier appel', text: 'Chers adhérents…' } },
  { id: 'email-members-direct', channel: 'email', sender: candidateB, audience: 'members', content: { text: 'Chers adhérents…' } },
  // No target audience: selectors then read the recipient's own audiences.
  { id: 'email-csp-all', channel: 'email', sender: candidateB, via: 'csp', content: { text: 'Bonjour…' } },
  { id: 'email-authority', channel: 'email', sender: csp, via: 'csp', audience: 'preRegistered', content: { text: 'Rappel : le vote ouvre le 31 mai.' } },
  { id: 'sms-stop', channel: 'sms', sender: candidateA, audience: 'members', content: { text: 'Équipe A : réunion publique jeudi 19h, mairie du 15e. STOP au 36xxx' } },
  { id: 'sms-stop-sms', channel: 'sms', sender: candidateB, audience: 'members', content: { text: 'Paris Ensemble vous invite samedi 10h place de la République. Répondez STOP SMS pour ne plus recevoir.' } },
  { id: 'sms-no-stop', channel: 'sms', sender: candidateA, audience: 'members', content: { text: 'Inscrivez-vous à la primaire avant le 3 mai ! Équipe A' } },
  { id: 'sms-long', channel: 'sms', sender: candidateB, audience: 'members', content: { text: `Paris Ensemble : ${'la fête de quartier continue, venez nombreux ! '.repeat(4)}STOP au 36xxx` } },
  { id: 'sms-anonymous', channel: 'sms', sender: { id: 'candidate-c', role: 'candidate', candidate: 'candidate-c' }, audience: 'members', content: { text: 'Réunion ce soir. STOP au 36xxx' } },
  { id: 'sms-pre', channel: 'sms', sender: candidateA, audience: 'preRegistered', content: { text: 'Équipe A : votez le 31 mai ! STOP au 36xxx' } },
];
// How often each message is picked: mostly the compliant mailings, as in a real campaign.
const MESSAGE_WEIGHTS = { 'email-pre-2': 6, 'email-members-1': 6, 'sms-stop': 6, 'sms-stop-sms': 4 };
const EMAILS = MESSAGES.filter((m) => m.channel === 'email').map((m) => MESSAGES.indexOf(m));
const TEXTS = MESSAGES.filter((m) => m.channel === 'sms').map((m) => MESSAGES.indexOf(m));

/** Instants of the 2013 primary the sends happen at (Paris time), with their weights. */
export const INSTANTS = {
  '2013-04-05T10:00:00+02:00': 3, // candidacy: every permit misses on phase (notBefore is searched)
  '2013-05-02T11:00:00+02:00': 20, // internal campaign, Thursday morning: the SMS of 2 May
  '2013-05-20T09:30:00+02:00': 25, // official campaign, Monday morning
  '2013-05-23T14:00:00+02:00': 15, // official campaign, Thursday afternoon
  '2013-05-21T19:59:00+02:00': 2, // last minute of a window (boundaries catch off-by-one baselines)
  '2013-05-21T20:00:00+02:00': 2, // first quiet minute
  '2013-05-13T00:00:00+02:00': 1, // the official campaign opens (a Monday, quiet for texts)
  '2013-05-22T21:15:00+02:00': 10, // Wednesday evening: quiet hours for texts
  '2013-05-26T15:00:00+02:00': 6, // Sunday: quiet hours all day
  '2013-05-28T07:45:00+02:00': 3, // Tuesday before 08:00
  '2013-05-31T12:00:00+02:00': 3, // vote, before the freeze: no permit's phase
  '2013-06-01T10:00:00+02:00': 6, // the CSP's freeze
};

/** Quota usage the ledger would report (it is not built yet): fixed counts per rule and mailing. */
export const USAGE = {
  'quota-preinscrits': { 'email-pre-2': { used: 2, counted: false }, 'email-csp-all': { used: 3, counted: false } },
  'quota-adherents': { 'email-members-1': { used: 3, counted: true }, 'email-members-4': { used: 3, counted: false } },
};
export const DEFAULT_USAGE = Object.freeze({ used: 1, counted: false });
/** The UsageView stub handed to canSend: two property reads. */
export const usageView = { quota: (query) => USAGE[query.ruleId]?.[query.messageId] ?? DEFAULT_USAGE };

const ZONES = { 'Europe/Paris': 4, 'America/Guadeloupe': 1.5, 'Indian/Reunion': 1.5, 'Europe/London': 1 };
const FIRST = ['jean', 'marie', 'Nathalie', 'pierre', 'Anne-Sophie', 'luc', 'Élodie', 'karim'];

/** The French formats and how often CRMs hold each. */
export const PHONE_FORMATS = { spaced: 4, plus: 3, idd: 1.5, dotted: 1.5, packed: 1, plusSpaced: 1 };

/** A phone number as a CRM holds it, from national significant digits; `format` forces one of PHONE_FORMATS. */
export function formatPhone(random, nsn, callingCode = '33', format = undefined) {
  const pairs = `0${nsn}`.match(/../g);
  switch (callingCode === '33' ? (format ?? random.weighted(PHONE_FORMATS)) : 'intl') {
    case 'spaced': return pairs.join(' '); // '06 12 34 56 78'
    case 'plus': return `+33${nsn}`; // '+33612345678'
    case 'idd': return `0033 ${nsn[0]} ${nsn.slice(1).match(/../g).join(' ')}`; // '0033 6 12 34 56 78'
    case 'dotted': return pairs.join('.'); // '06.12.34.56.78'
    case 'packed': return `0${nsn}`; // '0612345678'
    case 'plusSpaced': return `+33 ${nsn[0]} ${nsn.slice(1).match(/../g).join(' ')}`;
    default: return `+${callingCode} ${nsn}`;
  }
}

/** A French-looking phone: mostly mobiles, some landlines, overseas and foreign numbers, a few broken ones. */
export function randomPhone(random) {
  switch (random.weighted({ mobile6: 60, mobile7: 20, landline: 6, broken: 3, overseas: 5, uk: 3, us: 3 })) {
    case 'mobile6': return formatPhone(random, `6${random.digits(8)}`);
    case 'mobile7': return formatPhone(random, `7${random.pick('3456789')}${random.digits(7)}`);
    case 'landline': return formatPhone(random, `${random.pick('12345')}${random.digits(8)}`);
    case 'broken': return `06 ${random.digits(2)} ${random.digits(2)}`;
    case 'overseas': return random.chance(0.5) ? formatPhone(random, `690${random.digits(6)}`, '590') : formatPhone(random, `692${random.digits(6)}`, '262');
    case 'uk': return formatPhone(random, `7700900${random.digits(3)}`, '44');
    default: return formatPhone(random, `415555${random.digits(4)}`, '1');
  }
}

const iso = (ms) => new Date(ms).toISOString();
const JAN = Date.parse('2013-01-01T00:00:00Z');
const JUNE = Date.parse('2013-06-03T00:00:00Z');

/** One recipient; `i` keeps ids and emails distinct. */
function recipient(random, i) {
  const r = { id: `r-${i}` };
  const reach = random.weighted({ email: 35, phone: 25, both: 40 });
  if (reach !== 'email') r.phone = randomPhone(random);
  if (reach !== 'phone') {
    const name = `${random.pick(FIRST)}.${i}`;
    r.email = random.chance(0.02) ? `${name}@` : random.chance(0.01) ? `${name} @example.fr` : `${name}@${random.pick(['example.fr', 'Example.FR', 'exemple.org'])}`;
  }
  r.audiences = [['preRegistered'], ['members'], ['preRegistered', 'members'], []][Number(random.weighted({ 0: 40, 1: 35, 2: 20, 3: 5 }))];
  const source = random.weighted({ federationFile: 8, primaryRegister: 40, campaignSignup: 37, none: 15 });
  if (source !== 'none') r.source = source;
  const member = r.audiences.includes('members') && random.chance(0.7);
  const relationship = member ? 'member' : random.weighted({ member: 5, regular: 12, occasional: 38, prospect: 30, none: 15 });
  if (relationship !== 'none') r.relationship = relationship;
  const consents = [];
  if (random.chance(0.5)) consents.push({ channel: 'sms', at: iso(JAN + random.int(JUNE - JAN)), source: 'campaignSignup' });
  if (random.chance(0.1)) consents.push({ channel: 'all', at: iso(JAN + random.int(JUNE - JAN)) });
  if (random.chance(0.1)) consents.push({ channel: 'email', at: iso(JAN + random.int(JUNE - JAN)) });
  if (consents.length > 0) r.consents = consents;
  if (random.chance(0.07)) r.optOuts = [{ channel: random.pick(['sms', 'email', 'all']), at: iso(JAN + random.int(JUNE - JAN)) }];
  if (random.chance(0.08)) r.timezone = random.weighted(ZONES);
  if (random.chance(0.01)) r.country = 'FR';
  return r;
}

/**
 * `n` decisions: recipient k gets a message on a channel it can be reached on (mostly one
 * aimed at one of its audiences) at one of the instants.
 * @returns {{ recipients: object[], messageOf: Uint8Array, nowOf: Float64Array }}
 */
export function generate(n, seed) {
  const random = createRandom(seed);
  const recipients = new Array(n);
  const messageOf = new Uint8Array(n);
  const nowOf = new Float64Array(n);
  const instants = Object.keys(INSTANTS);
  const weights = Object.fromEntries(instants.map((at, k) => [k, INSTANTS[at]]));
  for (let i = 0; i < n; i++) {
    const r = recipient(random, i);
    recipients[i] = r;
    // Campaigns text members more than voters they only know through the CSP's register.
    const useSms = r.phone !== undefined && (r.email === undefined || random.chance(r.audiences.includes('members') ? 0.6 : 0.2));
    const pool = useSms ? TEXTS : EMAILS;
    const aimed = pool.filter((m) => MESSAGES[m].audience === undefined || r.audiences.includes(MESSAGES[m].audience));
    const from = aimed.length > 0 && random.chance(0.9) ? aimed : pool;
    messageOf[i] = Number(random.weighted(Object.fromEntries(from.map((m) => [m, MESSAGE_WEIGHTS[MESSAGES[m].id] ?? 1]))));
    nowOf[i] = Date.parse(instants[Number(random.weighted(weights))]);
  }
  return { recipients, messageOf, nowOf };
}
