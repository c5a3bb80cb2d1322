import type * as z from 'zod';
import { isName, isNames, isPlain, readRecipient, type RecipientView } from '../decision/recipient-view.js';
import type { Recipient } from '../decision/inputs.js';
import { isMessage, isOptionalString } from '../decision/validate-input.js';
import { LOCAL_OR_INSTANT, type planSchema } from './plan-schema.js';

/** A plan as `planSchema` accepts it. */
export type CheckedPlan = z.output<typeof planSchema>;

const PLAN_KEYS = new Set(['$schema', '$comment', 'recipients', 'sends']);
const SEND_KEYS = new Set(['at', 'message', 'to']);
const AUDIENCE_KEYS = new Set(['audience']);

/**
 * Whether `value` has exactly the shape `planSchema` accepts, without copying it: a
 * hand-written check (zod only runs when it fails, to say what is wrong). It answers as the
 * schema does (a property test compares them), except that it also says no to objects that
 * are not plain (a class instance, another prototype, another realm): zod copies what it
 * reads through their prototypes, so those go through zod and the replay reads its copy.
 *
 * Accepted, the plan itself is read afterwards: zod's copy would hold the same keys and
 * values (the schema has no defaults and no transforms).
 *
 * @param views - filled, when the plan is accepted, with each recipient as decisions read it
 *   (by position), so the replay does not read them a second time.
 */
export function isPlan(value: unknown, views?: RecipientView[]): value is CheckedPlan {
  // An enumerable property added to Object.prototype is a key of every object to zod.
  if (!plainObjectsOwnTheirKeys()) return false;
  if (!isPlainRecord(value, PLAN_KEYS) || !isOptionalString(value['$schema']) || !isOptionalString(value['$comment'])) return false;
  const recipients = value['recipients'];
  const sends = value['sends'];
  if (!Array.isArray(recipients) || !Array.isArray(sends)) return false;
  // Index loops: holes of sparse arrays are read (as undefined), as the schema reads them.
  for (let index = 0; index < recipients.length; index++) {
    const view = plainRecipient(recipients[index]);
    if (view === undefined) return false;
    if (views !== undefined) views[index] = view;
  }
  for (let index = 0; index < sends.length; index++) if (!isSend(sends[index])) return false;
  return true;
}

function isSend(value: unknown): boolean {
  if (!isPlainRecord(value, SEND_KEYS)) return false;
  const at = value['at'];
  if (typeof at !== 'string' || !LOCAL_OR_INSTANT.test(at) || !isPlainMessage(value['message'])) return false;
  const to = value['to'];
  if (Array.isArray(to)) return isNames(to);
  return isPlainRecord(to, AUDIENCE_KEYS) && isName(to['audience']);
}

function isPlainMessage(value: unknown): boolean {
  if (!isMessage(value) || !isPlain(value) || !isPlain(value.sender)) return false;
  return value.content === undefined || isPlain(value.content);
}

/** The recipient as decisions read it, when it has the shape of one and is made of plain objects. */
function plainRecipient(value: unknown): RecipientView | undefined {
  const view = readRecipient(value);
  if (view === undefined || !isPlain(value as object)) return undefined;
  const { consents, optOuts } = value as Recipient;
  if (consents !== undefined) for (let index = 0; index < consents.length; index++) if (!isPlain(consents[index]!)) return undefined;
  if (optOuts !== undefined) for (let index = 0; index < optOuts.length; index++) if (!isPlain(optOuts[index]!)) return undefined;
  return view;
}

function isPlainRecord(value: unknown, keys: ReadonlySet<string>): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !isPlain(value)) return false;
  for (const key in value) if (!keys.has(key)) return false;
  return true;
}

function plainObjectsOwnTheirKeys(): boolean {
  for (const key in {}) if (key !== undefined) return false;
  return true;
}
