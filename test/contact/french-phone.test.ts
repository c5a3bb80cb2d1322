import fc from 'fast-check';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { beforeEach, describe, expect, it } from 'vitest';
import { readFrenchPhone } from '../../src/contact/french-phone.js';
import { classifyWithLibrary, clearPhoneCache, normalizePhone } from '../../src/contact/phone.js';

beforeEach(() => clearPhoneCache());

/** The default country as normalizePhone hands it on: upper-cased, undefined when unsupported. */
function supported(country: string | undefined): CountryCode | undefined {
  const upper = country?.toUpperCase();
  return upper !== undefined && isSupportedCountry(upper) ? upper : undefined;
}

/** What normalizePhone gave before the fast path: the `tel:` prefix dropped, then libphonenumber-js alone. */
/** The library's reading, of the text normalizePhone hands it: `tel:` and surrounding blanks left out. */
function reference(raw: string, country: string | undefined) {
  return classifyWithLibrary(bare(raw), supported(country));
}

function bare(raw: string): string {
  return (/^\s*tel:/i.test(raw) ? raw.replace(/^\s*tel:/i, '') : raw).replace(/^[ \t]+|[ \t]+$/g, '');
}

// National numbers: every French range (mobiles, fixed lines, 08 services, 09 boxes),
// unallocated ones (06 39…, 07 0…), a leading 0, and wrong lengths.
const nationalNumber = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('6', '7', '1', '2', '3', '4', '5', '8', '9', '0', '63', '69', '70', '72', '80', '81', '82', '83', '84', '88', '26', '59', '836'), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 9, maxLength: 9 })).map(([prefix, rest]) => (prefix + rest).slice(0, 9)) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 7, maxLength: 11 }) },
);
const commonPrefix = fc.constantFrom('+33', '0033', '0');
const oddPrefix = fc.constantFrom('', '+3', '033', '00 33', '+33 0', '+330', '+ 33', '0 033', '00033', '+33(0)');
const commonSeparator = fc.constantFrom('', '', '', ' ', '.', '-');
const oddSeparator = fc.constantFrom('  ', '/', '(', ')', '\t', ' - ', '..', '\u00a0', ' .');
const country = fc.constantFrom<string | undefined>('FR', 'FR', 'fr', undefined, 'US', 'BE', 'GB', 'RE', 'GP', 'MC', 'XX');

/** A number as a CRM might hold it; `odd` mixes in what only the library may read. */
function writtenNumber(odd: boolean) {
  const separator = odd ? fc.oneof({ weight: 8, arbitrary: commonSeparator }, { weight: 1, arbitrary: oddSeparator }) : commonSeparator;
  return fc
    .record({
      prefix: odd ? fc.oneof(commonPrefix, oddPrefix) : commonPrefix,
      digits: nationalNumber,
      separators: fc.array(separator, { minLength: 12, maxLength: 12 }),
      afterPrefix: separator,
      tel: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
      padding: odd ? fc.constantFrom('', ' ', '\t') : fc.constant(''),
      trailing: odd ? fc.constantFrom('', ' ', '-', '.') : fc.constant(''),
    })
    .map(({ prefix, digits, separators, afterPrefix, tel, padding, trailing }) => {
      const body = [...digits].map((digit, i) => (i === 0 ? '' : separators[i]!) + digit).join('');
      return `${padding}${tel ? 'tel:' : ''}${prefix}${prefix === '' ? '' : afterPrefix}${body}${trailing}${padding}`;
    });
}
const written = fc.oneof(writtenNumber(false), writtenNumber(true));

describe('the French fast path', () => {
  it('gives exactly what libphonenumber-js gives, over generated formats, numbers and default countries', () => {
    let fast = 0;
    fc.assert(
      fc.property(written, country, (raw, defaultCountry) => {
        clearPhoneCache();
        const french = readFrenchPhone(bare(raw), supported(defaultCountry));
        const expected = reference(raw, defaultCountry);
        if (french !== undefined) {
          fast++;
          if (french.type === undefined) expect(expected).toEqual({ ok: false, reason: 'invalid' });
          else expect(expected).toMatchObject({ ok: true, e164: `+33${french.nationalNumber}`, country: 'FR', callingCode: '33', type: french.type });
        }
        expect(normalizePhone(raw, defaultCountry)).toEqual(expected);
      }),
      { numRuns: 20_000 },
    );
    // The property must exercise the fast path, not only the fallback.
    expect(fast).toBeGreaterThan(2_500);
  });

  it('agrees with libphonenumber-js on every 4-digit French prefix, valid or not', () => {
    const formats = [(n: string) => `+33${n}`, (n: string) => `0${n}`, (n: string) => `0033 ${n}`];
    const types = new Set<string | undefined>();
    for (let head = 1000; head <= 9999; head++) {
      for (const tail of ['12345', '98760']) {
        for (const format of formats) {
          const raw = format(`${head}${tail}`);
          const french = readFrenchPhone(raw, 'FR');
          expect(french, raw).toBeDefined();
          types.add(french?.type);
          expect(normalizePhone(raw, 'FR'), raw).toEqual(classifyWithLibrary(raw, 'FR'));
        }
      }
    }
    // Every French type the metadata knows, and invalid numbers, went through the fast path.
    expect([...types].sort()).toEqual(['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'SHARED_COST', 'TOLL_FREE', 'UAN', 'VOIP', undefined]);
  });

  it.each([
    ['06 12 34 56 78', 'FR'],
    ['+33612345678', undefined],
    ['0033 6 12 34 56 78', 'FR'],
    ['06.12.34.56.78', 'FR'],
    ['0612345678', 'FR'],
    ['+33 6 12 34 56 78', 'US'],
    ['07-81-23-45-67', 'FR'],
    ['01 23 45 67 89', 'FR'],
  ])('reads the common format %j (default %s) without the general parser', (raw, defaultCountry) => {
    expect(readFrenchPhone(raw, defaultCountry as CountryCode | undefined)).toBeDefined();
  });

  it.each([
    ['06 12 34 56 78', undefined],
    ['06 12 34 56 78', 'BE'],
    ['0033 6 12 34 56 78', 'US'],
    ['+33 (0)6 12 34 56 78', 'FR'],
    ['  06 12 34 56 78', 'FR'],
    ['06 12 34 56 7', 'FR'],
    ['0033 6 39 34 56 78', undefined],
    ['06  12 34 56 78', 'FR'],
    ['+33 06 12 34 56 78', 'FR'],
  ])('leaves %j (default %s) to libphonenumber-js', (raw, defaultCountry) => {
    expect(readFrenchPhone(raw, defaultCountry as CountryCode | undefined)).toBeUndefined();
  });
});
