import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLedger, memoryStore } from '../../src/index.js';
import type { ReservationRequest, ReservedUnit } from '../../src/ledger/store.js';
import { charterWith, DAY, hashOf, iso, mail, person, quota, T0 } from './fixtures.js';
import { testStore } from './store-conformance.js';

testStore('memoryStore', () => memoryStore(), { durable: false });

describe('memoryStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('schedules no timer, however long the reservations last', async () => {
    vi.useFakeTimers({ now: T0 });
    const ledger = createLedger({ charter: charterWith([quota({ id: 'reach', count: 'deliveries', limit: 10 })]), store: memoryStore(), ttl: 60 * DAY });
    const { reservation } = await ledger.authorize(mail('m1'), person(1), { now: T0 });
    await ledger.authorize(mail('m1'), person(2), { now: T0 });
    await reservation!.commit({ now: T0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('needs no secret: it keeps nothing beyond the process', () => {
    expect(memoryStore().durable).toBe(false);
    expect(() => createLedger({ charter: charterWith([]) })).not.toThrow();
  });

  it('reserves deliveries that share one units list as if each had its own, a refusal midway included', async () => {
    const store = memoryStore();
    // One list for every delivery, as the ledger hands a mailing's deliveries: one mailing per
    // counter `mailings`, at most two deliveries under `reach`.
    const units: readonly ReservedUnit[] = Object.freeze([
      { ruleId: 'mailings', key: 'candidate=c1|charter', count: 'messages', limit: 1 },
      { ruleId: 'reach', key: 'candidate=c1|charter', count: 'deliveries', limit: 2 },
    ]);
    const request = (id: string, messageId: string, who: string): ReservationRequest => ({
      id,
      messageId,
      recipient: hashOf(who),
      deliveryKey: `${messageId}|${hashOf(who)}`,
      units,
      event: { type: 'authorized', at: iso(T0), messageId, recipient: hashOf(who), reservationId: id },
    });
    const reserve = (reservations: ReservationRequest[]) => store.reserve({ now: T0, expiresAt: T0 + DAY, events: [], reservations });
    const outcome = (result: Awaited<ReturnType<typeof reserve>>) =>
      result.map((one) => (one.ok ? 'ok' : one.conflict.kind === 'quota' ? one.conflict.ruleId : 'duplicate'));
    expect(outcome(await reserve([request('a', 'm1', 'alice')]))).toEqual(['ok']);
    const outcomes = await reserve([
      // Refused on its first unit (a second mailing), before its second was looked at: the
      // first delivery of this batch to take the list.
      request('b', 'm2', 'bob'),
      // The same list again: both counters found, the mailing already counted.
      request('c', 'm1', 'carol'),
      // `reach` is full now.
      request('d', 'm1', 'dave'),
    ]);
    expect(outcome(outcomes)).toEqual(['mailings', 'ok', 'reach']);
    const usage = await store.counters(T0);
    expect(usage.map((counter) => [counter.ruleId, counter.units.length])).toEqual([
      ['mailings', 2],
      ['reach', 2],
    ]);
  });

  it('gives every reservation of every ledger its own id', async () => {
    const charter = charterWith([quota({ id: 'reach', count: 'deliveries', limit: 1000 })]);
    const ids = new Set<string>();
    for (const ledger of [createLedger({ charter }), createLedger({ charter })]) {
      const results = await ledger.authorizeMany(mail('m1'), Array.from({ length: 50 }, (_, n) => person(n)), { now: T0 });
      for (const { reservation } of results) ids.add(reservation!.id);
    }
    expect(ids.size).toBe(100);
  });
});
