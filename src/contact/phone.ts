// `max` metadata on purpose: only it carries the per-type patterns that tell a mobile
// from a fixed line (the `min` metadata answers `undefined` for most countries).
import { ParseError, isSupportedCountry, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';
import { readFrenchPhone } from './french-phone.js';

/**
 * What a phone number is used for, as libphonenumber-js's `max` metadata classifies it.
 * `FIXED_LINE_OR_MOBILE` is given where the numbering plan cannot tell them apart
 * (the United States, Canada and the rest of the +1 zone).
 */
export type PhoneType =
  | 'MOBILE'
  | 'FIXED_LINE'
  | 'FIXED_LINE_OR_MOBILE'
  | 'VOIP'
  | 'PERSONAL_NUMBER'
  | 'PAGER'
  | 'TOLL_FREE'
  | 'PREMIUM_RATE'
  | 'SHARED_COST'
  | 'UAN'
  | 'VOICEMAIL';

/**
 * Why a phone number was refused: `unparseable` (not a phone number at all: letters, too
 * few or too many digits), `missing_country` (a national number with no country to read it
 * in), `invalid` (a well-formed number that no numbering plan allocates).
 */
export type PhoneProblem = 'invalid' | 'unparseable' | 'missing_country';

/** A phone number that a numbering plan allocates, in canonical form. */
export interface ValidPhone {
  readonly ok: true;
  /** The number in E.164 form, such as `+33612345678`: the one key to compare numbers by. */
  readonly e164: string;
  /** ISO 3166 alpha-2 country; `undefined` for non-geographic numbers such as `+800`. */
  readonly country: string | undefined;
  /** The country calling code, without `+`: `'33'`, `'1'`, `'800'`. */
  readonly callingCode: string;
  /** The number type, `undefined` when the metadata allocates the number without typing it. */
  readonly type: PhoneType | undefined;
  /** Whether a text message can be expected to reach the number (see {@link SMS_PHONE_TYPES}). */
  readonly canReceiveSms: boolean;
}

/** A phone number that was refused, with the reason. */
export interface InvalidPhone {
  readonly ok: false;
  readonly reason: PhoneProblem;
}

/** The outcome of {@link normalizePhone}: a valid number or the reason it is not one. */
export type PhoneInfo = ValidPhone | InvalidPhone;

/**
 * The number types an SMS may be sent to. Only types that reach a handset are listed:
 * `MOBILE`, and `FIXED_LINE_OR_MOBILE` (the +1 zone, where most such numbers are
 * mobiles and landlines simply reject texts). Left out, failing closed: `VOIP` (French 09
 * numbers are mostly internet-box landlines), `PERSONAL_NUMBER` (a forwarding service
 * whose target may be a landline), `PAGER`, the non-geographic service types
 * (`TOLL_FREE`, `PREMIUM_RATE`, `SHARED_COST`, `UAN`, `VOICEMAIL`) and untyped numbers.
 */
export const SMS_PHONE_TYPES: readonly PhoneType[] = Object.freeze(['MOBILE', 'FIXED_LINE_OR_MOBILE'] as const);

/** How many distinct (default country, raw input) pairs {@link normalizePhone} remembers. */
export const PHONE_CACHE_LIMIT = 20_000;

/**
 * Parses a phone number written in any human format and classifies it. Results are
 * memoised in a bounded cache that evicts the least recently used entries first (a
 * second-chance approximation of LRU), so a recipient seen again costs two map lookups;
 * the returned objects are frozen and shared.
 *
 * Accepted: national formats read in `defaultCountry` (`'06 12 34 56 78'` in FR), `+`
 * international formats, the country's international dialling prefix (`'0033 6…'` in FR,
 * `'011 33 6…'` in US; `00` also works where the default country uses another prefix or
 * none is given), a `tel:` prefix, and extensions (dropped from `e164`). The whole input
 * must be the number: `'call 06 12 34 56 78'` is `unparseable`, never guessed at.
 *
 * @param raw - The number as the CRM holds it.
 * @param defaultCountry - ISO 3166 alpha-2 code (any case) for numbers written without a
 *   `+` code; an unknown code is ignored.
 * @returns `{ ok: true, e164, country, callingCode, type, canReceiveSms }`, or
 *   `{ ok: false, reason }`.
 * @example
 * ```ts
 * normalizePhone('06 12 34 56 78', 'FR');
 * // { ok: true, e164: '+33612345678', country: 'FR', callingCode: '33', type: 'MOBILE', canReceiveSms: true }
 * normalizePhone('06 12 34 56 78'); // { ok: false, reason: 'missing_country' }
 * ```
 */
export function normalizePhone(raw: string, defaultCountry?: string): PhoneInfo {
  if (typeof raw !== 'string' || raw.length > MAX_INPUT_LENGTH) return UNPARSEABLE;
  const bucketKey = defaultCountry ?? '';
  const hit = buckets.get(bucketKey)?.get(raw);
  if (hit !== undefined) {
    hit.used = true;
    return hit.info;
  }
  const info = classify(raw, countryCode(defaultCountry));
  let bucket = buckets.get(bucketKey);
  if (bucket === undefined) {
    bucket = new Map();
    buckets.set(bucketKey, bucket);
  }
  const entry: Entry = { info, used: false, raw, bucket, bucketKey };
  bucket.set(raw, entry);
  // Evict before inserting into the ring, so a full sweep of used entries never evicts the newcomer.
  if (size < PHONE_CACHE_LIMIT) ring[size++] = entry;
  else ring[evictOne()] = entry;
  return info;
}

/**
 * {@link normalizePhone} without its cache: for a caller that keeps the result itself for as
 * long as it needs it (a plan's recipient memo), so the shared cache is neither filled nor
 * churned by numbers it will not be asked for again.
 *
 * @internal
 */
export function readPhone(raw: string, defaultCountry?: string): PhoneInfo {
  if (typeof raw !== 'string' || raw.length > MAX_INPUT_LENGTH) return UNPARSEABLE;
  return classify(raw, countryCode(defaultCountry));
}

/**
 * Empties the {@link normalizePhone} cache, so tests and benchmarks can measure the
 * first-seen path.
 *
 * @returns Nothing.
 */
export function clearPhoneCache(): void {
  buckets.clear();
  ring.length = 0;
  size = 0;
  hand = 0;
}

/**
 * How many results the {@link normalizePhone} cache holds now (never more than
 * {@link PHONE_CACHE_LIMIT}).
 *
 * @returns The number of cached entries.
 */
export function phoneCacheSize(): number {
  return size;
}

// libphonenumber-js refuses longer inputs itself; refusing them first keeps huge strings
// out of the cache keys.
const MAX_INPUT_LENGTH = 250;

interface Entry {
  readonly info: PhoneInfo;
  used: boolean;
  readonly raw: string;
  readonly bucket: Map<string, Entry>;
  readonly bucketKey: string;
}

// One map per default country, so a hit hashes the caller's own string (V8 caches its
// hash) instead of a freshly concatenated key.
const buckets = new Map<string, Map<string, Entry>>();
// The entries in a ring, swept by a CLOCK hand (second-chance approximation of LRU): hits
// only set `used`, as reordering a Map on every hit would cost ten times the lookup itself,
// and an eviction resumes where the last one stopped, so it costs O(1) amortised.
const ring: Entry[] = [];
let size = 0;
let hand = 0;

const UNPARSEABLE: InvalidPhone = Object.freeze({ ok: false, reason: 'unparseable' });
const INVALID: InvalidPhone = Object.freeze({ ok: false, reason: 'invalid' });
const MISSING_COUNTRY: InvalidPhone = Object.freeze({ ok: false, reason: 'missing_country' });

const NO_COUNTRY = Object.freeze({ extract: false });
const optionsByCountry = new Map<CountryCode, { defaultCountry: CountryCode; extract: false }>();

/** Evicts the oldest entry not used since it was last given a second chance; returns its slot. */
function evictOne(): number {
  for (;;) {
    const slot = hand;
    hand = hand + 1 === size ? 0 : hand + 1;
    const entry = ring[slot]!;
    if (entry.used) {
      entry.used = false;
      continue;
    }
    entry.bucket.delete(entry.raw);
    if (entry.bucket.size === 0) buckets.delete(entry.bucketKey);
    return slot;
  }
}

/** The supported country code for a user-supplied one, upper-cased. */
function countryCode(country: string | undefined): CountryCode | undefined {
  if (country === undefined) return undefined;
  const upper = country.toUpperCase();
  return isSupportedCountry(upper) ? upper : undefined;
}

/** `text` without the spaces and tabs around it. */
function trimBlanks(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Parses once, types once; retries `00…` as `+…` only when the first reading fails. */
function classify(raw: string, country: CountryCode | undefined): PhoneInfo {
  // CRM exports often pad numbers with spaces or tabs: the number is what they surround.
  const text = trimBlanks(/^\s*tel:/i.test(raw) ? raw.replace(/^\s*tel:/i, '') : raw);
  const french = readFrenchPhone(text, country);
  if (french === undefined) return classifyWithLibrary(text, country);
  return french.type === undefined ? INVALID : validPhone(`+33${french.nationalNumber}`, 'FR', '33', french.type);
}

/**
 * What libphonenumber-js alone makes of a number, without the cache or the French fast path:
 * the reference the fast path is tested against.
 *
 * @internal
 * @param text - the number, `tel:` prefix already removed.
 * @param country - the supported default country, upper-cased, or undefined.
 * @returns the same as {@link normalizePhone}.
 */
export function classifyWithLibrary(text: string, country: CountryCode | undefined): PhoneInfo {
  const first = read(text, country);
  if (first.ok) return first;
  const international = /^\s*00/.exec(text);
  if (international === null) return first;
  const second = read(`+${text.slice(international[0].length)}`, undefined);
  return second.ok ? second : first;
}

function read(text: string, country: CountryCode | undefined): PhoneInfo {
  let parsed: PhoneNumber;
  try {
    parsed = parsePhoneNumberWithError(text, country === undefined ? NO_COUNTRY : optionsFor(country));
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return error.message === 'INVALID_COUNTRY' ? MISSING_COUNTRY : UNPARSEABLE;
  }
  // With `max` metadata a number is valid exactly when it has a type; `isValid()` is only
  // asked (and re-runs the patterns) for the rare untyped case.
  const type = parsed.getType();
  if (type === undefined && !parsed.isValid()) return INVALID;
  return validPhone(parsed.number, parsed.country, parsed.countryCallingCode, type);
}

function validPhone(e164: string, country: string | undefined, callingCode: string, type: PhoneType | undefined): ValidPhone {
  return Object.freeze({ ok: true, e164, country, callingCode, type, canReceiveSms: type !== undefined && SMS_PHONE_TYPES.includes(type) });
}

function optionsFor(country: CountryCode): { defaultCountry: CountryCode; extract: false } {
  let options = optionsByCountry.get(country);
  if (options === undefined) {
    options = Object.freeze({ defaultCountry: country, extract: false as const });
    optionsByCountry.set(country, options);
  }
  return options;
}
