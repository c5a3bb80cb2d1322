import type { Charter } from '../charter/define-charter.js';
import { canSend } from '../decision/can-send.js';
import type { Message, Recipient } from '../decision/inputs.js';
import { builtinReason, ruleReason } from '../decision/reasons.js';
import type { QuotaRule } from '../charter/schema.js';
import type { Decision, QuotaQuery, Reason, UsageView } from '../decision/types.js';
import { isRecipient } from '../decision/validate-input.js';
import type { ContactKeys } from './contact-keys.js';
import type { ReviewOverride } from './ledger.js';
import type { AuditEvent, QuotaCounter, ReservationConflict, ReservationRequest, ReservedUnit, Snapshot } from './store.js';

/** One delivery of a batch, prepared before reading the store. */
export interface PlannedDelivery {
  readonly recipient: Recipient;
  /** The recipient's keyed hash; absent for a malformed recipient. */
  readonly who?: string;
  readonly deliveryKey?: string;
  /** Its contacts' hashes, for the suppression list. */
  readonly contacts: readonly string[];
}

/** A decided delivery: the reservation to take, or the events of its refusal. */
export interface DecidedDelivery {
  readonly decision: Decision;
  readonly reservation?: ReservationRequest;
  readonly events: readonly AuditEvent[];
}

interface BatchInput {
  readonly charter: Charter;
  readonly message: Message;
  readonly planned: readonly PlannedDelivery[];
  readonly counters: readonly QuotaCounter[];
  readonly snapshot: Snapshot;
  readonly now: number;
  /** `now` as an ISO 8601 instant, written once for every event of the batch. */
  readonly at: string;
  readonly overrides: readonly ReviewOverride[];
  readonly keys: ContactKeys;
}

/** A counter a decision read: the query, its key with the recipient hashed, its place in the snapshot. */
interface CounterRead {
  readonly query: QuotaQuery;
  readonly key: string;
  readonly position: number;
}

const OPT_OUT_LAW = { fr: 'RGPD art. 21', en: 'GDPR Art. 21' } as const;

/**
 * Decides every delivery of a batch in order against one snapshot, as if each earlier
 * allowed delivery had already been reserved: the same results as authorizing one by one.
 */
