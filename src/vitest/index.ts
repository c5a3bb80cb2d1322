/**
 * Vitest matchers for charters: `expect(plan).toComplyWith(charter)` and
 * `expect({ message, recipient, now }).toBeAllowedBy(charter)`, failing with the
 * explanation a campaign volunteer would read. Import this module once, in a setup file
 * or at the top of a test file: it registers the matchers with `expect`.
 *
 * @example
 * ```ts
 * import 'charterguard/vitest';
 * it('complies', () => expect(plan).toComplyWith(charter));
 * ```
 * @module
 */
import { expect } from 'vitest';
import { canSend, checkPlanSync, explain, formatReport, type Charter, type Locale, type Message, type Recipient, type UsageView } from 'charterguard';

/** A single send for {@link CharterMatchers.toBeAllowedBy}. */
export interface SendUnderTest {
  message: Message;
  recipient: Recipient;
  /** The instant of the send; tests should always pass one. */
  now?: Date | string | number;
  usage?: UsageView;
}

/** Options of the matchers. */
export interface MatcherOptions {
  /** Usage before the plan or send (from a ledger). */
  usage?: UsageView;
  /** The language of the failure text. */
  locale?: Locale;
}

/** The matchers charterguard adds to `expect`. */
export interface CharterMatchers<R = unknown> {
  /** Passes when every delivery of the plan would be allowed by the charter. */
  toComplyWith(charter: Charter, options?: MatcherOptions): R;
  /** Passes when the send (`{ message, recipient, now }`) would be allowed by the charter. */
  toBeAllowedBy(charter: Charter, options?: MatcherOptions): R;
}

// Vitest (>= 3.2) merges `Matchers` into `expect()`, `expect.*` and `expect.extend`; augmenting
// `Assertion` instead was lost when this module was imported before `vitest` itself.
declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends CharterMatchers<void> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends CharterMatchers<void> {}
}

/** What a matcher gives back to `expect`. */
export interface MatcherResult {
  /** Whether the assertion holds. */
  pass: boolean;
  /** The failure text: the report or the explanation. */
  message: () => string;
}

/** The matcher implementations, for `expect.extend` in runners other than vitest. */
export const charterMatchers: {
  /** Whether every delivery of `plan` would be allowed by `charter`. */
  toComplyWith(plan: unknown, charter: Charter, options?: MatcherOptions): MatcherResult;
  /** Whether `send` would be allowed by `charter`. */
  toBeAllowedBy(send: SendUnderTest, charter: Charter, options?: MatcherOptions): MatcherResult;
} = {
  toComplyWith(plan, charter, options = {}) {
    const report = checkPlanSync(plan, { charter, ...options });
    return {
      pass: report.ok,
      message: () =>
        report.ok
          ? `expected the plan not to comply with ${charter.id}, but all ${report.summary.deliveries} deliveries would be allowed`
          : `expected the plan to comply with ${charter.id}:\n\n${formatReport(report, { format: 'text', ...(options.locale ? { locale: options.locale } : {}) })}`,
    };
  },
  toBeAllowedBy(send, charter, options = {}) {
    const usage = options.usage ?? send.usage;
    const decision = canSend(send.message, send.recipient, {
      charter,
      ...(send.now === undefined ? {} : { now: send.now }),
      ...(usage === undefined ? {} : { usage }),
      ...(options.locale ? { locale: options.locale } : {}),
    });
    const text = explain(decision, { charter, ...(options.locale ? { locale: options.locale } : {}) });
    return {
      pass: decision.allowed,
      message: () =>
        decision.allowed
          ? `expected the send not to be allowed by ${charter.id}, but it was:\n${text}`
          : `expected the send to be allowed by ${charter.id}, but it was not:\n${text}`,
    };
  },
};

expect.extend(charterMatchers);
