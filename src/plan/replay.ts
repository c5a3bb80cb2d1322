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
    const own = this.counters.get(query.ruleId)?.get(query.key)?.state(query) ?? NOTHING_USED;
    if (!this.seed) return own;
    const before = this.seed.quota(query);
    return { used: before.used + own.used, counted: before.counted || own.counted };
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

  /** Every counter the plan used, with its state at `now`. */
  *entries(now: number): Iterable<{ ruleId: string; key: string; count: 'messages' | 'deliveries'; since?: number; used: number }> {
    for (const { ruleId, key, counter } of this.order) yield { ruleId, key, ...counter.summary(now) };
  }
}

const NOTHING_USED: QuotaUsage = Object.freeze({ used: 0, counted: false });

/** The units of one counter: how many deliveries, which mailings, and when. */
class PlanCounter {
  private deliveries = 0;
  private readonly mailings = new Map<string, number>();
  private readonly times: { at: number; messageId: string }[] = [];
  private last: QuotaQuery | undefined;

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
    // Rolling window: sends are replayed in time order, so the units in the window are a suffix.
    const since = query.since;
    const mailings = new Set<string>();
    let deliveries = 0;
    for (let i = this.times.length - 1; i >= 0 && this.times[i]!.at >= since; i--) {
      deliveries++;
      mailings.add(this.times[i]!.messageId);
    }
    return { used: query.count === 'messages' ? mailings.size : deliveries, counted: mailings.has(query.messageId) };
  }

  summary(now: number): { count: 'messages' | 'deliveries'; used: number } {
    const count = this.last?.count ?? 'deliveries';
    if (this.last?.since === undefined) return { count, used: count === 'messages' ? this.mailings.size : this.deliveries };
    const window = this.last.now - this.last.since;
    return { count, used: this.state({ ...this.last, since: now - window, now }).used };
  }
}
