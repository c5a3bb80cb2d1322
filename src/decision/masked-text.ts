import { maskContacts } from '../contact/mask.js';
import { memoize } from '../util/memoize.js';

/**
 * `maskContacts(text)`, with the pre-check that keeps it off the hot path, remembered: the
 * values sentences quote (ids, names, labels, quota key parts) recur across a campaign's
 * decisions, and are short: looking one up costs less than scanning it.
 */
export function masked(text: string): string {
  // Long texts are rare and would make the memo's memory unbounded in practice: not remembered.
  return text.length > MASKED_TEXT_MAX_LENGTH ? maskNow(text) : maskedText(text);
}

const MASKED_TEXT_MAX_LENGTH = 256;
const maskNow = (text: string): string => (mayHoldContact(text) ? maskContacts(text) : text);
// Per-recipient values come and go; the memo's bound keeps them from piling up.
const maskedText = memoize(maskNow, 4096);

/**
 * A cheap, conservative pre-check for `maskContacts`: `false` only when the text has no `@`
 * and no run of 6 or more digits (joined as `maskContacts` joins them), not counting ISO
 * calendar dates (`2013-05-20`), which it leaves alone. When this says `false`,
 * `maskContacts` would return the text unchanged.
 */
export function mayHoldContact(text: string): boolean {
  let digits = 0; // digits in the current run
  let gap = 0; // separators since its last digit
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x40) return true;
    let kind: number;
    if (code >= 0xd800 && code <= 0xdbff) {
      // A surrogate pair is one code point (astral digits exist); rare enough for the regex.
      const char = String.fromCodePoint(text.codePointAt(i) ?? code);
      i += char.length - 1;
      kind = UNICODE_DIGIT.test(char) ? DIGIT : OTHER;
    } else {
      kind = classOf(code);
      if (kind === DIGIT && code < 0x80 && digits === 0 && !RUN_OPENERS.includes(text.charCodeAt(i - 1)) && isoDateAt(text, i)) {
        // maskContacts reads a date that starts a run as a date, and starts afresh after it.
        i += 9;
        gap = 0;
        continue;
      }
    }
    if (kind === DIGIT) {
      gap = 0;
      if (++digits >= 6) return true;
    } else if (!(kind === SEPARATOR && digits > 0 && ++gap <= 2)) {
      digits = 0;
      gap = 0;
    }
  }
  return false;
}

// The separators maskContacts joins digit groups with: space, tab, . - / ( ) and Unicode spaces and dashes.
const ASCII_SEPARATORS = [0x20, 0x09, 0x2e, 0x2d, 0x2f, 0x28, 0x29];
// A run may open with `+`, `＋` or `(` before its first digit: then a date is not read as one.
const RUN_OPENERS = [0x2b, 0xff0b, 0x28];
const UNICODE_SEPARATOR = /^[\u00a0\u2007\u202f\u2010-\u2013]$/u;
const UNICODE_DIGIT = /^\p{Nd}$/u;
const OTHER = 1;
const DIGIT = 2;
const SEPARATOR = 3;
// The class of each UTF-16 code unit (0 = not seen yet), filled on first sight: the same
// regexes decide, but once per distinct character instead of once per occurrence.
const CLASSES = new Uint8Array(0x10000);

function classOf(code: number): number {
  let kind = CLASSES[code] ?? 0;
  if (kind === 0) {
    const char = String.fromCharCode(code);
    kind = UNICODE_DIGIT.test(char) ? DIGIT : ASCII_SEPARATORS.includes(code) || UNICODE_SEPARATOR.test(char) ? SEPARATOR : OTHER;
    CLASSES[code] = kind;
  }
  return kind;
}

/** Whether a valid `YYYY-MM-DD` date, not followed by a digit, starts at `index`. */
function isoDateAt(text: string, index: number): boolean {
  // Most runs are not dates: skip the slice and the regex unless a `-` follows four characters.
  if (text.charCodeAt(index + 4) !== 0x2d) return false;
  const match = ISO_DATE.exec(text.slice(index, index + 12));
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?![\p{Nd}])/u;
