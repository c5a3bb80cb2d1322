/**
 * The base class of every error charterguard throws, so callers can tell them apart
 * from their own with one `instanceof` check.
 *
 * @example
 * ```ts
 * try { defineCharter(input) } catch (error) {
 *   if (error instanceof CharterguardError) console.error(error.message);
 * }
 * ```
 */
export class CharterguardError extends Error {
  override name = 'CharterguardError';

  /**
   * @param message - what went wrong and where.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Thrown by {@link assertCanSend} when a send is not allowed. It carries the whole
 * decision, so the caller can show every reason.
 */
export class SendDeniedError extends CharterguardError {
  override name = 'SendDeniedError';
  /** The decision that refused the send (`deny`) or sent it to review. */
  readonly decision: import('./decision/types.js').Decision;

  /** @param decision - the decision whose verdict is not `allow`. */
  constructor(decision: import('./decision/types.js').Decision) {
    const first = decision.reasons[0];
    super(`Send ${decision.verdict === 'review' ? 'needs review' : 'denied'}: ${first.code}${first.article ? ` (${first.article})` : ''} — ${first.message}`);
    this.decision = decision;
  }
}

/**
 * Thrown (as a rejection) by the ledger when its store cannot be reached or fails. The
 * send must not go; retrying later is safe: nothing is counted twice.
 */
export class LedgerUnavailableError extends CharterguardError {
  override name = 'LedgerUnavailableError';
}

/**
 * Thrown by `reservation.commit()` when the reservation expired (or was released) before
 * the commit: its units went back to the quota, so the send must be authorized again.
 */
export class ReservationExpiredError extends CharterguardError {
  override name = 'ReservationExpiredError';
}
