import type { Charter } from '../charter/define-charter.js';
import { canSend, decideChecked, evalEnv } from '../decision/can-send.js';
import type { CompiledCharter } from '../decision/compile.js';
import type { Message } from '../decision/inputs.js';
import { builtinReason, ruleReason } from '../decision/reasons.js';
import type { QuotaRule } from '../charter/schema.js';
import type { Decision, QuotaStatus, Reason, RuleCheck, UsageView } from '../decision/types.js';
import { isRecipient } from '../decision/validate-input.js';
import type { ContactKeys } from './contact-keys.js';
import type { ReviewOverride } from './ledger.js';
import { counterKey, type PlannedBatch } from './plan-batch.js';
import type { AuditEvent, ReservationConflict, ReservationRequest, ReservedUnit, Snapshot } from './store.js';

/** A decided delivery: the reservation to take, or the event of its refusal. */
export interface DecidedDelivery {
  readonly decision: Decision;
  readonly reservation?: ReservationRequest;
  /** The event of a refusal (an allowed delivery's rides on its reservation). */
  readonly event?: AuditEvent;
}

interface BatchInput {
  readonly charter: Charter;
  readonly compiled: CompiledCharter;
  readonly message: Message;
  readonly batch: PlannedBatch;
  readonly snapshot: Snapshot;
  readonly now: number;
  /** `now` as an ISO 8601 instant, written once for every event of the batch. */
  readonly at: string;
  readonly overrides: readonly ReviewOverride[];
  readonly keys: ContactKeys;
  /** The next reservation id. */
  readonly nextId: () => string;
}

const OPT_OUT_LAW = { fr: 'RGPD art. 21', en: 'GDPR Art. 21' } as const;

/**
 * Decides every delivery of a batch in order against one snapshot, as if each earlier
 * allowed delivery had already been reserved: the same results as authorizing one by one.
 */
