/**
 * After a campaign run with real-looking phone numbers (in every format people write them)
 * and email addresses, no full number or address is anywhere the ledger writes or answers:
 * the store's whole state, its audit log and counters, the audit export, the decisions
 * (reasons, messages, facts), their explanations, and the errors it throws.
 */
import { describe, expect, it } from 'vitest';
import {
  CharterguardError,
  createLedger,
  explain,
  LedgerUnavailableError,
  memoryStore,
  type Decision,
  type Recipient,
} from '../../src/index.js';
import { charterWith, collect, DAY, HOUR, MINUTE, quota, SECRET, T0, mail, text } from './fixtures.js';
import { failingStore } from './store-wrappers.js';

/** A contact as written in the CRM, with every form of it that must never appear. */
interface Contact {
  readonly written: string;
  readonly forbidden: readonly string[];
}

function frenchMobile(written: string, e164: string): Contact {
  const national = `0${e164.slice(3)}`;
  return { written, forbidden: [written, e164, e164.slice(1), national, e164.slice(3)] };
}

const PHONES = {
  spaced: frenchMobile('06 12 34 56 78', '+33612345678'),
  international: frenchMobile('+33 6 98 76 54 32', '+33698765432'),
  zeros: frenchMobile('0033 7 11 22 33 44', '+33711223344'),
  dotted: frenchMobile('07.55.44.33.22', '+33755443322'),
  compact: frenchMobile('0644556677', '+33644556677'),
  landline: frenchMobile('01 42 68 53 00', '+33142685300'),
  american: { written: '(415) 555-2671', forbidden: ['(415) 555-2671', '+14155552671', '14155552671', '4155552671', '555-2671'] },
} satisfies Record<string, Contact>;

const EMAILS = ['Marie.Curie@Example.fr', 'jean-pierre.dupont@gmail.com', 'ELECTEUR.77@EXAMPLE.FR', 'adherente+primaire@orange.fr'];
const FORBIDDEN = [
  ...Object.values(PHONES).flatMap((phone) => phone.forbidden),
  ...EMAILS.flatMap((email) => [email, email.toLowerCase(), email.toUpperCase()]),
];

/** Every string (and number, as text) reachable from `value`: own properties, Map and Set entries, arrays. */
function reachableText(value: unknown, seen = new Set<object>()): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  if (ArrayBuffer.isView(value)) return [];
  const found: string[] = [];
  if (value instanceof Map) {
    for (const [key, item] of value) found.push(...reachableText(key, seen), ...reachableText(item, seen));
  } else if (value instanceof Set) {
    for (const item of value) found.push(...reachableText(item, seen));
  }
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'string') found.push(key);
    found.push(...reachableText((value as Record<PropertyKey, unknown>)[key], seen));
  }
  return found;
}

/** Fails naming the leaked contact and where it was found. */
function expectNoContact(where: string, texts: readonly string[]): void {
  const haystack = texts.join('\n');
  const compact = haystack.replace(/[\s.()-]/g, '');
  for (const contact of FORBIDDEN) {
    expect(haystack.includes(contact), `${where} contains ${contact}`).toBe(false);
    // Also written with other separators: only digits (and +) compared.
    const digits = contact.replace(/[\s.()-]/g, '');
    if (/^\+?\d{9,}$/.test(digits)) expect(compact.includes(digits), `${where} contains ${contact} (reformatted)`).toBe(false);
  }
}

const charter = charterWith([
  quota({ id: 'one-text-a-day', count: 'deliveries', per: ['recipient'], window: { calendar: 'day' }, limit: 1, when: { channels: ['sms'] } }),
  quota({ id: 'mailings', limit: 2 }),
  { id: 'prospects-need-consent', kind: 'consent', when: { relationships: ['prospect'] } },
  { id: 'no-voters-by-text', kind: 'forbid', article: 'Art. 6', when: { channels: ['sms'], audiences: ['voters'] } },
]);

function recipients(): Recipient[] {
  const people: Recipient[] = Object.entries(PHONES).map(([name, phone], n) => ({
    id: `crm-${name}`,
    phone: phone.written,
    email: EMAILS[n % EMAILS.length]!,
    audiences: [n === 4 ? 'voters' : 'members'],
    ...(name === 'american' ? { country: 'US', timezone: 'America/Los_Angeles' } : {}),
    ...(n === 2 ? { relationship: 'prospect' as const } : {}),
    ...(n === 3 ? { optOuts: [{ channel: 'sms' as const, at: '2013-05-01T10:00:00+02:00' }] } : {}),
  }));
  // Contacts in the wrong field, and of the wrong type: refused without being quoted.
  people.push({ id: 'crm-swapped', phone: EMAILS[0]!, email: PHONES.spaced.written, audiences: ['members'] });
  people.push({ id: 'crm-wrong-type', phone: [PHONES.compact.written] as unknown as string, audiences: ['members'] });
  people.push({ id: 'crm-partial', phone: '06 12 34', audiences: ['members'] });
  return people;
}

