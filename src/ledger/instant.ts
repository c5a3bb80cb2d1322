import { parseInstant } from '../time/instant-text.js';
import { memoize } from '../util/memoize.js';

/**
 * Reads the instant a ledger call is made at: a Date, epoch milliseconds, or an ISO 8601
 * instant with an offset (as `canSend` accepts it); absent means the current time. A string
 * without an offset is refused: read in the machine's time zone, it would not be deterministic.
 *
 * @returns epoch milliseconds, or undefined when the value is not a readable instant.
 */
export function readInstant(value: Date | string | number | undefined): number | undefined {
  if (value === undefined) return Date.now();
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? parseInstant(value) : Number.NaN;
  // The range of a JavaScript Date: beyond it no ISO string can be written for the audit log.
  return Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? time : undefined;
}

/** The message of the error thrown for an unreadable instant. */
export const UNREADABLE_INSTANT = 'must be a Date, an epoch in milliseconds or an ISO 8601 instant with an offset, such as 2013-05-20T10:00:00+02:00';

/**
 * An instant as ISO 8601, as the audit log writes it. Memoised: a mailing's deliveries,
 * reservations and commits share a few instants, and formatting one costs about a microsecond.
 */
export const isoInstant: (time: number) => string = memoize((time: number) => new Date(time).toISOString(), 256);
