/**
 * HMAC-SHA-256 in plain TypeScript: synchronous, dependency-free and the same in browsers,
 * edge runtimes and Node, so the ledger can hash contacts on its hot path without the
 * async round trip of Web Crypto. Checked against `node:crypto` in the tests.
 */

// Int32Array, not Uint32Array: words read back as small integers, never as heap numbers.
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const BLOCK = 64;
const schedule = new Int32Array(64);
const work = new Int32Array(8);
const tail = new Uint8Array(2 * BLOCK);
// The outer block of an HMAC: 8 digest words, then the padding of a 64 + 32-byte message.
const outerBlock = new Int32Array(16);
outerBlock[8] = 0x80000000 | 0;
outerBlock[15] = (BLOCK + 32) * 8;
let buffer = new Uint8Array(256);

/** A keyed hasher: `hash(text)` is the hex HMAC-SHA-256 of the UTF-8 text under the key. */
export interface KeyedHasher {
  /** The hex digest of `text` under the hasher's key. */
  hash(text: string): string;
}

/**
 * Prepares HMAC-SHA-256 under `key`: the inner and outer pads are hashed once, so each
 * message costs the compressions of its own blocks plus one for the outer hash.
 *
 * @param key - the secret, as text (UTF-8) or bytes.
 * @returns a hasher; digests are lower-case hex.
 */
export function createHmac(key: string | Uint8Array): KeyedHasher {
  let keyBytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (keyBytes.length > BLOCK) keyBytes = sha256(keyBytes);
  const inner = new Uint8Array(BLOCK).fill(0x36);
  const outer = new Uint8Array(BLOCK).fill(0x5c);
  for (let i = 0; i < keyBytes.length; i++) {
    inner[i]! ^= keyBytes[i]!;
    outer[i]! ^= keyBytes[i]!;
  }
  const innerState = INITIAL.slice();
  compress(innerState, inner, 0);
  const outerState = INITIAL.slice();
  compress(outerState, outer, 0);
  return {
    hash(text) {
      work.set(innerState);
      // A short ASCII text (any contact) fits one padded block, written straight as words.
      if (asciiBlock(text)) {
        compressWords(work, blockWords);
      } else {
        // Encode first: it may replace `buffer` with a larger one.
        const length = encodeUtf8(text);
        finish(work, buffer, length, BLOCK);
      }
      // The outer message is the 32-byte inner digest: one block, its padding fixed.
      for (let i = 0; i < 8; i++) outerBlock[i] = work[i]!;
      work.set(outerState);
      compressWords(work, outerBlock);
      return hex(work);
    },
  };
}

/** The SHA-256 digest of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  const state = INITIAL.slice();
  finish(state, data, data.length, 0);
  const out = new Uint8Array(32);
  wordsToBytes(state, out);
  return out;
}

/** Absorbs `data[0, length)` into `state`, which already holds `prefixLength` bytes, and pads. */
function finish(state: Int32Array, data: Uint8Array, length: number, prefixLength: number): void {
  const full = length - (length % BLOCK);
  for (let offset = 0; offset < full; offset += BLOCK) compress(state, data, offset);
  const rest = length - full;
  const size = rest < 56 ? BLOCK : 2 * BLOCK;
  tail.fill(0, 0, size);
  for (let i = 0; i < rest; i++) tail[i] = data[full + i]!;
  tail[rest] = 0x80;
  const bits = (prefixLength + length) * 8;
  writeWord(tail, size - 8, Math.floor(bits / 0x100000000));
  writeWord(tail, size - 4, bits >>> 0);
  for (let offset = 0; offset < size; offset += BLOCK) compress(state, tail, offset);
}

/** UTF-8 encodes `text` into the shared buffer (growing it when needed); returns the byte length. */
function encodeUtf8(text: string): number {
  if (buffer.length < text.length * 3) buffer = new Uint8Array(text.length * 3);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      buffer[length++] = code;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        buffer[length++] = 0xf0 | (code >> 18);
        buffer[length++] = 0x80 | ((code >> 12) & 0x3f);
        buffer[length++] = 0x80 | ((code >> 6) & 0x3f);
        buffer[length++] = 0x80 | (code & 0x3f);
        continue;
      }
    }
    // A lone surrogate encodes as U+FFFD, as TextEncoder does.
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x800) {
      buffer[length++] = 0xc0 | (code >> 6);
      buffer[length++] = 0x80 | (code & 0x3f);
    } else {
      buffer[length++] = 0xe0 | (code >> 12);
      buffer[length++] = 0x80 | ((code >> 6) & 0x3f);
      buffer[length++] = 0x80 | (code & 0x3f);
    }
  }
  return length;
}

function writeWord(bytes: Uint8Array, offset: number, word: number): void {
  bytes[offset] = word >>> 24;
  bytes[offset + 1] = (word >>> 16) & 0xff;
  bytes[offset + 2] = (word >>> 8) & 0xff;
  bytes[offset + 3] = word & 0xff;
}

function wordsToBytes(words: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < 8; i++) writeWord(out, i * 4, words[i]!);
}

function compress(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    blockWords[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  compressWords(state, blockWords);
}

const blockWords = new Int32Array(16);

/**
 * Writes `text` into `blockWords` as the last block of the inner hash (after the 64-byte
 * key block), padding included, when it is ASCII and at most 55 bytes; false otherwise.
 */
function asciiBlock(text: string): boolean {
  const length = text.length;
  if (length > 55) return false;
  blockWords.fill(0);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return false;
    blockWords[i >> 2]! |= code << (24 - 8 * (i & 3));
  }
  blockWords[length >> 2]! |= 0x80 << (24 - 8 * (length & 3));
  blockWords[15] = (BLOCK + length) * 8;
  return true;
}

/** One SHA-256 compression of a block given as 16 big-endian words. */
function compressWords(state: Int32Array, words: Int32Array): void {
  const w = schedule;
  for (let i = 0; i < 16; i++) w[i] = words[i]!;
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

const HEX_DIGITS = new Uint8Array([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66]);
const hexBytes = new Uint8Array(64);
const ascii = new TextDecoder();

// One decode of 64 ASCII bytes gives a flat string; 32 concatenations gave a rope that every
// map lookup then had to flatten (twice the cost of the whole hash).
function hex(words: Int32Array): string {
  for (let i = 0; i < 8; i++) {
    const word = words[i]!;
    for (let j = 0; j < 8; j++) hexBytes[i * 8 + j] = HEX_DIGITS[(word >>> (28 - 4 * j)) & 15]!;
  }
  return ascii.decode(hexBytes);
}
