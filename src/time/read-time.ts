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
  const local = parseLocalDateTime(text.replace(OFFSET, '').replace(/\.\d+$/, ''));
  // Quoted masked: a phone number typed where a time goes is still a phone number.
  if (!local) return `'${maskContacts(text)}' is not a date-time of the calendar`;
  // Milliseconds at most: Date.parse reads longer fractions of a second inconsistently.
  if (OFFSET.test(text)) return Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  const { instant, status } = localToInstant(local, timezone);
  if (status === 'gap') return `'${text}' does not exist in ${timezone} (a daylight-saving gap)`;
  // The local reading is to the second: its fraction, to the millisecond, is added back.
  const fraction = /\.(\d+)$/.exec(text)?.[1];
  return fraction === undefined ? instant : instant + Number(fraction.slice(0, 3).padEnd(3, '0'));
}
