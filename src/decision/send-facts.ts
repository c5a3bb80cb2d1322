import { memoize } from '../util/memoize.js';
import { normalizeEmail, type EmailInfo } from '../contact/email.js';
import { normalizePhone, PHONE_CACHE_LIMIT, type PhoneInfo } from '../contact/phone.js';
import type { Message, Recipient } from './inputs.js';
import type { CompiledCharter } from './compile.js';

/** What every rule reads about one send, computed once per decision. */
export interface SendFacts {
  readonly now: number;
  readonly message: Message;
  readonly recipient: Recipient;
  readonly channel: string;
  readonly role: string;
  readonly senderId: string;
  readonly candidate: string | undefined;
  /** The relay id, or `'direct'`. */
  readonly via: string;
  /** The message's target audience when it has one, else the recipient's audiences. */
  readonly audiences: readonly string[];
  /** The phases that contain `now`. */
  readonly phases: readonly string[];
  readonly source: string | undefined;
  readonly relationship: string | undefined;
  /** The recipient's phone, normalised on first use (memoised across decisions). */
  phone(): PhoneInfo | undefined;
  /** The recipient's email, normalised on first use. */
  email(): EmailInfo | undefined;
}

/** Gathers the facts of a send that rules select on. */
export function sendFacts(charter: CompiledCharter, message: Message, recipient: Recipient, now: number): SendFacts {
  let phone: PhoneInfo | undefined;
  let email: EmailInfo | undefined;
  const country = recipient.country ?? charter.defaultCountry;
  return {
    now,
    message,
    recipient,
    channel: message.channel,
    role: message.sender.role,
    senderId: message.sender.id,
    candidate: message.sender.candidate,
    via: message.via ?? 'direct',
    audiences: message.audience !== undefined ? [message.audience] : (recipient.audiences ?? []),
    phases: charter.phasesAt(now),
    source: recipient.source,
    relationship: recipient.relationship,
    phone: () => {
      if (phone === undefined && recipient.phone !== undefined) phone = normalizePhone(recipient.phone, country);
      return phone;
    },
    email: () => {
      if (email === undefined && recipient.email !== undefined) email = emailInfo(recipient.email);
      return email;
    },
  };
}

/** How many addresses {@link emailInfo} remembers; as many as phone numbers are. */
const EMAIL_MEMO_LIMIT = PHONE_CACHE_LIMIT;
/** `normalizeEmail`, memoised: rules only read the result, so one object can serve every decision. */
const emailInfo: (raw: string) => EmailInfo = memoize(normalizeEmail, EMAIL_MEMO_LIMIT);
