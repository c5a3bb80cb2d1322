import { memoize } from '../util/memoize.js';
import { PHONE_CACHE_LIMIT } from '../contact/phone.js';
import { isCharter, parseCharter, type Charter } from '../charter/define-charter.js';
import type { CharterIssue } from '../charter/issues.js';
import { BUILTIN_CHANNELS, type Locale, type Rule } from '../charter/schema.js';
import { localToInstant, parseLocalDateTime } from '../time/zoned-time.js';
import { boundedInTime, compileScope, ruleResult, scopeEnd, type EvalEnv, type RuleResult, type RuleScope } from './rules/evaluator.js';
import { compileRule } from './rules/index.js';
import type { SendFacts } from './send-facts.js';
import { SharedResults } from './shared-results.js';
import { BUILTIN_RECORDS } from './builtin-checks.js';
import { CheckLists, checkRecords, type CheckRecords } from './check-lists.js';
import type { QuotaQuery, Reason } from './types.js';

/** The contact point a channel needs. */
export type ContactKind = 'mobile' | 'phone' | 'email' | 'none';

/** A rule ready to evaluate: everything parsed once. */
export interface CompiledRule {
  readonly rule: Rule;
  readonly id: string;
  readonly article: string | undefined;
  /** Whether a pass of this rule allows the send (permits). */
  readonly grants: boolean;
  /**
   * True when the rule never refuses for a time reason, never grants and reads nothing but the
   * send (no usage view): the search for `notBefore`, which only reads time, can skip it.
   */
  readonly timeless?: boolean | undefined;
  /** Evaluates the rule for one send. */
  evaluate(facts: SendFacts, env: EvalEnv): RuleResult;
  /** For quotas: the counter this send would read, without deciding anything (what a ledger must fetch first). */
  readonly quotaQuery?: ((facts: SendFacts) => QuotaQuery | undefined) | undefined;
  /** For grants that do not apply: the reason saying what would make them apply, if one thing only. */
  readonly nearMiss?: ((facts: SendFacts, env: EvalEnv) => { reason: Reason; next?: number | undefined } | undefined) | undefined;
}

/** A named interval of time, in epoch milliseconds. */
export interface Interval {
  readonly from: number;
  readonly to: number;
}

/** A charter compiled for evaluation: no parsing or schema work left at decision time. */
export interface CompiledCharter {
  readonly charter: Charter;
  readonly timezone: string;
  readonly locale: Locale;
  readonly defaultCountry: string | undefined;
  readonly unlisted: 'deny' | 'review' | 'allow';
  readonly rules: readonly CompiledRule[];
  /** Each rule's entry in `Decision.checks`, one per outcome, in the order of `rules`. */
  readonly ruleChecks: readonly CheckRecords[];
  /** The built-in checks' entries, then the rules': the `checks` lists decisions share. */
  readonly checkLists: CheckLists;
  /**
   * Per channel, whether each rule (in the order of `rules`) may select a send on it: false
   * for a rule whose `when.channels` leaves the channel out, which is then not applicable
   * without being asked (every kind's evaluation starts by checking its scope, `when`
   * included). Channels no rule names read `otherChannels`.
   */
  readonly rulesFor: ReadonlyMap<string, readonly boolean[]>;
  readonly otherChannels: readonly boolean[];
  /** Whether every phase and `inForce` boundary is a whole minute (see `minuteKey`). */
  readonly minuteAligned: boolean;
  /** Channels some rule's `when.channels` names. */
  readonly mentionedChannels: ReadonlySet<string>;
  /** Every channel the charter knows, with the contact point it needs. */
  readonly channels: ReadonlyMap<string, ContactKind>;
  readonly phases: ReadonlyMap<string, Interval>;
  readonly labels: {
    readonly phases: ReadonlyMap<string, string>;
    readonly audiences: ReadonlyMap<string, string>;
    readonly relays: ReadonlyMap<string, string>;
    readonly sources: ReadonlyMap<string, string>;
  };
  /** The names of the phases that contain `now`. */
  phasesAt(now: number): readonly string[];
  /** Reads a local date-time of the charter as an instant in its time zone. */
  instant(local: string): number;
  /** For each audience of the charter, the list of it alone: what a message aimed at it selects on. */
  readonly audienceLists: ReadonlyMap<string, readonly string[]>;
  /** `{ ok: true, compiled: this }`, as `compileCharter` returns it: one object, not one per decision. */
  readonly found: { readonly ok: true; readonly compiled: CompiledCharter };
  /** What the default policy said about sends no permit applies to, by what it read (unlisted.ts). */
  readonly unlistedAnswers: { version: number; size: number; readonly roots: Map<string, Map<number, unknown>> };
  /** Refusals many sends give alike, kept frozen and shared (shared-results.ts). */
  readonly sharedResults: SharedResults;
  /**
   * Refusals each about one contact point or record (a landline for an SMS, an opt-out at an
   * instant), given again to every send to that person: kept apart, more of them, so they
   * cannot crowd out the few that most sends share.
   */
  readonly contactResults: SharedResults;
}

