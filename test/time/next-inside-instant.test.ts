import { describe, expect, it } from 'vitest';
import { nextInsideInstant } from '../../src/time/next-inside-instant.js';
import { compileWeeklyWindows, isInsideWindows } from '../../src/time/weekly-windows.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (instant: number | undefined): string | undefined =>
  instant === undefined ? undefined : new Date(instant).toISOString();
const DAY = 86_400_000;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const US = ['America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu'] as const;

const office = compileWeeklyWindows({ windows: [{ days: [...WEEKDAYS], from: '08:00', to: '20:00' }] });
const daytime = compileWeeklyWindows({ windows: [{ days: [...EVERY_DAY], from: '08:00', to: '21:00' }] });

describe('nextInsideInstant in one zone', () => {
  it('returns the instant itself, to the millisecond, when it is inside', () => {
    const instant = at('2013-05-13T06:00:00.000Z');
    expect(nextInsideInstant(office, instant, ['Europe/Paris'])).toBe(instant);
    expect(nextInsideInstant(office, at('2013-05-13T17:59:59.999Z'), ['Europe/Paris'])).toBe(at('2013-05-13T17:59:59.999Z'));
  });

  it('jumps to the next opening, over evenings and weekends', () => {
    expect(iso(nextInsideInstant(office, at('2013-05-13T05:59:59.999Z'), ['Europe/Paris']))).toBe('2013-05-13T06:00:00.000Z');
    expect(iso(nextInsideInstant(office, at('2013-05-13T18:00:00Z'), ['Europe/Paris']))).toBe('2013-05-14T06:00:00.000Z');
    expect(iso(nextInsideInstant(office, at('2013-05-17T18:00:00Z'), ['Europe/Paris']))).toBe('2013-05-20T06:00:00.000Z');
  });

  it('skips holidays of the local calendar', () => {
    const compiled = compileWeeklyWindows({
      windows: [{ days: [...WEEKDAYS], from: '08:00', to: '20:00' }],
      holidays: ['2013-05-08', '2013-05-09', '2013-05-10', '2013-05-13'],
    });
    expect(iso(nextInsideInstant(compiled, at('2013-05-07T18:30:00Z'), ['Europe/Paris']))).toBe('2013-05-14T06:00:00.000Z');
  });

  it('stays inside across midnight when two windows meet there', () => {
    const night = compileWeeklyWindows({
      windows: [
        { days: ['mon'], from: '20:00', to: '24:00' },
        { days: ['tue'], from: '00:00', to: '08:00' },
      ],
    });
    for (const instant of ['2013-05-14T03:59:59.999Z', '2013-05-14T04:00:00.000Z', '2013-05-14T11:59:00.000Z']) {
      expect(iso(nextInsideInstant(night, at(instant), ['America/New_York']))).toBe(instant);
    }
    expect(iso(nextInsideInstant(night, at('2013-05-14T12:00:00Z'), ['America/New_York']))).toBe('2013-05-21T00:00:00.000Z');
  });

  describe('across daylight-saving changes', () => {
    it('moves a weekday opening by an hour in UTC (Europe/Paris, America/New_York)', () => {
      expect(iso(nextInsideInstant(office, at('2013-03-30T12:00:00Z'), ['Europe/Paris']))).toBe('2013-04-01T06:00:00.000Z');
      expect(iso(nextInsideInstant(office, at('2013-10-26T12:00:00Z'), ['Europe/Paris']))).toBe('2013-10-28T07:00:00.000Z');
      expect(iso(nextInsideInstant(office, at('2013-03-09T12:00:00Z'), ['America/New_York']))).toBe('2013-03-11T12:00:00.000Z');
      expect(iso(nextInsideInstant(office, at('2013-11-02T12:00:00Z'), ['America/New_York']))).toBe('2013-11-04T13:00:00.000Z');
    });

    it('opens a window that starts in a spring-forward gap at the first instant after it (03:00)', () => {
      const compiled = compileWeeklyWindows({ windows: [{ days: ['sun'], from: '02:30', to: '04:00' }] });
      expect(iso(nextInsideInstant(compiled, at('2013-03-30T12:00:00Z'), ['Europe/Paris']))).toBe('2013-03-31T01:00:00.000Z');
      expect(iso(nextInsideInstant(compiled, at('2013-03-31T00:59:59.999Z'), ['Europe/Paris']))).toBe('2013-03-31T01:00:00.000Z');
      expect(iso(nextInsideInstant(compiled, at('2013-03-10T05:00:00Z'), ['America/New_York']))).toBe('2013-03-10T07:00:00.000Z');
    });

    it('skips a window that lies wholly inside the gap to its next occurrence', () => {
      const paris = compileWeeklyWindows({ windows: [{ days: ['sun'], from: '02:00', to: '02:30' }] });
      expect(iso(nextInsideInstant(paris, at('2013-03-30T12:00:00Z'), ['Europe/Paris']))).toBe('2013-04-07T00:00:00.000Z');
      const newYork = compileWeeklyWindows({ windows: [{ days: ['sun'], from: '02:00', to: '03:00' }] });
      expect(iso(nextInsideInstant(newYork, at('2013-03-09T12:00:00Z'), ['America/New_York']))).toBe('2013-03-17T06:00:00.000Z');
    });

    it('opens at the first occurrence of a repeated local time, and again at the second', () => {
      const paris = compileWeeklyWindows({ windows: [{ days: ['sun'], from: '02:30', to: '04:00' }] });
      expect(iso(nextInsideInstant(paris, at('2013-10-27T00:00:00Z'), ['Europe/Paris']))).toBe('2013-10-27T00:30:00.000Z');
      // At 01:00Z the clocks go back from 03:00 to 02:00, outside the window until 02:30 comes again.
      expect(iso(nextInsideInstant(paris, at('2013-10-27T01:00:00Z'), ['Europe/Paris']))).toBe('2013-10-27T01:30:00.000Z');
      const newYork = compileWeeklyWindows({ windows: [{ days: ['sun'], from: '01:30', to: '02:00' }] });
      expect(iso(nextInsideInstant(newYork, at('2013-11-03T05:00:00Z'), ['America/New_York']))).toBe('2013-11-03T05:30:00.000Z');
      expect(iso(nextInsideInstant(newYork, at('2013-11-03T06:00:00Z'), ['America/New_York']))).toBe('2013-11-03T06:30:00.000Z');
    });

    it('opens when the clocks go back into a window', () => {
      const compiled = compileWeeklyWindows({ windows: [{ days: ['sun'], from: '00:00', to: '02:30' }] });
      // 00:45Z is 02:45 summer time; at 01:00Z the clocks read 02:00 again.
      expect(iso(nextInsideInstant(compiled, at('2013-10-27T00:45:00Z'), ['Europe/Paris']))).toBe('2013-10-27T01:00:00.000Z');
    });

    it('handles half-hour shifts (Australia/Lord_Howe, 2013-10-06)', () => {
      const compiled = compileWeeklyWindows({ windows: [{ days: ['sun'], from: '02:10', to: '02:40' }] });
      // 02:00 jumps to 02:30 at 15:30Z: the window opens at 02:30 local.
      expect(iso(nextInsideInstant(compiled, at('2013-10-05T12:00:00Z'), ['Australia/Lord_Howe']))).toBe('2013-10-05T15:30:00.000Z');
    });
  });

  it('returns undefined when no window opens within the horizon, and respects the horizon bound', () => {
    const friday = compileWeeklyWindows({ windows: [{ days: ['fri'], from: '08:00', to: '09:00' }] });
    const saturday = at('2013-05-18T12:00:00Z');
    const opening = at('2013-05-24T06:00:00Z');
    expect(nextInsideInstant(friday, saturday, ['Europe/Paris'], 5 * DAY)).toBeUndefined();
    expect(nextInsideInstant(friday, saturday, ['Europe/Paris'], opening - saturday - 1)).toBeUndefined();
    expect(nextInsideInstant(friday, saturday, ['Europe/Paris'], opening - saturday)).toBe(opening);
    expect(nextInsideInstant(friday, saturday, ['Europe/Paris'])).toBe(opening);
  });

  it('returns undefined for rules that never allow anything', () => {
    const none = compileWeeklyWindows({ windows: [] });
    expect(nextInsideInstant(none, at('2013-05-13T06:00:00Z'), ['Europe/Paris'])).toBeUndefined();
    const onlyHolidays = compileWeeklyWindows({
      windows: [{ days: ['wed'], from: '08:00', to: '20:00' }],
      holidays: ['2013-05-08', '2013-05-15'],
    });
    expect(nextInsideInstant(onlyHolidays, at('2013-05-07T00:00:00Z'), ['Europe/Paris'], 10 * DAY)).toBeUndefined();
    expect(iso(nextInsideInstant(onlyHolidays, at('2013-05-07T00:00:00Z'), ['Europe/Paris']))).toBe('2013-05-22T06:00:00.000Z');
  });

  it('ends even with an infinite horizon, looking ten years ahead at most', () => {
    const morning = compileWeeklyWindows({ windows: [{ days: [...EVERY_DAY], from: '08:00', to: '12:00' }] });
    expect(nextInsideInstant(morning, at('2013-05-13T00:00:00Z'), ['Europe/Paris', 'Pacific/Honolulu'], Infinity)).toBeUndefined();
    expect(iso(nextInsideInstant(office, at('2013-05-18T12:00:00Z'), ['Europe/Paris'], Infinity))).toBe('2013-05-20T06:00:00.000Z');
  });

  it('returns undefined for a non-finite instant or a negative horizon', () => {
    expect(nextInsideInstant(daytime, Number.NaN, ['Europe/Paris'])).toBeUndefined();
    expect(nextInsideInstant(daytime, at('2013-05-13T06:00:00Z'), ['Europe/Paris'], -1)).toBeUndefined();
  });

  it('returns the instant itself for an empty list of zones (nothing constrains it)', () => {
    expect(nextInsideInstant(office, at('2013-05-18T12:00:00Z'), [])).toBe(at('2013-05-18T12:00:00Z'));
  });
});

