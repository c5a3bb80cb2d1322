import { instantToLocal } from '../time/zoned-time.js';

/** `YYYY-MM-DD HH:mm` wall-clock time of `instant` in `timeZone`, as facts and messages show it. */
export function localDateTime(instant: number, timeZone: string): string {
  const local = instantToLocal(instant, timeZone);
  return `${local.year}-${pad(local.month)}-${pad(local.day)} ${pad(local.hour)}:${pad(local.minute)}`;
}

/** The ISO 8601 UTC form of an instant. */
export function iso(instant: number): string {
  return new Date(instant).toISOString();
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