const BUILTIN_CONTACT: Record<(typeof BUILTIN_CHANNELS)[number], ContactKind> = {
  email: 'email',
  sms: 'mobile',
  call: 'phone',
  post: 'none',
  social: 'none',
};

const PHASES_MEMO_LIMIT = 256;
/** As many contact points as the phone cache keeps (a campaign's recipients, about). */
const CONTACT_RESULTS = PHONE_CACHE_LIMIT;
const compiled = new WeakMap<object, CompiledCharter>();
/** Plain objects validated on the fly, with the JSON they had then: they may change between calls. */
const plain = new WeakMap<object, { readonly json: string; readonly compiled: CompiledCharter }>();

/**
 * The compiled form of a charter, built once and cached on the charter object. A value
 * that did not come from `defineCharter`/`parseCharter` is validated first, and again
 * whenever its contents change.
 */
export function compileCharter(value: Charter): { readonly ok: true; readonly compiled: CompiledCharter } | { readonly ok: false; readonly issues: readonly CharterIssue[] } {
  if (isCharter(value)) return compiledOf(value).found;
  const json = fingerprint(value);
  const hit = json === undefined ? undefined : plain.get(value);
  if (hit !== undefined && hit.json === json) return { ok: true, compiled: hit.compiled };
  const parsed = parseCharter(value);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const result = compiledOf(parsed.charter);
  if (json !== undefined) plain.set(value, { json, compiled: result });
  return { ok: true, compiled: result };
}

/** A validated (frozen) charter compiles once. */
function compiledOf(charter: Charter): CompiledCharter {
  let result = compiled.get(charter);
  if (result === undefined) {
    result = build(charter);
    compiled.set(charter, result);
  }
  return result;
}

/** The contents of a plain object as text, `undefined` values included; undefined when it cannot be cached. */
function fingerprint(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return JSON.stringify(value, (_key, item: unknown) => (item === undefined ? '\u0000undefined' : item));
  } catch {
    return undefined;
  }
}

