/**
 * Wrappers around any `LedgerStore` for the tests: hooks that run before and after each
 * call (to fail, to yield to other workers, to spy on requests), whatever store is inside.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditEvent, LedgerStore } from '../../src/index.js';

/** The methods of a store that a hook can intercept. */
export type StoreMethod = 'snapshot' | 'reserve' | 'settle' | 'expire' | 'suppress' | 'append' | 'events' | 'counters';

/** Hooks around every call; a hook that throws makes the call fail (before: not applied; after: applied, answer lost). */
export interface StoreHooks {
  before?(method: StoreMethod, args: readonly unknown[]): void | Promise<void>;
  after?(method: StoreMethod, args: readonly unknown[]): void | Promise<void>;
}

/** `inner` with `hooks` around each of its calls. */
export function hookedStore(inner: LedgerStore, hooks: StoreHooks): LedgerStore {
  const around = async <T>(method: StoreMethod, args: readonly unknown[], run: () => Promise<T>): Promise<T> => {
    await hooks.before?.(method, args);
    const result = await run();
    await hooks.after?.(method, args);
    return result;
  };
  return {
    durable: inner.durable,
    snapshot: (request) => around('snapshot', [request], () => inner.snapshot(request)),
    reserve: (request) => around('reserve', [request], () => inner.reserve(request)),
    settle: (requests, action, now) => around('settle', [requests, action, now], () => inner.settle(requests, action, now)),
    expire: (now) => around('expire', [now], () => inner.expire(now)),
    suppress: (entries, events) => around('suppress', [entries, events], () => inner.suppress(entries, events)),
    append: (events) => around('append', [events], () => inner.append(events)),
    counters: (now) => around('counters', [now], () => inner.counters(now)),
    events: () => eventsAround(inner, hooks),
  };
}

async function* eventsAround(inner: LedgerStore, hooks: StoreHooks): AsyncIterable<AuditEvent> {
  await hooks.before?.('events', []);
  yield* inner.events();
  await hooks.after?.('events', []);
}

/** The error a failing store throws: what a driver would throw when the database is gone. */
export class StoreDown extends Error {
  override name = 'StoreDown';
}

/**
 * A store whose `method` fails while `failing()` says so: `before` the call (nothing
 * applied) or `after` it (applied, but the answer is lost, as when a connection drops).
 */
export function failingStore(inner: LedgerStore, method: StoreMethod, when: 'before' | 'after', failing: () => boolean = () => true): LedgerStore {
  const fail = (called: StoreMethod) => {
    if (called === method && failing()) throw new StoreDown(`connection to the ledger database lost during ${called}`);
  };
  return hookedStore(inner, when === 'before' ? { before: fail } : { after: fail });
}

/** A small deterministic random generator (mulberry32), for reproducible interleavings. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A store that yields to the event loop before and after each snapshot and reserve,
 * for a random number of milliseconds (0 to `maxDelay`), so concurrent ledgers interleave
 * between their read and their reservation.
 */
export function yieldingStore(inner: LedgerStore, random: () => number, maxDelay = 3): LedgerStore {
  const pause = async (method: StoreMethod) => {
    if (method !== 'snapshot' && method !== 'reserve') return;
    const delay = Math.floor(random() * (maxDelay + 1));
    await sleep(delay);
  };
  return hookedStore(inner, { before: pause, after: pause });
}
