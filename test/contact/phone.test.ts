import type { NumberType } from 'libphonenumber-js/max';
import { beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  PHONE_CACHE_LIMIT,
  SMS_PHONE_TYPES,
  clearPhoneCache,
  normalizePhone,
  phoneCacheSize,
  readPhone,
  type PhoneInfo,
  type PhoneType,
} from '../../src/contact/phone.js';

beforeEach(() => clearPhoneCache());

describe('normalizePhone', () => {
  it.each([
    ['06 12 34 56 78', 'FR'],
    ['0612345678', 'FR'],
    ['06.12.34.56.78', 'FR'],
    ['06-12-34-56-78', 'FR'],
    ['+33612345678', undefined],
    ['+33 6 12 34 56 78', undefined],
    ['+33 (0)6 12 34 56 78', undefined],
    ['0033 6 12 34 56 78', 'FR'],
    ['0033 6 12 34 56 78', undefined],
    ['0033612345678', 'US'],
    ['011 33 6 12 34 56 78', 'US'],
    ['+33612345678', 'US'],
    ['  06 12 34 56 78  ', 'fr'],
    ['tel:+33612345678', undefined],
    ['\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18', 'FR'],
  ])('reads %j (default country %s) as +33612345678', (raw, country) => {
    expect(normalizePhone(raw, country)).toEqual({
      ok: true,
      e164: '+33612345678',
      country: 'FR',
      callingCode: '33',
      type: 'MOBILE',
      canReceiveSms: true,
    });
  });

  it.each([
    ['(415) 555-2671', 'US'],
    ['415.555.2671', 'US'],
    ['1 415 555 2671', 'US'],
    ['+1 (415) 555-2671', undefined],
    ['+14155552671', 'FR'],
    ['00 1 415 555 2671', 'FR'],
  ])('reads the US number %j (default %s) as FIXED_LINE_OR_MOBILE, which can receive SMS', (raw, country) => {
    expect(normalizePhone(raw, country)).toMatchObject({
      ok: true,
      e164: '+14155552671',
      country: 'US',
      type: 'FIXED_LINE_OR_MOBILE',
      canReceiveSms: true,
    });
  });

  it('tells French mobiles (06/07) from fixed lines (01–05) and service numbers', () => {
    expect(normalizePhone('07 81 23 45 67', 'FR')).toMatchObject({ type: 'MOBILE', canReceiveSms: true });
    for (const prefix of ['01', '02', '03', '04', '05']) {
      expect(normalizePhone(`${prefix} 23 45 67 89`, 'FR')).toMatchObject({
        ok: true,
        type: 'FIXED_LINE',
        canReceiveSms: false,
      });
    }
    expect(normalizePhone('09 12 34 56 78', 'FR')).toMatchObject({ type: 'VOIP', canReceiveSms: false });
    expect(normalizePhone('0 800 12 34 56', 'FR')).toMatchObject({ type: 'TOLL_FREE', canReceiveSms: false });
  });

  it.each([
    ['+44 70 1234 5678', 'PERSONAL_NUMBER'],
    ['+44 76 4012 3456', 'PAGER'],
  ])('does not promise SMS delivery to %j (%s), failing closed', (raw, type) => {
    expect(normalizePhone(raw)).toMatchObject({ ok: true, country: 'GB', type, canReceiveSms: false });
  });

  it('says canReceiveSms exactly for SMS_PHONE_TYPES', () => {
    const numbers = ['+33612345678', '+14155552671', '+33123456789', '+33912345678', '+447012345678', '+80012345678'];
    for (const raw of numbers) {
      const info = normalizePhone(raw);
      if (!info.ok) throw new Error(`${raw} should be valid`);
      expect(info.canReceiveSms).toBe(info.type !== undefined && SMS_PHONE_TYPES.includes(info.type));
    }
  });

  it('places a number by its own country code, not the default country', () => {
    expect(normalizePhone('+44 7624 369230', 'FR')).toMatchObject({ ok: true, country: 'IM', type: 'MOBILE' });
    expect(normalizePhone('+32 470 12 34 56', 'FR')).toMatchObject({ ok: true, country: 'BE', callingCode: '32' });
  });

  it('gives no country for non-geographic numbers', () => {
    expect(normalizePhone('+800 1234 5678')).toEqual({
      ok: true,
      e164: '+80012345678',
      country: undefined,
      callingCode: '800',
      type: 'TOLL_FREE',
      canReceiveSms: false,
    });
  });

  it.each([
    ['+33 6 12 34 56 78 9', 'too long for FR'],
    ['06 12 34 56', 'too short for FR'],
    ['00 00 00 00 00', 'not allocated'],
    ['+44 7700 900123', 'a UK drama number'],
    ['+1 415 555 267', 'too short for US'],
  ])('refuses %j (%s) as invalid', (raw) => {
    expect(normalizePhone(raw, 'FR')).toEqual({ ok: false, reason: 'invalid' });
  });

  it.each(['', '   ', 'abc', 'call 06 12 34 56 78 now', '06 12 34 56 78 / 01 23 45 67 89', '1', 'x'.repeat(300)])(
    'refuses %j as unparseable',
    (raw) => {
      expect(normalizePhone(raw, 'FR')).toEqual({ ok: false, reason: 'unparseable' });
    },
  );

  it('needs a country for a national number', () => {
    expect(normalizePhone('06 12 34 56 78')).toEqual({ ok: false, reason: 'missing_country' });
    expect(normalizePhone('06 12 34 56 78', 'XX')).toEqual({ ok: false, reason: 'missing_country' });
    expect(normalizePhone('06 12 34 56 78', 'F\0')).toEqual({ ok: false, reason: 'missing_country' });
    expect(normalizePhone('06 12 34 56 78', 'fr')).toMatchObject({ ok: true });
  });

  it('reads a number padded with spaces or tabs as the number itself, by either path', () => {
    // The French fast path and libphonenumber-js (a UK number, a US one) alike.
    for (const [padded, plain, country] of [
      [' +33 6 12 34 56 78 ', '+33 6 12 34 56 78', 'FR'],
      ['\t0612345678', '0612345678', 'FR'],
      ['  tel:+33612345678\t', '+33612345678', 'FR'],
      [' +44 20 7946 0018 ', '+44 20 7946 0018', 'FR'],
      ['\t(202) 555-0143 ', '(202) 555-0143', 'US'],
    ] as const) {
      expect(normalizePhone(padded, country)).toEqual(normalizePhone(plain, country));
      expect(normalizePhone(padded, country)).toMatchObject({ ok: true });
    }
  });

  it('keeps results apart per default country', () => {
    expect(normalizePhone('0470 12 34 56', 'BE')).toMatchObject({ ok: true, e164: '+32470123456' });
    expect(normalizePhone('0470 12 34 56', 'FR')).toMatchObject({ ok: true, e164: '+33470123456', type: 'FIXED_LINE' });
    expect(normalizePhone('0470 12 34 56')).toEqual({ ok: false, reason: 'missing_country' });
  });

  it('does not let a caller alter a cached result', () => {
    const info = normalizePhone('+33612345678');
    expect(Object.isFrozen(info)).toBe(true);
    expect(() => {
      (info as { e164: string }).e164 = '+33700000000';
    }).toThrow(TypeError);
    expect(normalizePhone('+33612345678')).toMatchObject({ e164: '+33612345678' });
  });
});