function build(charter: Charter): CompiledCharter {
  const instant = (local: string): number => {
    const reading = parseLocalDateTime(local);
    if (!reading) throw new Error(`unreadable local date-time '${local}'`);
    return localToInstant(reading, charter.timezone).instant;
  };
  const phases = new Map<string, Interval>();
  for (const [name, phase] of Object.entries(charter.phases)) {
    phases.set(name, {
      from: phase.from === undefined ? -Infinity : instant(phase.from),
      to: phase.to === undefined ? Infinity : instant(phase.to),
    });
  }
  const phaseList = [...phases];
  // Decisions of a campaign share a few instants (and notBefore's candidates): answers are
  // remembered, in a map dropped when full; callers only read them.
  const phasesAt = memoize(
    (now: number): readonly string[] => phaseList.filter(([, range]) => range.from <= now && now < range.to).map(([name]) => name),
    PHASES_MEMO_LIMIT,
  );
  const channels = new Map<string, ContactKind>(Object.entries(BUILTIN_CONTACT));
  for (const [name, declaration] of Object.entries(charter.channels)) channels.set(name, declaration.contact);
  const labelsOf = (record: Readonly<Record<string, { readonly label?: string | undefined }>>) =>
    new Map(Object.entries(record).map(([name, entry]) => [name, entry.label ?? name]));

  const partial = {
    charter,
    timezone: charter.timezone,
    locale: charter.locale,
    defaultCountry: charter.defaultCountry,
    unlisted: charter.defaults.unlisted,
    mentionedChannels: new Set(charter.rules.flatMap((rule) => rule.when?.channels ?? [])),
    channels,
    phases,
    labels: {
      phases: labelsOf(charter.phases),
      audiences: labelsOf(charter.audiences),
      relays: labelsOf(charter.relays),
      sources: labelsOf(charter.sources),
    },
    phasesAt,
    instant,
    audienceLists: new Map(Object.keys(charter.audiences).map((name) => [name, Object.freeze([name])] as const)),
    unlistedAnswers: { version: 0, size: 0, roots: new Map<string, Map<number, unknown>>() },
    sharedResults: new SharedResults(),
    contactResults: new SharedResults(CONTACT_RESULTS),
  };
  // Rules compile against the charter they belong to, so the object exists before its rules.
  const rules: CompiledRule[] = [];
  const ruleChecks: readonly CheckRecords[] = charter.rules.map((rule) => checkRecords(rule.id, rule.article));
  const selectsOn = (channel: string | undefined) => charter.rules.map((rule) => rule.when?.channels === undefined || (channel !== undefined && rule.when.channels.includes(channel)));
  const rulesFor = new Map([...partial.mentionedChannels].map((channel) => [channel, Object.freeze(selectsOn(channel))] as const));
  const boundaries = [...phases.values()].flatMap((range) => [range.from, range.to]);
  for (const rule of charter.rules) {
    if (rule.inForce?.from !== undefined) boundaries.push(instant(rule.inForce.from));
    if (rule.inForce?.to !== undefined) boundaries.push(instant(rule.inForce.to));
  }
  const minuteAligned = boundaries.every((time) => !Number.isFinite(time) || time % 60_000 === 0);
  const result: CompiledCharter = { ...partial, rules, ruleChecks, checkLists: new CheckLists([...BUILTIN_RECORDS, ...ruleChecks]), rulesFor, otherChannels: Object.freeze(selectsOn(undefined)), minuteAligned, found: undefined as never };
  (result as { found: CompiledCharter['found'] }).found = Object.freeze({ ok: true, compiled: result });
  for (const rule of charter.rules) rules.push(uniform(boundTimeHints(compileRule(rule as Rule, result), compileScope(rule as Rule, result), result)));
  return result;
}

/**
 * The compiled rule with every field present, in one order, whatever its kind: the
 * evaluation loop reads its fields from objects of a single shape (one cached look-up,
 * not one per kind).
 */
function uniform(compiled: CompiledRule): CompiledRule {
  return {
    rule: compiled.rule,
    id: compiled.id,
    article: compiled.article,
    grants: compiled.grants,
    timeless: compiled.timeless === true,
    evaluate: compiled.evaluate,
    quotaQuery: compiled.quotaQuery,
    nearMiss: compiled.nearMiss,
  };
}

/**
 * A rule refusing a send for a time reason (quiet hours…) passes at its own hint or when its
 * scope ends (inForce, phases), whichever comes first: every kind gets that bound here.
 */
function boundTimeHints(compiled: CompiledRule, scope: RuleScope, charter: CompiledCharter): CompiledRule {
  if (!boundedInTime(scope)) return compiled;
  return {
    ...compiled,
    evaluate(facts, env) {
      const result = compiled.evaluate(facts, env);
      if (result.time === undefined) return result;
      const end = scopeEnd(scope, facts, charter);
      return end < (result.time.next ?? Infinity) ? ruleResult(result.outcome, result.reasons, result.quota, { next: end }) : result;
    },
  };
}
