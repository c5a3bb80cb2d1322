import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskContacts } from '../../src/contact/mask.js';
import { mayHoldContact } from '../../src/decision/masked-text.js';

describe('mayHoldContact, the pre-check that keeps maskContacts off the hot path', () => {
  it.each([
    'Allowed by the charter.',
    '22:14 in Europe/Paris is outside 08:00–20:00.',
    'The recipient opted out of sms on 2013-05-10 12:00.',
    'Allowed only during the campaign; it is 2013-05-02 10:00 (Europe/Paris); the earliest opening is 2013-05-13 00:00.',
    '3 envois sur 3 déjà utilisés pour les électeurs pré-inscrits.',
    '+33 6 •• •• •• 78 is not a mobile number (FIXED_LINE) and cannot receive SMS.',
  ])('lets the usual messages through unchecked: %j', (message) => {
    expect(mayHoldContact(message)).toBe(false);
  });

  it.each([
    'Jean 06 12 34 56 78',
    'write to jean@example.fr',
    '+33612345678',
    '(415) 555-2671',
    '+2013-05-10',
    '(2013-05-10',
    '2013-13-45 1',
    '1-2013-05-10',
    '2013-05-10\u{1d7ce}\u{1d7ce}',
    '٠٦١٢٣٤٥٦٧٨',
  ])('sends anything that may hold a contact to maskContacts: %j', (text) => {
    expect(mayHoldContact(text)).toBe(true);
  });

  const piece = fc.oneof(
    fc.constantFrom(' ', '  ', '   ', '.', '-', '/', '(', ')', '+', '＋', '@', ':', 'a', 'é', '\u00a0', '\u2013', '\u202f', '٣', '\u{1d7ce}', '０'),
    fc.integer({ min: 0, max: 9 }).map(String),
    fc.integer({ min: 0, max: 999_999 }).map(String),
    fc.tuple(fc.integer({ min: 1890, max: 2110 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
      ([year, month, day]) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    ),
  );

  it('only says no when maskContacts would change nothing', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        if (!mayHoldContact(text)) expect(maskContacts(text)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});
