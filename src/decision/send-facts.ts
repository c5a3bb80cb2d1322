import { memoize } from '../util/memoize.js';
import { normalizeEmail, type EmailInfo } from '../contact/email.js';
import { normalizePhone, PHONE_CACHE_LIMIT, type PhoneInfo } from '../contact/phone.js';
import { parseInstant } from '../time/instant-text.js';
import type { Message, Recipient } from './inputs.js';
import type { CompiledCharter } from './compile.js';

/** Where the recipient stands on consent for the send's channel at `now`. */
export interface ConsentState {
  /** A consent for the channel (or `all`) given before now and not withdrawn since. */
  readonly granted: boolean;
  /** The earliest consent given after now, if any (to say the consent came too late). */
  readonly future: number | undefined;
  /** The latest opt-out for the channel (or `all`) at or before now; -Infinity when none. */
  readonly optedOutAt: number;
}

/**
 * What the decisions about one recipient object can share, filled as they read it: for callers
 * that decide many sends to the same recipients and own those objects (a plan's replay), so a
 * campaign larger than the memos still reads each contact point and record once.
 */
export interface RecipientMemo {
  phone?: PhoneInfo;
  email?: EmailInfo;
  /** The instants of `optOuts` and `consents`, in their order. */
  optOutTimes?: readonly number[];
  consentTimes?: readonly number[];
}

/** Gathers the facts of a send that rules select on. */
export function sendFacts(charter: CompiledCharter, message: Message, recipient: Recipient, now: number, memo?: RecipientMemo): SendFacts {
  return new SendFacts(charter, message, recipient, now, memo);
}

const NO_AUDIENCES: readonly string[] = Object.freeze([]);

/**
 * What every rule reads about one send, computed once per decision. A class rather than an
 * object literal with closures: one shape, methods on the prototype, and what several rules
 * read (the contact points, the consent state) computed on first use, once.
 */
export class SendFacts {
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
  readonly #country: string | undefined;
  #phone: PhoneInfo | undefined = undefined;
  #email: EmailInfo | undefined = undefined;
  #consent: ConsentState | undefined = undefined;
  readonly #memo: RecipientMemo | undefined;

  constructor(charter: CompiledCharter, message: Message, recipient: Recipient, now: number, memo: RecipientMemo | undefined) {
    this.now = now;
    this.message = message;
    this.recipient = recipient;
    this.channel = message.channel;
    this.role = message.sender.role;
    this.senderId = message.sender.id;
    this.candidate = message.sender.candidate;
    this.via = message.via ?? 'direct';
    this.audiences = message.audience !== undefined ? [message.audience] : (recipient.audiences ?? NO_AUDIENCES);
    this.phases = charter.phasesAt(now);
    this.source = recipient.source;
    this.relationship = recipient.relationship;
    this.#country = recipient.country ?? charter.defaultCountry;
    this.#memo = memo;
  }

  /** The recipient's phone, normalised on first use (memoised across decisions). */
  phone(): PhoneInfo | undefined {
    if (this.#phone === undefined && this.recipient.phone !== undefined) {
      const memo = this.#memo;
      this.#phone = memo === undefined ? normalizePhone(this.recipient.phone, this.#country) : (memo.phone ??= normalizePhone(this.recipient.phone, this.#country));
    }
    return this.#phone;
  }

  /** The recipient's email, normalised on first use. */
  email(): EmailInfo | undefined {
    if (this.#email === undefined && this.recipient.email !== undefined) {
      const memo = this.#memo;
      this.#email = memo === undefined ? emailInfo(this.recipient.email) : (memo.email ??= normalizeEmail(this.recipient.email));
    }
    return this.#email;
  }

  /** Consent and opt-out for the send's channel, read from the recipient's records on first use. */
  consent(): ConsentState {
    if (this.#consent !== undefined) return this.#consent;
    const { recipient, channel, now } = this;
    const memo = this.#memo;
    const optOuts = recipient.optOuts ?? NO_RECORDS;
    const consents = recipient.consents ?? NO_RECORDS;
    const optOutTimes = memo === undefined ? timesOf(optOuts) : (memo.optOutTimes ??= timesOf(optOuts));
    const consentTimes = memo === undefined ? timesOf(consents) : (memo.consentTimes ??= timesOf(consents));
    return (this.#consent = readConsent(optOuts, optOutTimes, consents, consentTimes, channel, now));
  }
}

/** A consent or opt-out record, as far as reading its time goes. */
export type ChannelRecord = { readonly channel: string; readonly at: string };

/** The times of no records. */
export const NO_TIMES: readonly number[] = Object.freeze([]);

// The input check reads every record's instant; it leaves the last recipient's here (one slot
// per field kind), and the facts of the decision that follows take them instead of reading
// them again. Matched by identity, and always replaced by the check before the facts read
// them in the same call, so an array changed between two decisions is read afresh.
let lastRecords: readonly ChannelRecord[] | undefined;
let lastTimes: readonly number[] = NO_TIMES;
let otherRecords: readonly ChannelRecord[] | undefined;
let otherTimes: readonly number[] = NO_TIMES;

/** Remembers the instants the input check read from `records` (see `timesOf`). */
export function rememberTimes(records: readonly ChannelRecord[], times: readonly number[]): void {
  otherRecords = lastRecords;
  otherTimes = lastTimes;
  lastRecords = records;
  lastTimes = times;
}

const timeOf = (record: ChannelRecord): number => parseInstant(record.at);
function timesOf(records: readonly ChannelRecord[]): readonly number[] {
  if (records.length === 0) return NO_TIMES;
  if (records === lastRecords && lastTimes.length === records.length) return lastTimes;
  if (records === otherRecords && otherTimes.length === records.length) return otherTimes;
  return records.map(timeOf);
}

function readConsent(
  optOuts: readonly ChannelRecord[],
  optOutTimes: readonly number[],
  consents: readonly ChannelRecord[],
  consentTimes: readonly number[],
  channel: string,
  now: number,
): ConsentState {
  let optedOutAt = -Infinity;
  for (let i = 0; i < optOuts.length; i++) {
    const record = optOuts[i]!;
    if (record.channel !== channel && record.channel !== 'all') continue;
    const at = optOutTimes[i]!;
    if (at <= now && at > optedOutAt) optedOutAt = at;
  }
  let latestConsent = -Infinity;
  let future: number | undefined;
  for (let i = 0; i < consents.length; i++) {
    const record = consents[i]!;
    if (record.channel !== channel && record.channel !== 'all') continue;
    const at = consentTimes[i]!;
    if (at <= now) latestConsent = Math.max(latestConsent, at);
    else future = Math.min(future ?? Infinity, at);
  }
  // A consent counts unless an opt-out came at or after it (and before now).
  return { granted: latestConsent !== -Infinity && optedOutAt < latestConsent, future, optedOutAt };
}

const NO_RECORDS: readonly ChannelRecord[] = Object.freeze([]);

/** How many addresses {@link emailInfo} remembers; as many as phone numbers are. */
const EMAIL_MEMO_LIMIT = PHONE_CACHE_LIMIT;
/** `normalizeEmail`, memoised: rules only read the result, so one object can serve every decision. */
const emailInfo: (raw: string) => EmailInfo = memoize(normalizeEmail, EMAIL_MEMO_LIMIT);
