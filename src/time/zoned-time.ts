import { civilFromDays, daysFromCivil } from './civil-days.js';

/** A wall-clock reading, without a time zone. Months are 1–12. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** How a local date-time maps onto the time line of a zone. */
export type LocalTimeStatus = 'exact' | 'ambiguous' | 'gap';

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const SECOND = 1000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const BUCKET = 15 * MINUTE;
// 4096 buckets per zone and size: eleven years of days, six weeks of quarter-hours.
const MAX_BUCKETS_PER_ZONE = 4096;
const MAX_ZONES = 1024;
const SEEN_ONCE = Number.POSITIVE_INFINITY;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, ZoneCaches>();

/** A zone's cached offsets, by UTC day and by quarter-hour. */
interface ZoneCaches {
  readonly days: Map<number, number>;
  readonly quarters: Map<number, number>;
}

/**
 * Whether `timeZone` is an IANA zone name this runtime knows.
 *
 * @param timeZone - the name to check, e.g. `Europe/Paris`.
 * @returns `true` when `Intl` accepts it.
 */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The IANA zone names this runtime knows, for suggestions.
 *
 * @returns the canonical names, or an empty list where `Intl.supportedValuesOf` is missing.
 */
export function knownTimeZones(): readonly string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/**
 * Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm[:ss]` as a wall-clock reading, rejecting
 * dates that do not exist in the calendar (30 February, 24:00).
 *
 * @param text - the local date or date-time.
 * @returns the reading, or `undefined` when malformed or not in the calendar.
 */
export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const match = LOCAL_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [
    number, number, number, number, number, number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second };
}

/**
 * The number of days in a month of the proleptic Gregorian calendar.
 *
 * @param year - the full year.
 * @param month - 1–12.
 * @returns 28 to 31.
 */
export function daysInMonth(year: number, month: number): number {
  return month === 12 ? 31 : daysFromCivil(year, month + 1, 1) - daysFromCivil(year, month, 1);
}

/**
 * The zone's offset from UTC at `instant`, in milliseconds (east positive, whole seconds).
 * Served from bounded per-zone caches: UTC days from 1970 on, so repeated reads in the same
 * day cost a map look-up instead of an `Intl.DateTimeFormat#formatToParts` call (a campaign's
 * dates fall on a few hundred days); quarter-hours before 1970 and on a day the offset
 * changes, so only the quarter-hour holding the change asks `Intl` every time.
 *
 * @param instant - epoch milliseconds.
 * @param timeZone - an IANA zone name; an unknown one throws a `RangeError`.
 * @returns the offset, such that the wall clock reads `instant + offset` as if in UTC.
 */
export function offsetAt(instant: number, timeZone: string): number {
  const caches = offsetCache.get(timeZone) ?? newZoneCache(timeZone);
  // Since 1970 transitions never come twice in a day (nextOffsetChange relies on it too).
  if (instant >= 0) {
    const offset = bucketOffset(caches.days, DAY, instant, timeZone);
    if (!Number.isNaN(offset)) return offset;
  }
  const offset = bucketOffset(caches.quarters, BUCKET, instant, timeZone);
  // NaN marks a quarter-hour holding a transition (or an offset in seconds, before 1972).
  return Number.isNaN(offset) ? intlOffset(instant, timeZone) : offset;
}

/** The offset at `instant` from a cache of buckets of `size`: NaN when its bucket holds a change. */
function bucketOffset(cache: Map<number, number>, size: number, instant: number, timeZone: string): number {
  const bucket = Math.floor(instant / size);
  const cached = cache.get(bucket);
  if (cached !== undefined && cached !== SEEN_ONCE) return cached;
  // Dropping the whole map when full is O(1) amortised; evicting the oldest key one by one is not in V8.
  if (cache.size >= MAX_BUCKETS_PER_ZONE) cache.clear();
  if (cached === undefined) {
    // A one-off read costs one Intl call, as without a cache; a second read of the bucket caches it.
    cache.set(bucket, SEEN_ONCE);
    return intlOffset(instant, timeZone);
  }
  const start = bucket * size;
  const first = intlOffset(start, timeZone);
  // Transitions fall on whole seconds and never twice in a bucket: equal ends mean a constant bucket.
  const offset = first === intlOffset(start + size - SECOND, timeZone) ? first : Number.NaN;
  cache.set(bucket, offset);
  return offset;
}

