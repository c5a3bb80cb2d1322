/**
 * Why an email address was refused: `empty`, `missing_at`, `multiple_at` (quoted local
 * parts are not supported), `invalid_local_part`, `invalid_domain` (no dot, a bad label,
 * a numeric top-level domain, an IP literal), or `too_long` (local part over 64 octets or
 * address over 254).
 */
export type EmailProblem =
  | 'empty'
  | 'missing_at'
  | 'multiple_at'
  | 'invalid_local_part'
  | 'invalid_domain'
  | 'too_long';

/** An email address of a plausible shape, normalised. */
export interface ValidEmail {
  readonly ok: true;
  /**
   * The address to deliver to: trimmed, local part kept as written (RFC 5321 lets a server
   * treat `Jean` and `jean` as different mailboxes), domain lower-cased and in ASCII
   * (`exemple.français` becomes `exemple.xn--franais-xxa`).
   */
  readonly address: string;
  /**
   * The whole address lower-cased: the key for suppression lists and duplicate checks, so
   * an opt-out given as `Jean@…` also covers `jean@…` (erring towards honouring it).
   */
  readonly key: string;
}

/** An email address that was refused, with the reason. */
export interface InvalidEmail {
  readonly ok: false;
  readonly reason: EmailProblem;
}

/** The outcome of {@link normalizeEmail}. */
export type EmailInfo = ValidEmail | InvalidEmail;

/**
 * Checks the shape of an email address and normalises it. This is a shape check, not
 * RFC 5322 in full: it accepts dot-atoms (with Unicode letters, per RFC 6531) at a domain
 * name with at least two labels, and refuses quoted local parts, comments, IP literals,
 * whitespace and display names (`Jean <jean@example.fr>`), which a mailing list should
 * not contain. It never tells whether the mailbox exists.
 *
 * @param raw - The address as the CRM holds it; surrounding whitespace is ignored.
 * @returns `{ ok: true, address, key }` or `{ ok: false, reason }`.
 * @example
 * ```ts
 * normalizeEmail(' Jean.Dupont@Example.FR ');
 * // { ok: true, address: 'Jean.Dupont@example.fr', key: 'jean.dupont@example.fr' }
 * normalizeEmail('jean@localhost'); // { ok: false, reason: 'invalid_domain' }
 * ```
 */
export function normalizeEmail(raw: string): EmailInfo {
  // Most addresses are plain ASCII with no surrounding space: then NFC, the Unicode patterns
  // and the IDN conversion change nothing, and one pattern decides (same results, tested).
  if (isPlainAddress(raw)) {
    const at = raw.indexOf('@');
    const address = `${raw.slice(0, at)}@${raw.slice(at + 1).toLowerCase()}`;
    return { ok: true, address, key: address.toLowerCase() };
  }
  return normalizeEmailInFull(raw);
}

/**
 * Whether `raw` is a plain ASCII address of a valid shape, without surrounding space: one
 * pattern decides, nothing is allocated. `true` means {@link normalizeEmail} accepts it; a
 * `false` says nothing (Unicode and padded addresses take the full path).
 *
 * @internal
 * @param raw - The address as the CRM holds it.
 * @returns whether the fast path accepts it.
 */
export function isPlainAddress(raw: string): boolean {
  return typeof raw === 'string' && raw.length <= MAX_ADDRESS_OCTETS && PLAIN_ADDRESS.test(raw) && raw.indexOf('@') <= MAX_LOCAL_OCTETS;
}

/**
 * {@link normalizeEmail} without its fast path for plain ASCII addresses: the reference the
 * fast path is tested against.
 *
 * @internal
 * @param raw - The address as the CRM holds it.
 * @returns the same as {@link normalizeEmail}.
 */
export function normalizeEmailInFull(raw: string): EmailInfo {
  if (typeof raw !== 'string') return problem('empty');
  const text = raw.trim();
  if (text === '') return problem('empty');
  // Bounds the work on absurd inputs: 254 octets are at most 254 characters.
  if (text.length > MAX_ADDRESS_OCTETS) return problem('too_long');
  const at = text.indexOf('@');
  if (at === -1) return problem('missing_at');
  if (text.indexOf('@', at + 1) !== -1) return problem('multiple_at');

  const local = text.slice(0, at).normalize('NFC');
  if (!LOCAL_PART.test(local)) return problem('invalid_local_part');
  const localOctets = utf8Length(local);
  if (localOctets > MAX_LOCAL_OCTETS) return problem('too_long');

  const domain = asciiDomain(text.slice(at + 1));
  if (domain === undefined) return problem('invalid_domain');
  if (localOctets + 1 + domain.length > MAX_ADDRESS_OCTETS) return problem('too_long');

  const address = `${local}@${domain}`;
  return { ok: true, address, key: address.toLowerCase() };
}

const MAX_LOCAL_OCTETS = 64;
const MAX_ADDRESS_OCTETS = 254;
const MAX_DOMAIN_OCTETS = 253;

// RFC 5322 atext, widened to Unicode letters, marks and digits (RFC 6531); dots only
// between atoms.
const LOCAL_PART =
  /^[\p{L}\p{M}\p{Nd}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{M}\p{Nd}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// ASCII atext dot-atoms @ LABEL-shaped labels, the last alphabetic (an A-label TLD takes the full path).
const PLAIN_ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// A top-level domain is alphabetic or an IDN A-label; a numeric one means an IP address.
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const ASCII = /^[\x21-\x7e]*$/;
const UNICODE_HOST = /^[\p{L}\p{M}\p{Nd}.-]+$/u;

function problem(reason: EmailProblem): InvalidEmail {
  return { ok: false, reason };
}

/** The domain lower-cased, IDN labels as A-labels, or `undefined` if it is not a host name. */
function asciiDomain(domain: string): string | undefined {
  let ascii: string;
  if (ASCII.test(domain)) {
    ascii = domain.toLowerCase();
  } else {
    // Only letters, digits, dots and hyphens reach the URL parser, so it cannot read a
    // path, port or credentials out of the domain.
    if (!UNICODE_HOST.test(domain)) return undefined;
    try {
      ascii = new URL(`http://${domain}`).hostname;
    } catch {
      return undefined;
    }
  }
  if (ascii.length > MAX_DOMAIN_OCTETS) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 2) return undefined;
  for (const label of labels) if (!LABEL.test(label)) return undefined;
  return TOP_LEVEL.test(labels[labels.length - 1]!) ? ascii : undefined;
}

function utf8Length(text: string): number {
  let octets = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) octets += 1;
    else if (unit < 0x800) octets += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      octets += 4;
      i++;
    } else octets += 3;
  }
  return octets;
}