describe('the phone cache', () => {
  it('returns the same object for a number seen again', () => {
    const first = normalizePhone('06 12 34 56 78', 'FR');
    expect(normalizePhone('06 12 34 56 78', 'FR')).toBe(first);
    expect(phoneCacheSize()).toBe(1);
  });

  it('starts afresh after clearPhoneCache()', () => {
    const first = normalizePhone('06 12 34 56 78', 'FR');
    clearPhoneCache();
    expect(phoneCacheSize()).toBe(0);
    const second = normalizePhone('06 12 34 56 78', 'FR');
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  it('never holds more than PHONE_CACHE_LIMIT entries and evicts the least recently used', () => {
    const number = (i: number) => `+336${String(i).padStart(8, '0')}`;
    const oldest = normalizePhone(number(0));
    const touched = normalizePhone(number(1));
    for (let i = 2; i < PHONE_CACHE_LIMIT; i++) normalizePhone(number(i));
    expect(phoneCacheSize()).toBe(PHONE_CACHE_LIMIT);
    expect(normalizePhone(number(1))).toBe(touched); // now the most recently used
    normalizePhone(number(PHONE_CACHE_LIMIT)); // evicts number(0), the least recently used
    expect(phoneCacheSize()).toBe(PHONE_CACHE_LIMIT);
    expect(normalizePhone(number(1))).toBe(touched);
    const again = normalizePhone(number(0));
    expect(again).not.toBe(oldest);
    expect(again).toEqual(oldest);
    expect(phoneCacheSize()).toBe(PHONE_CACHE_LIMIT);
  });
  it('keeps a newcomer and evicts the oldest when every entry has been used again', () => {
    const number = (i: number) => `+336${String(i).padStart(8, '0')}`;
    const oldest = normalizePhone(number(0));
    for (let i = 1; i < PHONE_CACHE_LIMIT; i++) normalizePhone(number(i));
    for (let i = 0; i < PHONE_CACHE_LIMIT; i++) normalizePhone(number(i));
    const newcomer = normalizePhone(number(PHONE_CACHE_LIMIT));
    expect(normalizePhone(number(PHONE_CACHE_LIMIT))).toBe(newcomer);
    expect(normalizePhone(number(1))).toBe(normalizePhone(number(1)));
    expect(normalizePhone(number(0))).not.toBe(oldest);
    expect(phoneCacheSize()).toBe(PHONE_CACHE_LIMIT);
  });
});

describe("readPhone (the cache-free read a plan's recipient memos use)", () => {
  it('answers as normalizePhone, without filling or touching the cache', () => {
    const inputs: [string, string | undefined][] = [
      ['06 12 34 56 78', 'FR'], [' tel:+44 7400 123456 ', undefined], ['0590 12 34 56', 'GP'], ['06 12 34 56 78', undefined],
      ['+1 415 555 2671', 'fr'], ['not a number', 'FR'], ['0'.repeat(300), 'FR'], ['+33 1 00 00 00 00', undefined],
    ];
    for (const [raw, country] of inputs) expect(readPhone(raw, country)).toEqual(normalizePhone(raw, country));
    clearPhoneCache();
    const cached = normalizePhone('06 12 34 56 78', 'FR');
    for (const [raw, country] of inputs) readPhone(raw, country);
    expect(phoneCacheSize()).toBe(1);
    expect(normalizePhone('06 12 34 56 78', 'FR')).toBe(cached);
  });
});

describe('types', () => {
  it('PhoneType is every type libphonenumber-js can return', () => {
    expectTypeOf<PhoneType>().toEqualTypeOf<NonNullable<NumberType>>();
    expectTypeOf<Extract<PhoneInfo, { ok: false }>['reason']>().toEqualTypeOf<
      'invalid' | 'unparseable' | 'missing_country'
    >();
  });

});
