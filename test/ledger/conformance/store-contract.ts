/**
 * The store-level half of the conformance suite: every method of `LedgerStore`, called
 * directly, against the contract its JSDoc states. Reservation ids are UUIDs (the ledger's
 * own are a random prefix and a counter, of about the same length) and contacts 64-hex
 * digests, as the ledger gives them, so a SQL store's column types are exercised with
 * realistic values.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type {
  AuditEvent,
  LedgerStore,
  QuotaCounter,
  ReservationRequest,
  ReservedUnit,
  SnapshotRequest,
} from '../../../src/index.js';
import { collect, DAY, hashOf, HOUR, iso, MINUTE, T0 } from '../fixtures.js';
import type { StoreFactory, TestStoreOptions } from '../store-conformance.js';

const TTL = 15 * MINUTE;
/** 2^31 ms: where a timer-based expiry would overflow. */
const TIMER_LIMIT = 2 ** 31;

const alice = hashOf('alice');
const bob = hashOf('bob');
const carol = hashOf('carol');
const dave = hashOf('dave');

/** A quota counter under rule `ruleId`, key `key`. */
function counter(ruleId: string, key: string, count: 'messages' | 'deliveries', since?: number): QuotaCounter {
  return since === undefined ? { ruleId, key, count } : { ruleId, key, count, since };
}

/** A unit to reserve under a counter, with its limit. */
function unit(ruleId: string, key: string, count: 'messages' | 'deliveries', limit: number, since?: number): ReservedUnit {
  return { ...counter(ruleId, key, count, since), limit };
}

/** A reservation of one delivery of `messageId` to `recipient`, with its `authorized` event. */
function delivery(messageId: string, recipient: string, units: readonly ReservedUnit[], now = T0): ReservationRequest {
  const id = randomUUID();
  return {
    id,
    messageId,
    recipient,
    deliveryKey: `${messageId}|${recipient}`,
    units,
    event: { type: 'authorized', at: iso(now), messageId, recipient, channel: 'email', reservationId: id, verdict: 'allow', ruleIds: ['permit-all'], codes: ['PERMITTED'] },
  };
}

/** A snapshot request with defaults: no deliveries, no contacts, channel email. */
function request(now: number, messageId: string, counters: readonly QuotaCounter[], rest: Partial<SnapshotRequest> = {}): SnapshotRequest {
  return { now, messageId, counters, deliveries: [], contacts: [], channel: 'email', ...rest };
}

/** Reserves a batch at `now` with the default ttl; returns whether each was taken. */
async function reserve(store: LedgerStore, now: number, reservations: readonly ReservationRequest[], ttl = TTL, events: readonly AuditEvent[] = []) {
  const outcomes = await store.reserve({ now, expiresAt: now + ttl, reservations, events });
  expect(outcomes).toHaveLength(reservations.length);
  return outcomes;
}

/** The `used` of one counter at `now`. */
async function used(store: LedgerStore, now: number, of: QuotaCounter, messageId = 'probe'): Promise<number> {
  const snapshot = await store.snapshot(request(now, messageId, [of]));
  return snapshot.counters[0]!.used;
}

function settleOne(store: LedgerStore, reservation: ReservationRequest, action: 'commit' | 'release', now: number) {
  const event: AuditEvent = { type: action === 'commit' ? 'committed' : 'released', at: iso(now), messageId: reservation.messageId, recipient: reservation.recipient, reservationId: reservation.id };
  return store.settle([{ id: reservation.id, event }], action, now).then((outcomes) => outcomes[0]);
}

const mailings = (limit = 10) => unit('mailings', 'candidate=c1|charter', 'messages', limit);
const reached = (limit = 10) => unit('reached', 'candidate=c1|charter', 'deliveries', limit);
const MAILINGS = counter('mailings', 'candidate=c1|charter', 'messages');
const REACHED = counter('reached', 'candidate=c1|charter', 'deliveries');

