import type { Weekday } from '../charter/schema.js';
import { CharterguardError } from '../errors.js';
import { formatDays, weekdayOfDays } from './civil-days.js';
import { offsetAt, parseLocalDateTime } from './zoned-time.js';

/** Allowed windows of a quiet-hours rule, as a charter writes them. */
export interface WeeklyWindowsInput {
  /** Each window allows `[from, to)` local time on each of its `days`; `to` may be `'24:00'`. */
  readonly windows: readonly { readonly days: readonly Weekday[]; readonly from: string; readonly to: string }[];
  /** Local dates, `YYYY-MM-DD`, on which nothing may be sent. */
  readonly holidays?: readonly string[] | undefined;
}

/** Minutes since local midnight, `[from, to)`, with `to` at most 1440. */
export type MinuteInterval = readonly [from: number, to: number];

/** Allowed windows compiled for fast checks: sorted, disjoint minute intervals per weekday. */
export interface CompiledWeeklyWindows {
  /** Per weekday, sorted intervals that neither overlap nor touch (touching ones are merged). */
  readonly days: Readonly<Record<Weekday, readonly MinuteInterval[]>>;
  /** Local dates, `YYYY-MM-DD`, on which no window is open. */
  readonly holidays: ReadonlySet<string>;
}

/** The recipient's wall clock at an instant, as quiet-hours explanations show it. */
export interface LocalReading {
  readonly weekday: Weekday;
  /** `HH:mm`. */
  readonly time: string;
  /** `YYYY-MM-DD`. */
  readonly date: string;
}

/** Whether an instant falls inside the windows, and the local reading that decided it. */
export interface InsideWindowsResult {
  readonly inside: boolean;
  /** Whether the local date is one of the holidays (then `inside` is `false`). */
  readonly holiday: boolean;
  readonly local: LocalReading;
}

// Weekdays by index, Monday first, as `weekdayOfDays` counts them.
const WEEKDAY_ORDER = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const satisfies readonly Weekday[];

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Compiles a quiet-hours rule's allowed windows into sorted, merged minute intervals per
 * weekday and a set of holidays. Windows are wall-clock times: a window does not span
 * midnight, so a night is written as two windows (`mon 20:00–24:00`, `tue 00:00–08:00`),
 * which the checks then treat as one continuous stretch.
 *
 * @param input - the rule's `windows` and optional `holidays`.
 * @returns the compiled windows, frozen.
 * @throws CharterguardError when a time, day or holiday is malformed, or a window does not end after it starts
 *   (a charter that passed validation never does this).
 * @example
 * ```ts
 * const compiled = compileWeeklyWindows({ windows: [{ days: ['mon', 'tue'], from: '08:00', to: '20:00' }] });
 * isInsideWindows(compiled, Date.parse('2013-05-13T06:00:00Z'), 'Europe/Paris').inside; // true
 * ```
 */
export function compileWeeklyWindows(input: WeeklyWindowsInput): CompiledWeeklyWindows {
  const raw = new Map<Weekday, [number, number][]>(WEEKDAY_ORDER.map((day) => [day, []]));
  input.windows.forEach((window, index) => {
    const where = `windows[${index}]`;
    const from = parseTime(window.from, false, `${where}.from`);
    const to = parseTime(window.to, true, `${where}.to`);
    if (to <= from) {
      throw new CharterguardError(`${where} ends at ${window.to}, not after it starts at ${window.from}; split a window that spans midnight in two`);
    }
    for (const day of window.days) {
      const intervals = raw.get(day);
      if (!intervals) throw new CharterguardError(`${where}.days: '${String(day)}' is not a day of the week (mon … sun)`);
      intervals.push([from, to]);
    }
  });
  const holidays = new Set<string>();
  for (const [index, holiday] of (input.holidays ?? []).entries()) {
    if (!DATE.test(holiday) || !parseLocalDateTime(holiday)) {
      throw new CharterguardError(`holidays[${index}]: '${holiday}' is not a calendar date YYYY-MM-DD`);
    }
    holidays.add(holiday);
  }
  const days = Object.fromEntries(WEEKDAY_ORDER.map((day) => [day, merge(raw.get(day) ?? [])])) as Record<
    Weekday,
    readonly MinuteInterval[]
  >;
  return Object.freeze({ days: Object.freeze(days), holidays });
}

