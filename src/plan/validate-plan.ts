import type { NonEmptyArray } from '../charter/issues.js';
import { normalizeEmail } from '../contact/email.js';
import { maskContacts } from '../contact/mask.js';
import { readPhone } from '../contact/phone.js';
import type { CompiledCharter } from '../decision/compile.js';
import type { Message, Recipient } from '../decision/inputs.js';
import type { RecipientView } from '../decision/recipient-view.js';
import { checkInput } from '../decision/validate-input.js';
import { readTime } from '../time/read-time.js';
import { didYouMean } from '../util/closest.js';
import { planSchema } from './plan-schema.js';
import { isPlan, type CheckedPlan } from './plan-shape.js';
import type { PlanWarning } from './report.js';

/** One problem found in a plan. */
export interface PlanIssue {
  /** Where, from the root of the plan: `['sends', 2, 'to', 0]`. */
  readonly path: readonly (string | number)[];
  /** What is wrong; never a full phone number or email. */
  readonly message: string;
}

/** A send of a valid plan, with its time read and its recipients found (by position in the plan). */
export interface ResolvedSend {
  /** Its index in the plan as written. */
  readonly index: number;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly message: Message;
  /** The position of each recipient in the plan's list of recipients. */
  readonly targets: readonly number[];
}

/** Validates a plan against a charter and resolves it into sends in time order. */
export function validatePlan(
  plan: unknown,
  charter: CompiledCharter,
): { ok: true; sends: ResolvedSend[]; recipients: readonly Recipient[]; views: readonly RecipientView[] | undefined; warnings: PlanWarning[] } | { ok: false; issues: NonEmptyArray<PlanIssue> } {
  // The plan as written when its shape is right (no copy of a million ids), with its
  // recipients as decisions read them; zod's copy, or what is wrong, otherwise.
  let checked: CheckedPlan;
  let views: RecipientView[] | undefined = [];
  if (isPlan(plan, views)) checked = plan;
  else {
    views = undefined;
    const parsed = planSchema.safeParse(plan);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment))),
        message: maskContacts(issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `'${key}'`).join(', ')}` : issue.message),
      }));
      return { ok: false, issues: issues as unknown as NonEmptyArray<PlanIssue> };
    }
    checked = parsed.data;
  }
  const { recipients, sends } = checked;
  const issues: PlanIssue[] = [];
  const byId = new Map<string, number>();
  recipients.forEach((recipient, index) => {
    if (byId.has(recipient.id)) issues.push({ path: ['recipients', index, 'id'], message: `recipient id '${maskContacts(recipient.id)}' is used twice` });
    byId.set(recipient.id, index);
  });
  const unique = byId.size === recipients.length;
  const resolved: ResolvedSend[] = [];
  const warnings: PlanWarning[] = [];
  // A list of ids from the wrong file would give an issue per id, each compared with every
  // recipient for a suggestion: the first few are suggested for, the first hundred listed.
  let unknownIds = 0;
  let unlisted = 0;
  sends.forEach((send, index) => {
    const at = readTime(send.at, charter.timezone);
    if (typeof at === 'string') issues.push({ path: ['sends', index, 'at'], message: at });
    for (const issue of checkInput(send.message, { id: 'plan' }, charter)) {
      if (issue.path[0] === 'message') issues.push({ path: ['sends', index, ...issue.path], message: issue.message });
    }
    const to = send.to;
    let targets: number[] = [];
    if (Array.isArray(to)) {
      // Lists of ids mostly follow the plan's order: the recipient after the last one found is
      // tried first (a string comparison, often of the same string), the map otherwise. Only
      // when ids are unique, so both find the same recipient.
      let next = unique ? 0 : recipients.length;
      for (let position = 0; position < to.length; position++) {
        const id = to[position]!;
        const target = next < recipients.length && recipients[next]!.id === id ? next : byId.get(id);
        if (target !== undefined) {
          targets.push(target);
          if (unique) next = target + 1;
        } else if (unknownIds++ < LISTED_UNKNOWN_IDS) {
          // The suggestion is a recipient id too: masked like the id (an id may be a contact point).
          const hint = unknownIds <= SUGGESTED_UNKNOWN_IDS ? maskContacts(didYouMean(id, byId.keys()).hint) : '';
          issues.push({ path: ['sends', index, 'to', position], message: `unknown recipient '${maskContacts(id)}'${hint}` });
        } else unlisted++;
      }
      if (to.length === 0) warnings.push({ path: ['sends', index, 'to'], message: 'this send lists no recipients' });
      if (unlisted > 0) {
        issues.push({ path: ['sends', index, 'to'], message: `${unlisted} more unknown recipient ${unlisted === 1 ? 'id' : 'ids'} in this send (the plan's first ${LISTED_UNKNOWN_IDS} are listed)` });
        unlisted = 0;
      }
    } else if (!charter.labels.audiences.has(to.audience)) {
      issues.push({ path: ['sends', index, 'to', 'audience'], message: `unknown audience '${to.audience}'${didYouMean(to.audience, charter.labels.audiences.keys()).hint}` });
    } else {
      recipients.forEach((recipient, target) => {
        if (recipient.audiences?.includes(to.audience)) targets.push(target);
      });
      if (targets.length === 0) warnings.push({ path: ['sends', index, 'to', 'audience'], message: `no recipient of the plan is in audience '${to.audience}': this send reaches nobody` });
    }
    if (typeof at === 'number') resolved.push({ index, at, message: send.message, targets });
  });
  if (issues.length > 0) return { ok: false, issues: issues as unknown as NonEmptyArray<PlanIssue> };
  // Stable: sends at the same instant keep the plan's order.
  resolved.sort((a, b) => a.at - b.at || a.index - b.index);
  warnings.push(...contactIds(recipients, charter), ...undeclaredAudiences(recipients, charter));
  return { ok: true, sends: resolved, recipients, views, warnings };
}

