import type { QuotaQuery, QuotaUsage, UsageView } from '../decision/types.js';

/**
 * The quota usage of a plan being replayed: every allowed delivery is taken as sent. A
 * plan runs in memory and persists nothing, so counters are keyed by the raw quota keys.
 */
export class PlanUsage implements UsageView {
  private readonly counters = new Map<string, PlanCounter>();

  /** @param seed - usage from before the plan (a ledger's), added to the plan's own. */
  constructor(private readonly seed?: UsageView) {}

  // The last counter id built: a rule's queries repeat its key (the same string) delivery after delivery.
  private lastRuleId: string | undefined;
  private lastKey: string | undefined;
  private lastId = '';

  quota(query: QuotaQuery): QuotaUsage {
    const own = this.counters.get(this.idOf(query))?.state(query) ?? { used: 0, counted: false };
    if (!this.seed) return own;
    const before = this.seed.quota(query);
    return { used: before.used + own.used, counted: before.counted || own.counted };
  }

  /** Records one delivered unit under the counter a query named. */
  add(query: QuotaQuery): void {
    const id = this.idOf(query);
    let counter = this.counters.get(id);
    if (!counter) {
      counter = new PlanCounter();
      this.counters.set(id, counter);
    }
    counter.add(query.messageId, query.now);
  }

  /** The id of the counter a query names: the last one's when rule and key are the same. */
  private idOf(query: QuotaQuery): string {
    if (query.ruleId !== this.lastRuleId || query.key !== this.lastKey) {
      this.lastRuleId = query.ruleId;
      this.lastKey = query.key;
      this.lastId = counterId(query.ruleId, query.key);
    }
    return this.lastId;
  }

  /** Every counter the plan used, with its state at `now`. */
  *entries(now: number): Iterable<{ ruleId: string; key: string; count: 'messages' | 'deliveries'; since?: number; used: number }> {
    for (const [id, counter] of this.counters) {
      const [ruleId, key] = id.split('\u0000') as [string, string];
      yield { ruleId, key, ...counter.summary(now) };
    }
  }
}

/** The units of one counter: how many deliveries, which mailings, and when. */
class PlanCounter {
  private deliveries = 0;
  private readonly mailings = new Map<string, number>();
  private readonly times: { at: number; messageId: string }[] = [];
  private last: QuotaQuery | undefined;

  add(messageId: string, at: number): void {
    this.deliveries++;
    this.mailings.set(messageId, (this.mailings.get(messageId) ?? 0) + 1);
    this.times.push({ at, messageId });
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

function counterId(ruleId: string, key: string): string {
  return `${ruleId}\u0000${key}`;
}
