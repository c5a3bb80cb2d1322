/**
 * Small builders for the constraint, built-in check and explanation tests: a charter with
 * a catch-all permit plus the rules under test, a message, a recipient, a recording usage
 * view. Every test passes a fixed `now`.
 */
import { defineCharter, type Charter, type CharterInput, type Message, type QuotaQuery, type QuotaUsage, type Recipient, type RuleInput, type UsageView } from '../../src/index.js';

/** A permit that selects every send, so a send passes unless a constraint or check refuses it. */
export const PERMIT_ALL: RuleInput = { id: 'permit-all', kind: 'permit', when: { channels: ['email', 'sms', 'call', 'post', 'social'] } };

/**
 * A charter in Europe/Paris with default country FR, two audiences, a relay, two sources
 * and two phases, holding `PERMIT_ALL` and `rules`.
 */
export function charterWith(rules: RuleInput[], extra: Partial<CharterInput> = {}): Charter {
  return defineCharter({
    id: 'test',
    title: 'Test charter',
    locale: 'en',
    timezone: 'Europe/Paris',
    defaultCountry: 'FR',
    defaults: { unlisted: 'deny' },
    phases: {
      campaign: { label: 'the campaign', from: '2013-05-13T00:00', to: '2013-05-31T08:00' },
      vote: { label: 'the vote', from: '2013-05-31T08:00', to: '2013-06-03T19:00' },
    },
    audiences: { members: { label: 'party members' }, voters: { label: 'pre-registered voters' } },
    relays: { csp: { label: 'the council' } },
    sources: { federationFile: { label: 'the federation file' }, signup: { label: 'the sign-up form' } },
    rules: [PERMIT_ALL, ...rules],
    ...extra,
  });
}

/** An SMS from candidate `c1` (sender `s1`, named Jean Dupont). */
export function sms(overrides: Partial<Message> = {}): Message {
  return { id: 'm1', channel: 'sms', sender: { id: 's1', role: 'candidate', candidate: 'c1', name: 'Jean Dupont' }, ...overrides };
}

/** An email from candidate `c1` (sender `s1`). */
export function email(overrides: Partial<Message> = {}): Message {
  return { id: 'm1', channel: 'email', sender: { id: 's1', role: 'candidate', candidate: 'c1', name: 'Jean Dupont' }, ...overrides };
}

/** A member with a French mobile number and an email address, in Paris. */
export function person(overrides: Partial<Recipient> = {}): Recipient {
  return { id: 'r1', phone: '06 12 34 56 78', email: 'marie.curie@example.fr', audiences: ['members'], ...overrides };
}

/** A usage view answering from a table of keys (else the fallback, else 0 and not counted), recording every query it receives. */
export class FakeUsage implements UsageView {
  readonly queries: QuotaQuery[] = [];
  constructor(
    private readonly table: Readonly<Record<string, Partial<QuotaUsage>>> = {},
    private readonly fallback: Partial<QuotaUsage> = {},
  ) {}
  quota(query: QuotaQuery): QuotaUsage {
    this.queries.push(query);
    const row = this.table[query.key];
    return { used: row?.used ?? this.fallback.used ?? 0, counted: row?.counted ?? this.fallback.counted ?? false };
  }
}

/** Epoch milliseconds of an ISO instant, for comparing with `QuotaQuery` fields. */
export function ms(instant: string): number {
  const value = Date.parse(instant);
  if (!Number.isFinite(value)) throw new Error(`bad instant ${instant}`);
  return value;
}
