import type { Locale } from '../charter/schema.js';
import { maskContacts } from '../contact/mask.js';
import { formatPath } from '../charter/issues.js';
import { SendDeniedError } from '../errors.js';
import { BUILTIN_CHECKS, BUILTIN_RECORDS } from './builtin-checks.js';
import { outcomeDigit, type CheckRecords } from './check-lists.js';
import { compileCharter, type CompiledCharter } from './compile.js';
import type { Message, Recipient } from './inputs.js';
import { iso } from './local-format.js';
import { builtinReason } from './reasons.js';
import { unlisted } from './unlisted.js';
import type { EvalEnv, RuleResult } from './rules/evaluator.js';
import { sendFacts, type RecipientMemo, type SendFacts } from './send-facts.js';
import type { CanSendContext, Decision, QuotaStatus, Reason, RuleCheck, UsageView, Verdict } from './types.js';
import { checkInput, type InputIssue } from './validate-input.js';
import { parseInstant } from '../time/instant-text.js';

const YEAR = 366 * 86_400_000;
/** The largest instant a `Date` can hold, in epoch milliseconds either side of 1970. */
const MAX_INSTANT = 8.64e15;
const MAX_TIME_STEPS = 12;

/**
 * Decides whether one message may go to one recipient under a charter: `allow`, `deny` or
 * `review`, with every reason (rule id, article, facts, a sentence in French or English),
 * the outcome of every rule, the quotas involved and, when time rules refuse the send,
 * the earliest instant they would let it pass (`notBefore`).
 *
 * Synchronous, pure and deterministic for a given `now`. It never throws for a "no":
 * malformed input gives `deny` with `INVALID_INPUT` and the paths of what is wrong, and an
 * unexpected internal error gives `deny` with `ENGINE_ERROR`. Nothing is allowed by accident.
 *
 * @param message - the mailing, text or call script.
 * @param recipient - the person, as the CRM knows them.
 * @param context - the charter, the instant (`now`), the ledger's `usage`, the language.
 * @returns the decision, as plain JSON-serialisable data.
 * @example
 * ```ts
 * const decision = canSend(
 *   { id: 'mailing-3', channel: 'email', sender: { id: 'nkm', role: 'candidate' }, via: 'csp', audience: 'preRegistered' },
 *   { id: 'r-1', email: 'electeur@example.fr', audiences: ['preRegistered'] },
 *   { charter, now: '2013-05-20T10:00:00+02:00', usage: await ledger.usage() },
 * );
 * if (!decision.allowed) console.log(explain(decision));
 * ```
 */
export function canSend(message: Message, recipient: Recipient, context: CanSendContext): Decision {
  let now = Number.NaN;
  let locale: Locale = 'en';
  try {
    if (typeof context !== 'object' || context === null) return invalid([{ path: ['context'], message: 'expected an object with the charter' }], now, locale);
    const time = readNow(context.now);
    if (time === undefined) {
      return invalid([{ path: ['context', 'now'], message: 'expected a Date, an epoch in milliseconds or an ISO 8601 instant with an offset, such as 2013-05-20T10:00:00+02:00' }], now, locale);
    }
    now = time;
    if (context.locale !== undefined && context.locale !== 'fr' && context.locale !== 'en') {
      return invalid([{ path: ['context', 'locale'], message: "expected 'fr' or 'en'" }], now, locale);
    }
    const usage: unknown = context.usage;
    if (usage !== undefined && (typeof usage !== 'object' || usage === null || typeof (usage as { quota?: unknown }).quota !== 'function')) {
      return invalid([{ path: ['context', 'usage'], message: 'expected a usage view with a quota(query) method, such as await ledger.usage()' }], now, context.locale ?? locale);
    }
    const compiled = compileCharter(context.charter);
    if (!compiled.ok) {
      return invalid(compiled.issues.map((issue) => ({ path: ['context', 'charter', ...issue.path], message: issue.message })), now, context.locale ?? locale);
    }
    locale = context.locale ?? compiled.compiled.locale;
    return decideChecked(compiled.compiled, message, recipient, now, evalEnv(compiled.compiled, locale, context.usage), checkInput(message, recipient, compiled.compiled));
  } catch (error) {
    return engineError(error, now, locale);
  }
}

