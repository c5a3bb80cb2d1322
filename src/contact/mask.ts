import { memoize } from '../util/memoize.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** The character that stands for each hidden digit or letter. */
export const MASK = '•';

/**
 * Masks a phone number for explanations and logs: the international format with the
 * country code, the first national digit and the last two digits kept, every other digit
 * replaced by `•`. Short national numbers keep less (the last two only from 5 digits, the
 * first only from 7), so at least three national digits are always hidden. Input that is
 * not an international number has every digit but the last two hidden.
 *
 * @param e164 - The number in E.164 form, such as `normalizePhone(…).e164`.
 * @returns The masked number, such as `'+33 6 •• •• •• 78'` or `'+1 4•• ••• ••71'`.
 * @example
 * ```ts
 * maskPhone('+33612345678'); // '+33 6 •• •• •• 78'
 * ```
 */
export function maskPhone(e164: string): string {
  if (typeof e164 !== 'string') return maskDigits(String(e164));
  return maskedPhone(e164);
}

// Formatting through libphonenumber costs microseconds; the same numbers come back in every campaign.
const maskedPhone = memoize(formatMasked, 4096);

/**
 * French numbers outside the 8 ranges, which the metadata groups `+33 6 12 34 56 78`: masked
 * without the library (tens of microseconds a number), as it masks them (a test holds the
 * two equal over every three-digit prefix).
 */
const FRENCH_GROUPED = /^\+33[1-79]\d{8}$/;

function formatMasked(e164: string): string {
  if (FRENCH_GROUPED.test(e164)) return `+33 ${e164[3]!} ${MASK}${MASK} ${MASK}${MASK} ${MASK}${MASK} ${e164.slice(10)}`;
  return maskWithLibrary(e164);
}

/**
 * {@link maskPhone} through libphonenumber-js alone, without the memo or the French fast
 * path: the reference the fast path is tested against.
 *
 * @internal
 * @param e164 - the number.
 * @returns the masked number.
 */
export function maskWithLibrary(e164: string): string {
  const parsed = parsePhoneNumberFromString(e164, { extract: false });
  if (parsed === undefined) return maskDigits(String(e164));
  const formatted = parsed.formatInternational();
  const prefix = `+${parsed.countryCallingCode}`;
  if (!formatted.startsWith(prefix)) return maskDigits(formatted);
  const length = parsed.nationalNumber.length;
  const keepFirst = length >= 7 ? 1 : 0;
  const keepLastFrom = length >= 5 ? length - 2 : length;
  let index = 0;
  let national = '';
  for (const char of formatted.slice(prefix.length)) {
    if (!isDigit(char)) {
      national += char;
      continue;
    }
    // Digits past the national number (an extension) are always hidden.
    const keep = index < keepFirst || (index >= keepLastFrom && index < length);
    national += keep ? char : MASK;
    index++;
  }
  return prefix + national;
}

/**
 * Masks an email address for explanations and logs: the first character of the local
 * part, three `•` whatever its length, and the domain. The domain is kept because it
 * tells a volunteer which provider the address is at; the local part, which names the
 * person, never appears (a one-character local part is hidden entirely). A phone number
 * inside the domain (email-to-SMS gateways) is masked as in {@link maskContacts}.
 *
 * @param address - The address, normalised or not.
 * @returns The masked address, such as `'j•••@example.fr'`; `'•••'` when there is no `@`.
 * @example
 * ```ts
 * maskEmail('jean.dupont@example.fr'); // 'j•••@example.fr'
 * ```
 */
export function maskEmail(address: string): string {
  const text = String(address).trim();
  const at = text.lastIndexOf('@');
  const hidden = MASK.repeat(3);
  if (at === -1) return hidden;
  const first = text.codePointAt(0);
  const firstLength = first === undefined ? 0 : first > 0xffff ? 2 : 1;
  // An already-masked local part stays as it is, so masking twice changes nothing.
  const prefix = at > firstLength && !text.startsWith(MASK) ? text.slice(0, firstLength) : '';
  return `${prefix}${hidden}@${maskPhoneRuns(text.slice(at + 1))}`;
}

