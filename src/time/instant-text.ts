import { daysFromCivil } from './civil-days.js';
import { daysInMonth } from './zoned-time.js';

const DAY = 86_400_000;

/**
 * Reads an ISO 8601 instant with seconds and an offset (`2013-05-02T10:00:00+02:00`, `…Z`,
 * with or without a fraction of a second), the one form decision inputs accept, in a single
 * pass over its characters: the same answers as the check `isInstant` documents followed by
 * `Date.parse` (a property test holds them equal), several times cheaper than either, and
 * without allocating. Consent and opt-out dates are read on every decision.
 *
 * @param text - the text to read.
 * @returns epoch milliseconds (a fraction beyond milliseconds is truncated, as `Date.parse`
 *   does), or `NaN` when the text is not such an instant or names a day its month lacks.
 */
export function parseInstant(text: string): number {
  const length = text.length;
  if (length < 20) return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  // A failed digit read is negative: one comparison per field catches it with the range.
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 ||
    text.charCodeAt(4) !== HYPHEN || text.charCodeAt(7) !== HYPHEN || text.charCodeAt(10) !== 0x54 /* T */ ||
    text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON
  ) {
    return Number.NaN;
  }
  let at = 19;
  let millis = 0;
  if (text.charCodeAt(at) === 0x2e /* . */) {
    at++;
    const start = at;
    for (; at < length; at++) {
      const digit = text.charCodeAt(at) - 0x30;
      if (digit < 0 || digit > 9) break;
      if (at - start < 3) millis = millis * 10 + digit;
    }
    if (at === start) return Number.NaN;
    for (let place = at - start; place < 3; place++) millis *= 10;
  }
  let offset: number;
  const sign = text.charCodeAt(at);
  if (sign === 0x5a /* Z */) {
    if (at + 1 !== length) return Number.NaN;
    offset = 0;
  } else {
    if ((sign !== 0x2b /* + */ && sign !== 0x2d /* - */) || at + 6 !== length || text.charCodeAt(at + 3) !== COLON) return Number.NaN;
    const hours = digits(text, at + 1, 2);
    const minutes = digits(text, at + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return Number.NaN;
    offset = (sign === 0x2b ? 1 : -1) * (hours * 60 + minutes) * 60_000;
  }
  const days = daysFromCivil(year, month, day);
  if (day > 28 && day > daysInMonth(year, month)) return Number.NaN;
  return days * DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset;
}

const HYPHEN = 0x2d;
const COLON = 0x3a;

/** The number written by `count` ASCII digits from `start`, or -1 when one of them is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}
