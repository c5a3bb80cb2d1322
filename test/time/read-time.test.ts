import { describe, expect, it } from 'vitest';
import { readTime } from '../../src/time/read-time.js';

describe('readTime', () => {
  it('reads instants with an offset to the millisecond, however many digits the fraction has', () => {
    expect(readTime('2013-05-14T10:00:00.0003000000Z', 'Europe/Paris')).toBe(Date.parse('2013-05-14T10:00:00.000Z'));
    expect(readTime('2013-05-14T10:00:00.1239+02:00', 'Europe/Paris')).toBe(Date.parse('2013-05-14T08:00:00.123Z'));
    expect(readTime('2013-05-14T10:00:00.5Z', 'Europe/Paris')).toBe(Date.parse('2013-05-14T10:00:00.500Z'));
  });

  it('reads local date-times in the zone given, and refuses those a clock change skips', () => {
    expect(readTime('2013-05-14T10:00', 'Europe/Paris')).toBe(Date.parse('2013-05-14T08:00:00Z'));
    expect(readTime('2013-03-31T02:30', 'Europe/Paris')).toBe("'2013-03-31T02:30' does not exist in Europe/Paris (a daylight-saving gap)");
    expect(readTime('2013-05-14T10:00:00.5', 'Europe/Paris')).toBe(Date.parse('2013-05-14T08:00:00.500Z'));
    expect(readTime('2013-05-14T10:00:00.0123456', 'Europe/Paris')).toBe(Date.parse('2013-05-14T08:00:00.012Z'));
  });

  it('quotes what is no time, a phone number masked', () => {
    expect(readTime('tomorrow', 'Europe/Paris')).toBe("'tomorrow' is not a date-time of the calendar");
    expect(readTime('+33 6 98 76 54 32', 'Europe/Paris')).toBe("'+33 6 •• •• •• 32' is not a date-time of the calendar");
  });
});
