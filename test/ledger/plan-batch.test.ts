import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canSend, defineCharter, type Message, type QuotaQuery, type Recipient } from '../../src/index.js';
import { compileCharter, type CompiledCharter } from '../../src/decision/compile.js';
import { ContactKeys } from '../../src/ledger/contact-keys.js';
import { planBatch } from '../../src/ledger/plan-batch.js';

// Quota rules of every window and key kind, some selecting on channel or audience, so a
// batch's recipients read different counters, and some read none.
const charter = defineCharter({
  id: 'q',
  title: 'Quotas',
  timezone: 'Europe/Paris',
  defaultCountry: 'FR',
  phases: { early: { to: '2013-05-10T00:00' }, late: { from: '2013-05-10T00:00' } },
  audiences: { a: {}, b: {} },
  rules: [
    { id: 'p', kind: 'permit' },
    { id: 'charter', kind: 'quota', limit: 3, count: 'messages', per: ['candidate', 'audience'] },
    { id: 'phase', kind: 'quota', limit: 2, count: 'deliveries', per: ['recipient'], window: { phase: 'late' } },
    { id: 'day', kind: 'quota', limit: 5, count: 'deliveries', per: ['sender', 'channel'], window: { calendar: 'day' }, when: { channels: ['sms'] } },
    { id: 'rolling', kind: 'quota', limit: 9, count: 'messages', per: [], window: { rolling: '7d' }, when: { audiences: ['b'] } },
    { id: 'quiet', kind: 'quietHours', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] },
  ],
});
const compiled = (compileCharter(charter) as { ok: true; compiled: CompiledCharter }).compiled;

/** A counter as the store is asked for it: recipient parts of the key hashed. */
function counterOf(keys: ContactKeys, query: QuotaQuery): string {
  return JSON.stringify([query.ruleId, keys.quotaKey(query.key), query.count, query.since ?? null]);
}

describe('planBatch', () => {
  it('plans exactly the counters the batch decisions read, each once', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('email', 'sms'),
        fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
        fc.array(fc.record({ id: fc.constantFrom('r1', 'r2', 'r3'), audiences: fc.subarray(['a', 'b']) }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: Date.parse('2013-05-01T00:00:00Z'), max: Date.parse('2013-05-31T00:00:00Z') }),
        fc.constantFrom('s1', 's2'),
        (channel, audience, people, now, sender) => {
          const message: Message = { id: 'm', channel, sender: { id: sender, role: 'candidate' }, ...(audience ? { audience } : {}) };
          const recipients: Recipient[] = people.map(({ id, audiences }) => ({ id, phone: '06 12 34 56 78', email: `${id}@example.fr`, audiences }));
          const keys = new ContactKeys('secret');
          const read = new Set<string>();
          for (const recipient of recipients) {
            canSend(message, recipient, { charter, now, usage: { quota: (query) => (query.now === now && read.add(counterOf(keys, query)), { used: 0, counted: false }) } });
          }
          const { counters } = planBatch(compiled, keys, message, recipients, undefined, now, true);
          const planned = counters.map((counter) => JSON.stringify([counter.ruleId, counter.key, counter.count, counter.since ?? null]));
          expect(new Set(planned).size).toBe(planned.length);
          expect(new Set(planned)).toEqual(read);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('plans no counter for a malformed send, and no contact keys for a malformed recipient', () => {
    const keys = new ContactKeys('secret');
    const fax = planBatch(compiled, keys, { id: 'm', channel: 'fax', sender: { id: 's', role: 'r' } }, [{ id: 'r' }], undefined, 0, true);
    expect(fax.counters).toEqual([]);
    const odd = planBatch(compiled, keys, { id: 'm', channel: 'email', sender: { id: 's', role: 'r' } }, [{ id: 7 } as unknown as Recipient], undefined, 0, true);
    expect(odd.planned[0]).toMatchObject({ who: undefined, deliveryKey: undefined, issues: undefined });
    expect(odd.counters).toEqual([]);
  });
});
