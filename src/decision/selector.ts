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
  /** One test per field present, in the same order. */
  readonly tests: readonly FieldTest[];
};

/** Whether a send matches one field of a selector. */
type FieldTest = (send: SendFacts) => boolean;

/** Turns a selector's lists into sets and tests once, at compile time. */
export function compileSelector(selector: Selector | undefined): CompiledSelector | undefined {
  if (!selector) return undefined;
  const present: SelectorField[] = [];
  const tests: FieldTest[] = [];
  const compiled: Partial<Record<SelectorField, ReadonlySet<string>>> = {};
  for (const field of SELECTOR_FIELDS) {
    const values = selector[field];
    if (values) {
      const wanted = new Set<string>(values);
      compiled[field] = wanted;
      present.push(field);
      tests.push(fieldTest(field, wanted));
    }
  }
  return { ...compiled, present, tests };
}

/** Whether the send matches every field of the selector. */
export function matches(selector: CompiledSelector | undefined, send: SendFacts): boolean {
  if (!selector) return true;
  const tests = selector.tests;
  for (let i = 0; i < tests.length; i++) if (!tests[i]!(send)) return false;
  return true;
}

/** The fields of the selector the send does not match. */
export function mismatchedFields(selector: CompiledSelector | undefined, send: SendFacts): SelectorField[] {
  const missed: SelectorField[] = [];
  if (!selector) return missed;
  const { present, tests } = selector;
  for (let i = 0; i < tests.length; i++) if (!tests[i]!(send)) missed.push(present[i]!);
  return missed;
}

/**
 * The test of one field, as a closure of its own: each reads one property of the send, so
 * every call site stays monomorphic, and a field naming one value compares strings instead
 * of hashing them (charters mostly name one channel, one role, one audience).
 */
function fieldTest(field: SelectorField, wanted: ReadonlySet<string>): FieldTest {
  const only = wanted.size === 1 ? [...wanted][0]! : undefined;
  switch (field) {
    case 'channels':
      return only !== undefined ? (send) => send.channel === only : (send) => wanted.has(send.channel);
    case 'senders':
      return only !== undefined ? (send) => send.role === only : (send) => wanted.has(send.role);
    case 'via':
      return only !== undefined ? (send) => send.via === only : (send) => wanted.has(send.via);
    case 'audiences':
      return only !== undefined ? (send) => send.audiences.includes(only) : (send) => hasAny(wanted, send.audiences);
    case 'phases':
      return only !== undefined ? (send) => send.phases.includes(only) : (send) => hasAny(wanted, send.phases);
    default:
      return (send) => fieldMatches(field, wanted, send);
  }
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