/**
 * What {@link canSend} decides once its context is read and its input checked: for callers
 * that check each message and recipient once for many decisions (a plan's replay), with the
 * environment its rules read ({@link evalEnv}, built once for them), the issues `checkInput`
 * found for this pair, and what decisions about the recipient can share.
 *
 * @internal
 */
export function decideChecked(
  compiled: CompiledCharter,
  message: Message,
  recipient: Recipient,
  now: number,
  env: EvalEnv,
  issues: readonly InputIssue[],
  memo?: RecipientMemo,
): Decision {
  try {
    if (issues.length > 0) return invalid(issues, now, env.locale);
    return decide(compiled, message, recipient, now, env, memo);
  } catch (error) {
    return engineError(error, now, env.locale);
  }
}

/**
 * What a decision's rules read besides the send: the charter, the language, the usage view.
 * Callers deciding many sends alike (a plan's send, a ledger's batch) build it once for all.
 *
 * @internal
 */
export function evalEnv(charter: CompiledCharter, locale: Locale, usage: UsageView | undefined): EvalEnv {
  return { charter, locale, usage, silent: false };
}

/**
 * Like {@link canSend}, but throws unless the send is allowed: for sending paths where a
 * refusal is an error.
 *
 * @param message - the mailing, text or call script.
 * @param recipient - the person.
 * @param context - as for {@link canSend}.
 * @returns the decision, whose verdict is `allow`.
 * @throws {@link SendDeniedError} carrying the decision when it is `deny` or `review`.
 */
export function assertCanSend(message: Message, recipient: Recipient, context: CanSendContext): Decision {
  const decision = canSend(message, recipient, context);
  if (!decision.allowed) throw new SendDeniedError(decision);
  return decision;
}

/** What one evaluation found: its tally, completed (one object, not a second one to return it in). */
interface Evaluation extends Tally {
  readonly verdict: Verdict;
  readonly reasons: [Reason, ...Reason[]];
  readonly quotas: QuotaStatus[];
}

function decide(compiled: CompiledCharter, message: Message, recipient: Recipient, now: number, env: EvalEnv, memo: RecipientMemo | undefined): Decision {
  const first = evaluate(compiled, message, recipient, now, env, memo);
  const decision: Decision = {
    verdict: first.verdict,
    allowed: first.verdict === 'allow',
    reasons: first.reasons,
    checks: first.checks,
    quotas: first.quotas,
    at: iso(now),
    locale: env.locale,
  };
  if (first.verdict !== 'allow' && first.timeBlocked) {
    const notBefore = nextTimePass(compiled, message, recipient, now, env, first.timeNext, memo);
    if (notBefore !== undefined) decision.notBefore = iso(notBefore);
  }
  return decision;
}

/** Steps from one time hint to the next until no time rule refuses the send, within a year. */
function nextTimePass(compiled: CompiledCharter, message: Message, recipient: Recipient, now: number, env: EvalEnv, start: number | undefined, memo: RecipientMemo | undefined) {
  // Only whether time still blocks is read at each step: skip rendering the messages. Built
  // like `env`, property for property: a second shape would make every rule's reads polymorphic.
  const silent: EvalEnv = { charter: env.charter, locale: env.locale, usage: env.usage, silent: true };
  let at = start;
  for (let step = 0; step < MAX_TIME_STEPS && at !== undefined && at > now && at <= now + YEAR; step++) {
    const later = evaluate(compiled, message, recipient, at, silent, memo);
    if (!later.timeBlocked) return at;
    if (later.timeNext === undefined || later.timeNext <= at) return undefined;
    at = later.timeNext;
  }
  return undefined;
}

/**
 * What the rules said so far in one evaluation. The reason and quota lists start absent and
 * are made on their first entry, at their size: most evaluations fill one or two of them with
 * an entry or two, and an empty array's first push reserves room for sixteen.
 */
