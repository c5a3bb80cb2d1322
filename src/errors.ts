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
