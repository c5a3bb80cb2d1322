import type { Locale, Rule } from '../../charter/schema.js';
import type { CompiledCharter } from '../compile.js';
import { freezeReasons } from '../reasons.js';
import { compileSelector, matches, mismatchedFields, type CompiledSelector, type SelectorField } from '../selector.js';
import type { SendFacts } from '../send-facts.js';
import type { QuotaStatus, Reason, RuleCheck, UsageView } from '../types.js';

/** What a rule evaluation needs beyond the send: the charter, the language, the usage. */
export interface EvalEnv {
  readonly charter: CompiledCharter;
  readonly locale: Locale;
  readonly usage: UsageView | undefined;
  /** When only the outcome is read (the search for `notBefore`): reasons carry no message. */
  readonly silent: boolean;
}

/** How one rule came out for one send. */
export interface RuleResult {
  readonly outcome: RuleCheck['outcome'];
  /** For `fail`/`review`: why; for a grant that passes: the permit reason. */
  readonly reasons?: readonly Reason[] | undefined;
  readonly quota?: QuotaStatus | undefined;
  /** Present when the failure is about time: the earliest instant it would pass, if any. */
  readonly time?: { readonly next: number | undefined } | undefined;
}

/**
 * A rule's result. Every result is built here, with the same four properties in the same
 * order: the evaluation loop then reads one object shape, not six (megamorphic reads).
 */
export function ruleResult(
  outcome: RuleResult['outcome'],
  reasons?: readonly Reason[],
  quota?: QuotaStatus,
  time?: { readonly next: number | undefined },
): RuleResult {
  return { outcome, reasons, quota, time };
}

/** The scope every rule shares: `when`, `unless` and `inForce`, compiled. */
export interface RuleScope {
  readonly when: CompiledSelector | undefined;
  readonly unless: CompiledSelector | undefined;
  /** `[from, to)` in epoch ms; infinite ends when absent. */
  readonly from: number;
  readonly to: number;
}

/** Compiles a rule's `when`, `unless` and `inForce`. */
export function compileScope(rule: Rule, charter: CompiledCharter): RuleScope {
  return {
    when: compileSelector(rule.when),
    unless: compileSelector(rule.unless),
    from: rule.inForce?.from === undefined ? -Infinity : charter.instant(rule.inForce.from),
    to: rule.inForce?.to === undefined ? Infinity : charter.instant(rule.inForce.to),
  };
}

/** Whether the rule is in force at `now`. */
export function inForce(scope: RuleScope, now: number): boolean {
  return scope.from <= now && now < scope.to;
}

/** Whether the rule selects the send: in force, matching `when`, not carved out by `unless`. */
export function applies(scope: RuleScope, facts: SendFacts): boolean {
  return inForce(scope, facts.now) && matches(scope.when, facts) && !(scope.unless !== undefined && matches(scope.unless, facts));
}

/**
 * The first instant after now at which the rule stops selecting the send on time grounds
 * alone: the end of `inForce`, the end of the run of `when.phases` containing now, or the
 * start of an `unless` phase that would carve the send out; Infinity when none. A rule that
 * refuses a send because of when it is sent passes from then on, if not earlier.
 */
export function scopeEnd(scope: RuleScope, facts: SendFacts, charter: CompiledCharter): number {
  let end = scope.to;
  const wanted = scope.when?.phases;
  if (wanted !== undefined) end = Math.min(end, coverageEnd(wanted, facts.now, charter));
  const carved = scope.unless?.phases;
  if (carved !== undefined && mismatchedFields(scope.unless, facts).every((field) => field === 'phases')) {
    for (const name of carved) {
      const range = charter.phases.get(name);
      if (range !== undefined && range.from > facts.now) end = Math.min(end, range.from);
    }
  }
  return end;
}

/** Whether the rule's scope can end with time: `inForce.to`, `when.phases` or `unless.phases`. */
export function boundedInTime(scope: RuleScope): boolean {
  return Number.isFinite(scope.to) || scope.when?.phases !== undefined || scope.unless?.phases !== undefined;
}

/** The result, its reasons and their facts frozen: a kept result, given to many decisions. */
export function sharedResult(result: RuleResult): RuleResult {
  freezeReasons(result.reasons);
  return Object.isFrozen(result) ? result : Object.freeze(result);
}

/** The result of a rule that does not select the send. */
export const NOT_APPLICABLE: RuleResult = Object.freeze(ruleResult('not-applicable'));

/** The result of a rule that selects the send and is satisfied. */
export const PASS: RuleResult = Object.freeze(ruleResult('pass'));

/** The first instant from `now` covered by none of the phases (adjoining and overlapping phases chain). */
function coverageEnd(phases: ReadonlySet<string>, now: number, charter: CompiledCharter): number {
  let end = now;
  for (;;) {
    let next = end;
    for (const name of phases) {
      const range = charter.phases.get(name);
      if (range !== undefined && range.from <= end && end < range.to) next = Math.max(next, range.to);
    }
    if (next === end) return end;
    end = next;
  }
}
