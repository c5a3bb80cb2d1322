import fc from 'fast-check';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../src/time/instant-text.js';

// The schemas' own definition of an instant: parseInstant must accept exactly what it accepts
// (and, being a calendar check too, refuse the days a month lacks), reading what Date.parse reads.
const zodInstant = z.iso.datetime({ offset: true });
const expected = (text: string): number => {
  if (!zodInstant.safeParse(text).success) return Number.NaN;
  // V8 misreads fractions of more than nine digits ('.0003000000' as 3 ms): the oracle reads
  // the first nine, which hold the milliseconds parseInstant keeps.
  const time = Date.parse(text.replace(/(\.\d{9})\d+/, '$1'));
  // Date.parse rolls 2013-02-30 over to 2 March: a day the month lacks is not an instant.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // month's length in a leap year
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day > last || (month === 2 && day === 29 && !leap) ? Number.NaN : time;
};

const pad = (value: number, width: number) => String(value).padStart(width, '0');
/** Texts in the instant's shape, each field anywhere in (and a little beyond) its range. */
const shapedArb = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.oneof(fc.constant(''), fc.constant('.'), fc.stringMatching(/^\.\d{1,12}$/)),
    offset: fc.oneof(fc.constantFrom('Z', 'z', '', '+00:00', '-00:00', '+02:00', '-05:30', '+14:00', '+23:59', '+24:00', '-10:60', '+0200', '+02'), fc.stringMatching(/^[+-]\d\d:\d\d$/)),
    separator: fc.constantFrom('T', 'T', 'T', 't', ' '),
  })
  .map(({ year, month, day, hour, minute, second, fraction, offset, separator }) =>
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}${separator}${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction}${offset}`);
/** A valid instant with one character replaced, inserted or removed. */
const mutatedArb = fc
  .tuple(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.nat(40), fc.constantFrom('', '0', '9', '-', ':', 'T', 'Z', '+', '.', ' ', '٣', 'a'), fc.constantFrom('replace', 'insert', 'remove'))
  .map(([ms, at, char, edit]) => {
    const text = new Date(ms).toISOString();
    const index = at % (text.length + 1);
    if (edit === 'insert') return text.slice(0, index) + char + text.slice(index);
    return text.slice(0, index) + (edit === 'replace' ? char : '') + text.slice(index + 1);
  });

describe('parseInstant', () => {
  it('reads instants as Date.parse does, with and without a fraction or an offset', () => {
    for (const text of ['2013-05-02T10:00:00+02:00', '2013-05-02T08:00:00Z', '2013-05-02T08:00:00.5Z', '2013-05-02T08:00:00.123456789-05:30', '2012-02-29T23:59:59.999+14:00', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-23:59']) {
      expect(parseInstant(text), text).toBe(Date.parse(text));
    }
  });

  it('truncates any fraction to milliseconds, however long', () => {
    expect(parseInstant('2013-05-02T08:00:00.0003000000Z')).toBe(Date.parse('2013-05-02T08:00:00Z'));
    expect(parseInstant('2013-05-02T08:00:00.99999999999999999999Z')).toBe(Date.parse('2013-05-02T08:00:00.999Z'));
  });

  it('refuses what is not an instant with an offset, and days the month lacks', () => {
    for (const text of ['', '2013-05-02', '2013-05-02T10:00Z', '2013-05-02T10:00:00', '2013-05-02 10:00:00Z', '2013-05-02t10:00:00Z', '2013-05-02T10:00:00z', '2013-05-02T10:00:00.Z', '2013-05-02T24:00:00Z', '2013-05-02T10:60:00Z', '2013-05-02T10:00:60Z', '2013-13-02T10:00:00Z', '2013-00-02T10:00:00Z', '2013-05-00T10:00:00Z', '2013-02-29T10:00:00Z', '2013-04-31T10:00:00Z', '1900-02-29T10:00:00Z', '2013-05-02T10:00:00+24:00', '2013-05-02T10:00:00+02:60', '2013-05-02T10:00:00+0200', '2013-05-02T10:00:00Z ', ' 2013-05-02T10:00:00Z', '+2013-05-02T10:00:00Z', '２０１３-05-02T10:00:00Z']) {
      expect(parseInstant(text), text).toBeNaN();
    }
  });

  it('agrees with the zod schema and Date.parse on instant-shaped and mutated texts', () => {
    fc.assert(
      fc.property(fc.oneof(shapedArb, mutatedArb, fc.string({ maxLength: 32 })), (text) => {
        expect(parseInstant(text)).toBe(expected(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
