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
const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The IANA zone names this runtime knows, for suggestions. */
export function knownTimeZones(): readonly string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/**
 * Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:mm[:ss]` as a wall-clock reading, rejecting
 * dates that do not exist in the calendar (30 February, 24:00).
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

/** The number of days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The zone's offset from UTC at `instant`, in milliseconds (east positive). */
export function offsetAt(instant: number, timeZone: string): number {
  const local = instantToLocal(instant, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - (instant - mod(instant, 1000));
}

/** The wall-clock reading in `timeZone` at `instant` (epoch milliseconds). */
export function instantToLocal(instant: number, timeZone: string): LocalDateTime {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const part = parts.find((p) => p.type === type);
    return part ? Number(part.value) : 0;
  };
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

/**
 * The instant at which the wall clocks of `timeZone` read `local`. In a daylight-saving
 * gap the reading does not exist and the instant is pushed forward by the gap's length;
 * in an overlap the earlier of the two instants is chosen (as Temporal's `compatible`).
 */
export function localToInstant(local: LocalDateTime, timeZone: string): { instant: number; status: LocalTimeStatus } {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  // One transition at most lies within a day of any reading, so the offsets a day either side bound it.
  const before = offsetAt(asUtc - DAY, timeZone);
  const after = offsetAt(asUtc + DAY, timeZone);
  const candidates = [...new Set([asUtc - before, asUtc - after])].filter(
    (instant) => offsetAt(instant, timeZone) === asUtc - instant,
  );
  if (candidates.length === 0) return { instant: asUtc - before, status: 'gap' };
  return { instant: Math.min(...candidates), status: candidates.length > 1 ? 'ambiguous' : 'exact' };
}

/** Formats a wall-clock reading as `YYYY-MM-DDTHH:mm`. */
export function formatLocal(local: LocalDateTime): string {
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}`;
}

/** The length of a daylight-saving gap around `instant`, in minutes, for messages. */
export function gapMinutes(asUtc: number, timeZone: string): number {
  return (offsetAt(asUtc + DAY, timeZone) - offsetAt(asUtc - DAY, timeZone)) / MINUTE;
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

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}
