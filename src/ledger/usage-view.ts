import type { UsageView } from '../decision/types.js';
import type { ContactKeys } from './contact-keys.js';
import type { CounterUsage } from './store.js';

/** A usage view over the live units of every counter, as `canSend` reads it. */
export function usageView(counters: readonly CounterUsage[], keys: ContactKeys): UsageView {
  const byCounter = new Map(counters.map((counter) => [`${counter.ruleId}\u0000${counter.key}`, counter.units]));
  return {
    quota(query) {
      const units = byCounter.get(`${query.ruleId}\u0000${keys.quotaKey(query.key)}`) ?? [];
      const live = query.since === undefined ? units : units.filter((unit) => unit.at >= query.since!);
      const mailings = new Set(live.map((unit) => unit.messageId));
      return { used: query.count === 'messages' ? mailings.size : live.length, counted: mailings.has(query.messageId) };
    },
  };
}
