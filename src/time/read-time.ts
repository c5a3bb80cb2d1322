import { maskContacts } from '../contact/mask.js';
import { localToInstant, parseLocalDateTime } from './zoned-time.js';

const OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads the time of a send as plans and the CLI's `explain` write it: an instant with an
 * offset (`2013-05-20T10:00:00+02:00`, `…Z`), or a local date or date-time
 * (`2013-05-20T10:00`) read in the charter's time zone.
 *
 * @param text - the date-time as written.
 * @param timezone - the charter's IANA time zone, for local readings.
 * @returns epoch milliseconds, or a message saying why the text is not a time (it quotes
 *   the text; the caller adds where it was found).
 */
export function readTime(text: string, timezone: string): number | string {
  const offset = OFFSET.exec(text)?.[0];
  const dateTime = offset === undefined ? text : text.slice(0, -offset.length);
  // The fraction of a second, to the millisecond, is read apart: the instant is read to the
  // second (Date.parse reads fractions of more than three digits inconsistently).
  const fraction = FRACTION.exec(dateTime)?.[1];
  const whole = fraction === undefined ? dateTime : dateTime.slice(0, -fraction.length - 1);
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const local = parseLocalDateTime(whole);
  // Quoted masked: a phone number typed where a time goes is still a phone number.
  if (!local) return `'${maskContacts(text)}' is not a date-time of the calendar`;
  if (offset !== undefined) return Date.parse(`${whole}${offset}`) + ms;
  const { instant, status } = localToInstant(local, timezone);
  return status === 'gap' ? `'${text}' does not exist in ${timezone} (a daylight-saving gap)` : instant + ms;
}

const FRACTION = /\.(\d+)$/;