/**
 * Recipient ids that are phone numbers or email addresses: one warning, at the first, with a
 * count. Reports (and the matchers' messages) give ids as they are, so ids are the one place a
 * contact point would show in clear.
 */
function contactIds(recipients: readonly Recipient[], charter: CompiledCharter): PlanWarning[] {
  let first = -1;
  let count = 0;
  for (let index = 0; index < recipients.length; index++) {
    const id = recipients[index]!.id;
    // Cheap tests first: most ids have letters and no '@', and are no contact point. A number
    // is parsed only when written as people write phone numbers (a '+', the '0' of a prefix,
    // or separators): bare numeric CRM ids never are.
    const contact = id.includes('@') ? normalizeEmail(id).ok : PHONE_LIKE.test(id) && WRITTEN_AS_PHONE.test(id) && readPhone(id, charter.defaultCountry).ok;
    if (!contact) continue;
    if (first < 0) first = index;
    count++;
  }
  if (count === 0) return [];
  const id = recipients[first]!.id;
  return [
    {
      path: ['recipients', first, 'id'],
      message: `recipient id '${maskContacts(id)}' is a phone number or an email address, as ${count === 1 ? 'is 1 id' : `are ${count} ids`}: reports give ids as they are, so use the CRM's own ids`,
    },
  ];
}

/** Only digits, a leading '+' and the separators people write numbers with. */
const PHONE_LIKE = /^\+?[\d\s().\-]{6,}$/;
/** Written as a phone number: a '+', a leading '0' or bracket, or separators between digits (not a bare numeric id). */
const WRITTEN_AS_PHONE = /^[+0(]|\d[\s().\-]+\d/;

/**
 * Audiences the plan's recipients are filed under that the charter does not declare: one
 * warning per name, at its first use, with how many recipients have it. A CRM's other tags
 * are harmless; a misspelt audience silently keeps its recipients out of every send to it.
 */
function undeclaredAudiences(recipients: readonly Recipient[], charter: CompiledCharter): PlanWarning[] {
  const declared = charter.labels.audiences;
  const found = new Map<string, { path: (string | number)[]; count: number }>();
  for (let index = 0; index < recipients.length; index++) {
    const audiences = recipients[index]!.audiences;
    if (audiences === undefined) continue;
    for (let position = 0; position < audiences.length; position++) {
      const name = audiences[position]!;
      if (declared.has(name)) continue;
      const seen = found.get(name);
      if (seen !== undefined) seen.count++;
      else found.set(name, { path: ['recipients', index, 'audiences', position], count: 1 });
    }
  }
  const warnings: PlanWarning[] = [...found].slice(0, LISTED_AUDIENCES).map(([name, { path, count }]) => ({
    path,
    message: `audience '${maskContacts(name)}' is not declared by the charter (${count} ${count === 1 ? 'recipient' : 'recipients'})${maskContacts(didYouMean(name, declared.keys()).hint)}`,
  }));
  const more = found.size - LISTED_AUDIENCES;
  if (more > 0) warnings.push({ path: ['recipients'], message: `${more} more audience ${more === 1 ? 'name' : 'names'} not declared by the charter (the first ${LISTED_AUDIENCES} are listed)` });
  return warnings;
}

/** How many undeclared audience names a plan's warnings list one by one (a CRM may have thousands of tags). */
const LISTED_AUDIENCES = 20;

/** How many unknown recipient ids a plan's issues list one by one, and how many get a suggestion. */
const LISTED_UNKNOWN_IDS = 100;
const SUGGESTED_UNKNOWN_IDS = 20;
