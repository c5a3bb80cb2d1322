import { CharterguardError, ReservationExpiredError } from '../errors.js';
import { isoInstant, readInstant, UNREADABLE_INSTANT } from './instant.js';
import type { AuditEvent, LedgerStore, ReservationRequest } from './store.js';

/** The quota units held for one allowed send until it is committed or released. */
export interface Reservation {
  /** The reservation id, as the audit log records it. */
  readonly id: string;
  /** When the units go back to the quota if not committed (ISO 8601). */
  readonly expiresAt: string;
  /** The send went out: make the units permanent. Rejects with `ReservationExpiredError` if too late. */
  commit(options?: { now?: Date | string | number }): Promise<void>;
  /** The send did not go out: give the units back. Idempotent. */
  release(options?: { now?: Date | string | number }): Promise<void>;
}

/**
 * A source of reservation ids, unique across processes and restarts: a random 128-bit
 * prefix drawn once, then a counter. A UUID per reservation cost more (a dozen string
 * concatenations each) and promised nothing more than uniqueness.
 */
export function reservationIds(): () => string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let prefix = '';
  for (const byte of bytes) prefix += byte.toString(16).padStart(2, '0');
  prefix += '-';
  let next = 0;
  return () => prefix + ++next;
}

/** A handle on a reservation the store has taken. */
export function makeReservation(
  store: LedgerStore,
  request: ReservationRequest,
  expiresAt: string,
  guarded: <T>(operation: () => Promise<T>) => Promise<T>,
): Reservation {
  return new StoreReservation(store, request, expiresAt, guarded);
}

// A class, not closures: a mailing to 100,000 recipients makes 100,000 of these. Private
// fields keep the store out of `JSON.stringify(authorization)`, as the closures did.
class StoreReservation implements Reservation {
  readonly id: string;
  readonly expiresAt: string;
  readonly #store: LedgerStore;
  // Only what the commit and release events need: a mailing's reservations are kept by the
  // caller until sent, and the request's units would stay in memory with them.
  readonly #messageId: string;
  readonly #recipient: string;
  readonly #guarded: <T>(operation: () => Promise<T>) => Promise<T>;

  constructor(store: LedgerStore, request: ReservationRequest, expiresAt: string, guarded: <T>(operation: () => Promise<T>) => Promise<T>) {
    this.id = request.id;
    this.expiresAt = expiresAt;
    this.#store = store;
    this.#messageId = request.messageId;
    this.#recipient = request.recipient;
    this.#guarded = guarded;
  }

  async commit(options: { now?: Date | string | number } = {}): Promise<void> {
    const now = instant(options.now);
    const [outcome] = await this.#guarded(() => this.#store.settle([{ id: this.id, event: this.event('committed', now) }], 'commit', now));
    if (outcome === 'committed' || outcome === 'already-committed') return;
    throw new ReservationExpiredError(`reservation ${this.id} cannot be committed: it is ${outcome === 'expired' ? 'expired' : outcome === 'unknown' ? 'unknown to the store' : 'released'}; authorize the send again`);
  }

  async release(options: { now?: Date | string | number } = {}): Promise<void> {
    const now = instant(options.now);
    const [outcome] = await this.#guarded(() => this.#store.settle([{ id: this.id, event: this.event('released', now) }], 'release', now));
    if (outcome === 'already-committed') throw new CharterguardError(`reservation ${this.id} was committed: a sent message cannot be released`);
  }

  private event(type: 'committed' | 'released', now: number): AuditEvent {
    return { type, at: isoInstant(now), messageId: this.#messageId, recipient: this.#recipient, reservationId: this.id };
  }
}

function instant(value: Date | string | number | undefined): number {
  const time = readInstant(value);
  if (time === undefined) throw new CharterguardError(`\`now\` ${UNREADABLE_INSTANT}`);
  return time;
}