/**
 * Whether `instant` is inside the windows in `timeZone`: the recipient's wall clock at that
 * instant reads a minute inside some window of its weekday (from inclusive, to exclusive),
 * and its local date is not a holiday. Exact across daylight-saving changes, since it reads
 * the wall clock: in a fall-back overlap, a repeated local time is inside (or not) both times.
 *
 * @param compiled - windows from `compileWeeklyWindows`.
 * @param instant - epoch milliseconds.
 * @param timeZone - the recipient's IANA zone; an unknown one throws a `RangeError`.
 * @returns `inside`, whether the day is a `holiday`, and the `local` weekday, time and date.
 */
export function isInsideWindows(compiled: CompiledWeeklyWindows, instant: number, timeZone: string): InsideWindowsResult {
  const local = instant + offsetAt(instant, timeZone);
  const days = Math.floor(local / DAY);
  const minute = Math.floor((local - days * DAY) / MINUTE);
  const weekday = WEEKDAY_ORDER[weekdayOfDays(days)] ?? 'mon';
  const date = formatDays(days);
  const holiday = compiled.holidays.has(date);
  const inside = !holiday && compiled.days[weekday].some(([from, to]) => from <= minute && minute < to);
  return { inside, holiday, local: { weekday, time: formatMinute(minute), date } };
}

/**
 * `isInsideWindows(compiled, instant, timeZone).inside`, without building the local reading:
 * the answer every send needs, where the reading is only needed to explain a refusal.
 *
 * @param compiled - windows from `compileWeeklyWindows`.
 * @param instant - epoch milliseconds.
 * @param timeZone - the recipient's IANA zone; an unknown one throws a `RangeError`.
 * @returns whether the instant is inside the windows.
 */
export function isInside(compiled: CompiledWeeklyWindows, instant: number, timeZone: string): boolean {
  const local = instant + offsetAt(instant, timeZone);
  const days = Math.floor(local / DAY);
  const minute = Math.floor((local - days * DAY) / MINUTE);
  const intervals = compiled.days[WEEKDAY_ORDER[weekdayOfDays(days)] ?? 'mon'];
  // Indexed, not destructured: this runs for every send a quiet-hours rule selects.
  for (let i = 0; i < intervals.length; i++) {
    const interval = intervals[i]!;
    if (interval[0] <= minute && minute < interval[1]) return !(compiled.holidays.size > 0 && compiled.holidays.has(formatDays(days)));
  }
  return false;
}

/**
 * The earliest local reading at or after `local`, up to `localLimit`, that is inside the
 * windows, on a clock that never changes offset. Both are wall-clock readings in
 * milliseconds as if UTC.
 *
 * @param compiled - windows from `compileWeeklyWindows`.
 * @param local - the reading to start from, included.
 * @param localLimit - the last reading to consider, included.
 * @returns `local` itself when inside, else the start of the next open interval, or
 *   `undefined` when none starts by `localLimit`.
 */
export function nextInsideReading(compiled: CompiledWeeklyWindows, local: number, localLimit: number): number | undefined {
  const lastDay = Math.floor(localLimit / DAY);
  for (let days = Math.floor(local / DAY); days <= lastDay; days++) {
    const intervals = compiled.days[WEEKDAY_ORDER[weekdayOfDays(days)] ?? 'mon'];
    if (intervals.length === 0 || (compiled.holidays.size > 0 && compiled.holidays.has(formatDays(days)))) continue;
    const position = Math.max(local, days * DAY);
    const minute = Math.floor((position - days * DAY) / MINUTE);
    // Intervals are sorted: the first that has not ended yet either holds `position` or starts next.
    const open = intervals.find(([, to]) => minute < to);
    if (open === undefined) continue;
    const found = open[0] <= minute ? position : days * DAY + open[0] * MINUTE;
    return found <= localLimit ? found : undefined;
  }
  return undefined;
}

function parseTime(text: string, allowEndOfDay: boolean, where: string): number {
  if (allowEndOfDay && text === '24:00') return 1440;
  const match = TIME.exec(text);
  if (!match) throw new CharterguardError(`${where}: '${text}' is not a time of day HH:mm${allowEndOfDay ? ' (or 24:00)' : ''}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Sorts intervals and merges those that overlap or touch. */
function merge(intervals: [number, number][]): readonly MinuteInterval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return Object.freeze(merged.map((interval) => Object.freeze(interval)));
}

function formatMinute(minute: number): string {
  const hour = Math.floor(minute / 60);
  const rest = minute % 60;
  return `${hour < 10 ? '0' : ''}${hour}:${rest < 10 ? '0' : ''}${rest}`;
}
