import { CharterguardError, ReservationExpiredError } from '../errors.js';
import { readInstant, UNREADABLE_INSTANT } from './instant.js';
import type { LedgerStore, ReservationRequest } from './store.js';

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

/** A handle on a reservation the store has taken. */
export function makeReservation(
  store: LedgerStore,
  request: ReservationRequest,
  expiresAt: number,
  guarded: <T>(operation: () => Promise<T>) => Promise<T>,
): Reservation {
  const event = (type: 'committed' | 'released', now: number) => ({
    type,
    at: new Date(now).toISOString(),
    messageId: request.messageId,
    recipient: request.recipient,
    reservationId: request.id,
  });
  return {
    id: request.id,
    expiresAt: new Date(expiresAt).toISOString(),
    async commit(options = {}) {
      const now = instant(options.now);
      const [outcome] = await guarded(() => store.settle([{ id: request.id, event: event('committed', now) }], 'commit', now));
      if (outcome === 'committed' || outcome === 'already-committed') return;
      throw new ReservationExpiredError(`reservation ${request.id} cannot be committed: it is ${outcome === 'expired' ? 'expired' : outcome === 'unknown' ? 'unknown to the store' : 'released'}; authorize the send again`);
    },
    async release(options = {}) {
      const now = instant(options.now);
      const [outcome] = await guarded(() => store.settle([{ id: request.id, event: event('released', now) }], 'release', now));
      if (outcome === 'already-committed') throw new CharterguardError(`reservation ${request.id} was committed: a sent message cannot be released`);
    },
  };
}

function instant(value: Date | string | number | undefined): number {
  const time = readInstant(value);
  if (time === undefined) throw new CharterguardError(`\`now\` ${UNREADABLE_INSTANT}`);
  return time;
}
