import fc from 'fast-check';
import { SegmentedMessage } from 'sms-segments-calculator';
import { describe, expect, it } from 'vitest';
import { countSmsSegments, isGsm7 } from '../../src/contact/sms-segments.js';

/** What the reference implementation (Twilio's calculator) says, in our shape. */
function oracle(text: string): { encoding: string; units: number; segments: number } {
  const message = new SegmentedMessage(text);
  // messageSize is in bits without the concatenation headers: 7 per septet, 16 per UCS-2 unit.
  const bitsPerUnit = message.encodingName === 'GSM-7' ? 7 : 16;
  return { encoding: message.encodingName, units: message.messageSize / bitsPerUnit, segments: message.segmentsCount };
}

const UCS2_MARK = 'ê'; // one BMP code unit outside GSM-7, to force UCS-2

describe('countSmsSegments: GSM-7', () => {
  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [459, 3],
    [460, 4],
  ])('%i plain characters take %i segment(s)', (length, segments) => {
    const text = 'a'.repeat(length);
    expect(countSmsSegments(text)).toEqual({ encoding: 'GSM-7', units: length, segments });
    expect(oracle(text)).toEqual({ encoding: 'GSM-7', units: length, segments });
  });

  it.each([...'€[]{}\\^~|\f'])('counts the extension character %j as two septets', (char) => {
    expect(countSmsSegments(char)).toEqual({ encoding: 'GSM-7', units: 2, segments: 1 });
    expect(countSmsSegments(`a${char}b`).units).toBe(4);
  });

  it('fits 158 characters and a € in one message, not 159', () => {
    expect(countSmsSegments(`${'a'.repeat(158)}€`)).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(countSmsSegments(`${'a'.repeat(159)}€`)).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
  });

  it('does not split an extension character across segments', () => {
    // The € would occupy septets 153 and 154: it moves whole to segment 2, so 306 septets
    // need 3 segments although ceil(306 / 153) is 2.
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(countSmsSegments(text)).toEqual({ encoding: 'GSM-7', units: 306, segments: 3 });
    expect(oracle(text).segments).toBe(3);
    // The same € one character earlier ends segment 1 exactly.
    expect(countSmsSegments(`${'a'.repeat(151)}€${'a'.repeat(153)}`).segments).toBe(2);
  });

  it('keeps the French letters of the GSM-7 alphabet in GSM-7', () => {
    const text = 'é è ù à ì ò Ç É';
    expect(isGsm7(text)).toBe(true);
    expect(countSmsSegments(text)).toEqual({ encoding: 'GSM-7', units: text.length, segments: 1 });
  });

  it('knows the less obvious members of the basic set', () => {
    expect(isGsm7('@£$¥¤§¡¿_ΔΦΓΛΩΠΨΣΘΞÆæßØøÅåÄÖÑÜäöñü\n\r')).toBe(true);
    // ` is ASCII but not GSM-7; ESC (0x1B) is the extension escape, not a character.
    expect(isGsm7('`')).toBe(false);
    expect(isGsm7('\u001b')).toBe(false);
    expect(isGsm7('\t')).toBe(false);
  });

  it('counts the empty text as one empty message, as the oracle does', () => {
    expect(countSmsSegments('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 1 });
    expect(oracle('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 1 });
    expect(isGsm7('')).toBe(true);
  });
});

describe('countSmsSegments: UCS-2', () => {
  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [201, 3],
    [202, 4],
  ])('%i code units take %i segment(s)', (length, segments) => {
    const text = UCS2_MARK + 'a'.repeat(length - 1);
    expect(countSmsSegments(text)).toEqual({ encoding: 'UCS-2', units: length, segments });
    expect(oracle(text)).toEqual({ encoding: 'UCS-2', units: length, segments });
  });

  it.each([...'êâçîôûëïÿœŒÊÂÀÈÙÎÔÛ’«»…\u00a0\u202f'])('sends %j in UCS-2', (char) => {
    expect(isGsm7(char)).toBe(false);
    expect(countSmsSegments(`Bonjour ${char}`)).toEqual({ encoding: 'UCS-2', units: 9, segments: 1 });
  });

  it('switches the whole message to UCS-2 for one character at the very end', () => {
    const text = `${'a'.repeat(150)}ç`;
    expect(countSmsSegments(text)).toEqual({ encoding: 'UCS-2', units: 151, segments: 3 });
    expect(countSmsSegments(`${'a'.repeat(300)}ç`)).toEqual({ encoding: 'UCS-2', units: 301, segments: 5 });
  });

  it('counts an emoji as its two UTF-16 code units', () => {
    expect(countSmsSegments('🎉')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
    expect(countSmsSegments(`${'a'.repeat(68)}🎉`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSmsSegments(`${'a'.repeat(69)}🎉`)).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
  });

  it('does not split an emoji across segments', () => {
    // The emoji would occupy units 67 and 68: it moves whole to segment 2, so 134 units
    // need 3 segments although ceil(134 / 67) is 2.
    const text = `${'a'.repeat(66)}😀${'a'.repeat(66)}`;
    expect(countSmsSegments(text)).toEqual({ encoding: 'UCS-2', units: 134, segments: 3 });
    expect(oracle(text).segments).toBe(3);
    expect(countSmsSegments(`${'a'.repeat(65)}😀${'a'.repeat(67)}`).segments).toBe(2);
  });

  it('treats a lone surrogate as one code unit', () => {
    expect(countSmsSegments('\ud83d')).toEqual({ encoding: 'UCS-2', units: 1, segments: 1 });
    // Reversed halves are two lone surrogates, not a pair: they may fall in different segments.
    const text = `${'a'.repeat(66)}\ude00\ud83d${'a'.repeat(66)}`;
    expect(countSmsSegments(text)).toEqual({ encoding: 'UCS-2', units: 134, segments: 2 });
  });
});

describe('countSmsSegments against sms-segments-calculator', () => {
  it('classifies every BMP code unit as the oracle does', () => {
    const disagreements: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      const ours = countSmsSegments(char);
      const theirs = oracle(char);
      if (ours.encoding !== theirs.encoding || ours.units !== theirs.units || isGsm7(char) !== (ours.encoding === 'GSM-7')) {
        disagreements.push(code.toString(16));
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('splits an emoji sequence between its code points, where the oracle keeps the cluster whole', () => {
    // Known, deliberate difference: TS 23.038 and senders only keep a surrogate pair
    // together; the oracle never splits a grapheme cluster (here man-ZWJ-woman-ZWJ-girl, 8
    // code units), which costs it an extra segment.
    const text = `${'a'.repeat(64)}👨\u200d👩\u200d👧${'a'.repeat(60)}`;
    expect(countSmsSegments(text)).toEqual({ encoding: 'UCS-2', units: 132, segments: 2 });
    expect(oracle(text)).toEqual({ encoding: 'UCS-2', units: 132, segments: 3 });
  });

  it('agrees on encoding, units and segments for mixed French, extension and emoji text', () => {
    fc.assert(
      fc.property(fc.oneof(gsm7Text, mixedText, boundaryText), (text) => {
        const ours = countSmsSegments(text);
        expect(ours).toEqual(oracle(text));
        expect(isGsm7(text)).toBe(ours.encoding === 'GSM-7');
      }),
      { numRuns: 5000 },
    );
  });
});

const GSM7_BASIC = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?',
  ...'¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
];
const GSM7_EXTENSION = [...'€[]{}\\^~|\f'];
const FRENCH = [...'éèàùìòÇÉçêâîôûëïÿœŒÊÂÀÈÙÎÔÛ’«»…\u00a0'];
// Single-code-point emoji only. The oracle counts per grapheme cluster and never splits one,
// so a skin-tone modifier, a ZWJ sequence, a flag pair or U+FE0F would glue several
// characters into one unsplittable unit; the standard (and the spec) only keeps a surrogate
// pair together, so those clusters are left out here rather than loosening the comparison.
const EMOJI = ['😀', '🎉', '🚀', '📱', '📣', '🗳', '✅', '❤', '☎'];

const pick = (pool: readonly string[]) => fc.constantFrom(...pool);
const gsm7Text = fc
  .array(fc.oneof({ arbitrary: pick(GSM7_BASIC), weight: 6 }, { arbitrary: pick(GSM7_EXTENSION), weight: 1 }), {
    maxLength: 480,
  })
  .map((chars) => chars.join(''));
const mixedText = fc
  .array(
    fc.oneof(
      { arbitrary: pick(GSM7_BASIC), weight: 12 },
      { arbitrary: pick(GSM7_EXTENSION), weight: 2 },
      { arbitrary: pick(FRENCH), weight: 2 },
      { arbitrary: pick(EMOJI), weight: 1 },
    ),
    { maxLength: 240 },
  )
  .map((chars) => chars.join(''));
// Runs of one basic character sized so that the next character falls on or next to a
// segment boundary (153 for GSM-7, 67 for UCS-2), where an unsplittable pair matters.
const run = fc
  .tuple(pick(GSM7_BASIC), fc.constantFrom(64, 65, 66, 67, 150, 151, 152, 153))
  .map(([c, n]) => c.repeat(n));
const boundaryText = fc
  .array(
    fc.oneof(
      { arbitrary: run, weight: 2 },
      { arbitrary: pick(GSM7_EXTENSION), weight: 2 },
      { arbitrary: pick(EMOJI), weight: 1 },
      { arbitrary: pick(FRENCH), weight: 1 },
    ),
    { maxLength: 8 },
  )
  .map((chunks) => chunks.join(''));