export function decideBatch(input: BatchInput): DecidedDelivery[] {
  const { charter, message, snapshot, now, at, keys } = input;
  const index = new Map<string, number>();
  input.counters.forEach((counter, position) => index.set(counterKey(counter.ruleId, counter.key, counter.since), position));
  // What earlier deliveries of this batch add to each counter, by its place in the snapshot.
  const addedDeliveries = new Array<number>(input.counters.length).fill(0);
  const addedMailing = new Array<boolean>(input.counters.length).fill(false);
  // Who this batch already reserved for: one mailing, so the same person means the same delivery key.
  const batchRecipients = new Set<string>();
  // The counters read by the delivery being decided; one usage view serves the whole batch.
  let reads: CounterRead[] = [];
  const usage: UsageView = {
    quota(query) {
      // The search for `notBefore` decides again at later instants, only to find when time
      // rules pass; quotas never make a send wait, so those reads need no counter.
      if (query.now !== now) return { used: 0, counted: false };
      const key = keys.quotaKey(query.key);
      const position = index.get(counterKey(query.ruleId, key, query.since));
      // Every counter read at `now` is fetched before deciding; one that was not is a bug: refuse, never guess.
      if (position === undefined) throw new Error(`quota counter ${query.ruleId} was not read before deciding`);
      const base = snapshot.counters[position]!;
      // A rule reads one counter per decision: the one to reserve.
      const read = { query, key, position };
      const known = reads.findIndex((earlier) => earlier.query.ruleId === query.ruleId);
      if (known === -1) reads.push(read);
      else reads[known] = read;
      return {
        used: query.count === 'messages' ? base.used + (addedMailing[position] && !base.counted ? 1 : 0) : base.used + addedDeliveries[position]!,
        counted: base.counted || addedMailing[position]!,
      };
    },
  };
  const decided = new Array<DecidedDelivery>(input.planned.length);
  for (let k = 0; k < input.planned.length; k++) {
    const item = input.planned[k]!;
    if (reads.length > 0) reads = [];
    let decision = canSend(message, item.recipient, { charter, now, usage });
    if (item.deliveryKey !== undefined && decision.checks.length > 0) {
      const duplicate = (snapshot.deliveries.size > 0 && snapshot.deliveries.has(item.deliveryKey)) || (item.who !== undefined && batchRecipients.has(item.who));
      let suppressed = false;
      for (const contact of item.contacts) if (snapshot.suppressed.has(contact)) suppressed = true;
      decision = withLedgerChecks(decision, duplicate, suppressed, message);
    }
    const approval = approve(decision, input.overrides);
    decision = approval.decision;
    if (!decision.allowed || item.deliveryKey === undefined || item.who === undefined) {
      // A malformed recipient is logged without a hash: planning checked only its contact fields.
      const who = decision.checks.length === 0 && !isRecipient(item.recipient) ? undefined : item.who;
      decided[k] = { decision, events: [auditEvent(decision, message, who, at)] };
      continue;
    }
    const units = new Array<ReservedUnit>(decision.quotas.length);
    for (let q = 0; q < decision.quotas.length; q++) {
      const quota = decision.quotas[q]!;
      const read = reads.find((candidate) => candidate.query.ruleId === quota.ruleId);
      if (read === undefined) throw new Error(`quota ${quota.ruleId} was not read before deciding`);
      const { query, key, position } = read;
      const limit = approval.overLimit.has(quota.ruleId) ? Infinity : quota.limit;
      units[q] = query.since === undefined ? { ruleId: quota.ruleId, key, count: query.count, limit } : { ruleId: quota.ruleId, key, count: query.count, limit, since: query.since };
      addedDeliveries[position]!++;
      addedMailing[position] = true;
    }
    batchRecipients.add(item.who);
    const id = globalThis.crypto.randomUUID();
    const event = auditEvent(decision, message, item.who, at, id, approval.by);
    decided[k] = { decision, events: NO_EVENTS, reservation: { id, messageId: message.id, recipient: item.who, deliveryKey: item.deliveryKey, units, event } };
  }
  return decided;
}

const NO_EVENTS: readonly AuditEvent[] = Object.freeze([]);

/** Identifies a counter read: rule, key and (rolling windows) the start of the window. */
export function counterKey(ruleId: string, key: string, since: number | undefined): string {
  return since === undefined ? `${ruleId}\u0000${key}\u0000` : `${ruleId}\u0000${key}\u0000${since}`;
}

/**
 * The audit event of a decision, at `at` (ISO 8601), with the reservation it took and the
 * reviewer who approved it, if any.
 */
export function auditEvent(
  decision: Decision,
  message: Message,
  recipient: string | undefined,
  at: string,
  reservationId?: string,
  approval?: { readonly by: string; readonly reason: string },
): AuditEvent {
  let approved = false;
  const ruleIds: string[] = [];
  const codes: string[] = [];
  for (const reason of decision.reasons) {
    if (reason.approval !== undefined) approved = true;
    if (reason.ruleId !== undefined && !ruleIds.includes(reason.ruleId)) ruleIds.push(reason.ruleId);
    codes.push(reason.code);
  }
  const type = decision.verdict === 'allow' ? (approved ? 'approved' : 'authorized') : decision.verdict === 'review' ? 'reviewed' : 'denied';
  const event: { -readonly [K in keyof AuditEvent]: AuditEvent[K] } = {
    type,
    at,
    messageId: typeof message?.id === 'string' ? message.id : '',
    channel: typeof message?.channel === 'string' ? message.channel : '',
    verdict: decision.verdict,
    ruleIds: shared(ruleIds),
    codes: shared(codes),
  };
  if (recipient !== undefined) event.recipient = recipient;
  if (reservationId !== undefined) event.reservationId = reservationId;
  if (approval !== undefined) {
    event.by = approval.by;
    event.reason = approval.reason;
  }
  return event;
}

const NO_NAMES: readonly string[] = Object.freeze([]);
const singletons = new Map<string, readonly string[]>();

/**
 * One frozen list per name for the lists of zero or one name most events carry: the log
 * keeps every event, and two small arrays per event were most of what it held.
 */
