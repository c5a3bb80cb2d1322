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

  quota(query: QuotaQuery): QuotaUsage {
    const counter = this.counters.get(query.ruleId)?.get(query.key);
    const own = counter?.state(query) ?? NOTHING_USED;
    const seed = this.seed;
    if (seed === undefined) return own;
    const before = seed.quota(query);
    if (counter === undefined) return before;
    // A mailing counts once: one the seed already counted adds nothing when the plan sends it again.
    const overlap = query.count === 'messages' ? counter.alsoIn(seed, query) : 0;
    return { used: before.used + own.used - overlap, counted: before.counted || own.counted };
  }

  /** Records one delivered unit under the counter a query named. */
  add(query: QuotaQuery): void {
    let byKey = this.counters.get(query.ruleId);
    if (byKey === undefined) this.counters.set(query.ruleId, (byKey = new Map()));
    let counter = byKey.get(query.key);
    if (counter === undefined) {
      byKey.set(query.key, (counter = new PlanCounter()));
      this.order.push({ ruleId: query.ruleId, key: query.key, counter });
    }
    counter.add(query);
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

/** The units of one counter: how many deliveries, which mailings, and when. */
class PlanCounter {
  private deliveries = 0;
  private readonly mailings = new Map<string, number>();
  private readonly times: { at: number; messageId: string }[] = [];
  // The last query that read or added to the counter: it names the counter's window.
  private last: QuotaQuery | undefined;
  // Whether the seed counted each of the counter's mailings (fixed windows: the answer never changes).
  private seeded: Map<string, boolean> | undefined;

  add(query: QuotaQuery): void {
    this.deliveries++;
    this.mailings.set(query.messageId, (this.mailings.get(query.messageId) ?? 0) + 1);
    // Only a rolling window reads when each unit came: others keep counts alone.
    if (query.since !== undefined) this.times.push({ at: query.now, messageId: query.messageId });
    this.last = query;
  }

  state(query: QuotaQuery): QuotaUsage {
    this.last = query;
    if (query.since === undefined) {
      return { used: query.count === 'messages' ? this.mailings.size : this.deliveries, counted: this.mailings.has(query.messageId) };
    }
    const { mailings, deliveries } = this.window(query.since);
    return { used: query.count === 'messages' ? mailings.size : deliveries, counted: mailings.has(query.messageId) };
  }

  /** How many of the counter's mailings (in the query's window) `seed` counted already. */
  alsoIn(seed: UsageView, query: QuotaQuery): number {
    let overlap = 0;
    if (query.since === undefined) {
      const seeded = (this.seeded ??= new Map());
      for (const messageId of this.mailings.keys()) {
        let counted = seeded.get(messageId);
        if (counted === undefined) seeded.set(messageId, (counted = seed.quota({ ...query, messageId }).counted));
        if (counted) overlap++;
      }
      return overlap;
    }
    for (const messageId of this.window(query.since).mailings) if (seed.quota({ ...query, messageId }).counted) overlap++;
    return overlap;
  }

  /** The query that reads the counter as it stands at `now`: its last one, its window moved to `now`. */
  finalQuery(now: number): QuotaQuery {
    const last = this.last!;
    return last.since === undefined ? last : { ...last, since: now - (last.now - last.since), now };
  }

  // Rolling window: sends are replayed in time order, so the units in the window are a suffix.
  private window(since: number): { mailings: Set<string>; deliveries: number } {
    const mailings = new Set<string>();
    let deliveries = 0;
    for (let i = this.times.length - 1; i >= 0 && this.times[i]!.at >= since; i--) {
      deliveries++;
      mailings.add(this.times[i]!.messageId);
    }
    return { mailings, deliveries };
  }
}
