/**
 * Many workers racing for the last quota units: however their reads and reservations
 * interleave, exactly the limit is reserved, never more (the store's atomic reserve and
 * the ledger's retry loop), and never less (lost races are decided again).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canSend, createLedger, memoryStore, type Authorization, type Ledger, type LedgerStore } from '../../src/index.js';
import { charterWith, codes, collect, mail, person, quota, SECRET, T0 } from './fixtures.js';
import { hookedStore, seededRandom, yieldingStore } from './store-wrappers.js';

const threeDeliveries = charterWith([quota({ id: 'three', count: 'deliveries', limit: 3 })]);
const threeMailings = charterWith([quota({ id: 'three', count: 'messages', limit: 3 })]);

function reserved(results: readonly Authorization[]): Authorization[] {
  return results.filter(({ reservation }) => reservation !== undefined);
}

/** Live units of the quota, as canSend reads them from the ledger. */
async function used(ledger: Ledger): Promise<number> {
  const usage = await ledger.usage({ now: T0 });
  return canSend(mail('probe'), person(0), { charter: ledger.charter, now: T0, usage }).quotas[0]!.used;
}

/**
 * Every loser of a race gets the decision it would get by asking after the winners: the
 * quota rule's own refusal, with its article and the quota shown full, never a bare conflict.
 */
function expectQuotaRefusals(results: readonly Authorization[], limit = 3): void {
  for (const { decision, reservation } of results) {
    if (reservation) {
      expect(decision.verdict).toBe('allow');
      continue;
    }
    expect(decision.reasons).toMatchObject([{ code: 'QUOTA_EXCEEDED', ruleId: 'three', article: 'Art. 4', facts: { used: limit, limit } }]);
    expect(decision.quotas).toMatchObject([{ ruleId: 'three', used: limit, remaining: 0 }]);
  }
}

