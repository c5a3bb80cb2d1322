import type { CompiledCharter } from '../decision/compile.js';
import type { Recipient } from '../decision/inputs.js';
import { normalizeEmail, type EmailInfo } from '../contact/email.js';
import { normalizePhone, type PhoneInfo } from '../contact/phone.js';
import { createHmac, type KeyedHasher } from './hmac.js';

const MEMO_LIMIT = 50_000;
/** A memo entry for a contact that is not valid: no hash. */
const NONE = '';

/**
 * Keyed hashes of contacts, as the ledger stores them: never a phone number or email in clear.
 * Each raw contact is normalised and hashed once; the results are memoised by the raw text
 * as the CRM holds it (per default country for phones), so a recipient seen again costs map
 * lookups on strings whose hash V8 already caches.
 */
export class ContactKeys {
  private readonly hasher: KeyedHasher;
  /** Default country → raw phone → hash (`NONE` when the number is not valid). */
  private readonly phones = new Map<string, Map<string, string>>();
  private phoneCount = 0;
  /** Raw email → hash (`NONE` when the address is not valid). */
  private readonly emails = new Map<string, string>();
  /** CRM id → hash. */
  private readonly ids = new Map<string, string>();
  /**
   * The phone and email the last {@link recipientKeys} call normalised (undefined when it
   * found them memoised): the decision about the same send can reuse them.
   */
  freshPhone: PhoneInfo | undefined = undefined;
  freshEmail: EmailInfo | undefined = undefined;

  constructor(secret: string | Uint8Array) {
    this.hasher = createHmac(secret);
  }

  /**
   * The normalised phone of a recipient, hashed; undefined when absent or invalid. Parsed
   * through the cache decisions read too: a ledger may live for one request, the process's
   * cache for many, and the numbers a suppression list checks are those of the campaign's
   * recipients, whom its decisions read as well.
   */
  phone(raw: string | undefined, country: string | undefined): string | undefined {
    if (raw === undefined) return undefined;
    const bucketKey = country ?? '';
    let bucket = this.phones.get(bucketKey);
    let hash = bucket?.get(raw);
    if (hash === undefined) {
      const phone = normalizePhone(raw, country);
      this.freshPhone = phone;
      hash = phone.ok ? this.hasher.hash(`tel:${phone.e164}`) : NONE;
      if (this.phoneCount >= MEMO_LIMIT) {
        this.phones.clear();
        this.phoneCount = 0;
        bucket = undefined;
      }
      if (bucket === undefined) {
        bucket = new Map();
        this.phones.set(bucketKey, bucket);
      }
      bucket.set(raw, hash);
      this.phoneCount++;
    }
    return hash === NONE ? undefined : hash;
  }

  /** The normalised email of a recipient, hashed; undefined when absent or invalid. */
  email(raw: string | undefined): string | undefined {
    if (raw === undefined) return undefined;
    let hash = this.emails.get(raw);
    if (hash === undefined) {
      const email = normalizeEmail(raw);
      this.freshEmail = email;
      hash = email.ok ? this.hasher.hash(`mailto:${email.key}`) : NONE;
      if (this.emails.size >= MEMO_LIMIT) this.emails.clear();
      this.emails.set(raw, hash);
    }
    return hash === NONE ? undefined : hash;
  }

  /** The hash of a CRM id, for recipients without a usable contact and for per-recipient quota keys. */
  id(id: string): string {
    let hash = this.ids.get(id);
    if (hash === undefined) {
      hash = this.hasher.hash(`id:${id}`);
      if (this.ids.size >= MEMO_LIMIT) this.ids.clear();
      this.ids.set(id, hash);
    }
    return hash;
  }

  /**
   * Who a delivery goes to, for idempotency (the contact the channel uses when valid, else
   * the CRM id: the decision refuses such sends anyway); every valid contact of the
   * recipient, for the suppression list, is appended to `contacts`. Each contact is hashed
   * once for both. What it normalised is left in {@link freshPhone} and {@link freshEmail}.
   */
  recipientKeys(recipient: Recipient, channel: string, charter: CompiledCharter, contacts: string[]): string {
    this.freshPhone = undefined;
    this.freshEmail = undefined;
    const country = recipient.country ?? charter.defaultCountry;
    const kind = charter.channels.get(channel);
    const phoneChannel = kind === 'mobile' || kind === 'phone';
    const phone = this.phone(recipient.phone, country);
    const email = this.email(recipient.email);
    if (phone !== undefined) contacts.push(phone);
    if (email !== undefined) contacts.push(email);
    const contact = phoneChannel ? phone : kind === 'email' ? email : undefined;
    return contact ?? this.id(recipient.id);
  }

  /** A quota key with its recipient part (a CRM id) replaced by a keyed hash. */
  quotaKey(key: string): string {
    if (!key.includes('recipient=')) return key;
    return key
      .split('|')
      .map((part) => (part.startsWith('recipient=') ? `recipient=#${this.id(decodeURIComponent(part.slice(10)))}` : part))
      .join('|');
  }
}

/** A random secret for a ledger that keeps nothing beyond the process. */
export function randomSecret(): Uint8Array {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}
