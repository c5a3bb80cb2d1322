/**
 * A bounded memo of a one-argument function whose results callers only read. When full,
 * the map is dropped whole: O(1) amortised, no recency bookkeeping, and values that recur
 * (a mailing's text, a campaign's instants, its contacts) are back after one miss. The last
 * key asked is answered without a look-up: a mailing's deliveries ask the same instant in turn.
 */
export function memoize<K, V>(compute: (key: K) => V, limit: number): (key: K) => V {
  const memo = new Map<K, V>();
  let lastKey: K | undefined;
  let lastValue: V | undefined;
  return (key) => {
    if (key === lastKey && lastValue !== undefined) return lastValue;
    let value = memo.get(key);
    if (value === undefined) {
      value = compute(key);
      if (memo.size >= limit) memo.clear();
      memo.set(key, value);
    }
    lastKey = key;
    lastValue = value;
    return value;
  };
}
