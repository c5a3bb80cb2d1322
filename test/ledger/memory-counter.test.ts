import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Counter, SortedTimes } from '../../src/ledger/memory-counter.js';

// Few distinct instants and mailings, so duplicates, ties at `since` and removals of absent values happen often.
const time = fc.integer({ min: 0, max: 40 });
const mailing = fc.constantFrom('m1', 'm2', 'm3');

describe('SortedTimes', () => {
  it('counts, keeps the latest and removes one occurrence as a sorted list does, in any order of operations', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), time }),
      fc.record({ kind: fc.constant('remove' as const), time }),
      // Oldest first, as expiry removes them: exercises the moving head and its compaction.
      fc.record({ kind: fc.constant('removeOldest' as const), time }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.array(time, { minLength: 1, maxLength: 5 }), (ops, probes) => {
        const times = new SortedTimes();
        const model: number[] = [];
        for (const { kind, time: at } of ops) {
          if (kind === 'add') {
            times.add(at);
            model.push(at);
            model.sort((a, b) => a - b);
          } else {
            const value = kind === 'removeOldest' ? model[0] : at;
            if (value === undefined) continue;
            times.remove(value);
            const index = model.indexOf(value);
            if (index !== -1) model.splice(index, 1);
          }
          expect(times.size).toBe(model.length);
          expect(times.last).toBe(model.length === 0 ? -Infinity : model[model.length - 1]);
          for (const since of probes) expect(times.countFrom(since)).toBe(model.filter((t) => t >= since).length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Counter', () => {
  it('reads fixed and rolling windows as a scan of its live units does, whenever the rolling index is first built', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), messageId: mailing, at: time }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('read' as const), messageId: mailing, since: fc.option(time, { nil: undefined }), count: fc.constantFrom('messages' as const, 'deliveries' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const counter = new Counter();
        const live = new Map<string, { messageId: string; at: number }>();
        let next = 0;
        for (const step of ops) {
          if (step.kind === 'add') {
            const id = `r${next++}`;
            counter.add(id, { messageId: step.messageId, at: step.at });
            live.set(id, { messageId: step.messageId, at: step.at });
          } else if (step.kind === 'remove') {
            const ids = [...live.keys()];
            if (ids.length === 0) continue;
            const id = ids[step.pick % ids.length]!;
            counter.remove(id);
            live.delete(id);
          } else {
            const units = [...live.values()].filter((unit) => step.since === undefined || unit.at >= step.since);
            const mailings = new Set(units.map((unit) => unit.messageId));
            const query = step.since === undefined ? { ruleId: 'q', key: 'k', count: step.count } : { ruleId: 'q', key: 'k', count: step.count, since: step.since };
            expect(counter.state(query, step.messageId)).toEqual({ used: step.count === 'messages' ? mailings.size : units.length, counted: mailings.has(step.messageId) });
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
