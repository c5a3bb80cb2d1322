// Inputs of canSend and of plans for property tests: valid messages and recipients, built
// from names and texts that include the usual ones and arbitrary strings.
import fc from 'fast-check';

type Json = Record<string, unknown>;

export const nameArb = fc.oneof(fc.constantFrom('a', 'email', 'sms', 'all', 'csp', ' ', 'électeurs', 'x-1', 'r-1'), fc.string({ minLength: 1, maxLength: 6 }));
export const textArb = fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }));
export const validInstantArb = fc
  .tuple(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }),
    fc.constantFrom('Z', '+02:00', '-05:30', '+00:00', '+14:00'),
    fc.constantFrom('', '.5', '.123', '.123456'),
  )
  .map(([ms, offset, fraction]) => `${new Date(ms).toISOString().slice(0, 19)}${fraction}${offset}`);

export const validMessageArb: fc.Arbitrary<Json> = fc.record(
  {
    id: nameArb,
    channel: nameArb,
    sender: fc.record({ id: nameArb, role: nameArb, candidate: nameArb, name: nameArb }, { requiredKeys: ['id', 'role'] }),
    via: nameArb,
    audience: nameArb,
    content: fc.record({ subject: textArb, text: textArb }, { requiredKeys: [] }),
  },
  { requiredKeys: ['id', 'channel', 'sender'] },
);

export const validRecipientArb: fc.Arbitrary<Json> = fc.record(
  {
    id: nameArb,
    phone: textArb,
    email: textArb,
    country: fc.constantFrom('FR', 'US', 'ZZ'),
    timezone: nameArb,
    audiences: fc.array(nameArb, { maxLength: 3 }),
    source: nameArb,
    relationship: fc.constantFrom('member', 'regular', 'occasional', 'prospect'),
    consents: fc.array(fc.record({ channel: nameArb, at: validInstantArb, source: nameArb }, { requiredKeys: ['channel', 'at'] }), { maxLength: 2 }),
    optOuts: fc.array(fc.record({ channel: nameArb, at: validInstantArb }), { maxLength: 2 }),
  },
  { requiredKeys: ['id'] },
);
