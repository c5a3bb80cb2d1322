import * as z from 'zod';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { maskContacts } from '../contact/mask.js';
import { RELATIONSHIPS } from '../charter/schema.js';
import { didYouMean } from '../util/closest.js';
import { daysInMonth, isValidTimeZone } from '../time/zoned-time.js';
import type { CompiledCharter } from './compile.js';
import { messageSchema, recipientSchema, type Message, type Recipient } from './inputs.js';

/** One problem with the input of a decision. */
export interface InputIssue {
  /** Where, from the arguments of `canSend`: `['recipient', 'consents', 0, 'at']`. */
  readonly path: readonly (string | number)[];
  /** What is wrong; never a full phone number or email. */
  readonly message: string;
}

// An ISO 8601 instant with seconds and an offset, as `z.iso.datetime({ offset: true })` accepts
// (checked against it by a property test); written out to keep zod's core out of browser bundles.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const MESSAGE_KEYS = new Set(['id', 'channel', 'sender', 'via', 'audience', 'content']);
const SENDER_KEYS = new Set(['id', 'role', 'candidate', 'name']);
const CONTENT_KEYS = new Set(['subject', 'text']);
const RECIPIENT_KEYS = new Set(['id', 'phone', 'email', 'country', 'timezone', 'audiences', 'source', 'relationship', 'consents', 'optOuts']);
const CONSENT_KEYS = new Set(['channel', 'at', 'source']);
const OPT_OUT_KEYS = new Set(['channel', 'at']);
const RELATIONSHIP_SET = new Set<unknown>(RELATIONSHIPS);

/**
 * Checks a message and a recipient: their shape (a hand-written check equivalent to the
 * zod schemas, which only run to describe what is wrong), then their references to the
 * charter (channel, relay, audience, role, source, consent and opt-out channels, time
 * zone, country).
 */
export function checkInput(message: unknown, recipient: unknown, charter: CompiledCharter): InputIssue[] {
  const messageOk = isMessage(message);
  const recipientOk = isRecipient(recipient);
  // Report everything at once, in argument order: the shape of what is malformed, the references of what is not.
  return [
    ...(messageOk ? messageReferenceIssues(message, charter) : shapeIssues('message', messageSchema, message)),
    ...(recipientOk ? recipientReferenceIssues(recipient, charter) : shapeIssues('recipient', recipientSchema, recipient)),
  ];
}

/** Whether `text` is an ISO 8601 instant with an offset (or `Z`), as the input schemas accept them. */
export function isInstant(text: string): boolean {
  const match = INSTANT.exec(text);
  if (!match) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(Number(match[1]), month);
}

/** Whether `value` has exactly the shape of a `Message` (same answers as `messageSchema`). */
export function isMessage(value: unknown): value is Message {
  if (!isRecord(value, MESSAGE_KEYS)) return false;
  const sender = value['sender'];
  const content = value['content'];
  return (
    isName(value['id']) &&
    isName(value['channel']) &&
    isRecord(sender, SENDER_KEYS) &&
    isName(sender['id']) &&
    isName(sender['role']) &&
    optional(sender['candidate'], isName) &&
    optional(sender['name'], isName) &&
    optional(value['via'], isName) &&
    optional(value['audience'], isName) &&
    (content === undefined || (isRecord(content, CONTENT_KEYS) && optional(content['subject'], isString) && optional(content['text'], isString)))
  );
}

