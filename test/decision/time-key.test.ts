import { describe, expect, it } from 'vitest';
import { minuteKey } from '../../src/decision/time-key.js';
import { offsetAt } from '../../src/time/zoned-time.js';

const MINUTE = 60_000;
const FROM = Date.UTC(1973, 0, 1);

describe('minuteKey', () => {
  it('keys an instant by the start of its minute when that is exact, by itself otherwise', () => {
    const at = Date.UTC(2013, 4, 20, 8, 14, 37, 250);
    expect(minuteKey(at, true)).toBe(Date.UTC(2013, 4, 20, 8, 14));
    expect(minuteKey(at, false)).toBe(at);
    // Before 1973 some zones' offsets had seconds: exact instants then.
    expect(minuteKey(Date.UTC(1972, 0, 3, 12, 0, 30), true)).toBe(Date.UTC(1972, 0, 3, 12, 0, 30));
  });

  it('rests on every zone having had a whole-minute offset since 1973', () => {
    // Sampled every 29 days and 7 hours, in every zone this runtime knows (offsets with seconds lasted years).
    const zones = Intl.supportedValuesOf('timeZone');
    const odd: string[] = [];
    for (const zone of zones) {
      for (let at = FROM; at < Date.UTC(2040, 0, 1); at += 29 * 86_400_000 + 7 * 3_600_000) {
        if (offsetAt(at, zone) % MINUTE !== 0) {
          odd.push(`${zone} at ${new Date(at).toISOString()}`);
          break;
        }
      }
    }
    expect(odd).toEqual([]);
  }, 120_000);
});
