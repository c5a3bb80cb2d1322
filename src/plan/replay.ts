import type { QuotaQuery, QuotaUsage, UsageView } from '../decision/types.js';

/**
 * The quota usage of a plan being replayed: every allowed delivery is taken as sent. A
 * plan runs in memory and persists nothing, so counters are keyed by the raw quota keys.
 */
export class PlanUsage implements UsageView {
  // By rule id, then key: both are strings the rules keep and give again delivery after
  // delivery, so each look-up reads a hash already computed and builds no string.
  private readonly counters = new Map<string, Map<string, PlanCounter>>();
  /** The counters in the order the plan first used them: the order the report lists them in. */
  private readonly order: { readonly ruleId: string; readonly key: string; readonly counter: PlanCounter }[] = [];

  /** @param seed - usage from before the plan (a ledger's), added to the plan's own. */
  constructor(private readonly seed?: UsageView) {}

  /**
   * @param query - the counter and the send.
   * @param sending - whether the read is a delivery's own (at its send's time), not a look
   *   ahead for `notBefore`: with a seed, a counter a delivery reads is listed in the report
   *   even if the plan adds nothing to it (the seed may have filled it).
   */
  quota(query: QuotaQuery, sending = false): QuotaUsage {
    const seed = this.seed;
    if (seed === undefined) return this.counters.get(query.ruleId)?.get(query.key)?.state(query) ?? NOTHING_USED;
    const counter = sending ? this.counter(query) : this.counters.get(query.ruleId)?.get(query.key);
    const before = seed.quota(query);
    if (counter === undefined) return before;
    const own = counter.state(query);
    // A mailing counts once: one the seed already counted adds nothing when the plan sends it again.
    const overlap = query.count === 'messages' ? counter.alsoIn(seed, query) : 0;
    return { used: before.used + own.used - overlap, counted: before.counted || own.counted };
  }

  /** Records one delivered unit under the counter a query named. */
  add(query: QuotaQuery): void {
    this.counter(query).add(query);
  }

  private counter(query: QuotaQuery): PlanCounter {
    let byKey = this.counters.get(query.ruleId);
    if (byKey === undefined) this.counters.set(query.ruleId, (byKey = new Map()));
    let counter = byKey.get(query.key);
    if (counter === undefined) {
      byKey.set(query.key, (counter = new PlanCounter()));
      this.order.push({ ruleId: query.ruleId, key: query.key, counter });
    }
    return counter;
  }

  /** Every counter the plan used, with its state at `now` (the seed's units included). */
  *entries(now: number): Iterable<{ ruleId: string; key: string; count: 'messages' | 'deliveries'; used: number }> {
    for (const { ruleId, key, counter } of this.order) {
      const query = counter.finalQuery(now);
      yield { ruleId, key, count: query.count, used: this.quota(query).used };
    }
  }
}

const NOTHING_USED: QuotaUsage = Object.freeze({ used: 0, counted: false });

/**
 * The units of one counter: how many deliveries, which mailings, and when. Sends are replayed
 * in time order, so unit times only grow: a rolling window is the suffix of `times` found by
 * binary search, and a mailing is in it when its last unit is. A query costs O(log units +
 * mailings), however many units the counter holds.
 */
class PlanCounter {
  private deliveries = 0;
  private readonly mailings = new Set<string>();
  // Rolling windows only: every unit's time (ascending), and each mailing's last one.
  private readonly times: number[] = [];
  private readonly lastAt = new Map<string, number>();
  // The last query that read or added to the counter: it names the counter's window.
  private last: QuotaQuery | undefined;
  // Whether the seed counted each of the counter's mailings (fixed windows: the answer never changes).
  private seeded: Map<string, boolean> | undefined;

  add(query: QuotaQuery): void {
    this.deliveries++;
    this.mailings.add(query.messageId);
    // Only a rolling window reads when each unit came: others keep counts alone.
    if (query.since !== undefined) {
      this.times.push(query.now);
      this.lastAt.set(query.messageId, query.now);
    }
    this.last = query;
  }

  state(query: QuotaQuery): QuotaUsage {
    this.last = query;
    if (query.since === undefined) {
      return { used: query.count === 'messages' ? this.mailings.size : this.deliveries, counted: this.mailings.has(query.messageId) };
    }
    const since = query.since;
    if (query.count === 'deliveries') return { used: this.times.length - this.firstAtOrAfter(since), counted: (this.lastAt.get(query.messageId) ?? -Infinity) >= since };
    let mailings = 0;
    for (const at of this.lastAt.values()) if (at >= since) mailings++;
    return { used: mailings, counted: (this.lastAt.get(query.messageId) ?? -Infinity) >= since };
  }

  /** How many of the counter's mailings (in the query's window) `seed` counted already. */
  alsoIn(seed: UsageView, query: QuotaQuery): number {
    let overlap = 0;
    if (query.since === undefined) {
      const seeded = (this.seeded ??= new Map());
      for (const messageId of this.mailings) {
        let counted = seeded.get(messageId);
        if (counted === undefined) seeded.set(messageId, (counted = seed.quota({ ...query, messageId }).counted));
        if (counted) overlap++;
      }
      return overlap;
    }
    for (const [messageId, at] of this.lastAt) if (at >= query.since && seed.quota({ ...query, messageId }).counted) overlap++;
    return overlap;
  }

  /** The query that reads the counter as it stands at `now`: its last one, its window moved to `now`. */
  finalQuery(now: number): QuotaQuery {
    const last = this.last!;
    return last.since === undefined ? last : { ...last, since: now - (last.now - last.since), now };
  }

  /** The index of the first unit at or after `since` (the length when there is none). */
  private firstAtOrAfter(since: number): number {
    const times = this.times;
    let low = 0;
    let high = times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (times[middle]! < since) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
