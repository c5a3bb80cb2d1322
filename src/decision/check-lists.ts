import type { RuleCheck } from './types.js';

/** A rule's entries in `Decision.checks`, one per outcome, frozen and shared by every decision. */
export type CheckRecords = Readonly<Record<RuleCheck['outcome'], RuleCheck>>;

/** The check entries of a rule or built-in check, built once instead of once per decision. */
export function checkRecords(ruleId: string, article: string | undefined): CheckRecords {
  const entry = (outcome: RuleCheck['outcome']): RuleCheck => Object.freeze(article === undefined ? { ruleId, outcome } : { ruleId, article, outcome });
  return Object.freeze({ pass: entry('pass'), fail: entry('fail'), review: entry('review'), 'not-applicable': entry('not-applicable') });
}

/** An outcome as one base-4 digit of an evaluation's outcomes. */
export function outcomeDigit(outcome: RuleCheck['outcome']): number {
  return outcome === 'pass' ? 0 : outcome === 'fail' ? 1 : outcome === 'review' ? 2 : 3;
}

const OUTCOMES: readonly RuleCheck['outcome'][] = ['pass', 'fail', 'review', 'not-applicable'];

/** Doubles count exactly up to 2^53: 26 base-4 digits. */
const MAX_DIGITS = 26;
/** How many distinct lists a charter keeps before dropping them all (a charter gives few). */
const MAX_LISTS = 4096;

/**
 * The `checks` lists of a charter's decisions, shared. A decision lists every check's outcome
 * in a fixed order, and a campaign's decisions come out alike again and again (the same
 * rules pass, the same ones do not apply): an evaluation writes its outcomes as the digits
 * of one number, and that number finds the list, built once and frozen, instead of thirteen
 * entries pushed into a new array per decision. Charters with more than 26 checks (the
 * digits a double holds exactly) build their lists as they go (`exact` is false).
 */
export class CheckLists {
  /** Whether outcomes fit one number; when not, evaluations list their checks themselves. */
  readonly exact: boolean;
  readonly #records: readonly CheckRecords[];
  readonly #lists = new Map<number, readonly RuleCheck[]>();

  /** @param records - every check's entries, in the order decisions list them. */
  constructor(records: readonly CheckRecords[]) {
    this.#records = records;
    this.exact = records.length <= MAX_DIGITS;
  }

  /** The list for these outcomes (the digits of `outcomes`, first check first). */
  list(outcomes: number): RuleCheck[] {
    const known = this.#lists.get(outcomes);
    if (known !== undefined) return known as RuleCheck[];
    const records = this.#records;
    const list = new Array<RuleCheck>(records.length);
    let rest = outcomes;
    for (let i = records.length - 1; i >= 0; i--) {
      const digit = rest % 4;
      list[i] = records[i]![OUTCOMES[digit]!];
      rest = (rest - digit) / 4;
    }
    if (this.#lists.size >= MAX_LISTS) this.#lists.clear();
    this.#lists.set(outcomes, Object.freeze(list));
    return list;
  }
}
