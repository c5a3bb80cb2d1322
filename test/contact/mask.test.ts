import fc from 'fast-check';
import { getCountries, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { MASK, maskContacts, maskEmail, maskPhone, maskWithLibrary } from '../../src/contact/mask.js';

const digitsOf = (text: string) => text.replace(/\D/g, '');

describe('maskPhone', () => {
  it.each([
    ['+33612345678', '+33 6 •• •• •• 78'],
    ['+33123456789', '+33 1 •• •• •• 89'],
    ['+14155552671', '+1 4•• ••• ••71'],
    ['+442079460958', '+44 2• •••• ••58'],
    ['+4915123456789', '+49 1••• •••••89'],
    ['+80012345678', '+800 1••• ••78'],
  ])('masks %s as %s', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
  });

  it('masks French numbers as the library does, every three-digit prefix and the rest at random', () => {
    const digits = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
    for (let prefix = 100; prefix <= 999; prefix++) {
      fc.assert(
        fc.property(digits(6), (rest) => {
          const e164 = `+33${prefix}${rest}`;
          expect(maskPhone(e164)).toBe(maskWithLibrary(e164));
        }),
        { numRuns: 3 },
      );
    }
    // Lengths and forms around the fast path's go to the library, and agree with it too.
    fc.assert(
      fc.property(fc.constantFrom('+33', '+330', '+33 ', '+3'), fc.integer({ min: 0, max: 12 }).chain(digits), (code, rest) => {
        expect(maskPhone(code + rest)).toBe(maskWithLibrary(code + rest));
      }),
    );
  });

  it('keeps fewer digits of short national numbers', () => {
    expect(maskPhone('+37612345')).toBe('+376 •••45');
    expect(maskPhone('+6831234')).toBe('+683 ••••');
  });

  it('hides the digits of an extension', () => {
    expect(maskPhone('+33612345678 ext. 12')).toBe('+33 6 •• •• •• 78 ext. ••');
  });

  it('hides every digit but the last two of input that is not an international number', () => {
    expect(maskPhone('06 12 34 56 78')).toBe('•• •• •• •• 78');
    expect(maskPhone('1234')).toBe('••••');
  });

  it('never shows more than the country code and 3 national digits of a valid number', () => {
    const countries = getCountries().filter((country) => getExampleNumber(country, examples) !== undefined);
    fc.assert(
      fc.property(
        fc.constantFrom(...countries),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 }),
        (country, tail) => {
          const example = getExampleNumber(country, examples)!;
          const base = example.nationalNumber;
          const kept = Math.max(1, base.length - tail.length);
          const national = base.slice(0, kept) + tail.slice(0, base.length - kept).join('');
          const number = parsePhoneNumberFromString(`+${example.countryCallingCode}${national}`);
          fc.pre(number !== undefined && number.isValid());
          const masked = maskPhone(number!.number);
          const code = number!.countryCallingCode;
          expect(masked.startsWith(`+${code}`)).toBe(true);
          const shown = digitsOf(masked.slice(code.length + 1));
          expect(shown.length).toBeLessThanOrEqual(Math.min(3, national.length - 3));
          expect(masked).toContain(MASK);
          if (national.length >= 4) expect(digitsOf(masked)).not.toContain(national);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('maskEmail', () => {
  it.each([
    ['jean.dupont@example.fr', 'j•••@example.fr'],
    ['Jo@example.fr', 'J•••@example.fr'],
    ['j@example.fr', '•••@example.fr'],
    ['😀x@example.fr', '😀•••@example.fr'],
    ['0612345678@sms.example.fr', '0•••@sms.example.fr'],
    ['jean@0612345678.example.fr', 'j•••@••••••••78.example.fr'],
    ['not an address', '•••'],
  ])('masks %j as %j', (address, masked) => {
    expect(maskEmail(address)).toBe(masked);
  });

  it('never shows the local part, whatever its length', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (address) => {
        const local = address.slice(0, address.lastIndexOf('@'));
        const masked = maskEmail(address);
        expect(masked).not.toContain(`${local}@`);
        expect(masked.startsWith(`${local.slice(0, 1)}${MASK}`) || masked.startsWith(MASK)).toBe(true);
      }),
    );
  });
});

describe('maskContacts', () => {
  it.each([
    ['Appelez le 06 12 34 56 78 !', 'Appelez le •• •• •• •• 78 !'],
    ['Tél. 0612345678.', 'Tél. ••••••••78.'],
    ['Call +33 6 12 34 56 78 now', 'Call +33 6 •• •• •• 78 now'],
    ['Call +33 (0)6 12 34 56 78 now', 'Call +33 6 •• •• •• 78 now'],
    ['Call (415) 555-2671', 'Call (•••) •••-••71'],
    ['Call +1 (415) 555-2671', 'Call +1 4•• ••• ••71'],
    ['Call 0033 6 12 34 56 78', 'Call •••• • •• •• •• 78'],
    ['Write to jean.dupont@example.fr.', 'Write to j•••@example.fr.'],
    ['<mailto:Jean@Example.fr>', '<mailto:J•••@Example.fr>'],
    ['ab@c', 'a•••@c'],
    ['a@b', '•••@b'],
  ])('redacts %j', (text, masked) => {
    expect(maskContacts(text)).toBe(masked);
  });

  it.each([
    'Vote du 31/05/2013 08:00 au 03.06.2013 19:00',
    'Phase vote: 2013-05-31T08:00 – 2013-06-03T19:00 (Europe/Paris)',
    'Art. 7: 3 of 3 mailings already sent to 12500 pre-registered voters',
    'Mandats 2013 - 2014 - 2015',
    '22:14 in Europe/Paris is outside 08:00–20:00',
    'an instant (2013-05-20T10:00:00+02:00) or a local time (2013-05-20T10:00)',
    'Already masked: +33 6 •• •• •• 78, +1 4•• ••• ••71, •• •• •• •• 78, j•••@example.fr',
  ])('leaves %j alone', (text) => {
    expect(maskContacts(text)).toBe(text);
  });

  it('errs towards hiding long figures and date-like numbers that are no dates', () => {
    expect(maskContacts('1 200 000 habitants')).toBe('• ••• •00 habitants');
    expect(maskContacts('12/34/5678')).toBe('••/••/••78');
    expect(maskContacts('le 31/05/2013 06 12 34 56 78')).toBe('le 31/05/2013 •• •• •• •• 78');
    expect(maskContacts('(0612-34-5678)')).toBe('(••••-••-••78)');
  });

  const noContactText = fc.string({ maxLength: 20 }).filter((text) => !/[\p{Nd}@+＋]/u.test(text));
  const countries = getCountries().filter((country) => getExampleNumber(country, examples) !== undefined);

  it('never lets a full phone number through, in any format', () => {
    fc.assert(
      fc.property(
        noContactText,
        fc.constantFrom(...countries),
        fc.constantFrom('NATIONAL', 'INTERNATIONAL', 'E.164', 'RFC3966'),
        noContactText,
        (before, country, format, after) => {
          const number = getExampleNumber(country, examples)!;
          const national = number.nationalNumber;
          // A national format with fewer than 7 digits cannot be told from any other figure.
          fc.pre(format !== 'NATIONAL' || digitsOf(number.formatNational()).length >= 7);
          const out = maskContacts(`${before} ${number.format(format as 'NATIONAL')} ${after}`);
          expect(digitsOf(out)).not.toContain(national);
          expect(digitsOf(out).length).toBeLessThanOrEqual(number.countryCallingCode.length + 3);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never lets a full email address through', () => {
    fc.assert(
      fc.property(noContactText, fc.emailAddress(), noContactText, (before, address, after) => {
        const out = maskContacts(`${before} ${address} ${after}`);
        const local = address.slice(0, address.lastIndexOf('@'));
        expect(out).not.toContain(address);
        expect(out).not.toContain(`${local}@`);
      }),
      { numRuns: 1000 },
    );
  });

  it('changes nothing when run twice', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const once = maskContacts(text);
        expect(maskContacts(once)).toBe(once);
      }),
    );
  });
});