describe('nextInsideInstant in several zones (strictest)', () => {
  it('finds the first instant inside 08:00–21:00 in New York, Los Angeles and Honolulu (summer)', () => {
    // EDT 12:00–01:00Z, PDT 15:00–04:00Z, HST 18:00–07:00Z: all three from 18:00Z to 01:00Z.
    expect(iso(nextInsideInstant(daytime, at('2013-07-01T02:00:00Z'), US))).toBe('2013-07-01T18:00:00.000Z');
    expect(iso(nextInsideInstant(daytime, at('2013-07-01T00:59:00Z'), US))).toBe('2013-07-01T00:59:00.000Z');
    expect(iso(nextInsideInstant(daytime, at('2013-07-01T01:00:00Z'), US))).toBe('2013-07-01T18:00:00.000Z');
    for (const zone of US) expect(isInsideWindows(daytime, at('2013-07-01T18:00:00Z'), zone).inside).toBe(true);
  });

  it('follows the US daylight-saving change (the window closes an hour earlier in UTC)', () => {
    // Saturday 2013-03-09 in standard time: inside until 02:00Z.
    expect(iso(nextInsideInstant(daytime, at('2013-03-10T01:30:00Z'), US))).toBe('2013-03-10T01:30:00.000Z');
    // Sunday evening in daylight time: New York closes at 01:00Z.
    expect(iso(nextInsideInstant(daytime, at('2013-03-11T01:30:00Z'), US))).toBe('2013-03-11T18:00:00.000Z');
    expect(iso(nextInsideInstant(daytime, at('2013-12-02T02:00:00Z'), US))).toBe('2013-12-02T18:00:00.000Z');
    expect(iso(nextInsideInstant(daytime, at('2013-12-02T01:59:00Z'), US))).toBe('2013-12-02T01:59:00.000Z');
  });

  it('does not depend on the order of the zones', () => {
    const instant = at('2013-07-06T01:00:00Z');
    const expected = '2013-07-08T18:00:00.000Z'; // Monday 08:00 in Honolulu, 14:00 in New York
    const zones = ['America/New_York', 'Pacific/Honolulu'];
    expect(iso(nextInsideInstant(office, instant, zones))).toBe(expected);
    expect(iso(nextInsideInstant(office, instant, [...zones].reverse()))).toBe(expected);
  });

  it('returns undefined when the windows never overlap across the zones', () => {
    const morning = compileWeeklyWindows({ windows: [{ days: [...EVERY_DAY], from: '08:00', to: '12:00' }] });
    expect(nextInsideInstant(morning, at('2013-05-13T00:00:00Z'), ['Europe/Paris', 'Pacific/Honolulu'])).toBeUndefined();
    expect(nextInsideInstant(morning, at('2013-05-13T00:00:00Z'), ['Pacific/Honolulu', 'Asia/Tokyo', 'Europe/Paris'])).toBeUndefined();
  });

  it('finds an overlap that only exists while Europe and the US change clocks on different dates', () => {
    // Paris is 6 hours ahead of New York, but only 5 between 2013-03-10 and 2013-03-31 and between
    // 2013-10-27 and 2013-11-03: only then is 08:00 in Paris 03:00 in New York.
    const compiled = compileWeeklyWindows({
      windows: [
        { days: [...EVERY_DAY], from: '08:00', to: '09:00' },
        { days: [...EVERY_DAY], from: '03:00', to: '03:01' },
      ],
    });
    const zones = ['Europe/Paris', 'America/New_York'];
    // New York springs forward at 07:00Z, which is 08:00 in Paris: the overlap starts on the transition.
    expect(iso(nextInsideInstant(compiled, at('2013-01-01T00:00:00Z'), zones))).toBe('2013-03-10T07:00:00.000Z');
    expect(iso(nextInsideInstant(compiled, at('2013-03-10T07:01:00Z'), zones))).toBe('2013-03-11T07:00:00.000Z');
    expect(iso(nextInsideInstant(compiled, at('2013-03-31T00:00:00Z'), zones))).toBe('2013-10-27T07:00:00.000Z');
    expect(nextInsideInstant(compiled, at('2013-11-03T00:00:00Z'), zones, 100 * DAY)).toBeUndefined();
  });
});
