import type { Selector } from '../charter/schema.js';
import type { SendFacts } from './send-facts.js';

/** The fields of a selector, in the order near misses report them. */
const SELECTOR_FIELDS = ['channels', 'senders', 'candidates', 'audiences', 'phases', 'via', 'sources', 'relationships'] as const;

/** A selector field. */
export type SelectorField = (typeof SELECTOR_FIELDS)[number];

/** A selector with its lists turned into sets; absent fields match everything. */
export type CompiledSelector = Partial<Record<SelectorField, ReadonlySet<string>>> & {
  /** The fields present, in SELECTOR_FIELDS order: evaluation loops over these only. */
  readonly present: readonly SelectorField[];
};

/** Turns a selector's lists into sets once, at compile time. */
export function compileSelector(selector: Selector | undefined): CompiledSelector | undefined {
  if (!selector) return undefined;
  const present: SelectorField[] = [];
  const compiled: Partial<Record<SelectorField, ReadonlySet<string>>> = {};
  for (const field of SELECTOR_FIELDS) {
    const values = selector[field];
    if (values) {
      compiled[field] = new Set<string>(values);
      present.push(field);
    }
  }
  return { ...compiled, present };
}

/** Whether the send matches every field of the selector. */
export function matches(selector: CompiledSelector | undefined, send: SendFacts): boolean {
  if (!selector) return true;
  for (const field of selector.present) {
    if (!fieldMatches(field, selector[field]!, send)) return false;
  }
  return true;
}

/** The fields of the selector the send does not match. */
export function mismatchedFields(selector: CompiledSelector | undefined, send: SendFacts): SelectorField[] {
  const missed: SelectorField[] = [];
  if (!selector) return missed;
  for (const field of selector.present) {
    if (!fieldMatches(field, selector[field]!, send)) missed.push(field);
  }
  return missed;
}

function fieldMatches(field: SelectorField, wanted: ReadonlySet<string>, send: SendFacts): boolean {
  switch (field) {
    case 'channels':
      return wanted.has(send.channel);
    case 'senders':
      return wanted.has(send.role);
    case 'candidates':
      return wanted.has(send.senderId) || (send.candidate !== undefined && wanted.has(send.candidate));
    case 'audiences':
      return hasAny(wanted, send.audiences);
    case 'phases':
      return hasAny(wanted, send.phases);
    case 'via':
      return wanted.has(send.via);
    case 'sources':
      return send.source !== undefined && wanted.has(send.source);
    case 'relationships':
      return send.relationship !== undefined && wanted.has(send.relationship);
  }
}

function hasAny(wanted: ReadonlySet<string>, names: readonly string[]): boolean {
  for (const name of names) if (wanted.has(name)) return true;
  return false;
}
