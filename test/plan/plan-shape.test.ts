import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPlan, checkPlanSync, planSchema, PlanError } from '../../src/index.js';
import { charter } from '../../examples/paris-2013/charter.js';
import { isPlan } from '../../src/plan/plan-shape.js';
import { applyEdit, nameArb, ODD_VALUES, pathsOf, textArb, validMessageArb, validRecipientArb } from '../input-arbitraries.js';

type Json = Record<string, unknown>;


// What a send's `at` may be: local or with an offset, with or without seconds and fraction.
const validAtArb = fc
  .tuple(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }),
    fc.constantFrom(16, 19),
    fc.constantFrom('', '.5', '.123'),
    fc.constantFrom('', 'Z', '+02:00', '-05:30'),
  )
  .map(([ms, length, fraction, offset]) => `${new Date(ms).toISOString().slice(0, length)}${length === 19 ? fraction : ''}${offset}`);

const validSendArb: fc.Arbitrary<Json> = fc.record({
  at: validAtArb,
  message: validMessageArb,
  to: fc.oneof(fc.array(nameArb, { maxLength: 3 }), fc.record({ audience: nameArb })),
});

const validPlanArb: fc.Arbitrary<Json> = fc.record(
  { $schema: textArb, $comment: textArb, recipients: fc.array(validRecipientArb, { maxLength: 3 }), sends: fc.array(validSendArb, { maxLength: 3 }) },
  { requiredKeys: ['recipients', 'sends'] },
);

/** An array of `length` holes, with `value` at `at` when given. */
function sparse(length: number, at?: number, value?: unknown): unknown[] {
  const array = new Array<unknown>(length);
  if (at !== undefined) array[at] = value;
  return array;
}

class Sender {
  id = 's';
  role = 'candidate';
}

/** Values that are almost right somewhere: wrong types, empty strings, near-miss times, objects that are not plain… */
const replacementArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    ...ODD_VALUES,
    { audience: 'a' },
    { audience: '' },
    { audience: 'a', extra: 1 },
    { id: 'x', role: 'y' },
    { id: 'x' },
    { channel: 'email', at: '2013-05-20T10:00:00Z' },
    '2013-05-20T10:00',
    '2013-05-20T10:00:00',
    '2013-05-20T10:00:00.5+02:00',
    '2013-05-20T10:00Z',
    '2013-05-20',
    '2013-05-20T10',
    '2013-05-20 10:00',
    '2013-05-20T10:00+2:00',
    '2013-05-20T10:00:00.Z',
    '2013-02-30T10:00',
    '2013-05-20T10:00\n',
  ),
  fc.constant(null).map(() => new Date(0)),
  fc.constant(null).map(() => new String('boxed')),
  fc.constant(null).map(() => Object.create(null) as Json),
  fc.constant(null).map(() => new Sender()),
  fc.constant(null).map(() => sparse(2, 1, 'a')),
  fc.constant(null).map(() => sparse(1)),
  fc.string({ maxLength: 4 }),
  fc.integer(),
);

const extraKeyArb = fc.constantFrom('extra', 'ID', 'at', 'to', 'sends', 'recipients', 'audience', '$schema', '$comment', '__proto__', 'constructor', 'phone', 'via');

/** Prototypes to give an object: none, an empty one, one with enumerable keys (unknown or known), a class's. */
const prototypeArb = fc.constantFrom<() => object | null>(
  () => null,
  () => ({}),
  () => ({ extra: 1 }),
  () => ({ id: 'inherited' }),
  () => ({ audience: 'a' }),
  () => Sender.prototype,
);

type Mutation = { at: number; op: 'delete' | 'set' | 'add' | 'prototype'; key: string; value: unknown; prototype: () => object | null };

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('delete', 'set', 'set', 'add', 'prototype'),
  key: extraKeyArb,
  value: replacementArb,
  prototype: prototypeArb,
});

function mutate(root: Json, mutation: Mutation): unknown {
  const paths = pathsOf(root);
  const path = paths[mutation.at % paths.length]!;
  if (mutation.op !== 'prototype') return applyEdit(root, path, { op: mutation.op, key: mutation.key, value: mutation.value });
  let target: unknown = root;
  for (const segment of path) target = (target as Json)[segment];
  if (typeof target === 'object' && target !== null && !Array.isArray(target)) Object.setPrototypeOf(target, mutation.prototype());
  return root;
}

const nearValidPlanArb: fc.Arbitrary<unknown> = fc.tuple(validPlanArb, fc.array(mutationArb, { maxLength: 3 })).map(([value, mutations]) => {
  let result: unknown = structuredClone(value);
  for (const mutation of mutations) {
    if (typeof result !== 'object' || result === null || Array.isArray(result)) break;
    result = mutate(result as Json, mutation);
  }
  return result;
});

/** Whether every object in the value (arrays aside) is plain: its prototype is Object.prototype or null. */
function allPlain(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!allPlain(value[index])) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key of Object.keys(value)) if (!allPlain((value as Json)[key])) return false;
  return true;
}

/**
 * The fast check accepts what the schema accepts, made of plain objects; the rest (class
 * instances, objects with another prototype) it leaves to the schema. What it accepts is
 * read as written, so it must also equal the schema's copy, key for key.
 */
