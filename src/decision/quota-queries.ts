import type { Charter } from '../charter/define-charter.js';
import { compileCharter } from './compile.js';
import type { Message, Recipient } from './inputs.js';
import { sendFacts } from './send-facts.js';
import type { QuotaQuery } from './types.js';
import { checkInput } from './validate-input.js';

/**
 * The quota counters a decision of this send reads at `now`: what a ledger must fetch before
 * deciding. Only the quota rules' scopes and keys are evaluated; a malformed send reads none.
 */
export function plannedQuotaQueries(message: Message, recipient: Recipient, charter: Charter, now: number): QuotaQuery[] {
  const compiled = compileCharter(charter);
  if (!compiled.ok || checkInput(message, recipient, compiled.compiled).length > 0) return [];
  const facts = sendFacts(compiled.compiled, message, recipient, now);
  const queries: QuotaQuery[] = [];
  for (const rule of compiled.compiled.rules) {
    const query = rule.quotaQuery?.(facts);
    if (query !== undefined) queries.push(query);
  }
  return queries;
}
