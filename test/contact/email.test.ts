import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizeEmailInFull } from '../../src/contact/email.js';

describe('normalizeEmail', () => {
  it('trims, lower-cases the domain and keeps the case of the local part', () => {
    expect(normalizeEmail('  Jean.Dupont@Example.FR \n')).toEqual({
      ok: true,
      address: 'Jean.Dupont@example.fr',
      key: 'jean.dupont@example.fr',
    });
  });

  it('gives case variants of one address the same key', () => {
    const a = normalizeEmail('JEAN@EXAMPLE.FR');
    const b = normalizeEmail('jean@example.fr');
    expect(a.ok && b.ok && a.key === b.key).toBe(true);
  });

  it.each([
    'jean@example.fr',
    'jean.dupont+primaire@example.fr',
    "o'brien@example.ie",
    'x@sub.example.co.uk',
    'a_b-c@ex-ample.com',
    '1234@example.fr',
    'zoé@exemple.fr',
    'user@xn--exmple-cua.fr',
  ])('accepts %j', (raw) => {
    expect(normalizeEmail(raw)).toMatchObject({ ok: true, address: raw });
  });

  it('converts an internationalised domain to ASCII', () => {
    expect(normalizeEmail('jean@Exemple.Français')).toEqual({
      ok: true,
      address: 'jean@exemple.xn--franais-xxa',
      key: 'jean@exemple.xn--franais-xxa',
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['jean.example.fr', 'missing_at'],
    ['jean@@example.fr', 'multiple_at'],
    ['"jean@home"@example.fr', 'multiple_at'],
    ['@example.fr', 'invalid_local_part'],
    ['.jean@example.fr', 'invalid_local_part'],
    ['jean.@example.fr', 'invalid_local_part'],
    ['jean..dupont@example.fr', 'invalid_local_part'],
    ['jean dupont@example.fr', 'invalid_local_part'],
    ['Jean <jean@example.fr>', 'invalid_local_part'],
    ['"jean dupont"@example.fr', 'invalid_local_part'],
    ['jean(comment)@example.fr', 'invalid_local_part'],
    ['jean@', 'invalid_domain'],
    ['jean@localhost', 'invalid_domain'],
    ['jean@example', 'invalid_domain'],
    ['jean@example.', 'invalid_domain'],
    ['jean@.example.fr', 'invalid_domain'],
    ['jean@example..fr', 'invalid_domain'],
    ['jean@-example.fr', 'invalid_domain'],
    ['jean@example-.fr', 'invalid_domain'],
    ['jean@exa mple.fr', 'invalid_domain'],
    ['jean@exa_mple.fr', 'invalid_domain'],
    ['jean@192.168.0.1', 'invalid_domain'],
    ['jean@[192.168.0.1]', 'invalid_domain'],
    ['jean@example.f', 'invalid_domain'],
    ['jean@example.fr/path', 'invalid_domain'],
    ['jean@exemple.fr:25', 'invalid_domain'],
    ['jean@ex\u00e9mple.fr/x', 'invalid_domain'],
    [`jean@${'a'.repeat(64)}.fr`, 'invalid_domain'],
    [`${'a'.repeat(65)}@example.fr`, 'too_long'],
    [`${'é'.repeat(33)}@example.fr`, 'too_long'],
    [`jean@${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.fr`, 'too_long'],
    [`${'a'.repeat(64)}@${Array.from({ length: 4 }, () => 'b'.repeat(46)).join('.')}.fr`, 'too_long'],
  ])('refuses %j as %s', (raw, reason) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, reason });
  });

  it('accepts a local part of exactly 64 octets and an address of exactly 254', () => {
    const local = 'a'.repeat(64);
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.fr`;
    expect(local.length + 1 + domain.length).toBe(254);
    expect(normalizeEmail(`${local}@${domain}`)).toMatchObject({ ok: true });
    expect(normalizeEmail(`${local}@x${domain}`)).toEqual({ ok: false, reason: 'too_long' });
  });

  it('accepts generated RFC addresses and never outputs a space, two @ or an upper-case domain', () => {
    fc.assert(
      fc.property(fc.emailAddress({ size: 'small' }), (raw) => {
        const info = normalizeEmail(raw);
        // fast-check also generates 1-letter TLDs, which real domains never have.
        const tld = raw.slice(raw.lastIndexOf('.') + 1);
        if (!/^[a-z]{2,}$/i.test(tld) || raw.length > 254) return;
        expect(info.ok).toBe(true);
        if (!info.ok) return;
        expect(info.address).not.toMatch(/\s/);
        expect(info.address.split('@')).toHaveLength(2);
        const domain = info.address.slice(info.address.indexOf('@') + 1);
        expect(domain).toBe(domain.toLowerCase());
      }),
    );
  });

  it('never accepts input with whitespace inside', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.nat(), fc.constantFrom(' ', '\t', '\n', '\u00a0'), (raw, at, space) => {
        const index = 1 + (at % (raw.length - 1));
        expect(normalizeEmail(raw.slice(0, index) + space + raw.slice(index)).ok).toBe(false);
      }),
    );
  });
});

describe('the fast path for plain ASCII addresses', () => {
  const atext = fc.constantFrom(...'abcxyzABCXYZ0189!#$%&\'*+/=?^_`{|}~-');
  const odd = fc.constantFrom('é', 'É', 'ß', '\u0301', '日', '"', '(', ' ', '\t', '@', ',', ';', '[', ']', '\\', '\u00a0', 'İ', 'K');
  const char = fc.oneof({ weight: 80, arbitrary: atext }, { weight: 1, arbitrary: odd }, { weight: 3, arbitrary: fc.constant('.') });
  const word = (min: number, max: number) => fc.string({ unit: char, minLength: min, maxLength: max });
  const labelChar = fc.oneof({ weight: 60, arbitrary: fc.constantFrom(...'abcxyzABCXYZ0189abcxyz-') }, { weight: 1, arbitrary: odd }, { weight: 1, arbitrary: fc.constant('_') });
  const label = fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: labelChar, minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: labelChar, minLength: 60, maxLength: 66 }) },
    { weight: 1, arbitrary: fc.constantFrom('', 'xn--fiq228c', 'xn--franais-xxa', '123', 'Fr', 'f', 'FRANÇAIS', 'co') },
  );
  const address = fc
    .record({
      local: fc.oneof({ weight: 8, arbitrary: word(1, 20) }, { weight: 1, arbitrary: word(60, 70) }),
      labels: fc.array(label, { minLength: 1, maxLength: 5 }),
      tld: fc.constantFrom('fr', 'fr', 'FR', 'org', 'Com', 'de', 'c', 'xn--p1ai', '123', 'fr-', 'museum', 'a'.repeat(63), 'a'.repeat(64)),
      pad: fc.constantFrom('', '', '', '', ' ', '\n'),
      padding: fc.nat(200),
    })
    .map(({ local, labels, tld, pad, padding }) => `${pad}${local}@${[...labels, tld].join('.')}${pad}`.padStart(padding > 180 ? 250 : 0, 'a'));

  it('gives exactly the full normalisation’s result, over generated addresses valid and not', () => {
    let ok = 0;
    fc.assert(
      fc.property(address, (raw) => {
        const full = normalizeEmailInFull(raw);
        if (full.ok) ok++;
        expect(normalizeEmail(raw)).toEqual(full);
      }),
      { numRuns: 20_000 },
    );
    // The property must reach valid addresses, where the fast path answers.
    expect(ok).toBeGreaterThan(2_500);
  });

  it('agrees at the length limits', () => {
    const local = 'a'.repeat(64);
    for (const raw of [`${local}@example.fr`, `${local}b@example.fr`, `${'a'.repeat(60)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}.fr`, `x@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(57)}.fr`]) {
      expect(normalizeEmail(raw), raw).toEqual(normalizeEmailInFull(raw));
    }
  });
});
