import { createHmac as nodeHmac, createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHmac, sha256 } from '../../src/ledger/hmac.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('sha256 and HMAC-SHA-256', () => {
  it('matches the published test vectors', () => {
    expect(hex(sha256(new TextEncoder().encode('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // RFC 4231 test case 2.
    expect(createHmac('Jefe').hash('what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('agrees with node:crypto for any key and text, across block boundaries', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 300 }), (key, text) => {
        expect(createHmac(key).hash(text)).toBe(nodeHmac('sha256', Buffer.from(key, 'utf8')).update(text, 'utf8').digest('hex'));
        expect(hex(sha256(new TextEncoder().encode(text)))).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 1500 },
    );
  });

  it('handles lengths around the padding edges exactly', () => {
    for (let length = 50; length < 140; length++) {
      const text = 'x'.repeat(length);
      expect(createHmac('k').hash(text), String(length)).toBe(nodeHmac('sha256', 'k').update(text).digest('hex'));
    }
  });

  it('keeps no state between texts: one hasher over a sequence of short, long and non-ASCII texts', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 300 })), { maxLength: 30 }), (texts) => {
        const hasher = createHmac('one key for the sequence');
        for (const text of texts) expect(hasher.hash(text)).toBe(nodeHmac('sha256', 'one key for the sequence').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('is reusable: one hasher gives the same digest twice', () => {
    const hasher = createHmac('secret');
    expect(hasher.hash('+33612345678')).toBe(hasher.hash('+33612345678'));
    expect(hasher.hash('+33612345678')).not.toBe(createHmac('other').hash('+33612345678'));
  });
});
