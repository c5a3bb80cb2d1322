import type { Charter } from '../charter/define-charter.js';
import { formatPath, type NonEmptyArray } from '../charter/issues.js';
import type { Locale } from '../charter/schema.js';
import { canSend, decideChecked, evalEnv } from '../decision/can-send.js';
import { compileCharter, type CompiledCharter } from '../decision/compile.js';
import type { Message, Recipient } from '../decision/inputs.js';
import type { RecipientMemo } from '../decision/send-facts.js';
import { builtinReason } from '../decision/reasons.js';
import type { RecipientView } from '../decision/recipient-view.js';
import { checkInput, recipientIssues, type InputIssue } from '../decision/validate-input.js';
import type { Decision, QuotaQuery, Reason, RuleCheck, UsageView } from '../decision/types.js';
import { CharterguardError } from '../errors.js';
import type { PlanReport, PlanViolation, RuleCoverage } from './report.js';
import { ReasonPool } from './reason-pool.js';
import { PlanUsage } from './replay.js';
import { validatePlan, type PlanIssue, type ResolvedSend } from './validate-plan.js';

/** Options of {@link checkPlan}. */
export interface CheckPlanOptions {
  /** The charter the plan must comply with. */
  charter: Charter;
  /**
   * Usage before the plan starts (e.g. `await ledger.usage()`): its units are added to the
   * plan's, a mailing it already counted is not counted again, and the report's quotas show
   * both. It names counts, not recipients: a delivery the ledger already made and the plan
   * makes again is counted, not refused as `DUPLICATE_DELIVERY`.
   */
  usage?: UsageView;
  /** The language of the reasons; defaults to the charter's. */
  locale?: Locale;
  /** Called every 10,000 deliveries and at the end, for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

/** Thrown by {@link checkPlan} when the plan itself is malformed; every issue has a path. */
export class PlanError extends CharterguardError {
  override name = 'PlanError';
  /** Every problem found in the plan. */
  readonly issues: NonEmptyArray<PlanIssue>;

