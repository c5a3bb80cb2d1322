/**
 * Builders shared by the ledger tests: a charter in Europe/Paris with catch-all permits
 * plus the rules under test, messages, recipients with real-looking (made-up) contacts,
 * and a fixed clock. Store-agnostic: nothing here knows which store runs.
 */
import { createHash } from 'node:crypto';
import { defineCharter, type Charter, type CharterInput, type Decision, type Message, type Recipient, type RuleInput } from '../../src/index.js';

/** Monday 20 May 2013, 10:00 in Paris: inside every window the tests use. */
export const T0 = Date.parse('2013-05-20T10:00:00+02:00');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** A fixed secret, as a durable store requires. */
export const SECRET = 'conformance-secret-0123456789abcdef';

/** Permits every email and SMS, so a send passes unless a constraint or check refuses it. */
export const PERMIT_ALL: RuleInput = { id: 'permit-all', kind: 'permit', when: { channels: ['email', 'sms'] } };

/** A charter in Europe/Paris, default country FR, English messages, two audiences, holding `PERMIT_ALL` and `rules`. */
export function charterWith(rules: readonly RuleInput[], extra: Partial<CharterInput> = {}): Charter {
  return defineCharter({
    id: 'ledger-test',
    title: 'Ledger test charter',
    locale: 'en',
    timezone: 'Europe/Paris',
    defaultCountry: 'FR',
    defaults: { unlisted: 'deny' },
    phases: { campaign: { label: 'the campaign', from: '2013-05-13T00:00', to: '2013-05-31T08:00' } },
    audiences: { members: { label: 'party members' }, voters: { label: 'pre-registered voters' } },
    rules: [PERMIT_ALL, ...rules],
    ...extra,
  });
}

/** A quota rule with defaults: 3 mailings per candidate over the charter. */
export function quota(overrides: Partial<Extract<RuleInput, { kind: 'quota' }>> & { id: string }): RuleInput {
  return { kind: 'quota', article: 'Art. 4', limit: 3, count: 'messages', per: ['candidate'], window: 'charter', ...overrides };
}

/** An email mailing from candidate `c1`. */
export function mail(id: string, overrides: Partial<Message> = {}): Message {
  return { id, channel: 'email', sender: { id: 's1', role: 'candidate', candidate: 'c1', name: 'Jean Dupont' }, ...overrides };
}

/** A text (SMS) mailing from candidate `c1`. */
export function text(id: string, overrides: Partial<Message> = {}): Message {
  return { id, channel: 'sms', sender: { id: 's1', role: 'candidate', candidate: 'c1', name: 'Jean Dupont' }, ...overrides };
}

/** The French mobile number of person `n` in E.164, e.g. `+33612340007`. */
export function mobileOf(n: number): string {
  return `+336123${String(n).padStart(5, '0')}`;
}

/** Person `n`: a member with a French mobile written nationally with spaces and an email. */
export function person(n: number, overrides: Partial<Recipient> = {}): Recipient {
  const digits = mobileOf(n).slice(3);
  return {
    id: `r${n}`,
    phone: `0${digits.slice(0, 1)} ${digits.slice(1, 3)} ${digits.slice(3, 5)} ${digits.slice(5, 7)} ${digits.slice(7, 9)}`,
    email: `person.${n}@example.org`,
    audiences: ['members'],
    ...overrides,
  };
}

/** The reason codes of a decision, in order. */
export function codes(decision: Decision): string[] {
  return decision.reasons.map((reason) => reason.code);
}

/** Every item of an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** A hex digest standing for a contact's keyed hash, as the ledger gives stores. */
export function hashOf(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/** ISO 8601 of an epoch. */
export function iso(time: number): string {
  return new Date(time).toISOString();
}