function agrees(value: unknown): boolean {
  const parsed = planSchema.safeParse(value);
  const fast = isPlan(value);
  expect(fast).toBe(parsed.success && allPlain(value));
  if (fast) expect(sameData(value, parsed.data)).toBe(true);
  return parsed.success;
}

/** Same own keys (those whose value is undefined included) and same values, in depth; prototypes aside. */
function sameData(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && sameData((a as Json)[key], (b as Json)[key]));
}

describe('the fast plan shape check agrees with planSchema', () => {
  it('on near-valid plans, both ways', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(nearValidPlanArb, (value) => {
        if (agrees(value)) accepted++;
        else refused++;
      }),
      { numRuns: 3000 },
    );
    // Both answers are exercised, so the agreement is not vacuous.
    expect(accepted).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
    // Thousands of whole plans through zod: seconds on a quiet machine, more on a busy one.
  }, 120_000);

  it('on every valid plan', () => {
    fc.assert(
      fc.property(validPlanArb, (plan) => {
        expect(isPlan(plan)).toBe(true);
      }),
    );
  });

  it('on any value at all', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withSparseArray: true, withNullPrototype: true, withDate: true }), (value) => {
        agrees(value);
      }),
    );
  });

  const message = { id: 'm', channel: 'email', sender: { id: 's', role: 'candidate' } };
  const send = { at: '2013-05-20T10:00', message, to: ['r'] };
  const inherited = (prototype: object, own: Json): Json => Object.assign(Object.create(prototype) as Json, own);
  const cases: [string, unknown][] = [
    ['a sparse recipients array', { recipients: sparse(1), sends: [] }],
    ['a sparse to array', { recipients: [], sends: [{ ...send, to: sparse(2, 1, 'r') }] }],
    ['an own __proto__ key at the top', JSON.parse('{"recipients":[],"sends":[],"__proto__":{}}')],
    ['an own __proto__ key in a send', { recipients: [], sends: [JSON.parse('{"at":"2013-05-20T10:00","message":{"id":"m","channel":"email","sender":{"id":"s","role":"c"}},"to":["r"],"__proto__":{}}')] }],
    ['an unknown key whose value is undefined', { recipients: [], sends: [], extra: undefined }],
    ['a known key whose value is undefined', { recipients: [], sends: [], $schema: undefined }],
    ['an inherited unknown key on a recipient', { recipients: [inherited({ extra: 1 }, { id: 'r' })], sends: [] }],
    ['an inherited unknown key on a consent', { recipients: [{ id: 'r', consents: [inherited({ extra: 1 }, { channel: 'email', at: '2013-05-20T10:00:00Z' })] }], sends: [] }],
    ['an inherited known key on a recipient', { recipients: [inherited({ phone: '06 12 34 56 78' }, { id: 'r' })], sends: [] }],
    ['an inherited unknown key on a message', { recipients: [], sends: [{ ...send, message: inherited({ extra: 1 }, message) }] }],
    ['an inherited unknown key on a sender', { recipients: [], sends: [{ ...send, message: { ...message, sender: inherited({ extra: 1 }, message.sender) } }] }],
    ['an inherited audience', { recipients: [], sends: [{ ...send, to: inherited({ audience: 'a' }, {}) }] }],
    ['a class instance as sender', { recipients: [], sends: [{ ...send, message: { ...message, sender: new Sender() } }] }],
    ['a null-prototype plan', Object.assign(Object.create(null) as Json, { recipients: [], sends: [send] })],
    ['an empty recipient id in to', { recipients: [], sends: [{ ...send, to: [''] }] }],
    ['a time with a trailing newline', { recipients: [], sends: [{ ...send, at: '2013-05-20T10:00\n' }] }],
  ];
  it.each(cases)('on %s', (_, value) => {
    agrees(value);
  });

  it('when Object.prototype has an enumerable key (every object has it, to zod)', () => {
    const plan = { recipients: [{ id: 'r' }], sends: [send] };
    for (const key of ['extra', 'phone']) {
      Object.defineProperty(Object.prototype, key, { value: 'x', enumerable: true, configurable: true, writable: true });
      try {
        expect(isPlan(plan)).toBe(false);
        agrees(plan);
      } finally {
        delete (Object.prototype as Json)[key];
      }
    }
    expect(isPlan(plan)).toBe(true);
  });
});

describe('a plan that is not made of plain objects', () => {
  it('is read through zod as before: inherited fields count, inherited unknown fields are refused', async () => {
    const plan = JSON.parse(readFileSync(new URL('../../examples/paris-2013/plan.json', import.meta.url), 'utf8')) as { recipients: Json[] };
    const own = await checkPlan(plan, { charter });
    // The same recipients, each with its fields on a prototype of its own but its id.
    plan.recipients = plan.recipients.map(({ id, ...fields }) => Object.assign(Object.create(fields) as Json, { id }));
    expect(isPlan(plan)).toBe(false);
    expect(await checkPlan(plan, { charter })).toEqual(own);
    const stray = Object.assign(Object.create({ extra: 1 }) as Json, { id: 'r' });
    expect(() => checkPlanSync({ recipients: [stray], sends: [] }, { charter })).toThrow(PlanError);
  });
});
