import type { Locale } from '../charter/schema.js';
import type { Reason, ReasonCode, Verdict } from '../decision/types.js';
import type { PlanIssue } from './validate-plan.js';

/** One delivery of a plan that would not be allowed. */
export interface PlanViolation {
  /** The index of the send in the plan (as written). */
  send: number;
  /** When the send is scheduled (ISO 8601). */
  at: string;
  messageId: string;
  recipientId: string;
  verdict: Exclude<Verdict, 'allow'>;
  /** The decision's reasons; phone numbers and emails only ever appear masked. Equal lists are one array shared between violations: copy one before changing it. */
  reasons: readonly Reason[];
  /** When the time rules would let this delivery pass, if they refused it. */
  notBefore?: string;
}

/** Where a quota counter stands once the whole plan has run. */
export interface PlanQuota {
  ruleId: string;
  article?: string;
  /** The counter (its `per` values and window). */
  key: string;
  used: number;
  limit: number;
}

/** How far the plan exercised a rule. */
export interface RuleCoverage {
  ruleId: string;
  article?: string;
  title?: string;
  /** Deliveries for which the rule applied, by outcome. */
  pass: number;
  fail: number;
  review: number;
  /**
   * Refused or reviewed deliveries whose reasons cite the rule. Mostly its `fail` and
   * `review`, but a permit a send missed only by its phase (`OUTSIDE_PHASE`) is cited
   * without applying: such a rule is exercised, not unreached.
   */
  cited: number;
}

/**
 * Something in a plan that refuses no delivery but is likely a mistake (a send that reaches
 * nobody, recipients filed under an audience the charter does not declare): a path and a
 * message, as the plan's issues have.
 */
export type PlanWarning = PlanIssue;

/** The result of {@link checkPlan}. */
export interface PlanReport {
  /** True when every delivery would be allowed. */
  ok: boolean;
  charter: { id: string; title: string; timezone: string };
  locale: Locale;
  violations: PlanViolation[];
  /** Likely mistakes that refuse nothing (they leave `ok` as it is). */
  warnings: PlanWarning[];
  summary: {
    sends: number;
    deliveries: number;
    verdicts: Record<Verdict, number>;
    /** Deliveries refused or sent to review, per reason code. */
    codes: Partial<Record<ReasonCode, number>>;
    /** Deliveries refused or sent to review, per article cited. */
    articles: Record<string, number>;
  };
  /** Quota counters at the end of the plan. */
  quotas: PlanQuota[];
  coverage: {
    /** Rules that applied to at least one delivery. */
    exercised: RuleCoverage[];
    /** Rules that never applied: the plan does not test them. */
    unreached: { ruleId: string; article?: string; title?: string }[];
  };
}
