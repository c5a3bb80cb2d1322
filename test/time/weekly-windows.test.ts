import { describe, expect, it } from 'vitest';
import { CharterguardError } from '../../src/errors.js';
import { compileWeeklyWindows, isInsideWindows, type CompiledWeeklyWindows } from '../../src/time/weekly-windows.js';

const at = (iso: string): number => Date.parse(iso);
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** The `inside` flag and local `time` at each ISO instant, to assert a sequence in one line. */
function readings(compiled: CompiledWeeklyWindows, zone: string, isos: string[]): string[] {
  return isos.map((iso) => {
    const { inside, local } = isInsideWindows(compiled, at(iso), zone);
    return `${local.weekday} ${local.date} ${local.time} ${inside ? 'in' : 'out'}`;
  });
}

describe('compileWeeklyWindows', () => {
  it('sorts and merges overlapping and adjacent windows per weekday', () => {
    const compiled = compileWeeklyWindows({
      windows: [
        { days: ['mon'], from: '12:00', to: '14:00' },
        { days: ['mon', 'tue'], from: '08:00', to: '12:00' },
        { days: ['mon'], from: '13:00', to: '18:00' },
        { days: ['mon'], from: '19:00', to: '20:00' },
      ],
    });
    expect(compiled.days.mon).toEqual([
      [480, 1080],
      [1140, 1200],
    ]);
    expect(compiled.days.tue).toEqual([[480, 720]]);
    expect(compiled.days.wed).toEqual([]);
    expect(compiled.days.sun).toEqual([]);
    expect(compiled.holidays.size).toBe(0);
  });

  it("reads '24:00' as the end of the day and keeps the holidays", () => {
    const compiled = compileWeeklyWindows({
      windows: [
        { days: ['mon'], from: '20:00', to: '24:00' },
        { days: ['tue'], from: '00:00', to: '08:00' },
      ],
      holidays: ['2013-05-08', '2013-05-01'],
    });
    expect(compiled.days.mon).toEqual([[1200, 1440]]);
    expect(compiled.days.tue).toEqual([[0, 480]]);
    expect([...compiled.holidays].sort()).toEqual(['2013-05-01', '2013-05-08']);
  });

  it('rejects windows and holidays that a validated charter cannot contain', () => {
    const bad = [
      { windows: [{ days: ['mon'], from: '20:00', to: '08:00' }] },
      { windows: [{ days: ['mon'], from: '08:00', to: '08:00' }] },
      { windows: [{ days: ['mon'], from: '24:00', to: '24:00' }] },
      { windows: [{ days: ['mon'], from: '25:00', to: '26:00' }] },
      { windows: [{ days: ['mon'], from: '8:00', to: '20:00' }] },
      { windows: [{ days: ['lun'], from: '08:00', to: '20:00' }] },
      { windows: [{ days: ['mon'], from: '08:00', to: '20:00' }], holidays: ['2013-02-30'] },
      { windows: [{ days: ['mon'], from: '08:00', to: '20:00' }], holidays: ['2013-05-08T00:00'] },
    ];
    for (const input of bad) {
      expect(() => compileWeeklyWindows(input as Parameters<typeof compileWeeklyWindows>[0]), JSON.stringify(input)).toThrow(
        CharterguardError,
      );
    }
  });

  it('names the faulty window in its error message', () => {
    expect(() =>
      compileWeeklyWindows({
        windows: [
          { days: ['mon'], from: '08:00', to: '12:00' },
          { days: ['tue'], from: '20:00', to: '08:00' },
        ],
      }),
    ).toThrow(/windows\[1\] ends at 08:00, not after it starts at 20:00/);
  });
});

