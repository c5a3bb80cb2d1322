import { messagesVersion } from './reasons.js';
import type { EvalEnv, RuleResult } from './rules/evaluator.js';
import { sharedResult } from './rules/evaluator.js';

/** How many kept results a charter holds by default before it drops them all and starts again. */
const MAX_SHARED_RESULTS = 4096;

/**
 * What a kept result is filed under: a kind, then two values it depends on. A built-in check's
 * kind is its reason code, a rule's kind is the rule itself (an object: no rule id, whatever
 * it is, can be mistaken for a code).
 */
export type SharedKind = string | object;

/** A value a kept result depends on. */
export type SharedKey = string | number | undefined;

type Level<T> = Map<SharedKey, T>;

/**
 * Refusals that many sends give alike (no contact point for the channel, not in the message's
 * audience, a forbidden source, consent missing): kept per charter, by language and by what
 * the reason says, frozen and given to every send that earns it. A campaign's refusals would
 * otherwise render the same sentence, build the same facts and be compared again by whatever
 * keeps them (a plan's report), once per delivery.
 *
 * The keys name every fact the reason carries, so equal keys mean equal reasons. They are
 * the send's own strings, looked up level by level: no key text is built per send. The whole
 * set is dropped when full and when `setDefaultMessages` changes a sentence. Silent
 * evaluations (the search for `notBefore`) render nothing and keep nothing.
 */
export class SharedResults {
  /** @param limit - how many results to keep before dropping them all. */
  constructor(private readonly limit = MAX_SHARED_RESULTS) {}

  #version = -1;
  readonly #byLocale = new Map<string, Map<SharedKind, Level<Level<RuleResult>>>>();
  #size = 0;

  /** The result kept for the evaluation's language under `kind`, `a`, `b`, if any. */
  get(env: EvalEnv, kind: SharedKind, a: SharedKey, b: SharedKey): RuleResult | undefined {
    if (env.silent || this.#version !== messagesVersion()) return undefined;
    return this.#byLocale.get(env.locale)?.get(kind)?.get(a)?.get(b);
  }

  /** Keeps `result` (frozen) for the evaluation's language under `kind`, `a`, `b`; returns it. */
  keep(env: EvalEnv, kind: SharedKind, a: SharedKey, b: SharedKey, result: RuleResult): RuleResult {
    if (env.silent) return result;
    const version = messagesVersion();
    if (this.#version !== version || this.#size >= this.limit) {
      this.#byLocale.clear();
      this.#version = version;
      this.#size = 0;
    }
    const kinds = child(this.#byLocale, env.locale, () => new Map<SharedKind, Level<Level<RuleResult>>>());
    const byA = child(kinds, kind, () => new Map<SharedKey, Level<RuleResult>>());
    child(byA, a, () => new Map<SharedKey, RuleResult>()).set(b, sharedResult(result));
    this.#size++;
    return result;
  }
}

function child<K, T>(level: Map<K, T>, key: K, make: () => T): T {
  let next = level.get(key);
  if (next === undefined) level.set(key, (next = make()));
  return next;
}
