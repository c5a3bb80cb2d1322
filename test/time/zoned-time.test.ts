import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatLocal,
  gapMinutes,
  instantToLocal,
  isValidTimeZone,
  localToInstant,
  nextOffsetChange,
  offsetAt,
  parseLocalDateTime,
} from '../../src/time/zoned-time.js';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ZONES = [
  'Europe/Paris',
  'America/New_York',
  'Pacific/Honolulu',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Apia',
  'Africa/Casablanca',
  'UTC',
] as const;

const reference = new Map<string, Intl.DateTimeFormat>();

/** Intl's own reading, uncached, to compare the cached path against. */
function intlReading(instant: number, zone: string): string {
  let formatter = reference.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    reference.set(zone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((part) => [part.type, Number(part.value)]));
  return [parts['year'], parts['month'], parts['day'], (parts['hour'] ?? 0) % 24, parts['minute'], parts['second']].join(' ');
}

describe('instantToLocal and offsetAt', () => {
  it('read the wall clock on both sides of a transition', () => {
    expect(formatLocal(instantToLocal(at('2013-03-31T00:59:59Z'), 'Europe/Paris'))).toBe('2013-03-31T01:59');
    expect(formatLocal(instantToLocal(at('2013-03-31T01:00:00Z'), 'Europe/Paris'))).toBe('2013-03-31T03:00');
    expect(offsetAt(at('2013-10-27T00:59:59.999Z'), 'Europe/Paris')).toBe(2 * HOUR);
    expect(offsetAt(at('2013-10-27T01:00:00Z'), 'Europe/Paris')).toBe(HOUR);
    expect(offsetAt(at('2013-11-03T06:00:00Z'), 'America/New_York')).toBe(-5 * HOUR);
    expect(instantToLocal(at('2013-05-13T20:14:37.999Z'), 'Asia/Kathmandu')).toEqual({
      year: 2013, month: 5, day: 14, hour: 1, minute: 59, second: 37,
    });
  });

  it('agree with Intl for any instant, including repeated reads of cached buckets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
        fc.integer({ min: -DAY, max: DAY }),
        fc.constantFrom(...ZONES),
        (instant, nearby, zone) => {
          for (const probe of [instant, instant + nearby, instant + (nearby % 900_000)]) {
            const local = instantToLocal(probe, zone);
            expect([local.year, local.month, local.day, local.hour, local.minute, local.second].join(' ')).toBe(
              intlReading(probe, zone),
            );
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agree with Intl every few seconds across transitions, on and off the quarter-hour grid', () => {
    for (const [zone, iso] of [
      ['Europe/Paris', '2013-10-27T01:00:00Z'],
      ['Australia/Lord_Howe', '2013-10-05T15:30:00Z'],
      ['Pacific/Apia', '2011-12-30T10:00:00Z'],
      // Transitions off the quarter-hour grid, from offsets in seconds: Paris left its mean time in 1911.
      ['Europe/Paris', '1911-03-10T23:50:39Z'],
      ['Africa/Monrovia', '1972-01-07T00:44:30Z'],
    ] as const) {
      for (let instant = at(iso) - 2 * HOUR; instant < at(iso) + 2 * HOUR; instant += 7_001) {
        const local = instantToLocal(instant, zone);
        expect([local.year, local.month, local.day, local.hour, local.minute, local.second].join(' ')).toBe(intlReading(instant, zone));
      }
    }
  });

  it('throw for a zone the runtime does not know', () => {
    expect(isValidTimeZone('Europe/Pariss')).toBe(false);
    expect(() => instantToLocal(0, 'Europe/Pariss')).toThrow(RangeError);
    expect(() => offsetAt(0, 'Europe/Pariss')).toThrow(RangeError);
  });
});

describe('localToInstant', () => {
  it('pushes a reading in a gap forward and picks the earlier of an overlap', () => {
    const gap = localToInstant(parseLocalDateTime('2013-03-31T02:30')!, 'Europe/Paris');
    expect(gap).toEqual({ instant: at('2013-03-31T01:30:00Z'), status: 'gap' });
    const overlap = localToInstant(parseLocalDateTime('2013-10-27T02:30')!, 'Europe/Paris');
    expect(overlap).toEqual({ instant: at('2013-10-27T00:30:00Z'), status: 'ambiguous' });
    const exact = localToInstant(parseLocalDateTime('2013-05-31T08:00')!, 'Europe/Paris');
    expect(exact).toEqual({ instant: at('2013-05-31T06:00:00Z'), status: 'exact' });
    expect(gapMinutes(Date.UTC(2013, 2, 31, 2, 30), 'Europe/Paris')).toBe(60);
  });
});

describe('nextOffsetChange', () => {
  it('finds the exact instant of the next transition within a bound', () => {
    expect(nextOffsetChange(at('2013-03-01T00:00:00Z'), at('2013-04-30T00:00:00Z'), 'Europe/Paris')).toBe(at('2013-03-31T01:00:00Z'));
    expect(nextOffsetChange(at('2013-10-01T00:00:00Z'), at('2013-12-31T00:00:00Z'), 'America/New_York')).toBe(at('2013-11-03T06:00:00Z'));
    expect(nextOffsetChange(at('2013-10-01T00:00:00Z'), at('2013-12-31T00:00:00Z'), 'Australia/Lord_Howe')).toBe(at('2013-10-05T15:30:00Z'));
  });

  it('counts the bound itself but not the start', () => {
    const transition = at('2013-03-31T01:00:00Z');
    expect(nextOffsetChange(transition - DAY, transition, 'Europe/Paris')).toBe(transition);
    expect(nextOffsetChange(transition - DAY, transition - 1, 'Europe/Paris')).toBeUndefined();
    expect(nextOffsetChange(transition, transition + DAY, 'Europe/Paris')).toBeUndefined();
  });

  it('finds nothing where the offset never changes', () => {
    expect(nextOffsetChange(at('2013-01-01T00:00:00Z'), at('2014-01-01T00:00:00Z'), 'Pacific/Honolulu')).toBeUndefined();
  });
});
