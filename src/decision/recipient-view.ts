import { parseInstant } from '../time/instant-text.js';
import { RELATIONSHIPS } from '../charter/schema.js';
import type { Recipient } from './inputs.js';

/** A consent or opt-out record, as far as the decision reads it. */
export type ChannelRecord = { readonly channel: string; readonly at: string };

/**
 * A recipient as the decision reads it: every field of the input, checked, in one fixed
 * shape (so every rule reads it at one known place, whatever order or subset of fields the
 * CRM's objects have), with the instants of its records already read. Built by the input
 * check in one pass over the object's keys; the decision reads nothing else of the input.
 */
export class RecipientView {
  id = '';
  phone: string | undefined = undefined;
  email: string | undefined = undefined;
  country: string | undefined = undefined;
  timezone: string | undefined = undefined;
  audiences: readonly string[] | undefined = undefined;
  source: string | undefined = undefined;
  relationship: Recipient['relationship'] = undefined;
  consents: readonly (ChannelRecord & { readonly source?: string | undefined })[] | undefined = undefined;
  optOuts: readonly ChannelRecord[] | undefined = undefined;
  /** The instants of `consents`, in their order. */
  consentTimes: readonly number[] = NO_TIMES;
  /** The instants of `optOuts`, in their order. */
  optOutTimes: readonly number[] = NO_TIMES;
}

/** The times of no records. */
export const NO_TIMES: readonly number[] = Object.freeze([]);

/**
 * Reads a recipient: its view when `value` has exactly the shape of a `Recipient` (the same
 * answers as `recipientSchema` for plain data, held equal by a property test), else
 * `undefined`. One `for…in` pass: a field is read where the loop finds it, fields the object
 * lacks cost nothing, and an own field no recipient has refuses the whole.
 *
 * A plain object is read through the fields the loop visits (its enumerable ones, as
 * `JSON.stringify` sees it); any other object, such as a class instance with getters, is read
 * field by field by name. Nothing downstream reads the input again.
 */
export function readRecipient(value: unknown): RecipientView | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const view = new RecipientView();
  let hasId = false;
  const fields = value as Record<string, unknown>;
  // A class instance may hold fields in getters the loop does not visit: read it by name.
  if (!isPlain(fields)) return readByName(fields, view);
  for (const key in fields) {
    const field = fields[key];
    if (!readField(view, key, field)) {
      // An unknown field of the object itself is refused; one inherited is not the recipient's.
      if (!KNOWN.has(key) && !Object.hasOwn(fields, key)) continue;
      return undefined;
    }
    if (key === 'id') hasId = true;
  }
  return hasId ? view : undefined;
}

/** Every field a recipient may have. */
const KNOWN = new Set(['id', 'phone', 'email', 'country', 'timezone', 'audiences', 'source', 'relationship', 'consents', 'optOuts']);

/** Whether `value` is a plain object (its own fields are all there is to read). */
export function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The view of a recipient that is not a plain object: each field read by name (getters included), unknown own fields refused. */
function readByName(fields: Record<string, unknown>, view: RecipientView): RecipientView | undefined {
  for (const key in fields) if (!KNOWN.has(key) && Object.hasOwn(fields, key)) return undefined;
  for (const key of KNOWN) if (!readField(view, key, fields[key])) return undefined;
  return view.id === '' ? undefined : view;
}

