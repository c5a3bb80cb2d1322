/**
 * The ledger-level half of the conformance suite: `createLedger` on the store under test,
 * so every store is checked end to end (quotas, reservations, duplicates, batches, the
 * suppression list, review overrides, failures).
 */
import { describe, expect, it } from 'vitest';
import {
  canSend,
  CharterguardError,
  createLedger,
  LedgerUnavailableError,
  ReservationExpiredError,
  type AuditEvent,
  type Authorization,
  type Charter,
  type Decision,
  type Ledger,
  type LedgerOptions,
  type Message,
  type QuotaStatus,
  type LedgerStore,
  type Recipient,
} from '../../../src/index.js';
import { charterWith, codes, collect, DAY, HOUR, mail, MINUTE, person, quota, SECRET, T0, text } from '../fixtures.js';
import { failingStore, hookedStore, StoreDown } from '../store-wrappers.js';
import type { StoreFactory } from '../store-conformance.js';

const TTL = 10 * MINUTE;

/** Registers the ledger-level tests. */
export function ledgerContract(factory: StoreFactory): void {
  const open = async (charter: Charter, options: Partial<LedgerOptions> & { wrap?: (store: LedgerStore) => LedgerStore } = {}) => {
    const { wrap, ...rest } = options;
    const store = await factory();
    return createLedger({ charter, secret: SECRET, ttl: TTL, ...rest, store: wrap ? wrap(store) : store });
  };

  describe('quotas', () => {
    it('counts per key and per calendar window', async () => {
      const charter = charterWith([quota({ id: 'daily-texts', count: 'deliveries', per: ['recipient'], window: { calendar: 'day' }, limit: 1 })]);
      const ledger = await open(charter);
      expect((await sent(ledger, text('t1'), person(1), T0)).decision.verdict).toBe('allow');
      const again = await sent(ledger, text('t2'), person(1), T0 + HOUR);
      expect(again.decision.verdict).toBe('deny');
      expect(again.decision.reasons).toMatchObject([{ code: 'QUOTA_EXCEEDED', ruleId: 'daily-texts', facts: { used: 1, limit: 1 } }]);
      expect(again.reservation).toBeUndefined();
      expect((await sent(ledger, text('t2'), person(2), T0 + HOUR)).decision.verdict).toBe('allow');
      // 23:59 and 00:00 the next day, in Paris.
      expect((await ledger.authorize(text('t2'), person(1), { now: T0 + 14 * HOUR - 1 })).decision.verdict).toBe('deny');
      expect((await ledger.authorize(text('t2'), person(1), { now: T0 + 14 * HOUR })).decision.verdict).toBe('allow');
    });

    it('counts a rolling window back from each send, units at the window start included', async () => {
      const charter = charterWith([quota({ id: 'rolling', count: 'deliveries', per: ['recipient'], window: { rolling: '24h' }, limit: 1 })]);
      const ledger = await open(charter);
      expect((await sent(ledger, text('t1'), person(1), T0)).decision.verdict).toBe('allow');
      expect((await ledger.authorize(text('t2'), person(1), { now: T0 + DAY })).decision.verdict).toBe('deny');
      expect((await ledger.authorize(text('t2'), person(1), { now: T0 + DAY + 1 })).decision.verdict).toBe('allow');
    });

    it('keeps candidates apart under a per-candidate quota', async () => {
      const ledger = await open(charterWith([quota({ id: 'mailings', limit: 1 })]));
      const other = { id: 's2', role: 'candidate', candidate: 'c2' };
      expect((await ledger.authorize(mail('a1'), person(1), { now: T0 })).decision.verdict).toBe('allow');
      expect((await ledger.authorize(mail('b1', { sender: other }), person(1), { now: T0 })).decision.verdict).toBe('allow');
      expect(codes((await ledger.authorize(mail('a2'), person(1), { now: T0 })).decision)).toEqual(['QUOTA_EXCEEDED']);
    });

    it("counts a mailing once under 'messages' and each recipient under 'deliveries'; releasing all of a mailing's deliveries frees its slot", async () => {
      const charter = charterWith([quota({ id: 'mailings', limit: 2 }), quota({ id: 'reach', count: 'deliveries', limit: 5 })]);
      const ledger = await open(charter);
      const first = await ledger.authorizeMany(mail('m1'), [person(1), person(2), person(3)], { now: T0 });
      expect(first.map(({ decision }) => decision.verdict)).toEqual(['allow', 'allow', 'allow']);
      expect(first.map(({ decision }) => consumes(decision, 'mailings'))).toEqual([1, 0, 0]);
      expect(first.map(({ decision }) => consumes(decision, 'reach'))).toEqual([1, 1, 1]);
      const m2 = await ledger.authorize(mail('m2'), person(1), { now: T0 });
      expect(m2.decision.verdict).toBe('allow');
      const m3 = await ledger.authorize(mail('m3'), person(1), { now: T0 });
      expect(m3.decision.reasons).toMatchObject([{ code: 'QUOTA_EXCEEDED', ruleId: 'mailings', facts: { used: 2, limit: 2 } }]);
      // A later delivery of a counted mailing does not consume a mailing.
      const later = await ledger.authorize(mail('m1'), person(4), { now: T0 });
      expect(later.decision.verdict).toBe('allow');
      expect(consumes(later.decision, 'mailings')).toBe(0);
      expect(codes((await ledger.authorize(mail('m1'), person(5), { now: T0 })).decision)).toEqual(['QUOTA_EXCEEDED']);
      // Releasing one delivery of m1 leaves it counted; releasing m2's only delivery frees a mailing.
      await first[0]!.reservation!.release({ now: T0 });
      expect(codes((await ledger.authorize(mail('m3'), person(2), { now: T0 })).decision)).toEqual(['QUOTA_EXCEEDED']);
      await m2.reservation!.release({ now: T0 });
      const freed = await ledger.authorize(mail('m3'), person(2), { now: T0 });
      expect(freed.decision.verdict).toBe('allow');
      expect(quotaOf(freed.decision, 'mailings')).toMatchObject({ used: 1, consumes: 1 });
      expect(quotaOf(freed.decision, 'reach')).toMatchObject({ used: 3, consumes: 1 });
    });

    it('consumes nothing for a denied or reviewed send', async () => {
      const charter = charterWith([
        quota({ id: 'reach', count: 'deliveries', limit: 5 }),
        { id: 'no-voters', kind: 'forbid', when: { audiences: ['voters'] } },
        { id: 'check-long', kind: 'content', effect: 'review', maxLength: 10 },
      ]);
      const ledger = await open(charter);
      const denied = await ledger.authorize(mail('m1'), person(1, { audiences: ['voters'] }), { now: T0 });
      const reviewed = await ledger.authorize(mail('m2', { content: { text: 'far too long a text' } }), person(2), { now: T0 });
      expect([denied.decision.verdict, reviewed.decision.verdict]).toEqual(['deny', 'review']);
      expect([denied.reservation, reviewed.reservation]).toEqual([undefined, undefined]);
      const next = await ledger.authorize(mail('m3'), person(3), { now: T0 });
      expect(quotaOf(next.decision, 'reach')).toMatchObject({ used: 0 });
    });
  });

  describe('reservations', () => {
    it('gives units back when a reservation is released or its ttl passes, and a late commit is refused', async () => {
      const ledger = await open(charterWith([quota({ id: 'reach', count: 'deliveries', limit: 1 })]));
      const first = await ledger.authorize(mail('m1'), person(1), { now: T0 });
      expect(first.reservation?.expiresAt).toBe(new Date(T0 + TTL).toISOString());
      expect(codes((await ledger.authorize(mail('m1'), person(2), { now: T0 + TTL - 1 })).decision)).toEqual(['QUOTA_EXCEEDED']);
      const second = await ledger.authorize(mail('m1'), person(2), { now: T0 + TTL });
      expect(second.decision.verdict).toBe('allow');
      await expect(first.reservation!.commit({ now: T0 + TTL + 1 })).rejects.toBeInstanceOf(ReservationExpiredError);
      await second.reservation!.release({ now: T0 + TTL + 1 });
      await second.reservation!.release({ now: T0 + TTL + 2 });
      await expect(second.reservation!.commit({ now: T0 + TTL + 3 })).rejects.toBeInstanceOf(ReservationExpiredError);
      const third = await ledger.authorize(mail('m1'), person(3), { now: T0 + TTL + 4 });
      expect(quotaOf(third.decision, 'reach')).toMatchObject({ used: 0, consumes: 1 });
    });

    it('keeps a committed send counted for good, once however often it is committed; it cannot be released', async () => {
      const ledger = await open(charterWith([quota({ id: 'reach', count: 'deliveries', limit: 2 })]));
      const { reservation } = await ledger.authorize(mail('m1'), person(1), { now: T0 });
      await reservation!.commit({ now: T0 + MINUTE });
      await reservation!.commit({ now: T0 + 2 * MINUTE });
      await expect(reservation!.release({ now: T0 + 3 * MINUTE })).rejects.toBeInstanceOf(CharterguardError);
      expect(await ledger.expire({ now: T0 + 400 * DAY })).toBe(0);
      const later = await ledger.authorize(mail('m2'), person(2), { now: T0 + 400 * DAY });
      expect(quotaOf(later.decision, 'reach')).toMatchObject({ used: 1 });
    });

    it('expires by timestamps a reservation whose ttl (60 days) exceeds 2^31 ms', async () => {
      const ledger = await open(charterWith([quota({ id: 'reach', count: 'deliveries', limit: 1 })]), { ttl: 60 * DAY });
      const first = await ledger.authorize(mail('m1'), person(1), { now: T0 });
      const kept = await ledger.authorize(mail('k1', { sender: { id: 's2', role: 'candidate', candidate: 'c2' } }), person(1), { now: T0 });
      expect(codes((await ledger.authorize(mail('m1'), person(2), { now: T0 + 30 * DAY })).decision)).toEqual(['QUOTA_EXCEEDED']);
      await kept.reservation!.commit({ now: T0 + 30 * DAY });
      expect(await ledger.expire({ now: T0 + 61 * DAY })).toBe(1);
      await expect(first.reservation!.commit({ now: T0 + 61 * DAY })).rejects.toBeInstanceOf(ReservationExpiredError);
      expect((await ledger.authorize(mail('m1'), person(2), { now: T0 + 61 * DAY })).decision.verdict).toBe('allow');
      const c2 = await ledger.authorize(mail('k2', { sender: { id: 's2', role: 'candidate', candidate: 'c2' } }), person(2), { now: T0 + 61 * DAY });
      expect(codes(c2.decision)).toEqual(['QUOTA_EXCEEDED']);
    });

    it('refuses a pair already reserved or committed with DUPLICATE_DELIVERY, whatever the number format, and consumes nothing', async () => {
      const ledger = await open(charterWith([quota({ id: 'reach', count: 'deliveries', limit: 10 })]));
      const pending = await ledger.authorize(text('t1'), person(1), { now: T0 });
      const committed = await ledger.authorize(text('t1'), person(2), { now: T0 });
      await committed.reservation!.commit({ now: T0 });
      const samePerson = { ...person(1), id: 'r1-duplicate-record', phone: '+33 6 12 30 00 01' };
      for (const recipient of [person(1), samePerson, person(2)]) {
        const again = await ledger.authorize(text('t1'), recipient, { now: T0 + MINUTE });
        expect(again.decision.verdict).toBe('deny');
        expect(codes(again.decision)).toEqual(['DUPLICATE_DELIVERY']);
        expect(again.reservation).toBeUndefined();
      }
      // Another mailing to the same person is no duplicate.
      const other = await ledger.authorize(text('t2'), person(1), { now: T0 + MINUTE });
      expect(other.decision.verdict).toBe('allow');
      expect(quotaOf(other.decision, 'reach')).toMatchObject({ used: 2 });
      // Released or expired, the pair can be authorized again.
      await pending.reservation!.release({ now: T0 + MINUTE });
      expect((await ledger.authorize(text('t1'), samePerson, { now: T0 + MINUTE })).decision.verdict).toBe('allow');
      expect((await ledger.authorize(text('t1'), person(1), { now: T0 + MINUTE + TTL })).decision.verdict).toBe('allow');
    });

    it('refuses the same pair twice within one batch', async () => {
      const ledger = await open(charterWith([]));
      const results = await ledger.authorizeMany(text('t1'), [person(1), person(2), { ...person(1), id: 'again', phone: '0033612300001' }], { now: T0 });
      expect(results.map(({ decision }) => codes(decision))).toEqual([['PERMITTED'], ['PERMITTED'], ['DUPLICATE_DELIVERY']]);
    });
  });

  describe('authorizeMany', () => {
    it('gives the same decisions as authorize in turn, on a mixed batch', async () => {
      const charter = charterWith([
        quota({ id: 'reach', count: 'deliveries', limit: 5 }),
        quota({ id: 'per-person', count: 'deliveries', per: ['recipient'], limit: 1 }),
        { id: 'no-federation-file', kind: 'forbid', article: 'Art. 6', when: { sources: ['federationFile'] } },
        { id: 'consent', kind: 'consent', effect: 'review', when: { relationships: ['prospect'] } },
      ], { sources: { federationFile: { label: 'the federation file' } } });
      const message = text('t2', { audience: 'members', content: { text: 'Vote on 31 May. Jean Dupont. STOP' } });
      const batch: Recipient[] = [
        person(1),
        person(2),
        person(1),
        { ...person(3), id: 'r3-other-format', phone: '+33 6 12 30 00 03' },
        person(4, { audiences: ['voters'] }),
        person(5, { phone: '01 23 45 67 89' }),
        person(6, { phone: '12' }),
        person(7, { source: 'federationFile' }),
        person(8, { relationship: 'prospect' }),
        person(9, { optOuts: [{ channel: 'sms', at: '2013-05-01T10:00:00+02:00' }] }),
        person(10),
        person(11),
        person(12),
        person(13),
        { id: '' } as Recipient,
        person(14),
      ];
      const prepare = async () => {
        const ledger = await open(charter);
        await ledger.optOut({ phone: '+33612300010', channel: 'sms', at: T0 - DAY });
        await sent(ledger, text('t1'), person(3), T0 - HOUR);
        await sent(ledger, text('t2'), person(11), T0 - HOUR);
        return ledger;
      };
      const batched = await (await prepare()).authorizeMany(message, batch, { now: T0 });
      const oneByOne = await prepare();
      const inTurn: Authorization[] = [];
      for (const recipient of batch) inTurn.push(await oneByOne.authorize(message, recipient, { now: T0 }));
      expect(batched.map(({ decision }) => decision)).toEqual(inTurn.map(({ decision }) => decision));
      expect(batched.map(({ reservation }) => reservation !== undefined)).toEqual(inTurn.map(({ reservation }) => reservation !== undefined));
      // The batch is mixed enough to mean something.
      const seen = new Set(batched.flatMap(({ decision }) => codes(decision)));
      for (const code of ['PERMITTED', 'DUPLICATE_DELIVERY', 'NOT_IN_AUDIENCE', 'NOT_A_MOBILE', 'INVALID_CONTACT', 'FORBIDDEN_SOURCE', 'CONSENT_MISSING', 'OPTED_OUT', 'QUOTA_EXCEEDED', 'INVALID_INPUT']) {
        expect(seen, code).toContain(code);
      }
      expect(batched.filter(({ reservation }) => reservation !== undefined)).toHaveLength(3);
    });
  });

  describe('usage', () => {
    it('is what canSend needs to reach the same quota figures as the ledger', async () => {
      const charter = charterWith([
        quota({ id: 'mailings', limit: 2 }),
        quota({ id: 'per-person', count: 'deliveries', per: ['recipient'], window: { rolling: '24h' }, limit: 2 }),
      ]);
      const ledger = await open(charter);
      for (const { reservation } of await ledger.authorizeMany(mail('m1'), [person(1), person(2)], { now: T0 })) await reservation!.commit({ now: T0 });
      await sent(ledger, mail('m2'), person(1), T0 + HOUR);
      for (const [message, recipient] of [[mail('m2'), person(2)], [mail('m3'), person(1)], [mail('m3'), person(3)]] as const) {
        const usage = await ledger.usage({ now: T0 + 2 * HOUR });
        const offline = canSend(message, recipient, { charter, now: T0 + 2 * HOUR, usage });
        const online = await sent(ledger, message, recipient, T0 + 2 * HOUR);
        expect(offline.quotas).toEqual(online.decision.quotas);
        expect(offline.verdict).toBe(online.decision.verdict);
      }
      const usage = await ledger.usage({ now: T0 + 2 * HOUR });
      expect(canSend(mail('m4'), person(4), { charter, now: T0 + 2 * HOUR, usage }).reasons).toMatchObject([{ code: 'QUOTA_EXCEEDED', ruleId: 'mailings' }]);
      // The rolling window moves on: person 1's deliveries at T0 and T0+1h leave it a day later.
      const dayLater = await ledger.usage({ now: T0 + DAY + HOUR });
      expect(quotaOf(canSend(mail('m2'), person(1), { charter, now: T0 + DAY + HOUR, usage: dayLater }), 'per-person')).toMatchObject({ used: 1 });
    });
  });

  describe('suppression list', () => {
    it('matches an opted-out number in any format, for its channel, until an opt-in', async () => {
      const ledger = await open(charterWith([]));
      await ledger.optOut({ phone: '+33 6 12 30 00 01', channel: 'sms', at: T0 - DAY });
      for (const [n, phone] of ['06 12 30 00 01', '+33612300001', '0033 6 12 30 00 01', '06.12.30.00.01'].entries()) {
        const { decision, reservation } = await ledger.authorize(text(`t${n}`), person(1, { phone }), { now: T0 });
        expect(decision.verdict, phone).toBe('deny');
        expect(codes(decision), phone).toEqual(['OPTED_OUT']);
        expect(reservation).toBeUndefined();
      }
      expect((await ledger.authorize(mail('m1'), person(1), { now: T0 })).decision.verdict).toBe('allow');
      await ledger.optIn({ phone: '0612300001', channel: 'sms', at: T0 + HOUR });
      expect((await ledger.authorize(text('t1'), person(1), { now: T0 + HOUR })).decision.verdict).toBe('allow');
    });

    it("matches an email in any case, on every channel for 'all', and only from the opt-out's time", async () => {
      const ledger = await open(charterWith([]));
      await ledger.optOut({ email: 'Person.2@Example.ORG', at: T0 });
      expect((await ledger.authorize(mail('m0'), person(2), { now: T0 - 1 })).decision.verdict).toBe('allow');
      for (const [n, email] of ['person.2@example.org', 'PERSON.2@EXAMPLE.ORG', ' Person.2@example.org '].entries()) {
        expect(codes((await ledger.authorize(mail(`m${n + 2}`), person(2, { email }), { now: T0 })).decision), email).toEqual(['OPTED_OUT']);
      }
      // 'all' covers SMS to the same person too, who is matched by email.
      expect(codes((await ledger.authorize(text('t1'), person(2), { now: T0 })).decision)).toEqual(['OPTED_OUT']);
      await ledger.optIn({ email: 'person.2@example.org', channel: 'email', at: T0 + HOUR });
      expect((await ledger.authorize(mail('m1'), person(2), { now: T0 + HOUR })).decision.verdict).toBe('allow');
      expect(codes((await ledger.authorize(text('t2'), person(2), { now: T0 + HOUR })).decision)).toEqual(['OPTED_OUT']);
    });

    it('logs opt-outs and opt-ins with the hashed contact only', async () => {
      const ledger = await open(charterWith([]));
      await ledger.optOut({ phone: '06 12 30 00 01', email: 'person.1@example.org', channel: 'sms', at: T0 });
      await ledger.optIn({ phone: '06 12 30 00 01', at: T0 + HOUR });
      const events = await collect(ledger.audit());
      expect(events.map((event) => [event.type, event.channel])).toEqual([['opted-out', 'sms'], ['opted-out', 'sms'], ['opted-in', 'all']]);
      for (const event of events) expect(event.recipient).toMatch(/^[0-9a-f]{64}$/);
      expect(events[0]!.recipient).toBe(events[2]!.recipient);
    });

    it('refuses to suppress an invalid contact or an unknown channel', async () => {
      const ledger = await open(charterWith([]));
      await expect(ledger.optOut({ phone: '12', at: T0 })).rejects.toBeInstanceOf(CharterguardError);
      await expect(ledger.optOut({ email: 'not-an-email', at: T0 })).rejects.toBeInstanceOf(CharterguardError);
      await expect(ledger.optOut({ at: T0 })).rejects.toBeInstanceOf(CharterguardError);
      await expect(ledger.optOut({ phone: '0612300001', channel: 'fax' as never, at: T0 })).rejects.toBeInstanceOf(CharterguardError);
    });
  });

  describe('review overrides', () => {
    const REVIEWER = { by: 'csp-reviewer', reason: 'Extra mailing voted by the council on 12 May' };

    it('approve a review, recorded in the audit log with who and why', async () => {
      const ledger = await open(charterWith([quota({ id: 'mailings', limit: 1, effect: 'review' })]));
      await ledger.authorize(mail('m1'), person(1), { now: T0 });
      const unapproved = await ledger.authorize(mail('m2'), person(1), { now: T0 });
      expect(unapproved.decision.verdict).toBe('review');
      expect(unapproved.reservation).toBeUndefined();
      const approved = await ledger.authorize(mail('m2'), person(1), { now: T0, overrides: [{ code: 'QUOTA_EXCEEDED', ...REVIEWER }] });
      expect(approved.decision.verdict).toBe('allow');
      expect(approved.decision.reasons).toMatchObject([{ code: 'QUOTA_EXCEEDED', verdict: 'allow', approval: REVIEWER }]);
      expect(approved.reservation).toBeDefined();
      const byRule = await ledger.authorize(mail('m3'), person(1), { now: T0, overrides: [{ ruleId: 'mailings', ...REVIEWER }] });
      expect(byRule.decision.verdict).toBe('allow');
      const events = await collect(ledger.audit());
      const approvals = events.filter((event) => event.type === 'approved');
      expect(approvals).toHaveLength(2);
      expect(approvals[0]).toMatchObject({ ...REVIEWER, messageId: 'm2', reservationId: approved.reservation!.id, verdict: 'allow', codes: ['QUOTA_EXCEEDED'] });
      expect(events.filter((event) => event.type === 'reviewed')).toHaveLength(1);
      // The approved mailings count.
      const usage = await ledger.usage({ now: T0 });
      expect(quotaOf(canSend(mail('m4'), person(2), { charter: ledger.charter, now: T0, usage }), 'mailings')).toMatchObject({ used: 3 });
    });

    it('never override a deny, nor a review with a reason left unapproved', async () => {
      const charter = charterWith([
        { id: 'no-voters', kind: 'forbid', article: 'Art. 6', when: { audiences: ['voters'] } },
        quota({ id: 'mailings', limit: 0, effect: 'review' }),
        { id: 'check-long', kind: 'content', effect: 'review', maxLength: 10 },
      ]);
      const ledger = await open(charter);
      const everything = ['FORBIDDEN', 'QUOTA_EXCEEDED', 'CONTENT_TOO_LONG', 'DUPLICATE_DELIVERY', 'OPTED_OUT'].map((code) => ({ code: code as never, ...REVIEWER }));
      const denied = await ledger.authorize(mail('m1'), person(1, { audiences: ['voters'] }), { now: T0, overrides: everything });
      expect(denied.decision.verdict).toBe('deny');
      expect(denied.reservation).toBeUndefined();
      expect(denied.decision.reasons.every((reason) => reason.approval === undefined)).toBe(true);
      const half = await ledger.authorize(mail('m2', { content: { text: 'far too long a text' } }), person(2), { now: T0, overrides: [{ code: 'QUOTA_EXCEEDED', ...REVIEWER }] });
      expect(half.decision.verdict).toBe('review');
      expect(half.reservation).toBeUndefined();
      await ledger.optOut({ email: 'person.3@example.org', at: T0 - DAY });
      const optedOut = await ledger.authorize(mail('m3'), person(3), { now: T0, overrides: everything });
      expect(optedOut.decision.verdict).toBe('deny');
      const events = await collect(ledger.audit());
      expect(events.filter((event) => event.type === 'approved')).toEqual([]);
    });

    it('keeps enforcing the window of the send when a time review is approved (a second worker takes the last unit in between)', async () => {
      // Quiet hours review SMS at 22:00; a rolling 24h quota of 2 shared by every send.
      const charter = charterWith([
        { id: 'evenings', kind: 'quietHours', effect: 'review', when: { channels: ['sms'] }, windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '08:00', to: '20:00' }] },
        quota({ id: 'daily', count: 'deliveries', per: [], window: { rolling: '24h' }, limit: 2 }),
      ]);
      const store = await factory();
      const night = T0 + 12 * HOUR;
      const approve = { overrides: [{ code: 'QUIET_HOURS' as const, ...REVIEWER }] };
      const worker = createLedger({ charter, store, secret: SECRET, ttl: TTL });
      // One unit at 07:00, inside the window of 22:00 but not of the next opening (08:00 the day after).
      const early = await worker.authorize(mail('m0'), person(1), { now: T0 - 3 * HOUR });
      await early.reservation!.commit({ now: T0 - 3 * HOUR });
      let raced = false;
      const racing = hookedStore(store, {
        async before(method) {
          if (method !== 'reserve' || raced) return;
          raced = true;
          const other = await worker.authorize(text('t1'), person(2, { timezone: 'Europe/Paris' }), { now: night, ...approve });
          expect(other.decision.verdict).toBe('allow');
        },
      });
      const ledger = createLedger({ charter, store: racing, secret: SECRET, ttl: TTL });
      const late = await ledger.authorize(text('t1'), person(3, { timezone: 'Europe/Paris' }), { now: night, ...approve });
      expect(raced).toBe(true);
      expect(late.decision.verdict).not.toBe('allow');
      expect(late.reservation).toBeUndefined();
      const usage = await worker.usage({ now: night });
      expect(quotaOf(canSend(mail('m9'), person(4), { charter, now: night, usage }), 'daily')).toMatchObject({ used: 2 });
    });
  });

  describe('when the store fails', () => {
    it('rejects with LedgerUnavailableError carrying the cause, and a retry counts the send once', async () => {
      const charter = charterWith([quota({ id: 'reach', count: 'deliveries', limit: 2 })]);
      for (const method of ['snapshot', 'reserve'] as const) {
        for (const when of ['before', 'after'] as const) {
          const label = `${method} ${when}`;
          let down = true;
          const ledger = await open(charter, { wrap: (store) => failingStore(store, method, when, () => down) });
          const error = await ledger.authorize(mail('m1'), person(1), { now: T0 }).then(() => undefined, (caught: unknown) => caught);
          expect(error, label).toBeInstanceOf(LedgerUnavailableError);
          expect((error as Error).cause, label).toBeInstanceOf(StoreDown);
          down = false;
          const lost = method === 'reserve' && when === 'after';
          const retry = await ledger.authorize(mail('m1'), person(1), { now: T0 + MINUTE });
          // A reservation taken before the answer was lost is not taken twice: the retry sees it.
          expect(codes(retry.decision), label).toEqual(lost ? ['DUPLICATE_DELIVERY'] : ['PERMITTED']);
          await retry.reservation?.commit({ now: T0 + MINUTE });
          const next = await ledger.authorize(mail('m2'), person(2), { now: T0 + MINUTE });
          expect(quotaOf(next.decision, 'reach'), label).toMatchObject({ used: 1 });
          // The lost reservation heals by expiry: the send can then be authorized, counted once.
          const healed = await ledger.authorize(mail('m1'), person(1), { now: T0 + TTL + MINUTE });
          expect(codes(healed.decision), label).toEqual(lost ? ['PERMITTED'] : ['DUPLICATE_DELIVERY']);
        }
      }
    });

    it('rejects commit, usage, opt-outs, expiry and the audit log with LedgerUnavailableError', async () => {
      const charter = charterWith([quota({ id: 'reach', count: 'deliveries', limit: 2 })]);
      let down = false;
      const broken = (store: LedgerStore) => hookedStore(store, { before: () => { if (down) throw new StoreDown('socket hang up'); } });
      const ledger = await open(charter, { wrap: broken });
      const { reservation } = await ledger.authorize(mail('m1'), person(1), { now: T0 });
      down = true;
      await expect(reservation!.commit({ now: T0 })).rejects.toBeInstanceOf(LedgerUnavailableError);
      await expect(ledger.usage({ now: T0 })).rejects.toBeInstanceOf(LedgerUnavailableError);
      await expect(ledger.optOut({ email: 'person.1@example.org', at: T0 })).rejects.toBeInstanceOf(LedgerUnavailableError);
      await expect(ledger.expire({ now: T0 })).rejects.toBeInstanceOf(LedgerUnavailableError);
      await expect(collect(ledger.audit())).rejects.toBeInstanceOf(LedgerUnavailableError);
      await expect(ledger.exportAudit({ write: () => undefined })).rejects.toBeInstanceOf(LedgerUnavailableError);
      down = false;
      await reservation!.commit({ now: T0 });
      await reservation!.commit({ now: T0 });
      const next = await ledger.authorize(mail('m2'), person(2), { now: T0 });
      expect(quotaOf(next.decision, 'reach')).toMatchObject({ used: 1 });
    });
  });

  describe('audit log', () => {
    it('records authorizations, refusals, commits, releases and expiries in order, and exports them as JSON lines', async () => {
      const ledger = await open(charterWith([quota({ id: 'reach', count: 'deliveries', limit: 4 })]));
      const committed = await ledger.authorize(mail('m1'), person(1), { now: T0 });
      const released = await ledger.authorize(mail('m1'), person(2), { now: T0 });
      await ledger.authorize(mail('m1'), person(3), { now: T0 });
      await ledger.authorize(mail('m1'), person(1), { now: T0 });
      await committed.reservation!.commit({ now: T0 + MINUTE });
      await released.reservation!.release({ now: T0 + MINUTE });
      expect(await ledger.expire({ now: T0 + TTL })).toBe(1);
      const events = await collect(ledger.audit());
      expect(events.map((event) => event.type)).toEqual(['authorized', 'authorized', 'authorized', 'denied', 'committed', 'released', 'expired']);
      expect(events[0]).toMatchObject({ messageId: 'm1', channel: 'email', verdict: 'allow', reservationId: committed.reservation!.id, codes: ['PERMITTED'] });
      expect(events[3]).toMatchObject({ verdict: 'deny', codes: ['DUPLICATE_DELIVERY'], recipient: events[0]!.recipient });
      expect(events[4]).toMatchObject({ reservationId: committed.reservation!.id, recipient: events[0]!.recipient });
      expect(events[5]).toMatchObject({ reservationId: released.reservation!.id });
      for (let i = 1; i < events.length; i++) expect(events[i]!.seq!).toBeGreaterThan(events[i - 1]!.seq!);
      const lines: string[] = [];
      expect(await ledger.exportAudit({ write: (chunk) => lines.push(chunk) })).toBe(events.length);
      expect(lines.join('').trimEnd().split('\n').map((line) => JSON.parse(line) as AuditEvent)).toEqual(events);
    });
  });

  describe('workers sharing the store', () => {
    it('lets exactly one of two workers take the last unit, and one of them deliver a pair', async () => {
      const charter = charterWith([quota({ id: 'reach', count: 'deliveries', limit: 3 })]);
      const store = await factory();
      const workers = [0, 1].map(() => createLedger({ charter, store, secret: SECRET, ttl: TTL }));
      const racing = Array.from({ length: 20 }, (_, n) => workers[n % 2]!.authorize(mail('m1'), person(n), { now: T0 }));
      const results = await Promise.all(racing);
      expect(results.filter(({ reservation }) => reservation !== undefined)).toHaveLength(3);
      const samePair = await Promise.all(workers.map((worker) => worker.authorize(mail('m2'), person(99), { now: T0 + TTL + 1 })));
      expect(samePair.filter(({ reservation }) => reservation !== undefined)).toHaveLength(1);
      expect(samePair.flatMap(({ decision }) => codes(decision)).sort()).toEqual(['DUPLICATE_DELIVERY', 'PERMITTED']);
    });
  });
}

/** Authorizes a send and, when allowed, commits it: the send went out. */
async function sent(ledger: Ledger, message: Message, recipient: Recipient, now: number): Promise<Authorization> {
  const result = await ledger.authorize(message, recipient, { now });
  await result.reservation?.commit({ now });
  return result;
}

function quotaOf(decision: Decision, ruleId: string): QuotaStatus | undefined {
  return decision.quotas.find((status) => status.ruleId === ruleId);
}

function consumes(decision: Decision, ruleId: string): number | undefined {
  return quotaOf(decision, ruleId)?.consumes;
}

