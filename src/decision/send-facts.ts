import { memoize } from '../util/memoize.js';
import { normalizeEmail, type EmailInfo } from '../contact/email.js';
import { normalizePhone, PHONE_CACHE_LIMIT, readPhone, type PhoneInfo } from '../contact/phone.js';
import type { Message, Recipient } from './inputs.js';
import { viewOf, type ChannelRecord, type RecipientView } from './recipient-view.js';
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
  phone?: PhoneInfo | undefined;
  email?: EmailInfo | undefined;
  /** The recipient as decisions read it. */
  view?: RecipientView | undefined;
  /**
   * The facts of the last send gathered with this memo: the decision of that very send (same
   * charter, message and instant) reads them again instead of gathering its own. A ledger
   * batch gathers them to plan its counters, then decides.
   */
  facts?: SendFacts | undefined;
  /**
   * Whether the memo serves many sends to the recipient (a plan's): what the decisions read
   * through it is worth normalising once, even where a cheaper check would do for one send.
   */
  lasting?: boolean | undefined;
}

/**
 * Gathers the facts of a send that rules select on: the memo's, when they are this send's.
 * `keep` leaves them in the memo for the decision that follows (a plan's replay does not:
 * its memos outlive each send, and would hold a send's facts until the next).
 */
export function sendFacts(charter: CompiledCharter, message: Message, recipient: Recipient, now: number, memo?: RecipientMemo, keep = false): SendFacts {
  const known = memo?.facts;
  if (known !== undefined && known.now === now && known.message === message && known.charter === charter && known.input === recipient) return known;
  const facts = new SendFacts(charter, message, recipient, now, memo);
  if (keep && memo !== undefined) memo.facts = facts;
  return facts;
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
  /** The charter and the recipient object the facts were gathered for (to tell whose they are). */
  readonly charter: CompiledCharter;
  readonly input: Recipient;
  /** The recipient, as its input check read it. */
  readonly recipient: RecipientView;
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
    this.charter = charter;
    this.input = recipient;
    const view = memo === undefined ? viewOf(recipient) : (memo.view ??= viewOf(recipient));
    this.recipient = view;
    this.channel = message.channel;
    this.role = message.sender.role;
    this.senderId = message.sender.id;
    this.candidate = message.sender.candidate;
    this.via = message.via ?? 'direct';
    const target = message.audience;
    this.audiences = target !== undefined ? (charter.audienceLists.get(target) ?? [target]) : (view.audiences ?? NO_AUDIENCES);
    this.phases = charter.phasesAt(now);
    this.source = view.source;
    this.relationship = view.relationship;
    this.#country = view.country ?? charter.defaultCountry;
    this.#memo = memo;
  }

  /**
   * The recipient's phone, normalised on first use (memoised across decisions: by the memo
   * when there is one, and by the shared phone cache unless the memo lasts, as a plan's does).
   */
  phone(): PhoneInfo | undefined {
    if (this.#phone === undefined && this.recipient.phone !== undefined) {
      const memo = this.#memo;
      this.#phone =
        memo === undefined
          ? normalizePhone(this.recipient.phone, this.#country)
          : (memo.phone ??= memo.lasting === true ? readPhone(this.recipient.phone, this.#country) : normalizePhone(this.recipient.phone, this.#country));
    }
    return this.#phone;
  }

  /**
   * Whether the contact points are read through a memo that serves many sends (a plan's):
   * normalised there once, they cost a field read on every later send.
   */
  get lastingMemo(): boolean {
    return this.#memo?.lasting === true;
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
    const optOuts = recipient.optOuts ?? NO_RECORDS;
    const consents = recipient.consents ?? NO_RECORDS;
    // Most recipients have no records at all: one state serves them.
    if (optOuts.length === 0 && consents.length === 0) return (this.#consent = NO_CONSENT);
    return (this.#consent = readConsent(optOuts, recipient.optOutTimes, consents, recipient.consentTimes, channel, now));
  }
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
const NO_CONSENT: ConsentState = Object.freeze({ granted: false, future: undefined, optedOutAt: -Infinity });

/** How many addresses {@link emailInfo} remembers; as many as phone numbers are. */
const EMAIL_MEMO_LIMIT = PHONE_CACHE_LIMIT;
/** `normalizeEmail`, memoised: rules only read the result, so one object can serve every decision. */
const emailInfo: (raw: string) => EmailInfo = memoize(normalizeEmail, EMAIL_MEMO_LIMIT);
