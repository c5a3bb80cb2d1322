import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canSend, defineCharter, messageSchema, recipientSchema, type Recipient } from '../../src/index.js';
import { isMessage, isRecipient } from '../../src/decision/validate-input.js';
import { applyEdit, ODD_VALUES, pathsOf, validMessageArb, validRecipientArb } from '../input-arbitraries.js';

type Json = Record<string, unknown>;


/** An array of `length` holes, with `value` at `at` when given. */
function sparse(length: number, at?: number, value?: unknown): unknown[] {
  const array = new Array<unknown>(length);
  if (at !== undefined) array[at] = value;
  return array;
}

/** Values that are almost right somewhere: wrong types, empty strings, bad instants, codes in the wrong case… */
const replacementArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    ...ODD_VALUES,
    1.5,
    Number.NaN,
    'member',
    'members',
    'all',
    'email',
    'FR',
    'fr',
    'F',
    'FRA',
    '2013-05-20T10:00:00Z',
    '2013-05-20T10:00:00+02:00',
    '2013-05-20T10:00:00.250-03:30',
    '2013-05-20T10:00:00',
    '2013-05-20T10:00Z',
    '2013-05-20',
    '2013-02-30T10:00:00Z',
    '2012-02-29T10:00:00Z',
    '2013-05-20T24:00:00Z',
    '2013-05-20T10:00:00+2:00',
    '2013-05-20t10:00:00z',
    ' 2013-05-20T10:00:00Z',
    { channel: 'email', at: '2013-05-20T10:00:00Z' },
    { channel: 'all', at: '2013-05-20T10:00:00Z', source: '' },
    { channel: '', at: '2013-05-20T10:00:00Z' },
    { id: 'x', role: 'y' },
    { subject: 1 },
  ),
  fc.constant(null).map(() => new Date(0)),
  fc.constant(null).map(() => new String('boxed')),
  fc.constant(null).map(() => Object.create(null) as Json),
  fc.constant(null).map(() => sparse(2, 1, 'a')),
  fc.constant(null).map(() => sparse(1)),
  fc.constant(null).map(() => sparse(1, 0, undefined)),
  fc.constant(null).map(() => [{ channel: 'email', at: '2013-05-20T10:00:00Z' }, undefined]),
  fc.string({ maxLength: 4 }),
  fc.integer(),
);

const extraKeyArb = fc.constantFrom('extra', 'ID', 'phoneNumber', 'sendAt', 'constructor', 'toString', '__proto__', 'via', 'phone', 'source', 'at', 'text');

type Mutation = { at: number; op: 'delete' | 'set' | 'add'; key: string; value: unknown };

const mutationArb: fc.Arbitrary<Mutation> = fc.record({ at: fc.nat(), op: fc.constantFrom<Mutation['op']>('delete', 'set', 'set', 'add'), key: extraKeyArb, value: replacementArb });

function mutate(root: Json, mutation: Mutation): unknown {
  const paths = pathsOf(root);
  return applyEdit(root, paths[mutation.at % paths.length]!, mutation);
}

function nearValid(valid: fc.Arbitrary<Json>): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.array(mutationArb, { maxLength: 3 })).map(([value, mutations]) => {
    let result: unknown = structuredClone(value);
    for (const mutation of mutations) {
      if (typeof result !== 'object' || result === null || Array.isArray(result)) break;
      result = mutate(result as Json, mutation);
    }
    return result;
  });
}