describe('isInsideWindows', () => {
  const office = compileWeeklyWindows({ windows: [{ days: [...WEEKDAYS], from: '08:00', to: '20:00' }] });

  it('includes the start of a window and excludes its end, in the recipient time zone', () => {
    // Monday 2013-05-13, Paris is UTC+2.
    expect(
      readings(office, 'Europe/Paris', [
        '2013-05-13T05:59:59.999Z',
        '2013-05-13T06:00:00.000Z',
        '2013-05-13T17:59:59.999Z',
        '2013-05-13T18:00:00.000Z',
      ]),
    ).toEqual(['mon 2013-05-13 07:59 out', 'mon 2013-05-13 08:00 in', 'mon 2013-05-13 19:59 in', 'mon 2013-05-13 20:00 out']);
    // The same instant is 02:00 in New York.
    expect(isInsideWindows(office, at('2013-05-13T06:00:00Z'), 'America/New_York')).toEqual({
      inside: false,
      holiday: false,
      local: { weekday: 'mon', time: '02:00', date: '2013-05-13' },
    });
  });

  it('is outside on days without windows', () => {
    expect(readings(office, 'Europe/Paris', ['2013-05-18T10:00:00Z', '2013-05-19T10:00:00Z'])).toEqual([
      'sat 2013-05-18 12:00 out',
      'sun 2013-05-19 12:00 out',
    ]);
  });

  it('is outside all day on a holiday of the local calendar', () => {
    const compiled = compileWeeklyWindows({
      windows: [{ days: [...EVERY_DAY], from: '00:00', to: '24:00' }],
      holidays: ['2013-05-09'],
    });
    const eve = isInsideWindows(compiled, at('2013-05-08T21:59:00Z'), 'Europe/Paris');
    expect(eve).toMatchObject({ inside: true, holiday: false, local: { date: '2013-05-08', time: '23:59' } });
    // 22:30 UTC on the 8th is already the 9th in Paris: the holiday.
    const day = isInsideWindows(compiled, at('2013-05-08T22:30:00Z'), 'Europe/Paris');
    expect(day).toMatchObject({ inside: false, holiday: true, local: { date: '2013-05-09', weekday: 'thu' } });
    // ...but still the 8th in New York.
    expect(isInsideWindows(compiled, at('2013-05-08T22:30:00Z'), 'America/New_York').inside).toBe(true);
    expect(isInsideWindows(compiled, at('2013-05-09T22:00:00Z'), 'Europe/Paris').inside).toBe(true);
  });

  it("runs a window ending at '24:00' up to midnight", () => {
    const compiled = compileWeeklyWindows({ windows: [{ days: ['sat'], from: '20:00', to: '24:00' }] });
    expect(
      readings(compiled, 'Europe/Paris', ['2013-05-18T17:59:00Z', '2013-05-18T18:00:00Z', '2013-05-18T21:59:59.999Z', '2013-05-18T22:00:00Z']),
    ).toEqual(['sat 2013-05-18 19:59 out', 'sat 2013-05-18 20:00 in', 'sat 2013-05-18 23:59 in', 'sun 2013-05-19 00:00 out']);
  });

  it('joins two windows into one night across midnight', () => {
    const night = compileWeeklyWindows({
      windows: [
        { days: ['mon'], from: '20:00', to: '24:00' },
        { days: ['tue'], from: '00:00', to: '08:00' },
      ],
    });
    // New York is UTC-4 in May.
    expect(
      readings(night, 'America/New_York', [
        '2013-05-13T23:59:00Z',
        '2013-05-14T00:00:00Z',
        '2013-05-14T03:59:59.999Z',
        '2013-05-14T04:00:00Z',
        '2013-05-14T11:59:00Z',
        '2013-05-14T12:00:00Z',
      ]),
    ).toEqual([
      'mon 2013-05-13 19:59 out',
      'mon 2013-05-13 20:00 in',
      'mon 2013-05-13 23:59 in',
      'tue 2013-05-14 00:00 in',
      'tue 2013-05-14 07:59 in',
      'tue 2013-05-14 08:00 out',
    ]);
  });

  describe('across daylight-saving changes', () => {
    const sundayNight = compileWeeklyWindows({ windows: [{ days: ['sun'], from: '02:30', to: '04:00' }] });

    it('Europe/Paris spring forward (2013-03-31): a window opening in the gap opens at 03:00', () => {
      expect(
        readings(sundayNight, 'Europe/Paris', [
          '2013-03-31T00:59:59.999Z',
          '2013-03-31T01:00:00Z',
          '2013-03-31T01:59:00Z',
          '2013-03-31T02:00:00Z',
        ]),
      ).toEqual(['sun 2013-03-31 01:59 out', 'sun 2013-03-31 03:00 in', 'sun 2013-03-31 03:59 in', 'sun 2013-03-31 04:00 out']);
    });

    it('Europe/Paris fall back (2013-10-27): the repeated hour reads the wall clock each time', () => {
      expect(
        readings(sundayNight, 'Europe/Paris', [
          '2013-10-27T00:29:00Z',
          '2013-10-27T00:30:00Z',
          '2013-10-27T00:59:00Z',
          '2013-10-27T01:00:00Z',
          '2013-10-27T01:29:00Z',
          '2013-10-27T01:30:00Z',
          '2013-10-27T02:59:00Z',
          '2013-10-27T03:00:00Z',
        ]),
      ).toEqual([
        'sun 2013-10-27 02:29 out',
        'sun 2013-10-27 02:30 in',
        'sun 2013-10-27 02:59 in',
        'sun 2013-10-27 02:00 out',
        'sun 2013-10-27 02:29 out',
        'sun 2013-10-27 02:30 in',
        'sun 2013-10-27 03:59 in',
        'sun 2013-10-27 04:00 out',
      ]);
    });

    it('America/New_York (2013-03-10, 2013-11-03): the same local window moves by an hour in UTC', () => {
      const daytime = compileWeeklyWindows({ windows: [{ days: [...EVERY_DAY], from: '08:00', to: '21:00' }] });
      expect(
        readings(daytime, 'America/New_York', [
          '2013-03-09T12:59:00Z',
          '2013-03-09T13:00:00Z',
          '2013-03-10T11:59:00Z',
          '2013-03-10T12:00:00Z',
          '2013-11-03T00:59:00Z',
          '2013-11-03T01:00:00Z',
          '2013-11-03T12:59:00Z',
          '2013-11-03T13:00:00Z',
        ]),
      ).toEqual([
        'sat 2013-03-09 07:59 out',
        'sat 2013-03-09 08:00 in',
        'sun 2013-03-10 07:59 out',
        'sun 2013-03-10 08:00 in',
        'sat 2013-11-02 20:59 in',
        'sat 2013-11-02 21:00 out',
        'sun 2013-11-03 07:59 out',
        'sun 2013-11-03 08:00 in',
      ]);
    });

    it('America/New_York fall back: a window inside the repeated hour is open twice', () => {
      const repeated = compileWeeklyWindows({ windows: [{ days: ['sun'], from: '01:30', to: '02:00' }] });
      expect(
        readings(repeated, 'America/New_York', [
          '2013-11-03T05:29:00Z',
          '2013-11-03T05:30:00Z',
          '2013-11-03T05:59:59Z',
          '2013-11-03T06:00:00Z',
          '2013-11-03T06:30:00Z',
          '2013-11-03T06:59:00Z',
          '2013-11-03T07:00:00Z',
        ]),
      ).toEqual([
        'sun 2013-11-03 01:29 out',
        'sun 2013-11-03 01:30 in',
        'sun 2013-11-03 01:59 in',
        'sun 2013-11-03 01:00 out',
        'sun 2013-11-03 01:30 in',
        'sun 2013-11-03 01:59 in',
        'sun 2013-11-03 02:00 out',
      ]);
    });
  });
});