/** Checks one field and sets it on the view; false when it is malformed or not a recipient's. */
function readField(view: RecipientView, key: string, field: unknown): boolean {
  switch (key) {
    case 'id':
      if (!isName(field)) return false;
      view.id = field;
      break;
    case 'phone':
      if (field !== undefined && typeof field !== 'string') return false;
      view.phone = field;
      break;
    case 'email':
      if (field !== undefined && typeof field !== 'string') return false;
      view.email = field;
      break;
    case 'country':
      if (field !== undefined && !isCountry(field)) return false;
      view.country = field;
      break;
    case 'timezone':
      if (field !== undefined && !isName(field)) return false;
      view.timezone = field;
      break;
    case 'audiences':
      if (field !== undefined && !isNames(field)) return false;
      view.audiences = field;
      break;
    case 'source':
      if (field !== undefined && !isName(field)) return false;
      view.source = field;
      break;
    case 'relationship':
      if (field !== undefined && !RELATIONSHIP_SET.has(field)) return false;
      view.relationship = field as Recipient['relationship'];
      break;
    case 'consents':
      if (field !== undefined) {
        const times = recordTimes(field, true);
        if (times === undefined) return false;
        view.consents = field as RecipientView['consents'];
        view.consentTimes = times;
      }
      break;
    case 'optOuts':
      if (field !== undefined) {
        const times = recordTimes(field, false);
        if (times === undefined) return false;
        view.optOuts = field as RecipientView['optOuts'];
        view.optOutTimes = times;
      }
      break;
    default:
      return false;
  }
  return true;
}

const RELATIONSHIP_SET = new Set<unknown>(RELATIONSHIPS);

/** The instants of a list of consent (`withSource`) or opt-out records; undefined when one is malformed. */
function recordTimes(value: unknown, withSource: boolean): readonly number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  if (value.length === 0) return NO_TIMES;
  const times = new Array<number>(value.length);
  // Indexed: the holes of a sparse array are malformed records too.
  for (let index = 0; index < value.length; index++) {
    const time = recordTime(value[index], withSource);
    if (time === undefined) return undefined;
    times[index] = time;
  }
  return times;
}

/** The instant of one record with exactly the fields of a consent or an opt-out; undefined when malformed. */
function recordTime(value: unknown, withSource: boolean): number | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  let time = Number.NaN;
  let hasChannel = false;
  const fields = value as Record<string, unknown>;
  if (!isPlain(fields)) {
    for (const key in fields) if (key !== 'channel' && key !== 'at' && (key !== 'source' || !withSource) && Object.hasOwn(fields, key)) return undefined;
    const channel = fields['channel'];
    const at = fields['at'];
    const source = withSource ? fields['source'] : undefined;
    if (!isName(channel) || typeof at !== 'string' || (source !== undefined && !isName(source))) return undefined;
    time = parseInstant(at);
    return Number.isNaN(time) ? undefined : time;
  }
  for (const key in fields) {
    const field = fields[key];
    switch (key) {
      case 'channel':
        if (!isName(field)) return undefined;
        hasChannel = true;
        break;
      case 'at':
        if (typeof field !== 'string') return undefined;
        time = parseInstant(field);
        break;
      case 'source':
        if (!withSource) {
          if (Object.hasOwn(fields, key)) return undefined;
          break;
        }
        if (field !== undefined && !isName(field)) return undefined;
        break;
      default:
        if (Object.hasOwn(fields, key)) return undefined;
    }
  }
  return hasChannel && !Number.isNaN(time) ? time : undefined;
}

/** Whether `value` is a non-empty string, as names in inputs are. */
export function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Whether `value` is an array of names, holes of sparse arrays included (as refused). */
export function isNames(value: unknown): value is readonly string[] {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) if (!isName(value[index])) return false;
  return true;
}

function isCountry(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 2) return false;
  const first = value.charCodeAt(0);
  const second = value.charCodeAt(1);
  return first >= 0x41 && first <= 0x5a && second >= 0x41 && second <= 0x5a;
}

// The view the last input check built, for the decision that follows it in the same call.
let lastInput: unknown;
let lastView: RecipientView | undefined;

/** Remembers the view the input check built from `input` (see {@link viewOf}). */
export function rememberView(input: unknown, view: RecipientView | undefined): void {
  lastInput = input;
  lastView = view;
}

/**
 * The view of a recipient the caller has checked: the one its input check just built (the
 * check runs first in every decision), else read again. Throws when the recipient is not
 * one, which a checked recipient always is: the decision then fails closed.
 */
export function viewOf(recipient: unknown): RecipientView {
  if (recipient === lastInput && lastView !== undefined) return lastView;
  const view = readRecipient(recipient);
  if (view === undefined) throw new TypeError('the recipient was not checked before the decision read it');
  return view;
}