/**
 * Redacts everything in free text that looks like a phone number or an email address,
 * as a last line of defence before a message or explanation is stored or shown. It
 * errs on the side of hiding: any run of 7 or more digits (6 after a `+`) joined by
 * spaces, dots, dashes, slashes or brackets is masked except calendar dates, so long
 * quantities and reference numbers are masked too. Obfuscated forms (`jean at example
 * dot fr`, spelled-out digits) are not recognised. Already-masked text passes unchanged.
 *
 * @param text - Free text, such as an SMS body or an explanation.
 * @returns The text with emails masked as by {@link maskEmail} and phone numbers as by
 *   {@link maskPhone} (or with every digit but the last two hidden).
 * @example
 * ```ts
 * maskContacts('Call 06 12 34 56 78 or write to jean@example.fr');
 * // 'Call •• •• •• •• 78 or write to j•••@example.fr'
 * ```
 */
export function maskContacts(text: string): string {
  return maskPhoneRuns(String(text).replace(EMAIL_IN_TEXT, (match) => maskEmail(match)));
}

// Anything but whitespace and address delimiters before the `@`, a host name after it:
// wider than a valid address on purpose.
const EMAIL_IN_TEXT = /[^\s@<>()[\],;:]+@[\p{L}\p{M}\p{Nd}-]+(?:\.[\p{L}\p{M}\p{Nd}-]+)*/gu;
// Digit groups joined by one or two separators, so '(415) 555-2671' and
// '+33 (0)6 12 34 56 78' are one run but '2013 - 2014' is two.
const SEPARATOR = '[ \\t\\u00a0\\u2007\\u202f.\\-\\u2010-\\u2013/()]';
// A date is tried first, so '31/05/2013 08:00' is a date and a time, not one long run.
const DATE_IN_TEXT = '\\d{4}([-/.])\\d{1,2}\\1\\d{1,2}(?!\\p{Nd})|\\d{1,2}([-/.])\\d{1,2}\\2\\d{4}(?!\\p{Nd})';
const DIGIT_RUN = new RegExp(`${DATE_IN_TEXT}|[+\\uff0b]?\\(?\\p{Nd}+(?:${SEPARATOR}{1,2}\\p{Nd}+)*`, 'gu');
const DIGIT = /\p{Nd}/u;
const DATE_YEAR_FIRST = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const DATE_YEAR_LAST = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;

function isDigit(char: string): boolean {
  return DIGIT.test(char);
}

function countDigits(text: string): number {
  let count = 0;
  for (const char of text) if (isDigit(char)) count++;
  return count;
}

/** Every digit hidden, but the last two of a run of 7 or more. */
function maskDigits(text: string): string {
  const total = countDigits(text);
  const keepFrom = total >= 7 ? total - 2 : total;
  let index = 0;
  let out = '';
  for (const char of text) {
    if (isDigit(char)) out += index++ >= keepFrom ? char : MASK;
    else out += char;
  }
  return out;
}

function maskPhoneRuns(text: string): string {
  return text.replace(DIGIT_RUN, (run) => (looksLikePhone(run) ? maskPhoneRun(run) : run));
}

function looksLikePhone(run: string): boolean {
  const digits = countDigits(run);
  if (digits >= 7) return !isCalendarDate(run);
  return digits >= 6 && (run.startsWith('+') || run.startsWith('\uff0b'));
}

function maskPhoneRun(run: string): string {
  if (run.startsWith('+')) {
    const parsed = parsePhoneNumberFromString(run, { extract: false });
    if (parsed?.isValid()) return maskPhone(parsed.number);
  }
  return maskDigits(run);
}

function isCalendarDate(text: string): boolean {
  // A run may start with the bracket a phone's area code would have: '(2013-05-20' is a date.
  const run = text.startsWith('(') ? text.slice(1) : text;
  const yearFirst = DATE_YEAR_FIRST.exec(run);
  if (yearFirst !== null) return isDate(yearFirst[1]!, yearFirst[3]!, yearFirst[4]!);
  const yearLast = DATE_YEAR_LAST.exec(run);
  if (yearLast === null) return false;
  // Day-first (31/05/2013) or month-first (05/31/2013).
  return isDate(yearLast[4]!, yearLast[3]!, yearLast[1]!) || isDate(yearLast[4]!, yearLast[1]!, yearLast[3]!);
}

function isDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}
