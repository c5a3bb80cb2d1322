import type { Charter } from '../charter/define-charter.js';
import { canSend } from '../decision/can-send.js';
import type { Message, Recipient } from '../decision/inputs.js';
import { builtinReason, ruleReason } from '../decision/reasons.js';
import type { QuotaRule } from '../charter/schema.js';
import type { Decision, QuotaQuery, Reason, UsageView } from '../decision/types.js';
import type { ContactKeys } from './contact-keys.js';
import type { ReviewOverride } from './ledger.js';
import type { AuditEvent, QuotaCounter, ReservationConflict, ReservationRequest, ReservedUnit, Snapshot } from './store.js';

/** One delivery of a batch, prepared before reading the store. */
export interface PlannedDelivery {
  readonly recipient: Recipient;
  /** The recipient's keyed hash; absent for a malformed recipient. */
  readonly who?: string;
  readonly deliveryKey?: string;
  /** The quota counters its decision reads, keys already hashed. */
  readonly queries: readonly QuotaQuery[];
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
  readonly overrides: readonly ReviewOverride[];
  readonly keys: ContactKeys;
}

const OPT_OUT_LAW = { fr: 'RGPD art. 21', en: 'GDPR Art. 21' } as const;

/**
 * Decides every delivery of a batch in order against one snapshot, as if each earlier
 * allowed delivery had already been reserved: the same results as authorizing one by one.
 */
export function decideBatch(input: BatchInput): DecidedDelivery[] {
  const { charter, message, snapshot, now, keys } = input;
  const index = new Map(input.counters.map((counter, position) => [counterKey(counter.ruleId, counter.key, counter.since), position]));
  // What earlier deliveries of this batch add to each counter.
  const overlay = new Map<string, { deliveries: number; mailing: boolean }>();
  const batchKeys = new Set<string>();
  return input.planned.map((item): DecidedDelivery => {
    const read = new Map<string, QuotaQuery>();
    const usage: UsageView = {
      quota(query) {
        // The search for `notBefore` decides again at later instants, only to find when time
        // rules pass; quotas never make a send wait, so those reads need no counter.
        if (query.now !== now) return { used: 0, counted: false };
        const key = keys.quotaKey(query.key);
        const id = counterKey(query.ruleId, key, query.since);
        const position = index.get(id);
        // Every counter read at `now` is fetched before deciding; one that was not is a bug: refuse, never guess.
        if (position === undefined) throw new Error(`quota counter ${query.ruleId} was not read before deciding`);
        const base = snapshot.counters[position]!;
        const added = overlay.get(id);
        // A rule reads one counter per decision: the one to reserve.
        read.set(query.ruleId, { ...query, key });
        return {
          used: query.count === 'messages' ? base.used + (added?.mailing && !base.counted ? 1 : 0) : base.used + (added?.deliveries ?? 0),
          counted: base.counted || added?.mailing === true,
        };
      },
    };
    let decision = canSend(message, item.recipient, { charter, now, usage });
    if (item.deliveryKey !== undefined && decision.checks.length > 0) {
      const duplicate = snapshot.deliveries.has(item.deliveryKey) || batchKeys.has(item.deliveryKey);
      const suppressed = item.contacts.some((contact) => snapshot.suppressed.has(contact));
      decision = withLedgerChecks(decision, duplicate, suppressed, message);
    }
    const approval = approve(decision, input.overrides);
    decision = approval.decision;
    if (!decision.allowed || item.deliveryKey === undefined || item.who === undefined) {
      return { decision, events: [auditEvent(decision, message, item.who, now)] };
    }
    const units: ReservedUnit[] = decision.quotas.map((quota) => {
      const query = read.get(quota.ruleId)!;
      const unit = { ruleId: quota.ruleId, key: query.key, count: query.count, limit: approval.overLimit.has(quota.ruleId) ? Infinity : quota.limit };
      return query.since === undefined ? unit : { ...unit, since: query.since };
    });
    for (const unit of units) {
      const id = counterKey(unit.ruleId, unit.key, unit.since);
      const added = overlay.get(id) ?? { deliveries: 0, mailing: false };
      overlay.set(id, { deliveries: added.deliveries + 1, mailing: true });
    }
    batchKeys.add(item.deliveryKey);
    const id = globalThis.crypto.randomUUID();
    const event = { ...auditEvent(decision, message, item.who, now), reservationId: id, ...approval.by };
    return { decision, events: [], reservation: { id, messageId: message.id, recipient: item.who, deliveryKey: item.deliveryKey, units, event } };
  });
}

/** Identifies a counter read: rule, key and (rolling windows) the start of the window. */
export function counterKey(ruleId: string, key: string, since: number | undefined): string {
  return `${ruleId}\u0000${key}\u0000${since ?? ''}`;
}

/** The audit event of a decision. */
export function auditEvent(decision: Decision, message: Message, recipient: string | undefined, now: number): AuditEvent {
  const approved = decision.reasons.some((reason) => reason.approval !== undefined);
  const type = decision.verdict === 'allow' ? (approved ? 'approved' : 'authorized') : decision.verdict === 'review' ? 'reviewed' : 'denied';
  const ruleIds = [...new Set(decision.reasons.flatMap((reason) => (reason.ruleId === undefined ? [] : [reason.ruleId])))];
  const event: AuditEvent = {
    type,
    at: new Date(now).toISOString(),
    messageId: typeof message?.id === 'string' ? message.id : '',
    channel: typeof message?.channel === 'string' ? message.channel : '',
    verdict: decision.verdict,
    ruleIds,
    codes: decision.reasons.map((reason) => reason.code),
  };
  return recipient === undefined ? event : { ...event, recipient };
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
  const checks = [
    ...decision.checks,
    { ruleId: 'ledger:duplicate', outcome: duplicate ? 'fail' : 'pass' } as const,
    { ruleId: 'ledger:suppression', outcome: suppressed ? 'fail' : 'pass' } as const,
  ];
  const extra: Reason[] = [];
  if (duplicate) extra.push(builtinReason('DUPLICATE_DELIVERY', 'deny', { messageId: message.id }, decision.locale));
  if (suppressed) extra.push(builtinReason('OPTED_OUT', 'deny', { channel: message.channel, list: true }, decision.locale, OPT_OUT_LAW[decision.locale]));
  if (extra.length === 0) return { ...decision, checks };
  const kept = decision.verdict === 'allow' ? [] : decision.reasons;
  return { ...decision, verdict: 'deny', allowed: false, reasons: [...kept, ...extra] as [Reason, ...Reason[]], checks };
}

/** Applies reviewers' approvals to a `review` whose every reason they cover. Never to a `deny`. */
function approve(decision: Decision, overrides: readonly ReviewOverride[]) {
  const none = { decision, overLimit: new Set<string>(), by: {} };
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
