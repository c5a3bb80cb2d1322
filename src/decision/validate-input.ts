import * as z from 'zod';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { maskContacts } from '../contact/mask.js';
import { didYouMean } from '../util/closest.js';
import { parseInstant } from '../time/instant-text.js';
import { isValidTimeZone } from '../time/zoned-time.js';
import type { CompiledCharter } from './compile.js';
import { isName, readRecipient, rememberView, type RecipientView } from './recipient-view.js';
import { messageSchema, recipientSchema, type Message, type Recipient } from './inputs.js';

/** One problem with the input of a decision. */
export interface InputIssue {
  /** Where, from the arguments of `canSend`: `['recipient', 'consents', 0, 'at']`. */
  readonly path: readonly (string | number)[];
  /** What is wrong; never a full phone number or email. */
  readonly message: string;
}

// The fields each object may have, as one switch per kind: a key is matched by comparing
// interned strings, where a Set would hash it (every decision checks half a dozen objects).
const messageKey = (key: string): boolean => {
  switch (key) {
    case 'id': case 'channel': case 'sender': case 'via': case 'audience': case 'content': return true;
    default: return false;
  }
};
const senderKey = (key: string): boolean => {
  switch (key) {
    case 'id': case 'role': case 'candidate': case 'name': return true;
    default: return false;
  }
};
const contentKey = (key: string): boolean => key === 'subject' || key === 'text';
/**
 * Checks a message and a recipient: their shape (a hand-written check equivalent to the
 * zod schemas, which only run to describe what is wrong), then their references to the
 * charter (channel, relay, audience, role, source, consent and opt-out channels, time
 * zone, country).
 */
export function checkInput(message: unknown, recipient: unknown, charter: CompiledCharter): InputIssue[] {
  const messageOk = isMessage(message);
  const view = readRecipient(recipient);
  // The decision that follows reads the recipient through this view, not the object again.
  rememberView(recipient, view);
  // Report everything at once, in argument order: the shape of what is malformed, the references of what is not.
  const issues = messageOk ? messageReferenceIssues(message, charter) : shapeIssues('message', messageSchema, message);
  if (view !== undefined) recipientReferenceIssues(view, charter, issues);
  else issues.push(...shapeIssues('recipient', recipientSchema, recipient));
  return issues;
}

/**
 * What {@link checkInput} finds about a recipient already read (`readRecipient`) whose message
 * is known to be right: its references to the charter alone.
 */
export function recipientIssues(view: RecipientView, charter: CompiledCharter): InputIssue[] {
  const issues: InputIssue[] = [];
  recipientReferenceIssues(view, charter, issues);
  return issues;
}

/** Whether `text` is an ISO 8601 instant with an offset (or `Z`), as the input schemas accept them. */
export function isInstant(text: string): boolean {
  // The form `z.iso.datetime({ offset: true })` accepts, on a real calendar day (a property
  // test holds them equal); read by hand to keep zod's core out of browser bundles.
  return !Number.isNaN(parseInstant(text));
}

/** Whether `value` has exactly the shape of a `Message` (same answers as `messageSchema`). */
export function isMessage(value: unknown): value is Message {
  if (!isRecord(value, messageKey)) return false;
  const sender = value['sender'];
  const content = value['content'];
  return (
    isName(value['id']) &&
    isName(value['channel']) &&
    isRecord(sender, senderKey) &&
    isName(sender['id']) &&
    isName(sender['role']) &&
    isOptionalName(sender['candidate']) &&
    isOptionalName(sender['name']) &&
    isOptionalName(value['via']) &&
    isOptionalName(value['audience']) &&
    (content === undefined || (isRecord(content, contentKey) && isOptionalString(content['subject']) && isOptionalString(content['text'])))
  );
}

/** Whether `value` has exactly the shape of a `Recipient` (same answers as `recipientSchema`). */
export function isRecipient(value: unknown): value is Recipient {
  return readRecipient(value) !== undefined;
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

/** Whether a reference is absent or names something the charter knows. */
function known(value: string | undefined, names: Known): boolean {
  return value === undefined || names.has(value);
}

function unknownReference(path: (string | number)[], value: string, names: Known, what: string, extra = ''): InputIssue {
  const { hint } = didYouMean(value, names.keys());
  return { path, message: `unknown ${what} '${value}'${hint || extra}` };
}

// Each reference is checked before its issue (path, hint) is built: nothing is allocated for valid input.
function messageReferenceIssues(message: Message, charter: CompiledCharter): InputIssue[] {
  const issues: InputIssue[] = [];
  const { relays, audiences } = charter.labels;
  if (!known(message.channel, charter.channels)) issues.push(unknownReference(['message', 'channel'], message.channel, charter.channels, 'channel'));
  if (!known(message.via, relays)) issues.push(unknownReference(['message', 'via'], message.via!, relays, 'relay', ' (leave `via` out for a direct send)'));
  if (!known(message.audience, audiences)) issues.push(unknownReference(['message', 'audience'], message.audience!, audiences, 'audience'));
  const roles = charter.charter.roles;
  if (roles !== undefined) {
    const names = roleNames(roles);
    if (!known(message.sender.role, names)) issues.push(unknownReference(['message', 'sender', 'role'], message.sender.role, names, 'sender role'));
  }
  return issues;
}

function recipientReferenceIssues(recipient: RecipientView, charter: CompiledCharter, issues: InputIssue[]): void {
  const sources = charter.labels.sources;
  // A source the charter does not know could slip past a forbid on sources: refuse it.
  if (sources.size > 0 && !known(recipient.source, sources)) issues.push(unknownReference(['recipient', 'source'], recipient.source!, sources, 'source'));
  if (recipient.timezone !== undefined && !isValidTimeZone(recipient.timezone)) {
    issues.push({ path: ['recipient', 'timezone'], message: `unknown IANA time zone '${recipient.timezone}'` });
  }
  if (recipient.country !== undefined && !isSupportedCountry(recipient.country)) {
    issues.push({ path: ['recipient', 'country'], message: `'${recipient.country}' is not a country with a telephone numbering plan` });
  }
  // An opt-out whose channel is misspelt ('SMS', 'e-mail') would be silently ignored: refuse it.
  for (const field of RECORD_FIELDS) {
    const records = recipient[field];
    if (records === undefined) continue;
    for (let index = 0; index < records.length; index++) {
      const channel = records[index]!.channel;
      if (channel === 'all' || charter.channels.has(channel)) continue;
      issues.push(unknownReference(['recipient', field, index, 'channel'], channel, new Set(['all', ...charter.channels.keys()]), 'channel'));
    }
  }
}

/** The role names of a (frozen) charter, as a set built once. */
function roleNames(roles: object): ReadonlySet<string> {
  let names = roleSets.get(roles);
  if (names === undefined) {
    names = new Set(Object.keys(roles));
    roleSets.set(roles, names);
  }
  return names;
}

const roleSets = new WeakMap<object, ReadonlySet<string>>();
const RECORD_FIELDS = ['consents', 'optOuts'] as const;

function isRecord(value: unknown, known: (key: string) => boolean): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // for-in with an own-property check visits what Object.keys lists, without allocating its array.
  for (const key in value) if (!known(key) && Object.hasOwn(value, key)) return false;
  return true;
}

function isOptionalName(value: unknown): boolean {
  return value === undefined || isName(value);
}

/** Whether `value` is absent or a string. */
export function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}
