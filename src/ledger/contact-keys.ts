import { memoize } from '../util/memoize.js';
import type { CompiledCharter } from '../decision/compile.js';
import type { Recipient } from '../decision/inputs.js';
import { normalizeEmail } from '../contact/email.js';
import { normalizePhone } from '../contact/phone.js';
import { createHmac, type KeyedHasher } from './hmac.js';

const MEMO_LIMIT = 50_000;

/** Keyed hashes of contacts, as the ledger stores them: never a phone number or email in clear. */
export class ContactKeys {
  /** The keyed hash of a normalised contact such as `tel:+33612345678` (memoised). */
  readonly hash: (contact: string) => string;

  constructor(secret: string | Uint8Array) {
    const hasher: KeyedHasher = createHmac(secret);
    this.hash = memoize((contact: string) => hasher.hash(contact), MEMO_LIMIT);
  }

  /** The normalised phone of a recipient, hashed; undefined when absent or invalid. */
  phone(raw: string | undefined, country: string | undefined): string | undefined {
    if (raw === undefined) return undefined;
    const phone = normalizePhone(raw, country);
    return phone.ok ? this.hash(`tel:${phone.e164}`) : undefined;
  }

  /** The normalised email of a recipient, hashed; undefined when absent or invalid. */
  email(raw: string | undefined): string | undefined {
    if (raw === undefined) return undefined;
    const email = normalizeEmail(raw);
    return email.ok ? this.hash(`mailto:${email.key}`) : undefined;
  }

  /**
   * Who a delivery goes to, for idempotency: the contact the channel uses when valid, else
   * the CRM id (the decision refuses such sends anyway).
   */
  recipient(recipient: Recipient, channel: string, charter: CompiledCharter): string {
    const kind = charter.channels.get(channel);
    const country = recipient.country ?? charter.defaultCountry;
    const contact =
      kind === 'mobile' || kind === 'phone' ? this.phone(recipient.phone, country)
      : kind === 'email' ? this.email(recipient.email)
      : undefined;
    return contact ?? this.hash(`id:${recipient.id}`);
  }

  /** Every valid contact of a recipient, hashed: what the suppression list is checked against. */
  contacts(recipient: Recipient, charter: CompiledCharter): string[] {
    const country = recipient.country ?? charter.defaultCountry;
    return [this.phone(recipient.phone, country), this.email(recipient.email)].filter((hash): hash is string => hash !== undefined);
  }

  /** A quota key with its recipient part (a CRM id) replaced by a keyed hash. */
  quotaKey(key: string): string {
    if (!key.includes('recipient=')) return key;
    return key
      .split('|')
      .map((part) => (part.startsWith('recipient=') ? `recipient=#${this.hash(`id:${decodeURIComponent(part.slice(10))}`)}` : part))
      .join('|');
  }
}

/** A random secret for a ledger that keeps nothing beyond the process. */
export function randomSecret(): Uint8Array {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}
