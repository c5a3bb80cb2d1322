import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuotaQuery, UsageView } from '../../src/decision/types.js';
import { PlanUsage } from '../../src/plan/replay.js';

const HOUR = 3_600_000;
const MAILINGS = ['m1', 'm2', 'm3', 'm4'];

/** A step of a replay: a unit sent (times only grow), or a counter read with a rolling window. */
const steps = fc.array(
  fc.record({ add: fc.boolean(), gap: fc.integer({ min: 0, max: 30 }), messageId: fc.constantFrom(...MAILINGS), window: fc.integer({ min: 1, max: 72 }), count: fc.constantFrom('messages' as const, 'deliveries' as const) }),
  { maxLength: 120 },
);

/** What the counter should answer, from every unit kept as it came. */
function expected(units: { at: number; messageId: string }[], query: QuotaQuery, seeded: ReadonlySet<string>, before: number) {
  const since = query.since ?? -Infinity;
  const inWindow = units.filter((unit) => unit.at >= since);
  const mine = new Set(inWindow.map((unit) => unit.messageId));
  const overlap = query.count === 'messages' ? [...mine].filter((id) => seeded.has(id)).length : 0;
  const used = before + (query.count === 'messages' ? mine.size : inWindow.length) - overlap;
  return { used, counted: seeded.has(query.messageId) || mine.has(query.messageId) };
}

describe('PlanUsage', () => {
  it('answers rolling windows as a scan of every unit would, with and without a seed', () => {
    fc.assert(
      fc.property(steps, fc.subarray(MAILINGS), fc.integer({ min: 0, max: 3 }), (plan, seededIds, before) => {
        const seeded = new Set(seededIds);
        const seed: UsageView = { quota: (query) => ({ used: before, counted: seeded.has(query.messageId) }) };
        for (const withSeed of [false, true]) {
          const usage = new PlanUsage(withSeed ? seed : undefined);
          const units: { at: number; messageId: string }[] = [];
          let now = 0;
          for (const step of plan) {
            now += step.gap * HOUR;
            const query: QuotaQuery = { ruleId: 'r', key: 'k', count: step.count, messageId: step.messageId, now, since: now - step.window * HOUR };
            const want = expected(units, query, withSeed ? seeded : new Set(), withSeed ? before : 0);
            expect(usage.quota(query)).toEqual(want);
            if (step.add) {
              usage.add(query);
              units.push({ at: now, messageId: step.messageId });
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("lists a counter a delivery only read when a seed may have filled it, not one a look ahead read", () => {
    const usage = new PlanUsage({ quota: () => ({ used: 3, counted: false }) });
    usage.quota({ ruleId: 'total', key: 'candidate=a', count: 'messages', messageId: 'm', now: 0 }, true);
    // A look ahead (for notBefore) reads without listing.
    usage.quota({ ruleId: 'total', key: 'candidate=b', count: 'messages', messageId: 'm', now: 5 });
    expect([...usage.entries(10)]).toEqual([{ ruleId: 'total', key: 'candidate=a', count: 'messages', used: 3 }]);
    const alone = new PlanUsage();
    alone.quota({ ruleId: 'total', key: 'candidate=a', count: 'messages', messageId: 'm', now: 0 }, true);
    expect([...alone.entries(10)]).toEqual([]);
  });
});