interface Tally {
  /**
   * Every check's outcome so far, one base-4 digit each (`outcomeDigit`): the charter's shared
   * list is found from it at the end. Charters with too many checks for one number list them
   * in `list` as they go instead.
   */
  outcomes: number;
  readonly list: RuleCheck[] | undefined;
  /** Set when the evaluation ends (an empty list for a silent one: only time is read). */
  checks: RuleCheck[];
  blocking: Reason[] | undefined;
  permits: Reason[] | undefined;
  quotas: QuotaStatus[] | undefined;
  /** Whether time rules are among what refuses the send. */
  timeBlocked: boolean;
  /**
   * -Infinity until a time rule blocks; undefined once one blocks for good. Once evaluated:
   * when time rules would next pass, undefined when they never would (within a year).
   */
  timeNext: number | undefined;
  /** Set when the evaluation ends. */
  verdict: Verdict;
  reasons: Reason[] | undefined;
}

function evaluate(compiled: CompiledCharter, message: Message, recipient: Recipient, now: number, env: EvalEnv, memo: RecipientMemo | undefined): Evaluation {
  const facts = sendFacts(compiled, message, recipient, now, memo);
  const lists = compiled.checkLists;
  const tally: Tally = {
    outcomes: 0,
    list: lists.exact ? undefined : [],
    checks: NO_CHECKS,
    blocking: undefined,
    permits: undefined,
    quotas: undefined,
    timeBlocked: false,
    timeNext: -Infinity,
    verdict: 'allow',
    reasons: undefined,
  };
  // A silent evaluation only reads time: built-in checks and timeless rules cannot change it.
  if (env.silent !== true) for (let i = 0; i < BUILTIN_CHECKS.length; i++) record(tally, BUILTIN_RECORDS[i]!, BUILTIN_CHECKS[i]!.evaluate(facts, env), false);
  const { rules, ruleChecks } = compiled;
  // Rules whose `when` names other channels do not apply: not asked.
  const asked = compiled.rulesFor.get(facts.channel) ?? compiled.otherChannels;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (env.silent === true && rule.timeless === true) continue;
    if (asked[i] === true) record(tally, ruleChecks[i]!, rule.evaluate(facts, env), rule.grants);
    else if (tally.list === undefined) tally.outcomes = tally.outcomes * 4 + NOT_APPLICABLE_DIGIT;
    else tally.list.push(ruleChecks[i]!['not-applicable']);
  }

  if (tally.permits === undefined) {
    const fallback = unlisted(compiled, facts, env);
    if (fallback.verdict !== 'allow') {
      tally.blocking = append(tally.blocking, fallback.reasons);
      if (fallback.timeNext !== undefined || fallback.timeBlocked) {
        tally.timeBlocked = true;
        tally.timeNext = fallback.timeNext === undefined || tally.timeNext === undefined ? undefined : Math.max(tally.timeNext, fallback.timeNext);
      }
    } else {
      tally.permits = append(tally.permits, fallback.reasons);
    }
  }
  const { blocking, permits } = tally;
  const verdict: Verdict = blocking === undefined ? 'allow' : anyDeny(blocking) ? 'deny' : 'review';
  // An allow has a permit or the default's reason, a refusal a blocking one: neither list is empty then.
  tally.verdict = verdict;
  tally.reasons = verdict === 'allow' ? permits : blocking;
  tally.quotas ??= NO_QUOTAS;
  if (env.silent !== true) tally.checks = tally.list ?? lists.list(tally.outcomes);
  if (tally.timeNext === -Infinity) tally.timeNext = undefined;
  return tally as Evaluation;
}

function anyDeny(reasons: readonly Reason[]): boolean {
  for (let i = 0; i < reasons.length; i++) if (reasons[i]!.verdict === 'deny') return true;
  return false;
}

/**
 * `list` with `reasons` appended. With no list yet, a kept result's list (frozen) is the list:
 * a decision refused or allowed for one shared reason gives that list, built once. Two kept
 * lists give their join, kept too (see `join`). Otherwise a new list, exactly their size: a
 * frozen list is copied before anything is appended to it.
 */
function append(list: Reason[] | undefined, reasons: readonly Reason[]): Reason[] {
  if (list === undefined) return Object.isFrozen(reasons) ? (reasons as Reason[]) : copyOf(reasons);
  let open = list;
  if (Object.isFrozen(list)) {
    if (Object.isFrozen(reasons)) return join(list, reasons);
    open = copyOf(list);
  }
  for (let i = 0; i < reasons.length; i++) open.push(reasons[i]!);
  return open;
}

