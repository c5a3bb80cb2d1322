/**
 * The SQL stores read usage from running sums (`counter_mailings`: units per counter and
 * mailing) instead of counting unit rows. This harness checks, for any store of the kind,
 * that the sums always equal what the unit rows add up to, and that the store answers like
 * the memory store (which counts its units one by one) along random sequences of
 * reservations, commits, releases, expiries and the passing of time.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'vitest';
import { memoryStore, type LedgerStore, type QuotaCounter, type ReservationRequest, type ReservedUnit } from '../../src/index.js';
import { hashOf, HOUR, iso, MINUTE, T0 } from '../ledger/fixtures.js';

/** Per counter and mailing: the running sum and what the unit rows add up to. */
export interface SumRow {
  readonly cid: number;
  readonly messageId: string;
  readonly units: number;
}

/** Reads a store's sums and the unit rows' totals, straight from its tables. */
export interface SumsProbe {
  sums(): Promise<SumRow[]>;
  detail(): Promise<SumRow[]>;
  /** Unit rows whose reservation is neither pending nor committed (none should exist). */
  orphans(): Promise<number>;
}

/** Checks that the running sums equal the unit rows, and that no mailing is left at zero. */
export async function expectSumsMatchRows(probe: SumsProbe): Promise<void> {
  const [sums, detail, orphans] = await Promise.all([probe.sums(), probe.detail(), probe.orphans()]);
  const order = (rows: SumRow[]) => [...rows].sort((a, b) => a.cid - b.cid || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
  expect(order(sums)).toEqual(order(detail));
  expect(sums.every((row) => row.units > 0)).toBe(true);
  expect(orphans).toBe(0);
}

/** The probe of a SQLite store's tables (default prefix). */
export function sqliteProbe(db: { prepare(sql: string): { all(): unknown[]; get(): unknown } }): SumsProbe {
  const rows = (sql: string) => (db.prepare(sql).all() as { cid: number; message_id: string; units: number }[]).map(sumRow);
  return {
    sums: async () => rows('SELECT cid, message_id, units FROM charterguard_counter_mailings'),
    detail: async () => rows('SELECT u.cid, r.message_id, count(*) AS units FROM charterguard_units u JOIN charterguard_reservations r ON r.rid = u.rid GROUP BY u.cid, r.message_id'),
    orphans: async () =>
      (db.prepare("SELECT count(*) AS n FROM charterguard_units u LEFT JOIN charterguard_reservations r ON r.rid = u.rid WHERE r.state IS NULL OR r.state NOT IN ('pending', 'committed')").get() as { n: number }).n,
  };
}

/** The probe of a PostgreSQL store's tables in `schema`. */
export function postgresProbe(client: { query(text: string): Promise<{ rows: unknown[] }> }, schema: string): SumsProbe {
  const rows = async (sql: string) => ((await client.query(sql)).rows as { cid: number | string; message_id: string; units: number | string }[]).map(sumRow);
  return {
    sums: () => rows(`SELECT cid, message_id, units FROM ${schema}.counter_mailings`),
    detail: () => rows(`SELECT u.cid, r.message_id, count(*)::int AS units FROM ${schema}.units u JOIN ${schema}.reservations r ON r.rid = u.rid GROUP BY u.cid, r.message_id`),
    orphans: async () => {
      const { rows: found } = await client.query(
        `SELECT count(*)::int AS n FROM ${schema}.units u LEFT JOIN ${schema}.reservations r ON r.rid = u.rid WHERE r.state IS NULL OR r.state NOT IN ('pending', 'committed')`,
      );
      return Number((found[0] as { n: number }).n);
    },
  };
}

function sumRow(row: { cid: number | string; message_id: string; units: number | string }): SumRow {
  return { cid: Number(row.cid), messageId: row.message_id, units: Number(row.units) };
}

const TTL = 15 * MINUTE;
const PEOPLE = ['alice', 'bob', 'carol'].map(hashOf);
const MAILINGS = ['m1', 'm2', 'm3'];

type Op =
  | { kind: 'reserve'; items: { person: number; mailing: number; units: number; tight: boolean; reuse: boolean }[] }
  | { kind: 'commit' | 'release'; pick: number }
  | { kind: 'expire' }
  | { kind: 'wait'; minutes: number };

const ops = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('reserve' as const), items: fc.array(fc.record({ person: fc.nat(2), mailing: fc.nat(2), units: fc.nat(15), tight: fc.boolean(), reuse: fc.boolean() }), { minLength: 1, maxLength: 4 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('commit' as const, 'release' as const), pick: fc.nat(50) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), minutes: fc.constantFrom(0, 1, 7, 16, 45) }) },
  ),
  { minLength: 1, maxLength: 24 },
);

