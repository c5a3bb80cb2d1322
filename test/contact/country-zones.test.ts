import { describe, expect, it, vi } from 'vitest';
import { zonesForCountry, zonesForPhone } from '../../src/contact/country-zones.js';
import { normalizePhone } from '../../src/contact/phone.js';

describe('zonesForCountry', () => {
  it('gives the one zone of France', () => {
    expect(zonesForCountry('FR')).toEqual(['Europe/Paris']);
  });

  it('gives every zone of the United States, from Hawaii to Maine', () => {
    const zones = zonesForCountry('US');
    expect(zones).toContain('America/New_York');
    expect(zones).toContain('America/Los_Angeles');
    expect(zones).toContain('Pacific/Honolulu');
    expect(zones).toContain('America/Anchorage');
  });

  it('reads the code in any case and caches one frozen list per country', () => {
    const zones = zonesForCountry('fr');
    expect(zones).toEqual(['Europe/Paris']);
    expect(zonesForCountry('FR')).toBe(zones);
    expect(Object.isFrozen(zones)).toBe(true);
  });

  it.each(['', 'F', 'FRA', 'F1', 'ZZ', '12', 'und', 'fr-FR'])('gives no zone for %j', (code) => {
    expect(zonesForCountry(code)).toEqual([]);
  });

  it('gives only valid IANA zones', () => {
    for (const code of ['FR', 'US', 'GB', 'RU', 'AU', 'BR', 'CA', 'PF', 'RE']) {
      const zones = zonesForCountry(code);
      expect(zones.length).toBeGreaterThan(0);
      for (const zone of zones) expect(() => new Intl.DateTimeFormat('en', { timeZone: zone })).not.toThrow();
    }
  });

  it('uses Intl.Locale#getTimeZones() where the runtime has it', () => {
    const getTimeZones = vi.fn(() => ['Europe/Madrid', 'Africa/Ceuta', 'Atlantic/Canary']);
    // 'ES' has not been asked for in this file yet, so it is not cached.
    withGetTimeZones(getTimeZones, () => {
      expect(zonesForCountry('ES')).toEqual(['Europe/Madrid', 'Africa/Ceuta', 'Atlantic/Canary']);
    });
    expect(getTimeZones).toHaveBeenCalledTimes(1);
  });

  it('gives no zone when the runtime has no time-zone data for locales', () => {
    // 'IT' has not been asked for in this file yet, so it is not cached.
    withGetTimeZones(() => undefined, () => {
      expect(zonesForCountry('IT')).toEqual([]);
    });
  });
});

/** Runs `body` with `Intl.Locale.prototype.getTimeZones` replaced, then puts it back. */
function withGetTimeZones(replacement: () => string[] | undefined, body: () => void): void {
  const proto = Intl.Locale.prototype as unknown as Record<string, unknown>;
  const previous = Object.getOwnPropertyDescriptor(proto, 'getTimeZones');
  Object.defineProperty(proto, 'getTimeZones', { value: replacement, configurable: true, writable: true });
  try {
    body();
  } finally {
    if (previous === undefined) delete proto['getTimeZones'];
    else Object.defineProperty(proto, 'getTimeZones', previous);
  }
}

describe('zonesForPhone', () => {
  it('gives the zones of the number’s country', () => {
    expect(zonesForPhone(normalizePhone('06 12 34 56 78', 'FR'))).toEqual(['Europe/Paris']);
    expect(zonesForPhone(normalizePhone('(808) 555-0100', 'US'))).toContain('Pacific/Honolulu');
    expect(zonesForPhone(normalizePhone('+1 416 555 0100'))).toContain('America/Toronto');
  });

  it('gives no zone for an invalid or non-geographic number', () => {
    expect(zonesForPhone(normalizePhone('06 12 34 56 78'))).toEqual([]);
    expect(zonesForPhone(normalizePhone('+800 1234 5678'))).toEqual([]);
  });
});