/** Whether `value` has exactly the shape of a `Recipient` (same answers as `recipientSchema`). */
export function isRecipient(value: unknown): value is Recipient {
  if (!isRecord(value, RECIPIENT_KEYS)) return false;
  return (
    isName(value['id']) &&
    optional(value['phone'], isString) &&
    optional(value['email'], isString) &&
    optional(value['country'], (country) => typeof country === 'string' && /^[A-Z]{2}$/.test(country)) &&
    optional(value['timezone'], isName) &&
    optional(value['audiences'], (audiences) => isArrayOf(audiences, isName)) &&
    optional(value['source'], isName) &&
    optional(value['relationship'], (relationship) => RELATIONSHIP_SET.has(relationship)) &&
    optional(value['consents'], (consents) => isRecords(consents, CONSENT_KEYS, (consent) => optional(consent['source'], isName))) &&
    optional(value['optOuts'], (optOuts) => isRecords(optOuts, OPT_OUT_KEYS, () => true))
  );
}

function shapeIssues(name: 'message' | 'recipient', schema: z.ZodType, value: unknown): InputIssue[] {
  const result = schema.safeParse(value);
  // The hand-written check and the schema agree; should they ever not, refuse all the same.
  if (result.success) return [{ path: [name], message: `the ${name} does not have the expected shape` }];
  return result.error.issues.map((issue) => {
    const path = [name, ...issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment)))];
    const detail = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `'${key}'`).join(', ')}` : issue.message;
    return { path, message: maskContacts(detail) };
  });
}

type Known = ReadonlyMap<string, unknown> | ReadonlySet<string>;

function reference(path: (string | number)[], value: string | undefined, known: Known, what: string, extra = ''): InputIssue[] {
  if (value === undefined || known.has(value)) return [];
  const { hint } = didYouMean(value, known.keys());
  return [{ path, message: `unknown ${what} '${value}'${hint || extra}` }];
}

function messageReferenceIssues(message: Message, charter: CompiledCharter): InputIssue[] {
  const roles = charter.charter.roles;
  return [
    ...reference(['message', 'channel'], message.channel, charter.channels, 'channel'),
    ...reference(['message', 'via'], message.via, charter.labels.relays, 'relay', ' (leave `via` out for a direct send)'),
    ...reference(['message', 'audience'], message.audience, charter.labels.audiences, 'audience'),
    ...(roles === undefined ? [] : reference(['message', 'sender', 'role'], message.sender.role, new Set(Object.keys(roles)), 'sender role')),
  ];
}

function recipientReferenceIssues(recipient: Recipient, charter: CompiledCharter): InputIssue[] {
  const issues: InputIssue[] = [];
  // A source the charter does not know could slip past a forbid on sources: refuse it.
  if (charter.labels.sources.size > 0) issues.push(...reference(['recipient', 'source'], recipient.source, charter.labels.sources, 'source'));
  if (recipient.timezone !== undefined && !isValidTimeZone(recipient.timezone)) {
    issues.push({ path: ['recipient', 'timezone'], message: `unknown IANA time zone '${recipient.timezone}'` });
  }
  if (recipient.country !== undefined && !isSupportedCountry(recipient.country)) {
    issues.push({ path: ['recipient', 'country'], message: `'${recipient.country}' is not a country with a telephone numbering plan` });
  }
  // An opt-out whose channel is misspelt ('SMS', 'e-mail') would be silently ignored: refuse it.
  const channels = new Set(['all', ...charter.channels.keys()]);
  for (const field of ['consents', 'optOuts'] as const) {
    recipient[field]?.forEach((record, index) => issues.push(...reference(['recipient', field, index, 'channel'], record.channel, channels, 'channel')));
  }
  return issues;
}

function isRecord(value: unknown, keys: ReadonlySet<string>): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key of Object.keys(value)) if (!keys.has(key)) return false;
  return true;
}

function isRecords(value: unknown, keys: ReadonlySet<string>, rest: (record: Record<string, unknown>) => boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) {
    if (!isRecord(item, keys) || !isName(item['channel']) || typeof item['at'] !== 'string' || !isInstant(item['at']) || !rest(item)) return false;
  }
  return true;
}

/** Every element, holes of sparse arrays included (`every` skips them; the schema does not). */
function isArrayOf(value: unknown, check: (item: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) if (!check(value[index])) return false;
  return true;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}
