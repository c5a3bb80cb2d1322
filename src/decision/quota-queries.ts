import type { Charter } from '../charter/define-charter.js';
import { canSend } from './can-send.js';
import type { Message, Recipient } from './inputs.js';
import type { QuotaQuery } from './types.js';

/**
 * The quota counters a decision would read for this send: what a ledger must fetch before
 * deciding. Found by deciding once with a usage view that records the queries; a malformed
 * send reads none.
 */
export function plannedQuotaQueries(message: Message, recipient: Recipient, charter: Charter, now: number): QuotaQuery[] {
  const queries: QuotaQuery[] = [];
  canSend(message, recipient, {
    charter,
    now,
    usage: {
      quota(query) {
        queries.push(query);
        return { used: 0, counted: false };
      },
    },
  });
  return queries;
}
