import type { Charter } from '../charter/define-charter.js';
import type { Locale } from '../charter/schema.js';

/** What a decision says: send, do not send, or ask a human first. */
export type Verdict = 'allow' | 'deny' | 'review';

/** Every reason code a decision can carry. */
export const REASON_CODES = [
  'PERMITTED',
  'ALLOWED_BY_DEFAULT',
  'NOT_PERMITTED',
  'CHANNEL_NOT_COVERED',
  'FORBIDDEN',
  'FORBIDDEN_SOURCE',
  'RELAY_REQUIRED',
  'OUTSIDE_PHASE',
  'QUOTA_EXCEEDED',
  'QUOTA_UNKNOWN',
  'CONSENT_MISSING',
  'OPTED_OUT',
  'QUIET_HOURS',
  'TIMEZONE_UNKNOWN',
  'CONTENT_MISSING_SENDER',
  'CONTENT_MISSING_OPT_OUT',
  'CONTENT_TOO_LONG',
  'CONTENT_FORBIDDEN_PHRASE',
  'INVALID_CONTACT',
  'NO_CONTACT',
  'NOT_A_MOBILE',
  'NOT_IN_AUDIENCE',
  'DUPLICATE_DELIVERY',
  'INVALID_INPUT',
  'ENGINE_ERROR',
] as const;

/** Why a decision came out as it did. */
export type ReasonCode = (typeof REASON_CODES)[number];

/** One reason of a decision: a code, the rule and article it comes from, and the facts. */
export interface Reason {
  /** What happened, as a stable code to branch on. */
  code: ReasonCode;
  /** What this reason alone asks for. */
  verdict: Verdict;
  /** The charter rule that gave it; absent for built-in checks. */
  ruleId?: string;
  /** The article of the charter the rule cites. */
  article?: string;
  /** The rule's one-line title, in the charter's language. */
  title?: string;
  /** The legal source, for rules that cite one and built-in checks. */
  law?: string;
  /** A sentence for the person sending, with the facts; never a full phone number or email. */
  message: string;
  /** The concrete facts behind the reason (counts, times, masked contacts, paths). */
  facts: Record<string, unknown>;
  /** Present when a reviewer approved this `review` reason through the ledger. */
  approval?: { by: string; reason: string };
}

/** How one rule (or built-in check) came out for this send. Entries are frozen and shared between decisions: read them, copy to change. */
export interface RuleCheck {
  /** The rule id; built-in checks are named `builtin:…`. */
  readonly ruleId: string;
  /** The rule's article, when it cites one. */
  readonly article?: string;
  /** `not-applicable` when the rule does not select this send. */
  readonly outcome: 'pass' | 'fail' | 'review' | 'not-applicable';
}

/** Where a quota stands for this send. Statuses may be frozen and shared between decisions: read them, copy to change. */
export interface QuotaStatus {
  /** The quota rule. */
  readonly ruleId: string;
  /** The counter this send falls under: its `per` values and window, e.g. `candidate=c1|audience=members|charter`. */
  readonly key: string;
  /** Units already used under this key. */
  readonly used: number;
  /** The rule's limit. */
  readonly limit: number;
  /** Units left before this send: `max(0, limit - used)`. */
  readonly remaining: number;
  /** Units this send would use: 0 for a later delivery of a mailing already counted. */
  readonly consumes: number;
}

/** The outcome of {@link canSend}: plain, JSON-serialisable data. */
export interface Decision {
  /** Send, do not send, or ask a human. */
  verdict: Verdict;
  /** `verdict === 'allow'`. */
  allowed: boolean;
  /**
   * Never empty: for an allow, the permits (or the default) that allowed it; otherwise every
   * failing rule and check. The list may be frozen and shared between decisions (a decision
   * given one shared reason gives its list, one given several gives their kept join): read
   * it, copy to change.
   */
  reasons: readonly [Reason, ...Reason[]];
  /** Every rule of the charter and every built-in check, with its outcome; a frozen list shared by decisions alike. */
  checks: readonly RuleCheck[];
  /** Every quota that applies to the send (a shared, frozen empty list when none does). */
  quotas: readonly QuotaStatus[];
  /** The earliest instant at which the time rules that refused the send would let it pass. */
  notBefore?: string;
  /** The instant evaluated, ISO 8601 UTC. */
  at: string;
  /** The language of the messages. */
  locale: Locale;
}

/**
 * What a quota counter needs to answer: which key, counting what, since when. The engine
 * gives frozen queries, and the same object to consecutive questions that are the same: a
 * usage view must not change a query, nor keep answers by the query object (keep them by
 * its fields).
 */
export interface QuotaQuery {
  /** The quota rule. */
  readonly ruleId: string;
  /** The counter key, as in {@link QuotaStatus.key}. */
  readonly key: string;
  /** Whether the rule counts mailings or deliveries. */
  readonly count: 'messages' | 'deliveries';
  /** The mailing being sent, to tell whether it is already counted. */
  readonly messageId: string;
  /** For rolling windows: only units used at or after this instant (epoch ms) count. */
  readonly since?: number;
  /** The instant of the send (epoch ms). */
  readonly now: number;
}

/** A counter's answer. */
export interface QuotaUsage {
  /** Units used under the key (in the window). */
  used: number;
  /** Whether `messageId` is already among them (for `count: 'messages'`). */
  counted: boolean;
}

/** Read access to quota usage, as a ledger provides it. */
export interface UsageView {
  /**
   * How much of a quota key is used.
   * @param query - the counter and the send.
   * @returns the units used and whether this mailing is among them.
   */
  quota(query: QuotaQuery): QuotaUsage;
}

/** The context of {@link canSend}. */
export interface CanSendContext {
  /** The charter, from {@link defineCharter} or {@link parseCharter}. */
  charter: Charter;
  /** The instant of the send; defaults to the current time. Tests pass a fixed clock. */
  now?: Date | string | number;
  /** Quota usage from a ledger; without it, applicable quotas give `review` (`QUOTA_UNKNOWN`). */
  usage?: UsageView;
  /** Overrides the charter's language for messages. */
  locale?: Locale;
}
