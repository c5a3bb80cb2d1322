import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canSend, defineCharter, type QuotaQuery } from '../../src/index.js';
import { plannedQuotaQueries } from '../../src/decision/quota-queries.js';

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

describe('plannedQuotaQueries', () => {
  it('names exactly the counters the decision reads at the instant of the send', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('email', 'sms'),
        fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
        fc.subarray(['a', 'b']),
        fc.integer({ min: Date.parse('2013-05-01T00:00:00Z'), max: Date.parse('2013-05-31T00:00:00Z') }),
        fc.constantFrom('s1', 's2'),
        (channel, audience, audiences, now, sender) => {
          const message = { id: 'm', channel, sender: { id: sender, role: 'candidate' }, ...(audience ? { audience } : {}) };
          const recipient = { id: 'r', phone: '06 12 34 56 78', email: 'r@example.fr', audiences };
          const read: QuotaQuery[] = [];
          canSend(message, recipient, { charter, now, usage: { quota: (query) => (query.now === now && read.push(query), { used: 0, counted: false }) } });
          expect(plannedQuotaQueries(message, recipient, charter, now)).toEqual(read);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('plans nothing for a malformed send', () => {
    expect(plannedQuotaQueries({ id: 'm', channel: 'fax', sender: { id: 's', role: 'r' } }, { id: 'r' }, charter, 0)).toEqual([]);
  });
});
