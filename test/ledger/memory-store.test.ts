import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLedger, memoryStore } from '../../src/index.js';
import { charterWith, DAY, mail, person, quota, T0 } from './fixtures.js';
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
});