/** The units a delivery takes: a subset (bit mask) of four counters, two of them rolling windows. */
function unitsOf(person: string, mask: number, tight: boolean, now: number): ReservedUnit[] {
  const all: ReservedUnit[] = [
    { ruleId: 'mailings', key: 'candidate=c1|charter', count: 'messages', limit: tight ? 2 : Infinity },
    { ruleId: 'per-recipient', key: `recipient=#${person}|charter`, count: 'deliveries', limit: tight ? 2 : 5 },
    { ruleId: 'rolling', key: `recipient=#${person}|rolling=1h`, count: 'deliveries', limit: 2, since: now - HOUR },
    { ruleId: 'rolling-mailings', key: 'audience=members|rolling=2h', count: 'messages', limit: 2, since: now - 2 * HOUR },
  ];
  return all.filter((_, bit) => (mask & (1 << bit)) !== 0);
}

/** Every counter the sequences use, as read at `now`, with the mailing asked about. */
function countersAt(now: number): QuotaCounter[] {
  return [
    { ruleId: 'mailings', key: 'candidate=c1|charter', count: 'messages' },
    ...PEOPLE.flatMap((person): QuotaCounter[] => [
      { ruleId: 'per-recipient', key: `recipient=#${person}|charter`, count: 'deliveries' },
      { ruleId: 'rolling', key: `recipient=#${person}|rolling=1h`, count: 'deliveries', since: now - HOUR },
    ]),
    { ruleId: 'rolling-mailings', key: 'audience=members|rolling=2h', count: 'messages', since: now - 2 * HOUR },
  ];
}

/** Live units of every counter, in a comparable form. */
async function usage(store: LedgerStore, now: number) {
  return (await store.counters(now))
    .map((counter) => ({ id: `${counter.ruleId} ${counter.key}`, units: counter.units.map((unit) => `${unit.messageId}@${unit.at}`).sort() }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Runs random sequences against a fresh store of the kind and a memory store side by side.
 * Time only moves forward (the stores agree on late commits only then; skewed clocks have
 * their own tests in the conformance suite).
 */
export async function checkAgainstMemory(fresh: () => Promise<{ store: LedgerStore; probe: SumsProbe }>, runs: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(ops, async (sequence) => {
      const { store, probe } = await fresh();
      const model = memoryStore();
      const taken: ReservationRequest[] = [];
      let now = T0;
      for (const op of sequence) {
        if (op.kind === 'wait') now += op.minutes * MINUTE;
        else if (op.kind === 'expire') {
          await store.expire(now);
          await model.expire(now);
        } else if (op.kind === 'commit' || op.kind === 'release') {
          const action = op.kind;
          const reservation = taken[op.pick % Math.max(taken.length, 1)];
          if (!reservation) continue;
          const event = { type: action === 'commit' ? 'committed' : 'released', at: iso(now), reservationId: reservation.id } as const;
          const settle = (target: LedgerStore) => target.settle([{ id: reservation.id, event }], action, now);
          expect(await settle(store)).toEqual(await settle(model));
        } else if (op.kind === 'reserve') {
          const reservations = op.items.map((item): ReservationRequest => {
            const person = PEOPLE[item.person]!;
            const messageId = MAILINGS[item.mailing]!;
            const earlier = item.reuse ? taken.find((old) => old.deliveryKey === `${messageId}|${person}`) : undefined;
            // Sometimes the same reservation asked again (a retry), sometimes a new attempt.
            if (earlier) return earlier;
            const id = randomUUID();
            const units = unitsOf(person, item.units, item.tight, now);
            return { id, messageId, recipient: person, deliveryKey: `${messageId}|${person}`, units, event: { type: 'authorized', at: iso(now), messageId, recipient: person, reservationId: id } };
          });
          const request = { now, expiresAt: now + TTL, reservations, events: [] };
          const outcomes = await store.reserve(request);
          expect(outcomes).toEqual(await model.reserve(request));
          reservations.forEach((reservation, index) => {
            if (outcomes[index]?.ok && !taken.includes(reservation)) taken.push(reservation);
          });
        }
        for (const messageId of MAILINGS) {
          const request = { now, messageId, counters: countersAt(now), deliveries: PEOPLE.map((person) => `${messageId}|${person}`), contacts: [], channel: 'email' };
          const [actual, expected] = [await store.snapshot(request), await model.snapshot(request)];
          expect(actual.counters).toEqual(expected.counters);
          expect([...actual.deliveries].sort()).toEqual([...expected.deliveries].sort());
        }
        expect(await usage(store, now)).toEqual(await usage(model, now));
        await expectSumsMatchRows(probe);
      }
    }),
    { numRuns: runs },
  );
}