describe('the fast shape check agrees with the schemas', () => {
  it('isMessage answers as messageSchema on near-valid messages, both ways', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(nearValid(validMessageArb), (value) => {
        const expected = messageSchema.safeParse(value).success;
        expect(isMessage(value)).toBe(expected);
        if (expected) accepted++;
        else refused++;
      }),
      { numRuns: 2000 },
    );
    // Both answers are exercised, so the agreement is not vacuous.
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });

  it('isRecipient answers as recipientSchema on near-valid recipients, both ways', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(nearValid(validRecipientArb), (value) => {
        const expected = recipientSchema.safeParse(value).success;
        expect(isRecipient(value)).toBe(expected);
        if (expected) accepted++;
        else refused++;
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
  });

  it('every valid message and recipient is accepted', () => {
    fc.assert(
      fc.property(validMessageArb, validRecipientArb, (message, recipient) => {
        expect(isMessage(message)).toBe(true);
        expect(isRecipient(recipient)).toBe(true);
      }),
    );
  });

  it('agree on any value at all', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withSparseArray: true, withNullPrototype: true, withDate: true }), (value) => {
        expect(isMessage(value)).toBe(messageSchema.safeParse(value).success);
        expect(isRecipient(value)).toBe(recipientSchema.safeParse(value).success);
      }),
    );
  });

  const message = { id: 'm', channel: 'email', sender: { id: 's', role: 'candidate' } };
  const recipient = { id: 'r' };
  const cases: [string, unknown, unknown][] = [
    // Regression (fast-check seed -1925448414): `every` skips the holes of a sparse array.
    ['a sparse audiences array', message, { ...recipient, audiences: sparse(1) }],
    ['an audiences array holding undefined', message, { ...recipient, audiences: sparse(1, 0, undefined) }],
    ['a sparse audiences array with a name after the hole', message, { ...recipient, audiences: sparse(2, 1, 'a') }],
    ['a sparse consents array', message, { ...recipient, consents: sparse(1) }],
    ['an own __proto__ key', JSON.parse('{"id":"m","channel":"email","sender":{"id":"s","role":"c"},"__proto__":{"x":1}}'), JSON.parse('{"id":"r","__proto__":{}}')],
    ['an unknown key whose value is undefined', { ...message, extra: undefined }, { ...recipient, extra: undefined }],
    ['a known key whose value is undefined', { ...message, via: undefined }, { ...recipient, phone: undefined }],
    ['a lowercase country', message, { ...recipient, country: 'fr' }],
    ['an instant without seconds', message, { ...recipient, consents: [{ channel: 'email', at: '2013-05-20T10:00Z' }] }],
    ['an instant without offset', message, { ...recipient, optOuts: [{ channel: 'email', at: '2013-05-20T10:00:00' }] }],
    ['a day not in the calendar', message, { ...recipient, optOuts: [{ channel: 'email', at: '2013-02-30T10:00:00Z' }] }],
    ['an empty consent source', message, { ...recipient, consents: [{ channel: 'email', at: '2013-05-20T10:00:00Z', source: '' }] }],
    ['an empty content text and subject', { ...message, content: { subject: '', text: '' } }, recipient],
    ['an empty candidate', { ...message, sender: { id: 's', role: 'c', candidate: '' } }, recipient],
    ['a Date as content', { ...message, content: new Date(0) }, recipient],
    ['a null-prototype object', Object.assign(Object.create(null) as Json, message), Object.assign(Object.create(null) as Json, recipient)],
    ['a boxed string as id', { ...message, id: new String('m') }, { ...recipient, id: new String('r') }],
    ['an array as the whole value', [message], [recipient]],
  ];
  it.each(cases)('agree on %s', (_, m, r) => {
    expect(isMessage(m)).toBe(messageSchema.safeParse(m).success);
    expect(isRecipient(r)).toBe(recipientSchema.safeParse(r).success);
  });
});

describe('the recipient as decisions read it', () => {
  // canSend reads a recipient once, into a view every rule reads; these are the objects whose
  // fields a loop over keys would not see, and must still be read (or refused), never skipped.
  const charter = defineCharter({
    id: 'view',
    title: 'View',
    locale: 'en',
    timezone: 'Europe/Paris',
    defaultCountry: 'FR',
    defaults: { unlisted: 'deny' },
    rules: [{ id: 'p', kind: 'permit', when: { channels: ['email'] } }],
  });
  const message = { id: 'm', channel: 'email', sender: { id: 's', role: 'candidate' } };
  const now = '2013-05-20T10:00:00+02:00';
  const optedOut = [{ channel: 'email', at: '2013-05-01T10:00:00+02:00' }];

  it('reads a class instance through its getters: an opt-out held in one is honoured', () => {
    class Person {
      readonly id = 'r-1';
      get email() {
        return 'jean@example.fr';
      }
      get optOuts() {
        return optedOut;
      }
    }
    const decision = canSend(message, new Person() as unknown as Recipient, { charter, now });
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['OPTED_OUT']);
  });

  it('reads records that are class instances by name too', () => {
    class OptOut {
      get channel() {
        return 'email';
      }
      get at() {
        return '2013-05-01T10:00:00+02:00';
      }
    }
    const decision = canSend(message, { id: 'r-1', email: 'jean@example.fr', optOuts: [new OptOut()] } as unknown as Recipient, { charter, now });
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['OPTED_OUT']);
  });

  it('refuses an unknown field of a class instance, and ignores what its prototype adds', () => {
    class Row {
      readonly id = 'r-1';
      readonly email = 'jean@example.fr';
      readonly mobile = '06 12 34 56 78';
    }
    expect(canSend(message, new Row() as unknown as Recipient, { charter, now }).reasons[0].code).toBe('INVALID_INPUT');
    const inherited = Object.assign(Object.create({ note: 'from the prototype' }) as object, { id: 'r-1', email: 'jean@example.fr' });
    expect(canSend(message, inherited as Recipient, { charter, now }).verdict).toBe('allow');
  });

  it('reads an object without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { id: 'r-1', email: 'jean@example.fr', optOuts: optedOut });
    expect(canSend(message, bare as Recipient, { charter, now }).reasons[0].code).toBe('OPTED_OUT');
  });

  it('decides each call on the recipient as it is then, though the same object', () => {
    const person: Recipient = { id: 'r-1', email: 'jean@example.fr' };
    expect(canSend(message, person, { charter, now }).verdict).toBe('allow');
    (person as { optOuts?: unknown }).optOuts = optedOut;
    expect(canSend(message, person, { charter, now }).reasons[0].code).toBe('OPTED_OUT');
    (person as { optOut?: unknown }).optOut = optedOut;
    expect(canSend(message, person, { charter, now }).reasons[0].code).toBe('INVALID_INPUT');
  });
});
