import type { Catalog } from './catalog.js';
import { list, text } from './catalog.js';

const UNIT = { messages: ['mailing', 'mailings'], deliveries: ['delivery', 'deliveries'] } as const;

/** Explanations in English. */
export const en: Catalog = {
  PERMITTED: (f, rule) => (rule.title === undefined ? `Allowed by rule ${text(rule.id)} of the charter.` : 'Allowed by the charter.'),
  ALLOWED_BY_DEFAULT: (f) => `No rule covers this ${text(f.channel)} send; the charter allows what it does not list.`,
  NOT_PERMITTED: (f, rule) => {
    if (f.field === undefined) return `No rule of the charter permits this ${text(f.channel)} send.`;
    const name = text(rule.title ?? rule.id);
    if (f.field === 'unless') return `${name} does not cover this case (an exception of the rule applies).`;
    return `${name} permits it only for ${FIELD[text(f.field)] ?? text(f.field)} ${list(f.expected, 'or')} (this send: ${list(f.actual, 'and') || 'none'}).`;
  },
  CHANNEL_NOT_COVERED: (f) => `The charter does not mention ${text(f.channel)} at all, and what it does not permit is refused.`,
  FORBIDDEN: (f) => (f.until === undefined ? 'Forbidden by the charter.' : `Forbidden by the charter until ${text(f.until)}.`),
  FORBIDDEN_SOURCE: (f) => `The contact comes from ${text(f.sourceLabel)}, which this sender may not use.`,
  RELAY_REQUIRED: (f) => {
    const goes = f.via === 'direct' ? 'directly' : `via ${text(f.viaLabel)}`;
    const relays = Array.isArray(f.relays) ? f.relays : [];
    if (relays.length === 0) return `This send must go directly, without a relay; it goes ${goes}.`;
    return `This send must go through ${list(relays, 'or')}${f.direct === true ? ' or directly' : ''}; it goes ${goes}.`;
  },
  OUTSIDE_PHASE: (f) => {
    const phases = Array.isArray(f.phases) && f.phases.length > 0 ? `Allowed only during ${list(f.phases, 'or')}` : 'Not allowed at this time';
    const except = Array.isArray(f.except) && f.except.length > 0 ? ` (except during ${list(f.except, 'or')})` : '';
    const next = f.next === undefined ? '.' : `; the earliest opening is ${text(f.next)}.`;
    return `${phases}${except}; it is ${text(f.localTime)} (${text(f.timezone)})${next}`;
  },
  QUOTA_EXCEEDED: (f) =>
    `${text(f.used)} of ${text(f.limit)} ${UNIT[f.count === 'messages' ? 'messages' : 'deliveries'][1]} already used` +
    (f.audienceLabel === undefined ? '.' : ` for ${text(f.audienceLabel)}.`),
  QUOTA_UNKNOWN: (f) =>
    `Limited to ${text(f.limit)} ${UNIT[f.count === 'messages' ? 'messages' : 'deliveries'][Number(f.limit) === 1 ? 0 : 1]}; usage is unknown without a ledger.`,
  CONSENT_MISSING: (f) =>
    f.grantedAt === undefined
      ? `No consent on record for ${text(f.channel)}.`
      : `The consent for ${text(f.channel)} is dated ${text(f.grantedAt)}, after the send.`,
  OPTED_OUT: (f) =>
    f.at === undefined
      ? `The recipient's contact is on the suppression list for ${f.channel === 'all' ? 'every channel' : text(f.channel)}.`
      : `The recipient opted out of ${f.channel === 'all' ? 'every channel' : text(f.channel)} on ${text(f.at)}.`,
  QUIET_HOURS: (f) =>
    f.holiday === true
      ? `${text(f.date)} is a day without sending (${text(f.timezone)}).`
      : `${text(f.localTime)} in ${text(f.timezone)} is outside ${f.windows === '' ? 'every sending window' : text(f.windows)}.`,
  TIMEZONE_UNKNOWN: (f) =>
    Array.isArray(f.zones) && f.zones.length > 1
      ? `The recipient's time zone is unknown: the number's country has ${f.zones.length} of them.`
      : "The recipient's time zone is unknown.",
  CONTENT_MISSING_SENDER: (f) =>
    f.senderName === undefined ? 'The message names no sender, so the text cannot identify one.' : `The text does not name the sender (“${text(f.senderName)}”).`,
  CONTENT_MISSING_OPT_OUT: (f) => `The text does not say how to opt out (${list(f.keywords, 'or')}).`,
  CONTENT_TOO_LONG: (f) =>
    f.segments !== undefined
      ? `The text takes ${text(f.segments)} SMS (${text(f.encoding)}); at most ${text(f.max)}.`
      : `The text has ${text(f.length)} characters; at most ${text(f.max)}.`,
  CONTENT_FORBIDDEN_PHRASE: (f) => `The text contains “${text(f.phrase)}”, which the charter forbids.`,
  INVALID_CONTACT: (f) => `The recipient's ${f.field === 'email' ? 'email address' : 'phone number'} is not valid${f.masked ? ` (${text(f.masked)})` : ''}.`,
  NO_CONTACT: (f) => `The recipient has no ${f.field === 'email' ? 'email address' : 'phone number'} for ${text(f.channel)}.`,
  NOT_A_MOBILE: (f) => `${text(f.masked)} is not a mobile number (${text(f.type)}) and cannot receive SMS.`,
  NOT_IN_AUDIENCE: (f) => `The recipient is not among ${text(f.audienceLabel)}, the audience this message targets.`,
  DUPLICATE_DELIVERY: () => 'This message was already sent or reserved for this recipient.',
  INVALID_INPUT: (f) => `Invalid input: ${list(f.summary, 'and')}.`,
  ENGINE_ERROR: () => 'Internal error while deciding; the send is refused to be safe.',
};

const FIELD: Record<string, string> = {
  senders: 'senders',
  candidates: 'candidates',
  audiences: 'the audience',
  phases: 'the phase',
  via: 'relay',
  sources: 'contacts from',
  relationships: 'recipients who are',
  inForce: 'the period',
};
