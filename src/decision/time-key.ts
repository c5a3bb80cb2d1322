/**
 * The key under which an answer that reads the instant only to the minute is kept: the
 * start of the instant's minute when that is exact, else the instant itself.
 *
 * Answers kept this way (near misses, quiet hours) read the instant through the local wall
 * clock to the minute (the phases and windows it falls in, the local time they quote) and
 * through charter boundaries (phase and `inForce` ends, window openings). Within one UTC
 * minute the wall clock reads the same minute when the zone's offset is a whole number of
 * minutes, which every zone's has been since 1972 (from 1973 on here); and no boundary falls inside the minute
 * when all of the charter's are whole minutes (`aligned`). Otherwise: the exact instant.
 *
 * @param now - epoch milliseconds.
 * @param aligned - whether every phase and `inForce` boundary of the charter is a whole minute.
 * @returns the key.
 */
export function minuteKey(now: number, aligned: boolean): number {
  if (!aligned || now < WHOLE_MINUTE_OFFSETS_FROM) return now;
  return now - (now % MINUTE);
}

const MINUTE = 60_000;
/**
 * 1973-01-01T00:00:00Z: from then on, every zone's offset from UTC is a whole number of
 * minutes (the last exception, Africa/Monrovia at -0:44:30, ended on 7 January 1972;
 * checked against every zone Intl knows, test/decision/time-key.test.ts).
 */
const WHOLE_MINUTE_OFFSETS_FROM = 94_694_400_000;