function shared(names: string[]): readonly string[] {
  if (names.length === 0) return NO_NAMES;
  if (names.length > 1) return names;
  const name = names[0]!;
  let list = singletons.get(name);
  if (list === undefined) {
    list = Object.freeze([name]);
    // Rule ids and reason codes are few; the bound only guards against a charter churning ids.
    if (singletons.size >= 4096) singletons.clear();
    singletons.set(name, list);
  }
  return list;
}

/** A decision refused because the store kept rejecting the reservation (lost races), citing the rule. */
export function conflictDecision(decision: Decision, conflict: ReservationConflict | undefined, charter: Charter): Decision {
  const rule = conflict?.kind === 'quota' ? charter.rules.find((candidate) => candidate.id === conflict.ruleId) : undefined;
  let reason: Reason;
  if (conflict?.kind === 'quota' && rule?.kind === 'quota') {
    reason = ruleReason(rule as QuotaRule, 'QUOTA_EXCEEDED', 'deny', { used: conflict.used, limit: rule.limit, count: rule.count }, decision.locale);
  } else {
    reason = builtinReason('DUPLICATE_DELIVERY', 'deny', {}, decision.locale);
  }
  return { ...decision, verdict: 'deny', allowed: false, reasons: [reason] };
}

/** Adds what only the ledger knows: the same delivery already reserved, a suppressed contact. */
function withLedgerChecks(decision: Decision, duplicate: boolean, suppressed: boolean, message: Message): Decision {
  const duplicateCheck = { ruleId: 'ledger:duplicate', outcome: duplicate ? 'fail' : 'pass' } as const;
  const suppressionCheck = { ruleId: 'ledger:suppression', outcome: suppressed ? 'fail' : 'pass' } as const;
  if (!duplicate && !suppressed && !Object.isFrozen(decision) && !Object.isFrozen(decision.checks)) {
    // canSend made this decision for this call: add the two passing checks in place rather
    // than copy every check of every delivery of a mailing.
    decision.checks.push(duplicateCheck, suppressionCheck);
    return decision;
  }
  const checks = [...decision.checks, duplicateCheck, suppressionCheck];
  const extra: Reason[] = [];
  if (duplicate) extra.push(builtinReason('DUPLICATE_DELIVERY', 'deny', { messageId: message.id }, decision.locale));
  if (suppressed) extra.push(builtinReason('OPTED_OUT', 'deny', { channel: message.channel, list: true }, decision.locale, OPT_OUT_LAW[decision.locale]));
  if (extra.length === 0) return { ...decision, checks };
  const kept = decision.verdict === 'allow' ? [] : decision.reasons;
  return { ...decision, verdict: 'deny', allowed: false, reasons: [...kept, ...extra] as [Reason, ...Reason[]], checks };
}

/** Applies reviewers' approvals to a `review` whose every reason they cover. Never to a `deny`. */
function approve(decision: Decision, overrides: readonly ReviewOverride[]): Approval {
  const none: Approval = { decision, overLimit: NO_RULES };
  if (decision.verdict !== 'review' || overrides.length === 0) return none;
  const matches = decision.reasons.map((reason) =>
    overrides.find((override) => (override.code !== undefined && override.code === reason.code) || (override.ruleId !== undefined && override.ruleId === reason.ruleId)),
  );
  if (matches.some((match) => match === undefined)) return none;
  const reasons = decision.reasons.map((reason, position) => ({
    ...reason,
    verdict: 'allow' as const,
    approval: { by: matches[position]!.by, reason: matches[position]!.reason },
  })) as [Reason, ...Reason[]];
  const overLimit = new Set(decision.reasons.filter((reason) => reason.code === 'QUOTA_EXCEEDED' && reason.ruleId !== undefined).map((reason) => reason.ruleId!));
  const first = matches[0]!;
  return { decision: { ...decision, verdict: 'allow' as const, allowed: true, reasons }, overLimit, by: { by: first.by, reason: first.reason } };
}

interface Approval {
  readonly decision: Decision;
  /** Quota rules a reviewer let go over their limit. */
  readonly overLimit: ReadonlySet<string>;
  /** The reviewer, when one approved. */
  readonly by?: { readonly by: string; readonly reason: string };
}

const NO_RULES: ReadonlySet<string> = new Set();
