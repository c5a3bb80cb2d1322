import type { PhoneInfo } from './phone.js';

/**
 * The IANA time zones in use in a country, from the runtime's CLDR data
 * (`Intl.Locale#getTimeZones()`, or the `timeZones` getter of Node 20 and older V8). The
 * lists are computed once per country and frozen. No geocoding data is bundled: a phone
 * number is placed at country level only, so callers that need one local time for a
 * country with several zones must consider them all (the `strictest` policy).
 *
 * @param country - ISO 3166 alpha-2 code, any case.
 * @returns The zones, such as `['Europe/Paris']`; empty when the code is unknown or the
 *   runtime has no time-zone data for locales (treat it as an unknown time zone).
 * @example
 * ```ts
 * zonesForCountry('FR'); // ['Europe/Paris']
 * ```
 */
export function zonesForCountry(country: string): readonly string[] {
  // Only checked upper-case codes are keys, so a hit on the code as given needs no checking.
  const hit = cache.get(country);
  if (hit !== undefined) return hit;
  if (typeof country !== 'string' || !/^[A-Za-z]{2}$/.test(country)) return NONE;
  const code = country.toUpperCase();
  let zones = cache.get(code);
  if (zones === undefined) {
    zones = Object.freeze([...(readZones(code) ?? [])]);
    cache.set(code, zones);
  }
  return zones;
}

/**
 * The time zones a phone number may ring in: those of its country.
 *
 * @param info - The result of `normalizePhone`.
 * @returns The zones of the number's country; empty for an invalid number or a
 *   non-geographic one (`+800`…), whose local time is unknown.
 * @example
 * ```ts
 * zonesForPhone(normalizePhone('+14155552671')); // ['America/Adak', …, 'Pacific/Honolulu']
 * ```
 */
export function zonesForPhone(info: PhoneInfo): readonly string[] {
  return info.ok && info.country !== undefined ? zonesForCountry(info.country) : NONE;
}

const NONE: readonly string[] = Object.freeze([]);

// At most ~250 countries, so the cache needs no bound.
const cache = new Map<string, readonly string[]>();

/** The time-zone members of `Intl.Locale` are not in TypeScript's ES2023 lib yet. */
interface LocaleWithTimeZones {
  getTimeZones?: () => string[] | undefined;
  readonly timeZones?: string[] | undefined;
}

function readZones(code: string): readonly string[] | undefined {
  let locale: LocaleWithTimeZones;
  try {
    locale = new Intl.Locale(`und-${code}`) as LocaleWithTimeZones;
  } catch {
    return undefined;
  }
  return typeof locale.getTimeZones === 'function' ? locale.getTimeZones() : locale.timeZones;
}
