import { memoize } from '../util/memoize.js';
import { instantToLocal } from '../time/zoned-time.js';

/** `YYYY-MM-DD HH:mm` wall-clock time of `instant` in `timeZone`, as facts and messages show it. */
export function localDateTime(instant: number, timeZone: string): string {
  // Decisions of a campaign share a few instants: remember the texts of the last ones.
  let zone = localTexts.get(timeZone);
  if (zone === undefined) {
    if (localTexts.size >= MAX_ZONES) localTexts.clear();
    zone = new Map();
    localTexts.set(timeZone, zone);
  }
  let text = zone.get(instant);
  if (text === undefined) {
    const local = instantToLocal(instant, timeZone);
    text = `${local.year}-${pad(local.month)}-${pad(local.day)} ${pad(local.hour)}:${pad(local.minute)}`;
    if (zone.size >= MAX_INSTANTS) zone.clear();
    zone.set(instant, text);
  }
  return text;
}

/** The ISO 8601 UTC form of an instant. */
export function iso(instant: number): string {
  return isoText(instant);
}

// Bounded memos; clearing a full map is O(1) amortised and keeps them from growing with `now = Date.now()`.
const MAX_INSTANTS = 256;
const MAX_ZONES = 64;
// `toISOString` allocates a Date and formats it; the same few instants recur across decisions.
const isoText = memoize((instant: number) => new Date(instant).toISOString(), MAX_INSTANTS);
const localTexts = new Map<string, Map<number, string>>();

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}
