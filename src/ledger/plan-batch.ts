import type { CompiledCharter, CompiledRule } from '../decision/compile.js';
import type { Message, Recipient } from '../decision/inputs.js';
import { viewOf } from '../decision/recipient-view.js';
import { sendFacts, type RecipientMemo } from '../decision/send-facts.js';
import { checkInput, type InputIssue } from '../decision/validate-input.js';
import type { ContactKeys } from './contact-keys.js';
import type { QuotaCounter } from './store.js';

/** One delivery of a batch, prepared before reading the store. */
export interface PlannedDelivery {
  readonly recipient: Recipient;
  /** The recipient's keyed hash; absent for a malformed recipient. */
  readonly who: string | undefined;
  readonly deliveryKey: string | undefined;
  /** Its contacts' hashes, for the suppression list: the batch's `contacts[from, to)`. */
  readonly from: number;
  readonly to: number;
  /**
   * What `checkInput` found wrong with the send, checked once while planning and handed to
   * the decision; undefined when planning did not check it (the decision then does).
   */
  readonly issues: readonly InputIssue[] | undefined;
  /** What planning read (contacts normalised, the recipient checked), for the decision to reuse; undefined when it did not check it. */
  readonly memo: RecipientMemo | undefined;
}

/** The deliveries of one attempt, planned, with what the store must read for them. */
export interface PlannedBatch {
  readonly planned: PlannedDelivery[];
  /** Each counter the decisions read, once. */
  readonly counters: QuotaCounter[];
  readonly deliveries: string[];
  /** The recipients' contact hashes (a contact shared by two recipients is listed twice: harmless, and cheaper than a set). */
  readonly contacts: string[];
}

/**
 * Plans the recipients at `pending` (all when undefined): keys, input check, counters and
 * contacts, in one pass. `counted` is false when no quota rule can select the message's
 * channel: then no decision reads a counter, and the rules are not asked which.
 */
export function planBatch(
  compiled: CompiledCharter,
  keys: ContactKeys,
  message: Message,
  recipients: readonly Recipient[],
  pending: readonly number[] | undefined,
  now: number,
  counted: boolean,
): PlannedBatch {
  const count = pending === undefined ? recipients.length : pending.length;
  const planned = new Array<PlannedDelivery>(count);
  const seenCounters = new Set<string>();
  const counters: QuotaCounter[] = [];
  const deliveries: string[] = [];
  const contacts: string[] = [];
  const quotaRules = counted ? quotaRulesOf(compiled) : NO_RULES;
  // Most recipients of a mailing read the same counters: compare with each rule's last query
  // before hashing its key and looking it up.
  const lastKeys = new Array<string | undefined>(quotaRules.length).fill(undefined);
  const lastSinces = new Array<number | undefined>(quotaRules.length).fill(undefined);
  for (let k = 0; k < count; k++) {
    const recipient = recipients[pending === undefined ? k : pending[k]!]!;
    // Only the fields hashed here are checked before hashing; the decision reports the rest.
    if (!hasContactFields(recipient)) {
      planned[k] = { recipient, who: undefined, deliveryKey: undefined, from: contacts.length, to: contacts.length, issues: undefined, memo: undefined };
      continue;
    }
    const from = contacts.length;
    const who = keys.recipientKeys(recipient, message.channel, compiled, contacts);
    const { freshPhone, freshEmail } = keys;
    const deliveryKey = `${message.id}|${who}`;
    deliveries.push(deliveryKey);
    // The one check of the input: the counters planned here and the decision made later both rely on it.
    const issues = checkInput(message, recipient, compiled);
    // What the decision reuses: the contacts normalised here and the recipient as the check read
    // it. One shape whatever is known (the facts fill an absent field with `??=`).
    const memo: RecipientMemo = { phone: freshPhone, email: freshEmail, view: issues.length === 0 ? viewOf(recipient) : undefined, facts: undefined, lasting: false };
    if (issues.length === 0 && quotaRules.length > 0) {
      // The counters the decision will read at `now` (test/ledger/plan-batch.test.ts holds them equal).
      // Kept in the memo: the decision of this very send reads them again.
      const facts = sendFacts(compiled, message, recipient, now, memo, true);
      for (let r = 0; r < quotaRules.length; r++) {
        const query = quotaRules[r]!.quotaQuery!(facts);
        if (query === undefined || (query.key === lastKeys[r] && query.since === lastSinces[r])) continue;
        lastKeys[r] = query.key;
        lastSinces[r] = query.since;
        const key = keys.quotaKey(query.key);
        const id = counterKey(query.ruleId, key, query.since);
        if (seenCounters.has(id)) continue;
        seenCounters.add(id);
        counters.push(query.since === undefined ? { ruleId: query.ruleId, key, count: query.count } : { ruleId: query.ruleId, key, count: query.count, since: query.since });
      }
    }
    planned[k] = { recipient, who, deliveryKey, from, to: contacts.length, issues, memo };
  }
  return { planned, counters, deliveries, contacts };
}

const NO_RULES: readonly CompiledRule[] = Object.freeze([]);
const quotaRuleLists = new WeakMap<CompiledCharter, readonly CompiledRule[]>();

/** The rules that can read a counter, in the charter's order (the order the engine reads them); listed once per charter. */
function quotaRulesOf(compiled: CompiledCharter): readonly CompiledRule[] {
  let rules = quotaRuleLists.get(compiled);
  if (rules === undefined) {
    rules = Object.freeze(compiled.rules.filter((rule) => rule.quotaQuery !== undefined));
    quotaRuleLists.set(compiled, rules);
  }
  return rules;
}

/** Identifies a counter read: rule, key and (rolling windows) the start of the window. */
export function counterKey(ruleId: string, key: string, since: number | undefined): string {
  return since === undefined ? `${ruleId}\u0000${key}\u0000` : `${ruleId}\u0000${key}\u0000${since}`;
}

/** Whether the fields the contact keys read have the types they need. */
function hasContactFields(recipient: unknown): recipient is Recipient {
  if (typeof recipient !== 'object' || recipient === null) return false;
  const { id, phone, email, country } = recipient as Record<string, unknown>;
  return typeof id === 'string' && (phone === undefined || typeof phone === 'string') && (email === undefined || typeof email === 'string') && (country === undefined || typeof country === 'string');
}
