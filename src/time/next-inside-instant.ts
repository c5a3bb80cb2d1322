import { nextInsideReading, type CompiledWeeklyWindows } from './weekly-windows.js';
import { nextOffsetChange, offsetAt } from './zoned-time.js';

const DAY = 86_400_000;
// Windows that never meet across zones are only found out at the horizon: keep it finite.
const MAX_HORIZON = 10 * 366 * DAY;

/**
 * The earliest instant at or after `instant` that is inside the windows in every zone of
 * `timeZones` at once (the `strictest` policy for a number whose country spans several
 * zones), as `isInsideWindows` decides it. It jumps from window edge to window edge and
 * from offset change to offset change, never minute by minute.
 *
 * Across daylight-saving changes the recipient's wall clock decides, so:
 * - a window opening in a spring-forward gap (02:30 on 2013-03-31 in Europe/Paris) opens at
 *   the first instant after the gap (03:00 summer time); a window lying wholly in the gap
 *   does not open that day;
 * - in a fall-back overlap a repeated local time happens twice: a window opening at 02:30
 *   on 2013-10-27 in Europe/Paris opens at the first 02:30 (summer time), closes when the
 *   clocks go back to 02:00 and opens again at the second 02:30; and when the clocks go
 *   back into a window, it opens at the transition itself.
 *
 * @param compiled - windows from `compileWeeklyWindows`.
 * @param instant - epoch milliseconds to start from, included.
 * @param timeZones - the recipient's possible IANA zones; with none, nothing constrains the
 *   instant and it is returned as is. An unknown zone throws a `RangeError`.
 * @param horizonMs - how far ahead to look; defaults to 366 days, and at most ten years
 *   (`Infinity` included) so that the search always ends.
 * @returns the instant (epoch milliseconds, at most `instant + horizonMs`), `instant` itself
 *   when it is already inside, or `undefined` when no such instant lies within the horizon.
 * @example
 * ```ts
 * const windows = compileWeeklyWindows({ windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '08:00', to: '21:00' }] });
 * nextInsideInstant(windows, Date.parse('2013-07-01T02:00:00Z'), ['America/New_York', 'Pacific/Honolulu']);
 * // Date.parse('2013-07-01T18:00:00Z'): 08:00 in Honolulu, 14:00 in New York
 * ```
 */
export function nextInsideInstant(
  compiled: CompiledWeeklyWindows,
  instant: number,
  timeZones: readonly string[],
  horizonMs: number = 366 * DAY,
): number | undefined {
  if (!Number.isFinite(instant) || !(horizonMs >= 0)) return undefined;
  const limit = instant + Math.min(horizonMs, MAX_HORIZON);
  let candidate = instant;
  // Visit the zones in turn, moving the candidate to the next opening of any zone that is
  // closed; stop once every zone in a row accepts it. Each move lands on an opening within
  // the horizon, and there are finitely many, so this ends.
  for (let accepted = 0, index = 0; accepted < timeZones.length; index = (index + 1) % timeZones.length) {
    const next = nextInsideInZone(compiled, candidate, timeZones[index] ?? '', limit);
    if (next === undefined) return undefined;
    accepted = next > candidate ? 1 : accepted + 1;
    candidate = next;
  }
  return candidate;
}

/** The earliest instant in [from, limit] inside the windows in one zone. */
function nextInsideInZone(compiled: CompiledWeeklyWindows, from: number, timeZone: string, limit: number): number | undefined {
  let start = from;
  while (start <= limit) {
    // Between offset changes the wall clock runs straight: search its readings, then check
    // that no change (gap or overlap) comes first; if one does, search again from it.
    const offset = offsetAt(start, timeZone);
    const reading = nextInsideReading(compiled, start + offset, limit + offset);
    const found = reading === undefined ? limit : reading - offset;
    const change = nextOffsetChange(start, found, timeZone);
    if (change === undefined) return reading === undefined ? undefined : found;
    start = change;
  }
  return undefined;
}
