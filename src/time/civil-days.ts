// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), after
// Howard Hinnant's `days_from_civil` / `civil_from_days`: exact for any year, and much
// cheaper than building a `Date` on the hot path.

const DAYS_PER_ERA = 146_097;
const EPOCH_SHIFT = 719_468; // days from 0000-03-01 to 1970-01-01

/**
 * The day number of a calendar date, counted from 1970-01-01 (day 0).
 *
 * @param year - the full year, e.g. 2013 (years before 100 are not shifted as `Date.UTC` does).
 * @param month - 1–12.
 * @param day - 1–31.
 * @returns days since 1970-01-01, negative before it.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_ERA + dayOfEra - EPOCH_SHIFT;
}

/**
 * The calendar date of a day number counted from 1970-01-01.
 *
 * @param days - days since 1970-01-01 (an integer).
 * @returns `[year, month (1–12), day (1–31)]`.
 */
export function civilFromDays(days: number): [year: number, month: number, day: number] {
  const shifted = days + EPOCH_SHIFT;
  const era = Math.floor(shifted / DAYS_PER_ERA);
  const dayOfEra = shifted - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/**
 * The weekday of a day number, Monday first (1970-01-01 was a Thursday).
 *
 * @param days - days since 1970-01-01.
 * @returns 0 for Monday through 6 for Sunday.
 */
export function weekdayOfDays(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

/**
 * Formats a day number as an ISO calendar date.
 *
 * @param days - days since 1970-01-01.
 * @returns the date as `YYYY-MM-DD`.
 */
export function formatDays(days: number): string {
  // Holiday checks and quota buckets ask for the same day again and again.
  if (days === lastDays) return lastText;
  const [year, month, day] = civilFromDays(days);
  const text = `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
  lastDays = days;
  lastText = text;
  return text;
}

let lastDays = Number.NaN;
let lastText = '';