  /** @param issues - the problems, listed one per line in the message. */
  constructor(issues: NonEmptyArray<PlanIssue>) {
    super(`Invalid plan (${issues.length} ${issues.length === 1 ? 'issue' : 'issues'}):\n${issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`).join('\n')}`);
    this.issues = issues;
  }
}

const PROGRESS_EVERY = 10_000;
/** How many distinct reason lists a replay counts by use; past it, lists are counted as they come. */
const MAX_COUNTED_LISTS = 200_000;

/**
 * Checks a whole campaign plan against a charter before launch: replays its sends in time
 * order, as if every allowed delivery went out, and reports every delivery that would be
 * refused or sent to review, with its reasons, the quota usage at the end, and which rules
 * and articles the plan exercised.
 *
 * @param plan - `{ recipients, sends: [{ at, message, to: ids | { audience } }] }`.
 * @param options - the charter, prior usage, language, progress callback.
 * @returns the report; `report.ok` when every delivery would be allowed.
 * @throws {@link PlanError} when the plan is malformed (unknown recipient ids or audiences, unreadable times…).
 * @example
 * ```ts
 * const report = await checkPlan(plan, { charter });
 * if (!report.ok) console.log(formatReport(report, { format: 'text' }));
 * ```
 */
export async function checkPlan(plan: unknown, options: CheckPlanOptions): Promise<PlanReport> {
  return checkPlanSync(plan, options);
}

/**
 * {@link checkPlan} without the promise, for test matchers and scripts that cannot await.
 *
 * @param plan - the plan.
 * @param options - as for {@link checkPlan}.
 * @returns the report.
 * @throws {@link PlanError} when the plan is malformed.
 */
export function checkPlanSync(plan: unknown, options: CheckPlanOptions): PlanReport {
  const compiled = compileCharter(options.charter);
  if (!compiled.ok) throw new CharterguardError(`the charter is not valid: ${compiled.issues[0]?.message ?? ''}`);
  const resolved = validatePlan(plan, compiled.compiled);
  if (!resolved.ok) throw new PlanError(resolved.issues);
  return { ...replay(resolved.sends, resolved.recipients, resolved.views, compiled.compiled, options), warnings: resolved.warnings };
}

function replay(sends: readonly ResolvedSend[], recipients: readonly Recipient[], views: readonly RecipientView[] | undefined, charter: CompiledCharter, options: CheckPlanOptions): Omit<PlanReport, 'warnings'> {
  const recipientCount = recipients.length;
  const locale = options.locale ?? charter.locale;
  // A locale canSend would refuse is left to canSend, so every delivery says so as it would.
  const checked = locale === 'fr' || locale === 'en';
  const usage = new PlanUsage(options.usage);
  // Which recipients (by position in the plan) each mailing (by id) already reached.
  const delivered = new Map<string, Uint8Array>();
  // The plan's recipients (the caller's objects, as the shape check read them, or read while
  // the replay runs when that check left them to zod): each is checked once, not once per
  // send, and its contact points and records are read once, however many numbers the plan holds.
  const recipientStates: ({ readonly issues: readonly InputIssue[]; readonly memo: RecipientMemo } | undefined)[] = new Array(recipientCount);
  const violations: PlanViolation[] = [];
  const reasons = new ReasonPool();
  let allowed = 0;
  let reviewed = 0;
  // Violations share their reason lists (pooled): each list is counted once per use, at the end.
  const reasonUses = new Map<readonly Reason[], { n: number }>();
  let overflowed = false;
  const codes: Record<string, number> = {};
  const articles: Record<string, number> = {};
  // Refused or reviewed deliveries whose reasons cite each rule (a permit missed by its phase is cited without applying).
  const cited = new Map<string, number>();
  const coverage = new Map(charter.rules.map((rule) => [rule.id, { pass: 0, fail: 0, review: 0 }]));
  const ruleIds = charter.rules.map((rule) => rule.id);
  const ruleCounts = ruleIds.map((id) => coverage.get(id)!);
  const checkUses = new Map<readonly RuleCheck[], { n: number }>();
  const total = sends.reduce((sum, send) => sum + send.targets.length, 0);
  let done = 0;
  let end = -Infinity;
  for (const send of sends) {
    end = Math.max(end, send.at);
    const at = new Date(send.at).toISOString();
    let reached = delivered.get(send.message.id);
    if (reached === undefined) delivered.set(send.message.id, (reached = new Uint8Array(recipientCount)));
    // The quota counters one delivery reads at the send's time (the first `reads` of `read`):
    // added to usage if it is allowed.
    const read: QuotaQuery[] = [];
    let reads = 0;
    const view: UsageView = {
      quota(query) {
        const sending = query.now === send.at;
        if (sending) read[reads++] = query;
        return usage.quota(query, sending);
      },
    };
    // One environment for the send's decisions (its usage view records what they read).
    const env = evalEnv(charter, locale, view);
    for (const target of send.targets) {
      const recipient = recipients[target]!;
      reads = 0;
      let decision: Decision;
      if (checked) {
        const state = (recipientStates[target] ??= recipientState(send.message, recipient, views?.[target], charter));
        decision = decideChecked(charter, send.message, recipient, send.at, env, state.issues, state.memo);
      } else {
        decision = canSend(send.message, recipient, { charter: charter.charter, now: send.at, usage: view, locale });
      }
      if (reached[target] === 1) decision = duplicate(decision, locale);
      // Decisions share their checks lists (frozen): each list is counted once per use, at the end.
      const checks = decision.checks;
      const checksUses = checkUses.get(checks);
      if (checksUses !== undefined) checksUses.n++;
      else if (Object.isFrozen(checks)) checkUses.set(checks, { n: 1 });
      else count(checks, ruleIds, ruleCounts, coverage, 1);
      if (decision.verdict === 'allow') {
        allowed++;
        reached[target] = 1;
        for (let q = 0; q < reads; q++) usage.add(read[q]!);
      } else {
        if (decision.verdict === 'review') reviewed++;
        const entry = violation(send, at, recipient, decision, reasons);
        violations.push(entry);
        const listUses = reasonUses.get(entry.reasons);
        if (listUses !== undefined) listUses.n++;
        else if (reasonUses.size < MAX_COUNTED_LISTS) reasonUses.set(entry.reasons, { n: 1 });
        else {
          // Past the bound, lists are counted as they come: the codes and articles of those
          // counted at the end are named first, so the report lists them in the order they came.
          if (!overflowed) for (const list of reasonUses.keys()) countReasons(list, 0, codes, articles, cited);
          overflowed = true;
          countReasons(entry.reasons, 1, codes, articles, cited);
        }
      }
      if (++done % PROGRESS_EVERY === 0) options.onProgress?.(done, total);
    }
  }
  options.onProgress?.(done, total);
  for (const [checks, uses] of checkUses) count(checks, ruleIds, ruleCounts, coverage, uses.n);
  for (const [list, uses] of reasonUses) countReasons(list, uses.n, codes, articles, cited);
  const verdicts = { allow: allowed, deny: done - allowed - reviewed, review: reviewed };
  return {
    ok: violations.length === 0,
    charter: { id: charter.charter.id, title: charter.charter.title, timezone: charter.timezone },
    locale,
    violations,
    summary: { sends: sends.length, deliveries: done, verdicts, codes, articles },
    quotas: quotasAt(usage, charter, end),
    coverage: coverageOf(charter, coverage, cited),
  };
}

/**
 * What the replay keeps about a recipient: what its input check finds (the plan's messages
 * passed the same check: what it finds is about the recipient), and the memo its decisions
 * share. A recipient the plan's shape check read is not read again: its references are checked.
 */
function recipientState(message: Message, recipient: Recipient, view: RecipientView | undefined, charter: CompiledCharter): { readonly issues: readonly InputIssue[]; readonly memo: RecipientMemo } {
  const issues = view === undefined ? checkInput(message, recipient, charter) : recipientIssues(view, charter);
  // One shape whatever is known (the facts fill an absent field with `??=`).
  return { issues, memo: { phone: undefined, email: undefined, view, facts: undefined, lasting: true } };
}

function violation(send: ResolvedSend, at: string, recipient: Recipient, decision: Decision, reasons: ReasonPool): PlanViolation {
  const entry: PlanViolation = {
    send: send.index,
    at,
    messageId: send.message.id,
    recipientId: recipient.id,
    verdict: decision.verdict as PlanViolation['verdict'],
    reasons: reasons.share(decision.reasons),
  };
  if (decision.notBefore !== undefined) entry.notBefore = decision.notBefore;
  return entry;
}

/** A delivery the plan already made: refused, as the ledger would. */
function duplicate(decision: Decision, locale: Locale): Decision {
  const reason = builtinReason('DUPLICATE_DELIVERY', 'deny', {}, locale);
  const kept = decision.verdict === 'allow' ? [] : decision.reasons;
  return { ...decision, verdict: 'deny', allowed: false, reasons: [...kept, reason] as Decision['reasons'] };
}

function quotasAt(usage: PlanUsage, charter: CompiledCharter, end: number) {
  const limits = new Map(charter.rules.map((rule) => [rule.id, rule]));
  return [...usage.entries(end)].map(({ ruleId, key, used }) => {
    const rule = limits.get(ruleId)?.rule;
    const limit = rule?.kind === 'quota' ? rule.limit : Number.NaN;
    return rule?.article === undefined ? { ruleId, key, used, limit } : { ruleId, article: rule.article, key, used, limit };
  });
}

type Counts = { pass: number; fail: number; review: number };

/**
 * Adds a list's codes and articles to the counts, `uses` times: a delivery counts once per
 * code and once per article, however many of its reasons give the same one.
 */
function countReasons(list: readonly Reason[], uses: number, codes: Record<string, number>, articles: Record<string, number>, cited: Map<string, number>): void {
  // Indexed: the list may be frozen, and for…of over a frozen array allocates as it goes.
  for (let r = 0; r < list.length; r++) {
    const reason = list[r]!;
    let newCode = true;
    let newArticle = reason.article !== undefined;
    let newRule = reason.ruleId !== undefined;
    for (let k = 0; k < r && (newCode || newArticle || newRule); k++) {
      if (list[k]!.code === reason.code) newCode = false;
      if (list[k]!.article === reason.article) newArticle = false;
      if (list[k]!.ruleId === reason.ruleId) newRule = false;
    }
    if (newCode) codes[reason.code] = (codes[reason.code] ?? 0) + uses;
    if (newArticle) articles[reason.article!] = (articles[reason.article!] ?? 0) + uses;
    if (newRule) cited.set(reason.ruleId!, (cited.get(reason.ruleId!) ?? 0) + uses);
  }
}

/**
 * Adds a decision's rule outcomes to the coverage counts, `uses` times (the decisions that
 * share the list). A decision lists the built-in checks, then the charter's rules in order:
 * read by position when the ids confirm it, by id otherwise (an input refused before any
 * rule ran lists none).
 */
function count(checks: readonly RuleCheck[], ruleIds: readonly string[], ruleCounts: readonly Counts[], coverage: ReadonlyMap<string, Counts>, uses: number): void {
  const offset = checks.length - ruleIds.length;
  let inOrder = offset >= 0;
  for (let i = 0; inOrder && i < ruleIds.length; i++) inOrder = checks[offset + i]!.ruleId === ruleIds[i];
  if (inOrder) {
    for (let i = 0; i < ruleIds.length; i++) {
      const outcome = checks[offset + i]!.outcome;
      if (outcome !== 'not-applicable') ruleCounts[i]![outcome] += uses;
    }
    return;
  }
  for (const check of checks) {
    const counts = coverage.get(check.ruleId);
    if (counts && check.outcome !== 'not-applicable') counts[check.outcome] += uses;
  }
}

function coverageOf(charter: CompiledCharter, counts: Map<string, { pass: number; fail: number; review: number }>, cited: ReadonlyMap<string, number>) {
  const exercised: RuleCoverage[] = [];
  const unreached: PlanReport['coverage']['unreached'] = [];
  for (const { rule } of charter.rules) {
    const count = counts.get(rule.id)!;
    const citedBy = cited.get(rule.id) ?? 0;
    const label = { ruleId: rule.id, ...(rule.article === undefined ? {} : { article: rule.article }), ...(rule.title === undefined ? {} : { title: rule.title }) };
    if (count.pass + count.fail + count.review + citedBy > 0) exercised.push({ ...label, ...count, cited: citedBy });
    else unreached.push(label);
  }
  return { exercised, unreached };
}