/** Registers the store-level tests. */
export function storeContract(factory: StoreFactory, options: TestStoreOptions): void {
  const fresh = async () => await factory();

  describe('an empty store', () => {
    it('says whether it is durable', async () => {
      const store = await fresh();
      expect(typeof store.durable).toBe('boolean');
      if (options.durable !== undefined) expect(store.durable).toBe(options.durable);
    });

    it('has no usage, no deliveries, no suppressions, no events and no counters', async () => {
      const store = await fresh();
      const snapshot = await store.snapshot(request(T0, 'm1', [MAILINGS, REACHED], { deliveries: [`m1|${alice}`], contacts: [alice] }));
      expect(snapshot.counters).toEqual([{ used: 0, counted: false }, { used: 0, counted: false }]);
      expect([...snapshot.deliveries]).toEqual([]);
      expect([...snapshot.suppressed]).toEqual([]);
      expect(await store.counters(T0)).toEqual([]);
      expect(await collect(store.events())).toEqual([]);
      expect(await store.expire(T0)).toEqual([]);
    });
  });

  describe('snapshot', () => {
    it("counts distinct mailings for 'messages' and deliveries for 'deliveries', one entry per counter in request order", async () => {
      const store = await fresh();
      await reserve(store, T0, [delivery('m1', alice, [mailings(), reached()]), delivery('m1', bob, [mailings(), reached()]), delivery('m2', alice, [mailings(), reached()])]);
      const other = counter('reached', 'candidate=c2|charter', 'deliveries');
      const snapshot = await store.snapshot(request(T0, 'm1', [REACHED, other, MAILINGS]));
      expect(snapshot.counters).toEqual([
        { used: 3, counted: true },
        { used: 0, counted: false },
        { used: 2, counted: true },
      ]);
    });

    it('says `counted` only for the requested mailing, under each counter separately', async () => {
      const store = await fresh();
      const perAudience = unit('per-audience', 'audience=members|charter', 'messages', 10);
      await reserve(store, T0, [delivery('m1', alice, [mailings()]), delivery('m2', alice, [mailings(), perAudience])]);
      const m1 = await store.snapshot(request(T0, 'm1', [MAILINGS, perAudience]));
      expect(m1.counters).toEqual([{ used: 2, counted: true }, { used: 1, counted: false }]);
      const m3 = await store.snapshot(request(T0, 'm3', [MAILINGS, perAudience]));
      expect(m3.counters).toEqual([{ used: 2, counted: false }, { used: 1, counted: false }]);
    });

    it('counts only units at or after `since` for a rolling window', async () => {
      const store = await fresh();
      const rolling = (since?: number) => counter('rolling', 'recipient=#x|rolling=24h', 'deliveries', since);
      const rollingMailings = (since?: number) => counter('rolling-mailings', 'recipient=#x|rolling=24h', 'messages', since);
      const units = [unit('rolling', 'recipient=#x|rolling=24h', 'deliveries', 10), unit('rolling-mailings', 'recipient=#x|rolling=24h', 'messages', 10)];
      const first = delivery('m1', alice, units, T0);
      const second = delivery('m2', bob, units, T0 + HOUR);
      await reserve(store, T0, [first], DAY);
      await reserve(store, T0 + HOUR, [second], DAY);
      const now = T0 + 2 * HOUR;
      const read = async (since: number | undefined, messageId: string) => (await store.snapshot(request(now, messageId, [rolling(since), rollingMailings(since)]))).counters;
      expect(await read(undefined, 'm1')).toEqual([{ used: 2, counted: true }, { used: 2, counted: true }]);
      expect(await read(T0, 'm1')).toEqual([{ used: 2, counted: true }, { used: 2, counted: true }]);
      expect(await read(T0 + 1, 'm1')).toEqual([{ used: 1, counted: false }, { used: 1, counted: false }]);
      expect(await read(T0 + 1, 'm2')).toEqual([{ used: 1, counted: true }, { used: 1, counted: true }]);
      expect(await read(T0 + HOUR + 1, 'm2')).toEqual([{ used: 0, counted: false }, { used: 0, counted: false }]);
    });

    it('counts committed units and pending ones until their expiry, not released or expired ones', async () => {
      const store = await fresh();
      const committed = delivery('m1', alice, [reached()]);
      const released = delivery('m2', alice, [reached()]);
      const pending = delivery('m3', alice, [reached()]);
      await reserve(store, T0, [committed, released, pending]);
      expect(await settleOne(store, committed, 'commit', T0 + MINUTE)).toBe('committed');
      expect(await settleOne(store, released, 'release', T0 + MINUTE)).toBe('released');
      expect(await used(store, T0 + MINUTE, REACHED)).toBe(2);
      expect(await used(store, T0 + TTL - 1, REACHED)).toBe(2);
      // `expiresAt` is when a pending reservation stops counting.
      expect(await used(store, T0 + TTL, REACHED)).toBe(1);
      expect(await used(store, T0 + 400 * DAY, REACHED)).toBe(1);
    });

    it('returns the requested delivery keys that are reserved or committed, and no others', async () => {
      const store = await fresh();
      const pending = delivery('m1', alice, []);
      const committed = delivery('m1', bob, []);
      const released = delivery('m1', carol, []);
      const unrequested = delivery('m2', alice, []);
      await reserve(store, T0, [pending, committed, released, unrequested]);
      await settleOne(store, committed, 'commit', T0);
      await settleOne(store, released, 'release', T0);
      const keys = [pending, committed, released, delivery('m1', dave, [])].map((item) => item.deliveryKey);
      const snapshot = await store.snapshot(request(T0, 'm1', [], { deliveries: keys }));
      expect(new Set(snapshot.deliveries)).toEqual(new Set([pending.deliveryKey, committed.deliveryKey]));
      const later = await store.snapshot(request(T0 + TTL, 'm1', [], { deliveries: keys }));
      expect(new Set(later.deliveries)).toEqual(new Set([committed.deliveryKey]));
    });
  });

  describe('reserve', () => {
    it('takes all the units of a reservation or none of them', async () => {
      const store = await fresh();
      const full = unit('full', 'sender=s1|charter', 'deliveries', 1);
      await reserve(store, T0, [delivery('m1', alice, [full])]);
      const blocked = delivery('m2', bob, [reached(), full]);
      const [outcome] = await reserve(store, T0, [blocked]);
      expect(outcome).toEqual({ ok: false, conflict: { kind: 'quota', ruleId: 'full', key: 'sender=s1|charter', used: 1 } });
      // The first unit was within its limit, yet nothing of the refused reservation counts.
      expect(await used(store, T0, REACHED)).toBe(0);
      const snapshot = await store.snapshot(request(T0, 'm2', [], { deliveries: [blocked.deliveryKey] }));
      expect([...snapshot.deliveries]).toEqual([]);
      expect(await settleOne(store, blocked, 'commit', T0)).toBe('unknown');
    });

    it('takes a batch in order, each reservation seeing the ones before it', async () => {
      const store = await fresh();
      const limit = unit('reached', 'candidate=c1|charter', 'deliveries', 2);
      const outcomes = await reserve(store, T0, [alice, bob, carol, dave].map((who) => delivery('m1', who, [limit])));
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, false, false]);
      expect(outcomes[2]).toEqual({ ok: false, conflict: { kind: 'quota', ruleId: 'reached', key: 'candidate=c1|charter', used: 2 } });
      expect(await used(store, T0, REACHED)).toBe(2);
    });

    it("lets later deliveries of a counted mailing through a 'messages' limit, and refuses a new mailing", async () => {
      const store = await fresh();
      const one = mailings(1);
      const outcomes = await reserve(store, T0, [delivery('m1', alice, [one]), delivery('m1', bob, [one]), delivery('m2', carol, [one]), delivery('m1', carol, [one])]);
      expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, false, true]);
      expect(outcomes[2]).toEqual({ ok: false, conflict: { kind: 'quota', ruleId: 'mailings', key: 'candidate=c1|charter', used: 1 } });
      expect(await used(store, T0, MAILINGS)).toBe(1);
    });

    it('enforces the limit at the `since` of a rolling unit', async () => {
      const store = await fresh();
      const key = 'recipient=#x|rolling=1h';
      await reserve(store, T0, [delivery('m1', alice, [unit('rolling', key, 'deliveries', 1, T0 - HOUR)])], DAY);
      const [inside] = await reserve(store, T0 + 30 * MINUTE, [delivery('m2', alice, [unit('rolling', key, 'deliveries', 1, T0 - 30 * MINUTE)])], DAY);
      expect(inside?.ok).toBe(false);
      const [after] = await reserve(store, T0 + HOUR + 1, [delivery('m3', alice, [unit('rolling', key, 'deliveries', 1, T0 + 1)])], DAY);
      expect(after).toEqual({ ok: true });
    });

    it('refuses a delivery key already reserved or committed, in a later batch or the same one', async () => {
      const store = await fresh();
      const first = delivery('m1', alice, [reached()]);
      const committed = delivery('m1', bob, [reached()]);
      await reserve(store, T0, [first, committed]);
      await settleOne(store, committed, 'commit', T0);
      const again = [delivery('m1', alice, [reached()]), delivery('m1', bob, [reached()])];
      expect(await reserve(store, T0 + MINUTE, again)).toEqual([
        { ok: false, conflict: { kind: 'duplicate' } },
        { ok: false, conflict: { kind: 'duplicate' } },
      ]);
      const twice = [delivery('m2', carol, [reached()]), delivery('m2', carol, [reached()])];
      expect(await reserve(store, T0 + MINUTE, twice)).toEqual([{ ok: true }, { ok: false, conflict: { kind: 'duplicate' } }]);
      expect(await used(store, T0 + MINUTE, REACHED)).toBe(3);
    });

    it('takes a reservation asked again with the same id as ok, once: no second unit, no second event', async () => {
      const store = await fresh();
      const taken = delivery('m1', alice, [reached(1)]);
      expect(await reserve(store, T0, [taken])).toEqual([{ ok: true }]);
      // A retry after a lost answer: the store already holds it.
      expect(await reserve(store, T0 + MINUTE, [taken])).toEqual([{ ok: true }]);
      expect(await used(store, T0 + MINUTE, REACHED)).toBe(1);
      expect((await collect(store.events())).filter((event) => event.reservationId === taken.id)).toHaveLength(1);
      expect(await settleOne(store, taken, 'commit', T0 + MINUTE)).toBe('committed');
      expect(await reserve(store, T0 + 2 * MINUTE, [taken])).toEqual([{ ok: true }]);
      // Released, the id cannot be taken again: a new attempt has a new id.
      const released = delivery('m2', alice, [reached()]);
      await reserve(store, T0, [released]);
      await settleOne(store, released, 'release', T0);
      expect(await reserve(store, T0, [released])).toEqual([{ ok: false, conflict: { kind: 'duplicate' } }]);
      expect(await used(store, T0, counter('reached', 'candidate=c1|charter', 'deliveries'))).toBe(1);
    });

    it('frees a delivery key when its reservation is released or expires', async () => {
      const store = await fresh();
      const released = delivery('m1', alice, [reached()]);
      const expiring = delivery('m1', bob, [reached()]);
      await reserve(store, T0, [released, expiring]);
      await settleOne(store, released, 'release', T0 + MINUTE);
      expect(await reserve(store, T0 + MINUTE, [delivery('m1', alice, [reached()])])).toEqual([{ ok: true }]);
      expect(await reserve(store, T0 + TTL - 1, [delivery('m1', bob, [reached()])])).toEqual([{ ok: false, conflict: { kind: 'duplicate' } }]);
      expect(await reserve(store, T0 + TTL, [delivery('m1', bob, [reached()])])).toEqual([{ ok: true }]);
    });

    it('takes a unit with an Infinity limit however many are used', async () => {
      const store = await fresh();
      const zero = (limit: number) => unit('zero', 'charter', 'deliveries', limit);
      expect(await reserve(store, T0, [delivery('m1', alice, [zero(0)])])).toEqual([{ ok: false, conflict: { kind: 'quota', ruleId: 'zero', key: 'charter', used: 0 } }]);
      expect(await reserve(store, T0, [delivery('m1', alice, [zero(Infinity)]), delivery('m1', bob, [zero(Infinity)])])).toEqual([{ ok: true }, { ok: true }]);
      expect(await used(store, T0, counter('zero', 'charter', 'deliveries'))).toBe(2);
      expect(await reserve(store, T0, [delivery('m1', carol, [zero(2)])])).toEqual([{ ok: false, conflict: { kind: 'quota', ruleId: 'zero', key: 'charter', used: 2 } }]);
    });

    it('never refuses a unit that consumes nothing: a counted mailing over its limit (after an approval) still reaches its recipients', async () => {
      const store = await fresh();
      await reserve(store, T0, [delivery('m1', alice, [mailings(1)]), delivery('m2', alice, [mailings(Infinity)])]);
      expect(await used(store, T0, MAILINGS)).toBe(2);
      expect(await reserve(store, T0, [delivery('m1', bob, [mailings(1)]), delivery('m2', bob, [mailings(1)]), delivery('m3', bob, [mailings(1)])])).toEqual([
        { ok: true },
        { ok: true },
        { ok: false, conflict: { kind: 'quota', ruleId: 'mailings', key: 'candidate=c1|charter', used: 2 } },
      ]);
    });

    it('enforces limits atomically when reservations race', async () => {
      const store = await fresh();
      const limit = unit('reached', 'candidate=c1|charter', 'deliveries', 3);
      const racers = Array.from({ length: 20 }, (_, n) => delivery('m1', hashOf(`racer-${n}`), [limit]));
      const outcomes = await Promise.all(racers.map((racer) => store.reserve({ now: T0, expiresAt: T0 + TTL, reservations: [racer], events: [] })));
      expect(outcomes.flat().filter((outcome) => outcome.ok)).toHaveLength(3);
      expect(await used(store, T0, REACHED)).toBe(3);
    });

    it('expires what is due before checking limits, without a call to expire()', async () => {
      const store = await fresh();
      const one = reached(1);
      await reserve(store, T0, [delivery('m1', alice, [one])]);
      expect((await reserve(store, T0 + TTL - 1, [delivery('m2', bob, [one])]))[0]?.ok).toBe(false);
      expect(await reserve(store, T0 + TTL, [delivery('m2', bob, [one])])).toEqual([{ ok: true }]);
    });

    it("appends a reservation's event only when it is taken, and the batch's events whatever the outcome", async () => {
      const store = await fresh();
      const taken = delivery('m1', alice, [reached(1)]);
      const refused = delivery('m1', bob, [reached(1)]);
      const denied: AuditEvent = { type: 'denied', at: iso(T0), messageId: 'm1', recipient: carol, channel: 'email', verdict: 'deny', ruleIds: ['forbid-x'], codes: ['FORBIDDEN'] };
      await reserve(store, T0, [taken, refused], TTL, [denied]);
      const events = await collect(store.events());
      expect(events.map(({ seq: _, ...event }) => event)).toEqual(expect.arrayContaining([taken.event, denied]));
      expect(events).toHaveLength(2);
      expect(events.some((event) => event.reservationId === refused.id)).toBe(false);
    });
  });

  describe('settle', () => {
    it('refuses a late commit (a clock behind) once another batch treated the reservation as over and took its units', async () => {
      const store = await fresh();
      const first = delivery('m1', alice, [reached(1)]);
      await reserve(store, T0, [first], 1000);
      // Another worker, its clock 2 s ahead, sees the first reservation over and takes the unit.
      const second = delivery('m2', bob, [reached(1)], T0 + 2000);
      expect(await reserve(store, T0 + 2000, [second], 1000)).toEqual([{ ok: true }]);
      // The first worker commits late, by its own clock: the unit is no longer its to keep.
      expect(await settleOne(store, first, 'commit', T0 + 900)).toBe('expired');
      expect(await settleOne(store, second, 'commit', T0 + 2500)).toBe('committed');
      expect(await used(store, T0 + 2500, REACHED)).toBe(1);
    });

    it('refuses a late commit once another batch took its delivery key', async () => {
      const store = await fresh();
      const first = delivery('m1', alice, []);
      await reserve(store, T0, [first], 1000);
      const again = delivery('m1', alice, [], T0 + 2000);
      expect(await reserve(store, T0 + 2000, [again], 1000)).toEqual([{ ok: true }]);
      expect(await settleOne(store, first, 'commit', T0 + 900)).toBe('expired');
    });

    it('commits a pending reservation once; a second commit is already-committed; a release cannot undo it', async () => {
      const store = await fresh();
      const taken = delivery('m1', alice, [reached()]);
      await reserve(store, T0, [taken]);
      expect(await settleOne(store, taken, 'commit', T0 + MINUTE)).toBe('committed');
      expect(await settleOne(store, taken, 'commit', T0 + 2 * MINUTE)).toBe('already-committed');
      expect(await settleOne(store, taken, 'release', T0 + 2 * MINUTE)).toBe('already-committed');
      expect(await used(store, T0 + 2 * MINUTE, REACHED)).toBe(1);
    });

    it('releases a pending reservation once, giving its units back; it cannot be committed after', async () => {
      const store = await fresh();
      const taken = delivery('m1', alice, [reached(), mailings()]);
      await reserve(store, T0, [taken]);
      expect(await settleOne(store, taken, 'release', T0 + MINUTE)).toBe('released');
      expect(await settleOne(store, taken, 'release', T0 + MINUTE)).toBe('already-released');
      expect(await settleOne(store, taken, 'commit', T0 + MINUTE)).toBe('already-released');
      const snapshot = await store.snapshot(request(T0 + MINUTE, 'm1', [REACHED, MAILINGS]));
      expect(snapshot.counters).toEqual([{ used: 0, counted: false }, { used: 0, counted: false }]);
    });

    it('says expired for a reservation past its expiry, commit or release, from `expiresAt` on', async () => {
      const store = await fresh();
      const early = delivery('m1', alice, [reached()]);
      const late = delivery('m1', bob, [reached()]);
      const released = delivery('m1', carol, [reached()]);
      await reserve(store, T0, [early, late, released]);
      expect(await settleOne(store, early, 'commit', T0 + TTL - 1)).toBe('committed');
      expect(await settleOne(store, late, 'commit', T0 + TTL)).toBe('expired');
      expect(await settleOne(store, released, 'release', T0 + TTL)).toBe('expired');
      expect(await settleOne(store, late, 'release', T0 + TTL + 1)).toBe('expired');
      expect(await used(store, T0 + TTL, REACHED)).toBe(1);
    });

    it('says unknown for an id it never reserved, including a refused reservation', async () => {
      const store = await fresh();
      const refused = delivery('m1', alice, [reached(0)]);
      await reserve(store, T0, [refused]);
      expect(await settleOne(store, refused, 'commit', T0)).toBe('unknown');
      expect(await settleOne(store, delivery('m1', bob, []), 'release', T0)).toBe('unknown');
    });

    it('settles a batch in order, one outcome each, appending an event only when the state changes', async () => {
      const store = await fresh();
      const a = delivery('m1', alice, [reached()]);
      const b = delivery('m1', bob, [reached()]);
      await reserve(store, T0, [a, b]);
      const before = (await collect(store.events())).length;
      const event = (of: ReservationRequest): AuditEvent => ({ type: 'committed', at: iso(T0 + MINUTE), messageId: of.messageId, recipient: of.recipient, reservationId: of.id });
      const outcomes = await store.settle([{ id: a.id, event: event(a) }, { id: randomUUID(), event: event(a) }, { id: b.id, event: event(b) }, { id: a.id, event: event(a) }], 'commit', T0 + MINUTE);
      expect(outcomes).toEqual(['committed', 'unknown', 'committed', 'already-committed']);
      const added = (await collect(store.events())).slice(before).map(({ seq: _, ...rest }) => rest);
      expect(added).toEqual([event(a), event(b)]);
    });

    it("frees a mailing's slot once every delivery of it is released, not before", async () => {
      const store = await fresh();
      const first = delivery('m1', alice, [mailings()]);
      const second = delivery('m1', bob, [mailings()]);
      await reserve(store, T0, [first, second]);
      await settleOne(store, first, 'release', T0);
      expect((await store.snapshot(request(T0, 'm1', [MAILINGS]))).counters).toEqual([{ used: 1, counted: true }]);
      await settleOne(store, second, 'release', T0);
      expect((await store.snapshot(request(T0, 'm1', [MAILINGS]))).counters).toEqual([{ used: 0, counted: false }]);
    });
  });

  describe('expiry, by timestamps only', () => {
    it('returns each expired reservation once, with its expiry, and logs one expired event for it', async () => {
      const store = await fresh();
      const a = delivery('m1', alice, [reached()]);
      const b = delivery('m2', bob, [reached()]);
      const committed = delivery('m3', carol, [reached()]);
      const released = delivery('m4', dave, [reached()]);
      await reserve(store, T0, [a, committed, released]);
      await reserve(store, T0 + MINUTE, [b]);
      await settleOne(store, committed, 'commit', T0);
      await settleOne(store, released, 'release', T0);
      expect(await store.expire(T0 + TTL - 1)).toEqual([]);
      expect(await store.expire(T0 + TTL)).toEqual([{ id: a.id, messageId: 'm1', recipient: alice, expiredAt: T0 + TTL }]);
      expect(await store.expire(T0 + TTL)).toEqual([]);
      expect(await store.expire(T0 + 30 * DAY)).toEqual([{ id: b.id, messageId: 'm2', recipient: bob, expiredAt: T0 + MINUTE + TTL }]);
      expect(await store.expire(T0 + 60 * DAY)).toEqual([]);
      const expired = (await collect(store.events())).filter((event) => event.type === 'expired');
      expect(expired.map((event) => [event.reservationId, event.messageId, event.recipient])).toEqual([
        [a.id, 'm1', alice],
        [b.id, 'm2', bob],
      ]);
    });

    it('logs the expired event once even when another operation noticed the expiry first', async () => {
      const store = await fresh();
      const a = delivery('m1', alice, [reached()]);
      await reserve(store, T0, [a]);
      expect(await used(store, T0 + TTL, REACHED)).toBe(0);
      expect(await store.counters(T0 + TTL)).toEqual([]);
      const swept = await store.expire(T0 + TTL + MINUTE);
      expect(swept.length).toBeLessThanOrEqual(1);
      expect(await store.expire(T0 + 2 * TTL)).toEqual([]);
      const expired = (await collect(store.events())).filter((event) => event.type === 'expired');
      expect(expired.map((event) => event.reservationId)).toEqual([a.id]);
    });

    it(`keeps a reservation whose ttl (60 days) exceeds 2^31 ms counting after 30 days, and expires it after 61`, async () => {
      expect(60 * DAY).toBeGreaterThan(TIMER_LIMIT);
      const store = await fresh();
      const long = delivery('m1', alice, [reached()]);
      await reserve(store, T0, [long], 60 * DAY);
      expect(await store.expire(T0 + 30 * DAY)).toEqual([]);
      expect(await used(store, T0 + 30 * DAY, REACHED)).toBe(1);
      expect(await used(store, T0 + 60 * DAY - 1, REACHED)).toBe(1);
      expect(await used(store, T0 + 61 * DAY, REACHED)).toBe(0);
      expect(await settleOne(store, long, 'commit', T0 + 61 * DAY)).toBe('expired');
    });

    it('commits a long reservation after 30 days, and it then counts for good (a charter-long window)', async () => {
      const store = await fresh();
      const long = delivery('m1', alice, [reached()]);
      await reserve(store, T0, [long], 60 * DAY);
      expect(await settleOne(store, long, 'commit', T0 + 30 * DAY)).toBe('committed');
      expect(await store.expire(T0 + 365 * DAY)).toEqual([]);
      expect(await used(store, T0 + 365 * DAY, REACHED)).toBe(1);
    });
  });

  describe('suppression list', () => {
    const suppressed = async (store: LedgerStore, now: number, channel: string, contacts = [alice, bob]) =>
      [...(await store.snapshot(request(now, 'm1', [], { contacts, channel }))).suppressed].sort();

    it('suppresses a contact for the channel of its opt-out only, from the opt-out on', async () => {
      const store = await fresh();
      await store.suppress([{ contact: alice, channel: 'sms', action: 'opt-out', at: T0 }], []);
      expect(await suppressed(store, T0 - 1, 'sms')).toEqual([]);
      expect(await suppressed(store, T0, 'sms')).toEqual([alice]);
      expect(await suppressed(store, T0, 'email')).toEqual([]);
      expect(await suppressed(store, T0, 'sms', [bob])).toEqual([]);
    });

    it("suppresses a contact on every channel after an opt-out of 'all'", async () => {
      const store = await fresh();
      await store.suppress([{ contact: bob, channel: 'all', action: 'opt-out', at: T0 }], []);
      for (const channel of ['sms', 'email', 'call', 'whatsapp']) expect(await suppressed(store, T0 + 1, channel)).toEqual([bob]);
    });

    it('lifts an opt-out with a later opt-in of the channel or of all, and an earlier opt-in lifts nothing', async () => {
      const store = await fresh();
      await store.suppress([{ contact: alice, channel: 'all', action: 'opt-out', at: T0 }], []);
      await store.suppress([{ contact: alice, channel: 'sms', action: 'opt-in', at: T0 + HOUR }], []);
      expect(await suppressed(store, T0 + HOUR, 'sms')).toEqual([]);
      expect(await suppressed(store, T0 + HOUR, 'email')).toEqual([alice]);
      await store.suppress([{ contact: bob, channel: 'email', action: 'opt-in', at: T0 - HOUR }], []);
      await store.suppress([{ contact: bob, channel: 'email', action: 'opt-out', at: T0 }], []);
      expect(await suppressed(store, T0, 'email')).toEqual([alice, bob].sort());
      await store.suppress([{ contact: bob, channel: 'all', action: 'opt-in', at: T0 + 2 * HOUR }], []);
      expect(await suppressed(store, T0 + 2 * HOUR, 'email')).toEqual([alice]);
    });

    it('records several entries and their audit events together', async () => {
      const store = await fresh();
      const events: AuditEvent[] = [
        { type: 'opted-out', at: iso(T0), recipient: alice, channel: 'all' },
        { type: 'opted-out', at: iso(T0), recipient: bob, channel: 'all' },
      ];
      await store.suppress(
        [
          { contact: alice, channel: 'all', action: 'opt-out', at: T0 },
          { contact: bob, channel: 'all', action: 'opt-out', at: T0 },
        ],
        events,
      );
      expect(await suppressed(store, T0, 'sms')).toEqual([alice, bob].sort());
      expect((await collect(store.events())).map(({ seq: _, ...rest }) => rest)).toEqual(events);
    });

    it('reads entries by their time, not by the order they were recorded, and honours a new opt-out after an opt-in', async () => {
      const store = await fresh();
      await store.suppress([{ contact: alice, channel: 'sms', action: 'opt-out', at: T0 + 2 * HOUR }], []);
      await store.suppress([{ contact: alice, channel: 'sms', action: 'opt-in', at: T0 + HOUR }], []);
      await store.suppress([{ contact: alice, channel: 'sms', action: 'opt-out', at: T0 }], []);
      expect(await suppressed(store, T0, 'sms')).toEqual([alice]);
      expect(await suppressed(store, T0 + HOUR, 'sms')).toEqual([]);
      expect(await suppressed(store, T0 + 2 * HOUR, 'sms')).toEqual([alice]);
    });
  });

  describe('audit log', () => {
    it('appends events in order with increasing seq, keeping every field', async () => {
      const store = await fresh();
      const events: AuditEvent[] = [
        { type: 'opted-out', at: iso(T0), recipient: alice, channel: 'sms' },
        { type: 'approved', at: iso(T0 + 1), messageId: 'm1', recipient: bob, channel: 'email', reservationId: randomUUID(), verdict: 'allow', ruleIds: ['q'], codes: ['QUOTA_EXCEEDED'], by: 'csp-reviewer', reason: 'Extra mailing voted on 12 May' },
        { type: 'denied', at: iso(T0 + 2), messageId: '', channel: '', verdict: 'deny', ruleIds: [], codes: ['INVALID_INPUT'] },
      ];
      await store.append(events.slice(0, 1));
      await store.append(events.slice(1));
      await store.append([]);
      const logged = await collect(store.events());
      expect(logged.map(({ seq: _, ...event }) => event)).toEqual(events);
      expectIncreasingSeq(logged);
    });

    it('interleaves the events of every operation in the order they happened', async () => {
      const store = await fresh();
      const taken = delivery('m1', alice, [reached()]);
      const expiring = delivery('m1', bob, [reached()]);
      await store.append([{ type: 'opted-in', at: iso(T0), recipient: carol, channel: 'all' }]);
      await reserve(store, T0, [taken, expiring]);
      await settleOne(store, taken, 'commit', T0 + MINUTE);
      await store.expire(T0 + TTL);
      await store.append([{ type: 'opted-out', at: iso(T0 + TTL), recipient: carol, channel: 'all' }]);
      const logged = await collect(store.events());
      expect(logged.map((event) => event.type)).toEqual(['opted-in', 'authorized', 'authorized', 'committed', 'expired', 'opted-out']);
      expectIncreasingSeq(logged);
      // The log can be read again, whole.
      expect(await collect(store.events())).toEqual(logged);
    });
  });

  describe('counters', () => {
    it('lists every counter with live units, each unit with its mailing and reservation time', async () => {
      const store = await fresh();
      const rolling = unit('rolling', 'recipient=#x|rolling=24h', 'deliveries', 10);
      const a = delivery('m1', alice, [mailings(), rolling]);
      const b = delivery('m2', bob, [mailings()]);
      const c = delivery('m2', carol, [reached()]);
      await reserve(store, T0, [a], DAY);
      await reserve(store, T0 + HOUR, [b, c], DAY);
      await settleOne(store, c, 'release', T0 + HOUR);
      const listed = await store.counters(T0 + HOUR);
      const sorted = listed
        .map((item) => ({ ruleId: item.ruleId, key: item.key, units: [...item.units].sort((x, y) => x.at - y.at) }))
        .sort((x, y) => x.ruleId.localeCompare(y.ruleId));
      expect(sorted).toEqual([
        { ruleId: 'mailings', key: 'candidate=c1|charter', units: [{ messageId: 'm1', at: T0 }, { messageId: 'm2', at: T0 + HOUR }] },
        { ruleId: 'rolling', key: 'recipient=#x|rolling=24h', units: [{ messageId: 'm1', at: T0 }] },
      ]);
    });

    it('leaves out expired units, and keeps committed ones for good', async () => {
      const store = await fresh();
      const kept = delivery('m1', alice, [reached()]);
      await reserve(store, T0, [kept, delivery('m1', bob, [reached()])]);
      await settleOne(store, kept, 'commit', T0);
      expect((await store.counters(T0 + TTL - 1))[0]?.units).toHaveLength(2);
      expect(await store.counters(T0 + 90 * DAY)).toEqual([{ ruleId: 'reached', key: 'candidate=c1|charter', units: [{ messageId: 'm1', at: T0 }] }]);
    });
  });
}

function expectIncreasingSeq(events: readonly AuditEvent[]): void {
  const seqs = events.map((event) => event.seq);
  for (const seq of seqs) expect(Number.isInteger(seq)).toBe(true);
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThan(seqs[i - 1]!);
}