export function decideBatch(input: BatchInput): DecidedDelivery[] {
  const { charter, compiled, message, snapshot, now, at, keys } = input;
  const { planned, counters, contacts } = input.batch;
  const index = new Map<string, number>();
  counters.forEach((counter, position) => index.set(counterKey(counter.ruleId, counter.key, counter.since), position));
  // What earlier deliveries of this batch add to each counter, by its place in the snapshot.
  const addedDeliveries = new Array<number>(counters.length).fill(0);
  const addedMailing = new Array<boolean>(counters.length).fill(false);
  // Who this batch already reserved for: one mailing, so the same person means the same delivery key.
  const batchRecipients = new Set<string>();
  // The counters read by the delivery being decided, as (rule, place in the snapshot); one
  // usage view serves the whole batch.
  const readRules: string[] = [];
  const readPositions: number[] = [];
  // Most deliveries of a mailing read the same counters: the last query's place, before the map.
  let lastRule = '';
  let lastKey = '';
  let lastSince: number | undefined;
  let lastPosition = -1;
  const usage: UsageView = {
    quota(query) {
      // The search for `notBefore` decides again at later instants, only to find when time
      // rules pass; quotas never make a send wait, so those reads need no counter.
      if (query.now !== now) return { used: 0, counted: false };
      let position = lastPosition;
      if (position === -1 || query.ruleId !== lastRule || query.key !== lastKey || query.since !== lastSince) {
        const found = index.get(counterKey(query.ruleId, keys.quotaKey(query.key), query.since));
        // Every counter read at `now` is fetched before deciding; one that was not is a bug: refuse, never guess.
        if (found === undefined) throw new Error(`quota counter ${query.ruleId} was not read before deciding`);
        position = lastPosition = found;
        lastRule = query.ruleId;
        lastKey = query.key;
        lastSince = query.since;
      }
      const base = snapshot.counters[position]!;
      // A rule reads one counter per decision: the one to reserve.
      const known = readRules.indexOf(query.ruleId);
      if (known === -1) {
        readRules.push(query.ruleId);
        readPositions.push(position);
      } else {
        readPositions[known] = position;
      }
      return {
        used: query.count === 'messages' ? base.used + (addedMailing[position] && !base.counted ? 1 : 0) : base.used + addedDeliveries[position]!,
        counted: base.counted || addedMailing[position]!,
      };
    },
  };
  // One environment for every decision of the batch: the charter, its language, the batch's usage view.
  const env = evalEnv(compiled, compiled.locale, usage);
  // The unit each counter takes at its rule's limit, and the list of that one unit: shared by
  // the deliveries that take it (stores only read them), rather than two objects per delivery.
  const units = new Array<ReservedUnit | undefined>(counters.length);
  const unitLists = new Array<readonly ReservedUnit[] | undefined>(counters.length);
  const decided = new Array<DecidedDelivery>(planned.length);
  for (let k = 0; k < planned.length; k++) {
    const item = planned[k]!;
    readRules.length = 0;
    readPositions.length = 0;
    // The input was checked while planning: decide with what that check found, as canSend would.
    let decision =
      item.issues === undefined
        ? canSend(message, item.recipient, { charter, now, usage })
        : decideChecked(compiled, message, item.recipient, now, env, item.issues, item.memo);
    if (item.deliveryKey !== undefined && decision.checks.length > 0) {
      const duplicate = (snapshot.deliveries.size > 0 && snapshot.deliveries.has(item.deliveryKey)) || (item.who !== undefined && batchRecipients.has(item.who));
      let suppressed = false;
      if (snapshot.suppressed.size > 0) for (let c = item.from; c < item.to; c++) if (snapshot.suppressed.has(contacts[c]!)) suppressed = true;
      decision = withLedgerChecks(decision, duplicate, suppressed, message);
    }
    // Undefined unless a reviewer approved a `review`: no object for the common case.
    const approval = decision.verdict === 'review' && input.overrides.length > 0 ? approve(decision, input.overrides) : undefined;
    if (approval !== undefined) decision = approval.decision;
    if (!decision.allowed || item.deliveryKey === undefined || item.who === undefined) {
      // A malformed recipient is logged without a hash: planning checked only its contact fields.
      const who = decision.checks.length === 0 && !isRecipient(item.recipient) ? undefined : item.who;
      decided[k] = { decision, event: auditEvent(decision, message, who, at) };
      continue;
    }
    // Each quota's counter found once: the unit it takes, and what it adds for the deliveries after.
    const quotas = decision.quotas;
    const list = quotas.length > 1 ? new Array<ReservedUnit>(quotas.length) : undefined;
    let taken: readonly ReservedUnit[] = list ?? NO_UNITS;
    for (let q = 0; q < quotas.length; q++) {
      const position = readPosition(quotas[q]!.ruleId);
      const unit = unitAt(position, limitOf(quotas[q]!, approval));
      if (list !== undefined) list[q] = unit;
      else taken = unit === units[position] ? (unitLists[position] ??= Object.freeze([unit])) : [unit];
      addedDeliveries[position]!++;
      addedMailing[position] = true;
    }
    batchRecipients.add(item.who);
    const id = input.nextId();
    const event = auditEvent(decision, message, item.who, at, id, approval?.by);
    decided[k] = { decision, reservation: { id, messageId: message.id, recipient: item.who, deliveryKey: item.deliveryKey, units: taken, event } };
  }
  return decided;

  /** Where the counter the decision read for a quota rule is in the snapshot. */
  function readPosition(ruleId: string): number {
    const known = readRules.indexOf(ruleId);
    if (known === -1) throw new Error(`quota ${ruleId} was not read before deciding`);
    return readPositions[known]!;
  }

  /** The unit to take under the counter at `position`, up to `limit`: the shared one when it has that limit. */
  function unitAt(position: number, limit: number): ReservedUnit {
    const shared = units[position];
    if (shared !== undefined && shared.limit === limit) return shared;
    const { ruleId, key, count, since } = counters[position]!;
    const unit: ReservedUnit = Object.freeze(since === undefined ? { ruleId, key, count, limit } : { ruleId, key, count, limit, since });
    // A reviewer's Infinity is the exception: the rule's own limit is the one to share.
    if (shared === undefined && limit !== Infinity) units[position] = unit;
    return unit;
  }
}

