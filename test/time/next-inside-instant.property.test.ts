import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Weekday } from '../../src/charter/schema.js';
import { nextInsideInstant } from '../../src/time/next-inside-instant.js';
import { compileWeeklyWindows, isInsideWindows, type WeeklyWindowsInput } from '../../src/time/weekly-windows.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
// Whole-minute offsets since 1970 (so every opening falls on a UTC minute), with 30- and 60-minute shifts.
const ZONES = [
  'Europe/Paris',
  'America/New_York',
  'America/Los_Angeles',
  'Pacific/Honolulu',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'UTC',
] as const;
// Instants near the 2013 transitions of these zones, and anywhere in 2012–2014.
const TRANSITIONS = [
  '2013-03-10T05:30:00Z',
  '2013-03-10T07:00:00Z',
  '2013-03-10T10:00:00Z',
  '2013-03-31T01:00:00Z',
  '2013-04-06T14:00:00Z',
  '2013-04-06T15:00:00Z',
  '2013-09-28T14:00:00Z',
  '2013-10-05T15:30:00Z',
  '2013-10-27T01:00:00Z',
  '2013-11-03T04:30:00Z',
  '2013-11-03T06:00:00Z',
  '2013-11-03T09:00:00Z',
].map((text) => Date.parse(text));

const oracleFormatters = new Map<string, Intl.DateTimeFormat>();

/** Reads the wall clock with Intl directly and checks the raw windows: independent of the code under test. */
function oracleInside(input: WeeklyWindowsInput, instant: number, zone: string): boolean {
  let formatter = oracleFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    oracleFormatters.set(zone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(instant).map((part) => [part.type, part.value]));
  const date = `${parts['year']}-${parts['month']}-${parts['day']}`;
  const weekday = String(parts['weekday']).toLowerCase().slice(0, 3) as Weekday;
  const minute = Number(parts['hour']) * 60 + Number(parts['minute']);
  if (input.holidays?.includes(date)) return false;
  return input.windows.some(
    (window) => window.days.includes(weekday) && toMinutes(window.from) <= minute && minute < toMinutes(window.to),
  );
}

function toMinutes(text: string): number {
  return Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function insideAll(compiled: ReturnType<typeof compileWeeklyWindows>, instant: number, zones: readonly string[]): boolean {
  return zones.every((zone) => isInsideWindows(compiled, instant, zone).inside);
}

// Windows on a 5-minute grid half the time, so that edges of several windows and zones often coincide.
const minuteOfDay = fc.oneof(
  fc.integer({ min: 0, max: 1439 }),
  fc.integer({ min: 0, max: 287 }).map((step) => step * 5),
);
const windowArb = fc
  .record({
    days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
    from: minuteOfDay,
    length: fc.integer({ min: 1, max: 1440 }),
  })
  .map(({ days, from, length }) => ({ days, from: hhmm(from), to: hhmm(Math.min(1440, from + length)) }));
const instantArb = fc.oneof(
  fc.integer({ min: Date.UTC(2012, 0, 1), max: Date.UTC(2015, 0, 1) }),
  fc
    .record({ transition: fc.constantFrom(...TRANSITIONS), delta: fc.integer({ min: -3 * DAY, max: 3 * DAY }) })
    .map(({ transition, delta }) => transition + delta),
);
const holidayArb = fc
  .integer({ min: -10, max: 10 })
  .map((days) => new Date(Date.UTC(2013, 9, 27) + days * DAY).toISOString().slice(0, 10));
const inputArb: fc.Arbitrary<WeeklyWindowsInput> = fc.record({
  windows: fc.array(windowArb, { minLength: 1, maxLength: 4 }),
  holidays: fc.array(holidayArb, { maxLength: 4 }),
});
const zonesArb = fc.subarray([...ZONES], { minLength: 1, maxLength: 3 });

/** Candidate openings before `end`: the start instant and every UTC minute after it, densely then sparsely. */
function* candidatesBefore(start: number, end: number): Generator<number> {
  if (start < end) yield start;
  const dense = Math.min(end, start + 8 * DAY);
  let minute = Math.floor(start / MINUTE) * MINUTE + MINUTE;
  for (; minute < dense; minute += MINUTE) yield minute;
  for (; minute < end; minute += 37 * MINUTE) yield minute;
}

describe('nextInsideInstant (properties)', () => {
  it('agrees with an Intl oracle on whether an instant is inside', () => {
    fc.assert(
      fc.property(inputArb, instantArb, fc.constantFrom(...ZONES), (input, instant, zone) => {
        const compiled = compileWeeklyWindows(input);
        expect(isInsideWindows(compiled, instant, zone).inside).toBe(oracleInside(input, instant, zone));
      }),
      { numRuns: 2000 },
    );
  }, 30_000);

  it('finds an instant inside every zone, and none earlier', () => {
    fc.assert(
      fc.property(inputArb, instantArb, zonesArb, (input, instant, zones) => {
        const compiled = compileWeeklyWindows(input);
        const found = nextInsideInstant(compiled, instant, zones, 60 * DAY);
        if (found !== undefined) {
          expect(found).toBeGreaterThanOrEqual(instant);
          expect(found).toBeLessThanOrEqual(instant + 60 * DAY);
          for (const zone of zones) {
            expect(isInsideWindows(compiled, found, zone).inside, zone).toBe(true);
            expect(oracleInside(input, found, zone), zone).toBe(true);
          }
        }
        const end = found ?? instant + 60 * DAY;
        for (const candidate of candidatesBefore(instant, end)) {
          if (insideAll(compiled, candidate, zones)) {
            expect.fail(`${new Date(candidate).toISOString()} is inside every zone, before ${found === undefined ? 'nothing found' : new Date(found).toISOString()}`);
          }
        }
        if (found !== undefined && found > instant) {
          // Just before the opening, some zone is still outside (the opening is an edge, not a rounding).
          expect(insideAll(compiled, found - 1, zones)).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  }, 30_000);

  it('is idempotent: from its own result it returns that result', () => {
    fc.assert(
      fc.property(inputArb, instantArb, zonesArb, (input, instant, zones) => {
        const compiled = compileWeeklyWindows(input);
        const found = nextInsideInstant(compiled, instant, zones);
        if (found !== undefined) expect(nextInsideInstant(compiled, found, zones)).toBe(found);
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});
