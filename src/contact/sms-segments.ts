/**
 * The length of an SMS as a carrier counts it: the encoding it must be sent in, its size
 * in that encoding's units, and the number of messages it is billed as.
 */
export interface SmsLength {
  /** `GSM-7` when every character is in the GSM 03.38 default alphabet or its extension table, else `UCS-2`. */
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7 (an extension character counts 2), UTF-16 code units for UCS-2. */
  units: number;
  /** Messages billed: 1 if the text fits one SMS, else the number of concatenated segments. */
  segments: number;
}

/**
 * Counts how long `text` is as an SMS, per 3GPP TS 23.038: GSM-7 (160 septets in one
 * message, 153 per segment when split, the extension characters `€ [ ] { } \ ^ ~ |` and form
 * feed taking two) unless any character is outside GSM-7, then UCS-2 (70 code units in one
 * message, 67 per segment). An extension character's escape pair and an emoji's surrogate
 * pair are never split across segments, as senders do not split them.
 *
 * Empty text counts as one segment of 0 units: carriers still send (and bill) one empty
 * SMS. National language shift tables (Turkish, Spanish, Portuguese…) are not used: French
 * carriers send in the default alphabet, so `ç`, `ê` or `’` mean UCS-2.
 *
 * It runs in one pass over the text, with a lookup table by char code and no allocation
 * besides the result.
 *
 * @param text The message body, as it will be sent (after any template substitution).
 * @returns The encoding, the length in that encoding's units and the number of segments.
 * @example
 * ```ts
 * countSmsSegments('Rendez-vous à 18h, place de la Mairie');
 * // { encoding: 'GSM-7', units: 37, segments: 1 }
 * countSmsSegments('Réunion publique ce soir 🎉');
 * // { encoding: 'UCS-2', units: 27, segments: 1 }
 * ```
 */
export function countSmsSegments(text: string): SmsLength {
  const length = text.length;
  let septets = 0;
  let segments = 1;
  let fill = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const width = code < GSM7_TABLE_SIZE ? (GSM7_WIDTH[code] ?? 0) : 0;
    if (width === 0) return countUcs2(text, i);
    septets += width;
    // Greedy fill: an escape pair that would straddle the boundary starts the next segment.
    if (fill + width > GSM7_SEGMENT) {
      segments++;
      fill = width;
    } else {
      fill += width;
    }
  }
  return { encoding: 'GSM-7', units: septets, segments: septets <= GSM7_SINGLE ? 1 : segments };
}

/**
 * Whether `text` can be sent in GSM-7, the default SMS alphabet of 3GPP TS 23.038 (basic set
 * plus extension table), rather than UCS-2. The empty text is GSM-7.
 *
 * @param text The message body.
 * @returns `true` when every character is in the GSM-7 basic set or extension table.
 * @example
 * ```ts
 * isGsm7('Élection à Saint-Ouen'); // true
 * isGsm7('Fête de la ville'); // false: ê is not in GSM-7
 * ```
 */
export function isGsm7(text: string): boolean {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= GSM7_TABLE_SIZE || GSM7_WIDTH[code] === 0) return false;
  }
  return true;
}

/** Septets that fit one GSM-7 SMS (140 octets). */
const GSM7_SINGLE = 160;
/** Septets per GSM-7 segment once the 6-octet concatenation header takes its share. */
const GSM7_SEGMENT = 153;
/** UTF-16 code units that fit one UCS-2 SMS (140 octets). */
const UCS2_SINGLE = 70;
/** UTF-16 code units per UCS-2 segment once the concatenation header takes its share. */
const UCS2_SEGMENT = 67;

/**
 * The GSM 03.38 default alphabet in code order 0x00–0x7F; 0x1B is the escape to the
 * extension table, not a character, and is skipped when building the table.
 */
const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅå' +
  'Δ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ' +
  ' !"#¤%&\'()*+,-./' +
  '0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNO' +
  'PQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmno' +
  'pqrstuvwxyzäöñüà';
const GSM7_ESCAPE = 0x1b;
/** The extension table (sent as escape + code, two septets): form feed, ^ { } \ [ ~ ] | €. */
const GSM7_EXTENSION = '\f^{}\\[~]|€';
/** One past the highest char code in either table (€, U+20AC). */
const GSM7_TABLE_SIZE = 0x20ad;
/** Septets per char code: 1 for the basic set, 2 for the extension table, 0 if not GSM-7. */
const GSM7_WIDTH = buildGsm7Width();

function buildGsm7Width(): Uint8Array {
  const width = new Uint8Array(GSM7_TABLE_SIZE);
  for (let i = 0; i < GSM7_BASIC.length; i++) {
    if (i !== GSM7_ESCAPE) width[GSM7_BASIC.charCodeAt(i)] = 1;
  }
  for (let i = 0; i < GSM7_EXTENSION.length; i++) width[GSM7_EXTENSION.charCodeAt(i)] = 2;
  return width;
}

/**
 * Finishes the count in UCS-2 from index `start`, the first non-GSM-7 character; every
 * character before it is one BMP code unit, so the greedy state there is known.
 */
function countUcs2(text: string, start: number): SmsLength {
  const length = text.length;
  if (length <= UCS2_SINGLE) return { encoding: 'UCS-2', units: length, segments: 1 };
  let segments = start === 0 ? 1 : Math.ceil(start / UCS2_SEGMENT);
  let fill = start - (segments - 1) * UCS2_SEGMENT;
  for (let i = start; i < length; i++) {
    const code = text.charCodeAt(i);
    let width = 1;
    // A high surrogate followed by a low one is one character; a lone surrogate is one unit.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        width = 2;
        i++;
      }
    }
    if (fill + width > UCS2_SEGMENT) {
      segments++;
      fill = width;
    } else {
      fill += width;
    }
  }
  return { encoding: 'UCS-2', units: length, segments };
}