const NO_UNITS: readonly ReservedUnit[] = Object.freeze([]);

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
  const reasons = decision.reasons;
  let approved = false;
  let ruleIds: readonly string[];
  let codes: readonly string[];
  if (reasons.length === 1) {
    // Most decisions give one reason: its shared lists, without building any.
    const reason = reasons[0];
    approved = reason.approval !== undefined;
    ruleIds = reason.ruleId === undefined ? NO_NAMES : single(reason.ruleId);
    codes = single(reason.code);
  } else {
    const ids: string[] = [];
    const all: string[] = [];
    for (const reason of reasons) {
      if (reason.approval !== undefined) approved = true;
      if (reason.ruleId !== undefined && !ids.includes(reason.ruleId)) ids.push(reason.ruleId);
      all.push(reason.code);
    }
    ruleIds = shared(ids);
    codes = shared(all);
  }
  const type = decision.verdict === 'allow' ? (approved ? 'approved' : 'authorized') : decision.verdict === 'review' ? 'reviewed' : 'denied';
  const event: { -readonly [K in keyof AuditEvent]: AuditEvent[K] } = {
    type,
    at,
    messageId: typeof message?.id === 'string' ? message.id : '',
    channel: typeof message?.channel === 'string' ? message.channel : '',
    verdict: decision.verdict,
    ruleIds,
    codes,
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
  return names.length > 1 ? names : single(names[0]!);
}

/** The shared frozen list of one name. */
function single(name: string): readonly string[] {
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

// The ledger's checks, shared by every decision (frozen, as the engine's own check entries are).
const DUPLICATE_PASS: RuleCheck = Object.freeze({ ruleId: 'ledger:duplicate', outcome: 'pass' });
const DUPLICATE_FAIL: RuleCheck = Object.freeze({ ruleId: 'ledger:duplicate', outcome: 'fail' });
const SUPPRESSION_PASS: RuleCheck = Object.freeze({ ruleId: 'ledger:suppression', outcome: 'pass' });
const SUPPRESSION_FAIL: RuleCheck = Object.freeze({ ruleId: 'ledger:suppression', outcome: 'fail' });

/** Each shared checks list of the engine, with the ledger's two passing checks: shared too. */
const passingLists = new WeakMap<readonly RuleCheck[], readonly RuleCheck[]>();

function withPassingLedgerChecks(checks: readonly RuleCheck[]): readonly RuleCheck[] {
  let list = passingLists.get(checks);
  if (list === undefined) passingLists.set(checks, (list = Object.freeze([...checks, DUPLICATE_PASS, SUPPRESSION_PASS])));
  return list;
}

/** Adds what only the ledger knows: the same delivery already reserved, a suppressed contact. */
function withLedgerChecks(decision: Decision, duplicate: boolean, suppressed: boolean, message: Message): Decision {
  const duplicateCheck = duplicate ? DUPLICATE_FAIL : DUPLICATE_PASS;
  const suppressionCheck = suppressed ? SUPPRESSION_FAIL : SUPPRESSION_PASS;
  if (!duplicate && !suppressed && !Object.isFrozen(decision)) {
    // canSend made this decision for this call: its checks list is the charter's, shared
    // (frozen), and so is the same list with the two passing ledger checks, made once per list.
    if (Object.isFrozen(decision.checks)) decision.checks = withPassingLedgerChecks(decision.checks);
    else (decision.checks as RuleCheck[]).push(duplicateCheck, suppressionCheck);
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

/** The limit a reservation enforces for a quota: the rule's, or none when a reviewer approved going over it. */
function limitOf(quota: QuotaStatus, approval: Approval | undefined): number {
  return approval !== undefined && approval.overLimit.has(quota.ruleId) ? Infinity : quota.limit;
}

/** Applies reviewers' approvals to a `review` whose every reason they cover (undefined otherwise). Never to a `deny`. */
function approve(decision: Decision, overrides: readonly ReviewOverride[]): Approval | undefined {
  if (decision.verdict !== 'review' || overrides.length === 0) return undefined;
  const matches = decision.reasons.map((reason) =>
    overrides.find((override) => (override.code !== undefined && override.code === reason.code) || (override.ruleId !== undefined && override.ruleId === reason.ruleId)),
  );
  if (matches.some((match) => match === undefined)) return undefined;
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
  /** The reviewer who approved. */
  readonly by: { readonly by: string; readonly reason: string };
}