describe('no phone number or email address leaks out of the ledger', () => {
  it('after a run with real-looking contacts in every format', async () => {
    const store = memoryStore();
    const ledger = createLedger({ charter, store, secret: SECRET, ttl: 10 * MINUTE });
    const decisions: Decision[] = [];
    await ledger.optOut({ phone: '+33 6 44 55 66 77', channel: 'sms', at: T0 - DAY });
    await ledger.optOut({ email: 'JEAN-PIERRE.DUPONT@GMAIL.COM', at: T0 - DAY });
    await ledger.optIn({ phone: PHONES.dotted.written, channel: 'all', at: T0 - HOUR });

    const everyone = recipients();
    const texts = await ledger.authorizeMany(text('t1', { content: { text: 'Votez le 31 mai. Jean Dupont. STOP' } }), everyone, { now: T0 });
    const mails = await ledger.authorizeMany(mail('m1'), everyone, { now: T0 });
    for (const person of everyone) decisions.push((await ledger.authorize(mail('m2'), person, { now: T0 + MINUTE })).decision);
    const overflow = await ledger.authorize(mail('m3'), everyone[0]!, { now: T0 + 2 * MINUTE, overrides: [{ code: 'QUOTA_EXCEEDED', by: 'reviewer', reason: 'council vote' }] });
    decisions.push(...[...texts, ...mails].map(({ decision }) => decision), overflow.decision);

    const reservations = [...texts, ...mails].flatMap(({ reservation }) => (reservation ? [reservation] : []));
    expect(reservations.length).toBeGreaterThan(4);
    const errors: unknown[] = [];
    for (const [n, reservation] of reservations.entries()) {
      if (n % 3 === 0) await reservation.commit({ now: T0 + 3 * MINUTE });
      else if (n % 3 === 1) await reservation.release({ now: T0 + 3 * MINUTE });
    }
    decisions.push(...(await ledger.authorizeMany(text('t2'), everyone, { now: T0 + HOUR })).map(({ decision }) => decision));
    await ledger.expire({ now: T0 + DAY });
    for (const reservation of reservations) {
      await reservation.commit({ now: T0 + DAY }).catch((error: unknown) => errors.push(error));
      await reservation.release({ now: T0 + DAY }).catch((error: unknown) => errors.push(error));
    }

    // The run exercised refusals of every kind the contacts can cause.
    const codes = new Set(decisions.flatMap((decision) => decision.reasons.map((reason) => reason.code)));
    for (const code of ['PERMITTED', 'OPTED_OUT', 'NOT_A_MOBILE', 'INVALID_CONTACT', 'INVALID_INPUT', 'CONSENT_MISSING', 'FORBIDDEN', 'QUOTA_EXCEEDED', 'DUPLICATE_DELIVERY']) {
      expect(codes, code).toContain(code);
    }

    // Errors: invalid contacts to suppress, an unknown channel, a store that fails, late commits.
    for (const request of [{ phone: '06 12 34' }, { email: EMAILS[0]!.replace('@', ' at ') }, { phone: PHONES.spaced.written, channel: 'fax' as never }]) {
      await ledger.optOut({ ...request, at: T0 }).catch((error: unknown) => errors.push(error));
    }
    const failing = createLedger({ charter, store: failingStore(memoryStore(), 'reserve', 'before'), secret: SECRET });
    await failing.authorize(text('t1'), everyone[0]!, { now: T0 }).catch((error: unknown) => errors.push(error));
    expect(errors.length).toBeGreaterThan(4);
    expect(errors.every((error) => error instanceof CharterguardError)).toBe(true);
    expect(errors.some((error) => error instanceof LedgerUnavailableError)).toBe(true);

    expectNoContact('the store', reachableText(store));
    const events = await collect(ledger.audit());
    expect(events.length).toBeGreaterThan(30);
    expectNoContact('the audit log', [JSON.stringify(events)]);
    expectNoContact('the counters', [JSON.stringify(await store.counters(T0))]);
    const lines: string[] = [];
    await ledger.exportAudit({ write: (chunk) => lines.push(chunk) });
    expectNoContact('the audit export', lines);
    expectNoContact('the usage view', reachableText(await ledger.usage({ now: T0 })));
    for (const decision of decisions) {
      expectNoContact(`the decision ${decision.reasons.map((reason) => reason.code).join(',')}`, [JSON.stringify(decision), explain(decision), explain(decision, { locale: 'fr' })]);
    }
    expectNoContact('the errors', errors.map((error) => `${(error as Error).name}: ${(error as Error).message}`));
  });

  it('keeps recipients in the log as keyed hashes that change with the secret', async () => {
    const hashesUnder = async (secret: string) => {
      const ledger = createLedger({ charter, store: memoryStore(), secret });
      await ledger.authorize(text('t1'), { id: 'crm-1', phone: PHONES.spaced.written, audiences: ['members'] }, { now: T0 });
      await ledger.optOut({ email: EMAILS[0]!, at: T0 });
      return (await collect(ledger.audit())).map((event) => event.recipient);
    };
    const first = await hashesUnder('secret-one');
    const second = await hashesUnder('secret-two');
    for (const hash of [...first, ...second]) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first).toEqual(await hashesUnder('secret-one'));
    expect(first[0]).not.toBe(second[0]);
    expect(first[1]).not.toBe(second[1]);
  });
});