/** How many joins each kept list remembers before it forgets them all and starts again. */
const MAX_JOINS = 64;
// The joins of kept lists, by the first list then the second: kept as long as the first one is.
const joins = new WeakMap<readonly Reason[], Map<readonly Reason[], Reason[]>>();

/**
 * Two kept lists joined, frozen and kept in turn: a send's recipients refused for the same
 * two kept reasons (outside the audience, and no relay) share one list, and whatever keeps
 * their decisions (a plan's report) finds it by identity, never comparing it again.
 */
function join(first: readonly Reason[], second: readonly Reason[]): Reason[] {
  let bySecond = joins.get(first);
  if (bySecond === undefined) joins.set(first, (bySecond = new Map()));
  let joined = bySecond.get(second);
  if (joined === undefined) {
    joined = copyOf(first);
    for (let i = 0; i < second.length; i++) joined.push(second[i]!);
    Object.freeze(joined);
    if (bySecond.size >= MAX_JOINS) bySecond.clear();
    bySecond.set(second, joined);
  }
  return joined;
}

/**
 * A new, open list of the reasons. Element by element: `slice` of a frozen array takes a slow
 * path, and gives an array of frozen elements' kind that the next push must convert.
 */
function copyOf(reasons: readonly Reason[]): Reason[] {
  const copy: Reason[] = [];
  for (let i = 0; i < reasons.length; i++) copy.push(reasons[i]!);
  return copy;
}

const NOT_APPLICABLE_DIGIT = outcomeDigit('not-applicable');
/** The quotas of a decision no quota rule counted: shared, frozen. */
const NO_QUOTAS: QuotaStatus[] = Object.freeze([]) as unknown as QuotaStatus[];
/** A silent evaluation's checks: never read. */
const NO_CHECKS: RuleCheck[] = Object.freeze([]) as unknown as RuleCheck[];

function record(tally: Tally, checks: CheckRecords, result: RuleResult, grants: boolean): void {
  if (tally.list === undefined) tally.outcomes = tally.outcomes * 4 + outcomeDigit(result.outcome);
  else tally.list.push(checks[result.outcome]);
  if (result.quota) {
    if (tally.quotas === undefined) tally.quotas = [result.quota];
    else tally.quotas.push(result.quota);
  }
  const reasons = result.reasons;
  if (reasons === undefined || reasons.length === 0) return;
  if (result.outcome === 'pass' && grants) tally.permits = append(tally.permits, reasons);
  if (result.outcome === 'fail' || result.outcome === 'review') {
    tally.blocking = append(tally.blocking, reasons);
    if (result.time) {
      tally.timeBlocked = true;
      tally.timeNext = result.time.next === undefined || tally.timeNext === undefined ? undefined : Math.max(tally.timeNext, result.time.next);
    }
  }
}

function readNow(value: CanSendContext['now']): number | undefined {
  if (value === undefined) return Date.now();
  // A string without an offset would be read in the machine's time zone: not deterministic.
  const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : typeof value === 'string' ? parseInstant(value) : Number.NaN;
  return Number.isFinite(time) && Math.abs(time) <= MAX_INSTANT ? time : undefined;
}

function invalid(reported: readonly InputIssue[], now: number, locale: Locale): Decision {
  // Issues quote the values they refuse; a contact point in the wrong field must not leak through them.
  const issues = reported.map((issue) => ({ path: issue.path, message: maskContacts(issue.message) }));
  const summary = issues.slice(0, 3).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (issues.length > 3) summary.push(`${issues.length - 3} more`);
  const reason = builtinReason('INVALID_INPUT', 'deny', { issues: issues.map((issue) => ({ path: [...issue.path], message: issue.message })), summary }, locale);
  return { verdict: 'deny', allowed: false, reasons: [reason], checks: [], quotas: [], at: instantOrNow(now), locale };
}

function engineError(error: unknown, now: number, locale: Locale): Decision {
  const detail = maskContacts(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  const reason = builtinReason('ENGINE_ERROR', 'deny', { error: detail }, locale);
  return { verdict: 'deny', allowed: false, reasons: [reason], checks: [], quotas: [], at: instantOrNow(now), locale };
}

/** The instant as ISO text; the current time when there is no valid instant to report (this must never throw). */
function instantOrNow(now: number): string {
  return iso(Number.isFinite(now) && Math.abs(now) <= MAX_INSTANT ? now : Date.now());
}