describe('100 concurrent authorizations racing for a limit of 3', () => {
  it('reserve exactly 3 deliveries', async () => {
    const ledger = createLedger({ charter: threeDeliveries, store: memoryStore() });
    const results = await Promise.all(Array.from({ length: 100 }, (_, n) => ledger.authorize(mail('m1'), person(n), { now: T0 })));
    expect(reserved(results)).toHaveLength(3);
    expectQuotaRefusals(results);
    expect(await used(ledger)).toBe(3);
    const events = await collect(ledger.audit());
    expect(events.filter((event) => event.type === 'authorized')).toHaveLength(3);
    expect(events.filter((event) => event.type === 'denied')).toHaveLength(97);
  });

  it('reserve exactly 3 mailings out of 100', async () => {
    const ledger = createLedger({ charter: threeMailings, store: memoryStore() });
    const results = await Promise.all(Array.from({ length: 100 }, (_, n) => ledger.authorize(mail(`m${n}`), person(n), { now: T0 })));
    expect(reserved(results)).toHaveLength(3);
    expectQuotaRefusals(results);
    expect(await used(ledger)).toBe(3);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('reserve exactly 3 when the store yields at random inside snapshot and reserve (seed %i)', async (seed) => {
    const random = seededRandom(seed);
    const shared = memoryStore();
    // Four workers, each with its own slow connection to the one store.
    const workers = Array.from({ length: 4 }, () => createLedger({ charter: threeDeliveries, store: yieldingStore(shared, random), secret: SECRET }));
    const results = await Promise.all(Array.from({ length: 100 }, (_, n) => workers[n % 4]!.authorize(mail('m1'), person(n), { now: T0 })));
    expect(reserved(results)).toHaveLength(3);
    expectQuotaRefusals(results);
    expect(await used(workers[0]!)).toBe(3);
  });

  it.each([1, 2, 3, 4])('reserve exactly 20 of 100 when the limit is 20 and the store yields at random (seed %i)', async (seed) => {
    const random = seededRandom(seed);
    const shared = memoryStore();
    const charter = charterWith([quota({ id: 'three', count: 'deliveries', limit: 20 })]);
    const workers = Array.from({ length: 4 }, () => createLedger({ charter, store: yieldingStore(shared, random), secret: SECRET }));
    const results = await Promise.all(Array.from({ length: 100 }, (_, n) => workers[n % 4]!.authorize(mail('m1'), person(n), { now: T0 })));
    expect(reserved(results)).toHaveLength(20);
    expectQuotaRefusals(results, 20);
  });

  it('send exactly 3 of 10 mailings racing to 10 recipients each, each of the 3 to all its recipients', async () => {
    const random = seededRandom(42);
    const shared = memoryStore();
    const workers = Array.from({ length: 3 }, () => createLedger({ charter: threeMailings, store: yieldingStore(shared, random), secret: SECRET }));
    const sends = Array.from({ length: 100 }, (_, n) => ({ mailing: n % 10, recipient: Math.floor(n / 10) }));
    const results = await Promise.all(sends.map(({ mailing, recipient }, n) => workers[n % 3]!.authorize(mail(`m${mailing}`), person(recipient), { now: T0 })));
    const winners = new Set(sends.filter((_, n) => results[n]!.reservation).map(({ mailing }) => mailing));
    expect(winners.size).toBe(3);
    expect(reserved(results)).toHaveLength(30);
    expectQuotaRefusals(results);
  });

  it('never reserve a pair twice when workers send overlapping batches', async () => {
    const random = seededRandom(7);
    const shared = memoryStore();
    const charter = charterWith([quota({ id: 'three', count: 'deliveries', limit: 8 })]);
    const workers = Array.from({ length: 5 }, () => createLedger({ charter, store: yieldingStore(shared, random), secret: SECRET }));
    const batches = await Promise.all(workers.map((worker, w) => worker.authorizeMany(mail('m1'), Array.from({ length: 6 }, (_, n) => person(w + n)), { now: T0 })));
    const taken = batches.flat().filter(({ reservation }) => reservation !== undefined);
    expect(taken).toHaveLength(8);
    // Ten distinct recipients in all: at most one reservation each.
    const recipients = batches.flatMap((batch, w) => batch.map((result, n) => (result.reservation ? w + n : undefined))).filter((n) => n !== undefined);
    expect(new Set(recipients).size).toBe(recipients.length);
    for (const { decision, reservation } of batches.flat()) {
      if (!reservation) expect(['QUOTA_EXCEEDED', 'DUPLICATE_DELIVERY']).toEqual(expect.arrayContaining(codes(decision)));
    }
  });
});

describe('a batch racing another worker', () => {
  it('decides again the later deliveries it refused on the strength of an earlier one that lost its race', async () => {
    // Two mailings per candidate a day in all, and one text per person a day.
    const charter = charterWith([
      quota({ id: 'reach', count: 'deliveries', per: ['candidate'], limit: 2 }),
      quota({ id: 'one-each', count: 'deliveries', per: ['recipient'], window: { calendar: 'day' }, limit: 1 }),
    ]);
    const shared = memoryStore();
    const other = createLedger({ charter, store: shared, secret: SECRET });
    let raced = false;
    const racing = hookedStore(shared, {
      async before(method) {
        if (method !== 'reserve' || raced) return;
        raced = true;
        // Candidate c2 texts person 0 between the batch's read and its reservation.
        const taken = await other.authorize(mail('c2-m1', { sender: { id: 's2', role: 'candidate', candidate: 'c2' } }), person(0), { now: T0 });
        expect(taken.reservation).toBeDefined();
      },
    });
    const ledger = createLedger({ charter, store: racing, secret: SECRET });
    const results = await ledger.authorizeMany(mail('m1'), [person(0), person(1), person(2)], { now: T0 });
    expect(raced).toBe(true);
    // Person 0 is refused for their own daily quota; c1's reach still has room for persons 1 and 2.
    expect(results.map(({ decision }) => codes(decision))).toEqual([['QUOTA_EXCEEDED'], ['PERMITTED'], ['PERMITTED']]);
    expect(results[0]!.decision.reasons[0]!.ruleId).toBe('one-each');
    expect(reserved(results)).toHaveLength(2);
    // The log holds one final decision per delivery: no refusal that was then reversed.
    const events = await collect(ledger.audit());
    const batch = events.filter((event) => event.messageId === 'm1');
    expect(batch.map((event) => event.type).sort()).toEqual(['authorized', 'authorized', 'denied']);
  });
});

describe('under any interleaving the scheduler picks', () => {
  it('a limit is never over-issued, releases give units back, and lost races are decided again', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(fc.boolean(), { minLength: 4, maxLength: 16 }), async (scheduler, releases) => {
        const shared = memoryStore();
        let peak = 0;
        const check = async (inner: LedgerStore) => {
          const live = (await inner.counters(T0)).reduce((sum, counter) => sum + counter.units.length, 0);
          peak = Math.max(peak, live);
        };
        const slow = (): LedgerStore =>
          hookedStore(shared, {
            before: () => scheduler.schedule(Promise.resolve(), 'call'),
            after: async (method) => {
              if (method === 'reserve') await check(shared);
              await scheduler.schedule(Promise.resolve(), 'answer');
            },
          });
        const workers = [createLedger({ charter: threeDeliveries, store: slow(), secret: SECRET }), createLedger({ charter: threeDeliveries, store: slow(), secret: SECRET })];
        // Each racer authorizes; some release at once (the send failed), freeing the unit for others.
        const racers = releases.map(async (release, n) => {
          const result = await workers[n % 2]!.authorize(mail('m1'), person(n), { now: T0 });
          if (result.reservation && release) await result.reservation.release({ now: T0 });
          return { result, released: release && result.reservation !== undefined };
        });
        const outcomes = await scheduler.waitFor(Promise.all(racers));
        expect(peak).toBeLessThanOrEqual(3);
        const kept = outcomes.filter(({ result, released }) => result.reservation && !released).length;
        expect(kept).toBeLessThanOrEqual(3);
        // Read through a ledger outside the scheduler: nothing would release its calls now.
        const observer = createLedger({ charter: threeDeliveries, store: shared, secret: SECRET });
        expect(await used(observer)).toBe(kept);
        // With no release at all, the racers fill the limit exactly.
        if (!releases.some(Boolean)) expect(kept).toBe(Math.min(3, releases.length));
        for (const { result } of outcomes) {
          if (!result.reservation) expect(result.decision.reasons).toMatchObject([{ code: 'QUOTA_EXCEEDED', article: 'Art. 4', facts: { used: 3 } }]);
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
