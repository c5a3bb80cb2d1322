// A seeded PRNG, so every run (and every machine) benchmarks the very same inputs.

/**
 * mulberry32: 32-bit state, good enough spread for test data and much faster than crypto.
 * @param {number} seed
 */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [0, n). */
    int: (n) => Math.floor(next() * n),
    /** True with probability p. */
    chance: (p) => next() < p,
    /** One of `items`, uniformly. */
    pick: (items) => items[Math.floor(next() * items.length)],
    /** One key of `{ key: weight }`, proportionally to the weights. */
    weighted(table) {
      const entries = Object.entries(table);
      let roll = next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      return entries[entries.length - 1][0];
    },
    /** `n` random decimal digits, as a string. */
    digits(n) {
      let out = '';
      for (let i = 0; i < n; i++) out += Math.floor(next() * 10);
      return out;
    },
  };
}