/**
 * The wall-clock reading in `timeZone` at `instant`, exact across daylight-saving changes.
 *
 * @param instant - epoch milliseconds.
 * @param timeZone - an IANA zone name; an unknown one throws a `RangeError`.
 * @returns the local date and time, milliseconds truncated.
 */
export function instantToLocal(instant: number, timeZone: string): LocalDateTime {
  const local = instant + offsetAt(instant, timeZone);
  const days = Math.floor(local / DAY);
  const [year, month, day] = civilFromDays(days);
  const seconds = Math.floor((local - days * DAY) / SECOND);
  return {
    year,
    month,
    day,
    hour: Math.floor(seconds / 3600),
    minute: Math.floor(seconds / 60) % 60,
    second: seconds % 60,
  };
}

/**
 * The instant at which the wall clocks of `timeZone` read `local`. In a daylight-saving
 * gap the reading does not exist and the instant is pushed forward by the gap's length;
 * in an overlap the earlier of the two instants is chosen (as Temporal's `compatible`).
 *
 * @param local - the wall-clock reading.
 * @param timeZone - an IANA zone name.
 * @returns the instant (epoch milliseconds) and how the reading mapped onto it.
 */
export function localToInstant(local: LocalDateTime, timeZone: string): { instant: number; status: LocalTimeStatus } {
  const asUtc = readingAsUtc(local);
  // One transition at most lies within a day of any reading, so the offsets a day either side bound it.
  const before = offsetAt(asUtc - DAY, timeZone);
  const after = offsetAt(asUtc + DAY, timeZone);
  const candidates = [...new Set([asUtc - before, asUtc - after])].filter(
    (instant) => offsetAt(instant, timeZone) === asUtc - instant,
  );
  if (candidates.length === 0) return { instant: asUtc - before, status: 'gap' };
  return { instant: Math.min(...candidates), status: candidates.length > 1 ? 'ambiguous' : 'exact' };
}

/**
 * Formats a wall-clock reading as `YYYY-MM-DDTHH:mm`.
 *
 * @param local - the reading.
 * @returns the text, seconds dropped.
 */
export function formatLocal(local: LocalDateTime): string {
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}`;
}

/**
 * The length of a daylight-saving gap around a reading, in minutes, for messages.
 *
 * @param asUtc - the wall-clock reading expressed as if it were UTC, in epoch milliseconds.
 * @param timeZone - an IANA zone name.
 * @returns how far the clocks jump forward within a day of the reading (0 when they do not).
 */
export function gapMinutes(asUtc: number, timeZone: string): number {
  return (offsetAt(asUtc + DAY, timeZone) - offsetAt(asUtc - DAY, timeZone)) / MINUTE;
}

/**
 * The first instant after `from`, up to and including `until`, at which the zone's offset
 * differs from its offset at `from`. Probes a day at a time, then bisects to the millisecond,
 * so it assumes two transitions are never less than a day apart (true of every zone since 1970).
 *
 * @param from - epoch milliseconds, excluded.
 * @param until - epoch milliseconds, included.
 * @param timeZone - an IANA zone name.
 * @returns the instant of the transition, or `undefined` when the offset holds until `until`.
 */
export function nextOffsetChange(from: number, until: number, timeZone: string): number | undefined {
  const base = offsetAt(from, timeZone);
  for (let low = from; low < until; ) {
    let high = Math.min(low + DAY, until);
    if (offsetAt(high, timeZone) === base) {
      low = high;
      continue;
    }
    // Invariant: the offset at `low` is `base`, at `high` it is not.
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (intlOffset(middle, timeZone) === base) low = middle;
      else high = middle;
    }
    return high;
  }
  return undefined;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function newZoneCache(timeZone: string): ZoneCaches {
  formatterFor(timeZone); // throws RangeError for an unknown zone before anything is cached
  if (offsetCache.size >= MAX_ZONES) offsetCache.clear();
  const caches: ZoneCaches = { days: new Map(), quarters: new Map() };
  offsetCache.set(timeZone, caches);
  return caches;
}

/** The offset straight from Intl, uncached: the wall clock read as UTC, minus the instant. */
function intlOffset(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    return part ? Number(part.value) : 0;
  };
  const asUtc = readingAsUtc({
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  });
  return asUtc - (instant - mod(instant, SECOND));
}

/** The reading as if it were UTC; unlike `Date.UTC`, years before 100 stay as they are. */
function readingAsUtc(local: LocalDateTime): number {
  return daysFromCivil(local.year, local.month, local.day) * DAY + ((local.hour * 60 + local.minute) * 60 + local.second) * SECOND;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
