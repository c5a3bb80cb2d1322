import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canSend,
  defineCharter,
  messageSchema,
  normalizePhone,
  recipientSchema,
  QUOTA_KEYS,
  WEEKDAYS,
  type Charter,
  type CharterInput,
  type Decision,
  type Message,
  type QuotaKey,
  type Recipient,
  type RuleInput,
  type Selector,
  type UsageView,
  type Verdict,
} from '../../src/index.js';
import { localToInstant, parseLocalDateTime } from '../../src/time/zoned-time.js';

// Small name pools, so generated rules and sends refer to each other and rules really apply.
const PHASES = ['p1', 'p2', 'p3'] as const;
const AUDIENCES = ['a1', 'a2', 'a3'] as const;
const RELAYS = ['r1', 'r2'] as const;
const SOURCES = ['s1', 's2'] as const;
const ROLES = ['candidate', 'party'] as const;
const SENDERS = ['alice', 'bob'] as const;
const CANDIDATES = ['team-a', 'team-b'] as const;
const CHANNELS = ['email', 'sms', 'post'] as const;
const RELATIONSHIPS = ['member', 'regular', 'occasional', 'prospect'] as const;
const ZONES = ['Europe/Paris', 'America/New_York', 'UTC'] as const;

const HOUR = 3_600_000;
/** Local readings are generated as hours after 1 May 2013 00:00 (no DST change in May–June in these zones). */
const LOCAL_BASE = Date.UTC(2013, 4, 1);
/** Instants of sends: late April to early July 2013. */
const NOW_FROM = Date.UTC(2013, 3, 25);
const NOW_TO = Date.UTC(2013, 6, 5);

const RANK: Record<Verdict, number> = { deny: 0, review: 1, allow: 2 };
const TIME_CODES = new Set(['QUIET_HOURS', 'OUTSIDE_PHASE']);

function localReading(hours: number): string {
  return new Date(LOCAL_BASE + hours * HOUR).toISOString().slice(0, 16);
}

/** A non-empty subset of `names`, or absent. */
function someOf<T extends string>(names: readonly T[]): fc.Arbitrary<T[]> {
  return fc.subarray([...names], { minLength: 1 });
}

const selectorArb: fc.Arbitrary<Selector> = fc.record(
  {
    channels: someOf(CHANNELS),
    senders: someOf(ROLES),
    candidates: someOf([...SENDERS, ...CANDIDATES]),
    audiences: someOf(AUDIENCES),
    phases: someOf(PHASES),
    via: someOf([...RELAYS, 'direct']),
    sources: someOf(SOURCES),
    relationships: someOf(RELATIONSHIPS),
  },
  { requiredKeys: [] },
);

/** A selector with at most a couple of fields, so rules apply often enough. */
const smallSelectorArb: fc.Arbitrary<Selector> = selectorArb.map((selector) => {
  const entries = Object.entries(selector).slice(0, 2);
  return Object.fromEntries(entries) as Selector;
});

const inForceArb = fc
  .tuple(fc.option(fc.integer({ min: 0, max: 24 * 50 }), { nil: undefined }), fc.option(fc.integer({ min: 1, max: 24 * 30 }), { nil: undefined }))
  .map(([from, length]) => {
    const range: { from?: string; to?: string } = {};
    if (from !== undefined) range.from = localReading(from);
    if (length !== undefined) range.to = localReading((from ?? 0) + length);
    return range;
  });

const scopeArb = fc.record(
  { article: fc.constantFrom('Art. 1', 'Art. 2', 'Art. 3'), when: smallSelectorArb, unless: smallSelectorArb, inForce: inForceArb },
  { requiredKeys: [] },
);

const effectArb = fc.constantFrom<'deny' | 'review'>('deny', 'review');

const permitArb: fc.Arbitrary<RuleInput> = scopeArb.map((scope) => ({ id: '', kind: 'permit', ...scope }));
const forbidArb: fc.Arbitrary<RuleInput> = fc.tuple(scopeArb, effectArb).map(([scope, effect]) => ({ id: '', kind: 'forbid', effect, ...scope }));
const quotaArb: fc.Arbitrary<RuleInput> = fc
  .tuple(
    scopeArb,
    effectArb,
    fc.integer({ min: 0, max: 3 }),
    fc.constantFrom<'messages' | 'deliveries'>('messages', 'deliveries'),
    fc.subarray<QuotaKey>([...QUOTA_KEYS]),
    fc.constantFrom<Extract<RuleInput, { kind: 'quota' }>['window']>('charter', { phase: 'p1' }, { calendar: 'day' }, { calendar: 'week' }, { rolling: '24h' }),
  )
  .map(([scope, effect, limit, count, per, window]) => ({ id: '', kind: 'quota', effect, limit, count, per, ...(window === undefined ? {} : { window }), ...scope }));
const consentArb: fc.Arbitrary<RuleInput> = fc
  .tuple(scopeArb, effectArb, fc.option(smallSelectorArb, { nil: undefined }))
  .map(([scope, effect, exempt]) => ({ id: '', kind: 'consent', effect, ...scope, ...(exempt === undefined ? {} : { exempt }) }));
const quietHoursArb: fc.Arbitrary<RuleInput> = fc
  .tuple(
    scopeArb,
    effectArb,
    fc.array(fc.tuple(fc.subarray([...WEEKDAYS], { minLength: 1 }), fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 2 }),
    fc.constantFrom<'strictest' | 'charter' | 'review' | 'deny'>('strictest', 'charter', 'review', 'deny'),
  )
  .map(([scope, effect, windows, unknownTimezone]) => ({
    id: '',
    kind: 'quietHours',
    effect,
    ...scope,
    unknownTimezone,
    windows: windows.map(([days, from, length]) => ({ days, from: clock(from), to: clock(Math.min(24, from + length)) })),
    holidays: ['2013-05-08'],
  }));
const contentArb: fc.Arbitrary<RuleInput> = fc
  .tuple(scopeArb, effectArb, fc.boolean(), fc.boolean(), fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }))
  .map(([scope, effect, senderIdentification, optOutInstruction, maxSmsSegments]) => ({
    id: '',
    kind: 'content',
    effect,
    ...scope,
    senderIdentification,
    optOutInstruction,
    forbiddenPhrases: ['vote twice'],
    ...(maxSmsSegments === undefined ? {} : { maxSmsSegments }),
  }));
const constraintArb = fc.oneof(forbidArb, quotaArb, consentArb, quietHoursArb, contentArb);
const ruleArb = fc.oneof({ arbitrary: permitArb, weight: 3 }, { arbitrary: constraintArb, weight: 4 });

function clock(hours: number): string {
  return `${hours < 10 ? '0' : ''}${hours}:00`;
}

const phaseArb = fc
  .tuple(fc.option(fc.integer({ min: 0, max: 24 * 40 }), { nil: undefined }), fc.option(fc.integer({ min: 1, max: 24 * 25 }), { nil: undefined }))
  .map(([from, length]) => {
    const phase: { from?: string; to?: string } = {};
    if (from !== undefined) phase.from = localReading(from);
    if (length !== undefined) phase.to = localReading((from ?? 0) + length);
    return phase;
  });

const charterInputArb: fc.Arbitrary<CharterInput> = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    locale: fc.constantFrom<'en' | 'fr'>('en', 'fr'),
    unlisted: fc.constantFrom<'deny' | 'review' | 'allow'>('deny', 'deny', 'review', 'allow'),
    roles: fc.boolean(),
    phases: fc.tuple(phaseArb, phaseArb, phaseArb),
    rules: fc.array(ruleArb, { maxLength: 6 }),
  })
  .map(({ timezone, locale, unlisted, roles, phases, rules }) => ({
    id: 'generated',
    title: 'Generated',
    locale,
    timezone,
    defaultCountry: 'FR',
    defaults: { unlisted },
    ...(roles ? { roles: { candidate: {}, party: {} } } : {}),
    phases: { p1: phases[0], p2: phases[1], p3: phases[2] },
    audiences: Object.fromEntries(AUDIENCES.map((name) => [name, { label: `audience ${name}` }])),
    relays: Object.fromEntries(RELAYS.map((name) => [name, {}])),
    sources: Object.fromEntries(SOURCES.map((name) => [name, {}])),
    rules: rules.map((rule, index) => ({ ...rule, id: `rule-${index}` }) as RuleInput),
  }));

const instantArb = fc.integer({ min: Date.UTC(2013, 0, 1), max: NOW_TO }).map((ms) => new Date(ms).toISOString());

const messageArb: fc.Arbitrary<Message> = fc
  .record(
    {
      id: fc.constantFrom('m1', 'm2'),
      channel: fc.constantFrom(...CHANNELS),
      sender: fc.record(
        { id: fc.constantFrom(...SENDERS), role: fc.constantFrom(...ROLES), candidate: fc.constantFrom(...CANDIDATES), name: fc.constantFrom('Alice', 'Équipe A') },
        { requiredKeys: ['id', 'role'] },
      ),
      via: fc.constantFrom(...RELAYS),
      audience: fc.constantFrom(...AUDIENCES),
      content: fc.record(
        { subject: fc.constantFrom('Hello', 'Vote'), text: fc.constantFrom('Alice says hi. STOP to opt out', 'Please vote twice', 'Équipe A vous écrit', 'x'.repeat(200), '') },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['id', 'channel', 'sender'] },
  )
  .map((message) => message as Message);

/** Contact points, including ones a CRM puts in the wrong place. */
const PHONES = ['06 12 34 56 78', '+33 6 98 76 54 32', '01 23 45 67 89', '+1 415 555 2671', '12', 'call me'] as const;
const EMAILS = ['jean.dupont@example.fr', 'Marie.Curie@Example.ORG', 'not-an-email'] as const;

const recipientArb: fc.Arbitrary<Recipient> = fc
  .record(
    {
      id: fc.constantFrom('r1', 'r2'),
      phone: fc.constantFrom(...PHONES),
      email: fc.constantFrom(...EMAILS),
      timezone: fc.constantFrom('Europe/Paris', 'America/Los_Angeles'),
      country: fc.constantFrom('FR', 'US'),
      audiences: fc.subarray([...AUDIENCES]),
      source: fc.constantFrom(...SOURCES),
      relationship: fc.constantFrom(...RELATIONSHIPS),
      consents: fc.array(fc.record({ channel: fc.constantFrom(...CHANNELS, 'all'), at: instantArb }), { maxLength: 2 }),
      optOuts: fc.array(fc.record({ channel: fc.constantFrom(...CHANNELS, 'all'), at: instantArb }), { maxLength: 1 }),
    },
    { requiredKeys: ['id'] },
  )
  .map((recipient) => recipient as Recipient);

/** A deterministic usage view: the answer depends on the key only. */
function usageOf(seed: number): UsageView {
  return {
    quota: ({ key }) => {
      let hash = seed;
      for (const char of key) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
      return { used: hash % 5, counted: hash % 3 === 0 };
    },
  };
}

/** An instant anywhere in the period, or exactly on (or a millisecond off) a whole local hour, where phases and inForce begin and end. */
const nowArb = fc.oneof(
  fc.integer({ min: NOW_FROM, max: NOW_TO }).map((ms) => ({ at: ms })),
  fc.record({ hours: fc.integer({ min: 0, max: 24 * 60 }), delta: fc.constantFrom(-1, 0, 0, 1) }),
);

const sendArb = fc.record({
  input: charterInputArb,
  message: messageArb,
  recipient: recipientArb,
  now: nowArb,
  usage: fc.option(fc.nat(1000), { nil: undefined }),
});

type Send = { charter: Charter; input: CharterInput; message: Message; recipient: Recipient; now: string; usage: UsageView | undefined };

type RawSend = typeof sendArb extends fc.Arbitrary<infer T> ? T : never;

function prepare({ input, message, recipient, now, usage }: RawSend): Send {
  const at = 'at' in now ? now.at : localToInstant(parseLocalDateTime(localReading(now.hours))!, input.timezone).instant + now.delta;
  return { charter: defineCharter(input), input, message, recipient, now: new Date(at).toISOString(), usage: usage === undefined ? undefined : usageOf(usage) };
}

function decide(send: Send, charter: Charter = send.charter, now: string = send.now): Decision {
  return canSend(send.message, send.recipient, { charter, now, ...(send.usage === undefined ? {} : { usage: send.usage }) });
}

function withRule(input: CharterInput, rule: RuleInput, position: number): Charter {
  const rules = [...input.rules];
  rules.splice(position % (rules.length + 1), 0, { ...rule, id: 'added' } as RuleInput);
  return defineCharter({ ...input, rules });
}

function isTimeBlocked(decision: Decision): boolean {
  return decision.reasons.some((reason) => TIME_CODES.has(reason.code) || (reason.code.startsWith('FORBIDDEN') && reason.facts['untilAt'] !== undefined));
}

/** Forms of a contact point that must never appear in a message. */
function secretsOf(recipient: Recipient): string[] {
  const secrets: string[] = [];
  if (recipient.email !== undefined && recipient.email.includes('@')) secrets.push(recipient.email, recipient.email.toLowerCase());
  if (recipient.phone !== undefined) {
    const phone = normalizePhone(recipient.phone, recipient.country ?? 'FR');
    if (phone.ok) {
      secrets.push(recipient.phone, phone.e164, phone.e164.slice(1), recipient.phone.replace(/\D/g, ''));
    }
  }
  return secrets;
}

describe('properties of canSend', () => {
  it('every generated charter is valid (the generators exercise real rules)', () => {
    fc.assert(
      fc.property(charterInputArb, (input) => {
        expect(() => defineCharter(input)).not.toThrow();
      }),
    );
  });

  it('is deterministic: the same inputs, even as fresh copies, give deep-equal decisions', () => {
    fc.assert(
      fc.property(sendArb, (raw) => {
        const send = prepare(raw);
        const first = decide(send);
        expect(decide(send)).toStrictEqual(first);
        const copy = prepare(structuredClone(raw));
        expect(decide(copy)).toStrictEqual(first);
      }),
    );
  });

  it('answers kept for a minute are the answers evaluated afresh', () => {
    // Near misses and quiet hours keep answers per minute and share them: a decision that
    // finds one kept by an earlier send in the same minute equals one from a fresh charter.
    fc.assert(
      fc.property(sendArb, fc.array(fc.integer({ min: -7_200_000, max: 7_200_000 }), { minLength: 1, maxLength: 4 }), fc.nat(59_999), (raw, shifts, second) => {
        const send = prepare(raw);
        const at = Date.parse(send.now);
        // Earlier sends: some up to two hours either side, then one elsewhere in the same minute.
        for (const shift of shifts) decide(send, send.charter, new Date(at + shift).toISOString());
        decide(send, send.charter, new Date(at - (at % 60_000) + second).toISOString());
        const fresh = defineCharter(send.input);
        expect(decide(send)).toStrictEqual(decide(send, fresh));
      }),
      { numRuns: 400 },
    );
  });

  it('the reasons agree with the verdict, and are never empty', () => {
    fc.assert(
      fc.property(sendArb, (raw) => {
        const decision = decide(prepare(raw));
        expect(decision.reasons.length).toBeGreaterThan(0);
        expect(decision.allowed).toBe(decision.verdict === 'allow');
        const verdicts = new Set(decision.reasons.map((reason) => reason.verdict));
        if (decision.verdict === 'deny') expect(verdicts.has('deny')).toBe(true);
        if (decision.verdict === 'review') {
          expect(verdicts.has('review')).toBe(true);
          expect(verdicts.has('deny')).toBe(false);
        }
        if (decision.verdict === 'allow') expect([...verdicts]).toEqual(['allow']);
        for (const reason of decision.reasons) expect(reason.message).toMatch(/\S/);
      }),
    );
  });

  it('checks list the three built-in checks and every rule, in order; a failing forbid always denies', () => {
    fc.assert(
      fc.property(sendArb, (raw) => {
        const send = prepare(raw);
        const decision = decide(send);
        if (decision.reasons[0].code === 'INVALID_INPUT') return;
        expect(decision.checks.map((check) => check.ruleId)).toEqual(['builtin:contact', 'builtin:opt-out', 'builtin:audience', ...send.charter.rules.map((rule) => rule.id)]);
        const kinds = new Map(send.charter.rules.map((rule) => [rule.id, rule]));
        for (const check of decision.checks) {
          const rule = kinds.get(check.ruleId);
          if (rule?.kind === 'forbid' && check.outcome === 'fail') expect(decision.verdict).toBe('deny');
          if (check.outcome === 'fail' || check.outcome === 'review') {
            expect(decision.reasons.some((reason) => reason.ruleId === check.ruleId || (rule === undefined && reason.ruleId === undefined))).toBe(true);
          }
        }
      }),
    );
  });

  it('decisions are plain JSON', () => {
    fc.assert(
      fc.property(sendArb, (raw) => {
        const decision = decide(prepare(raw));
        expect(JSON.parse(JSON.stringify(decision))).toStrictEqual(decision);
      }),
    );
  });

  it('adding a forbid or a constraint never makes the verdict more permissive', () => {
    fc.assert(
      fc.property(sendArb, constraintArb, fc.nat(), (raw, rule, position) => {
        const send = prepare(raw);
        const before = decide(send);
        const after = decide(send, withRule(send.input, rule, position));
        expect(RANK[after.verdict]).toBeLessThanOrEqual(RANK[before.verdict]);
      }),
    );
  });

  it('adding a permit never removes the reason of a failing constraint or check', () => {
    fc.assert(
      fc.property(sendArb, permitArb, fc.nat(), (raw, rule, position) => {
        const send = prepare(raw);
        const before = decide(send);
        const after = decide(send, withRule(send.input, rule, position));
        const permits = new Set(send.charter.rules.filter((r) => r.kind === 'permit').map((r) => r.id));
        const fromConstraints = (decision: Decision) =>
          decision.reasons
            .filter((reason) => reason.verdict !== 'allow' && (reason.ruleId === undefined ? !['NOT_PERMITTED', 'CHANNEL_NOT_COVERED'].includes(reason.code) : !permits.has(reason.ruleId)))
            .map((reason) => `${reason.ruleId ?? 'builtin'}:${reason.code}:${reason.verdict}`);
        expect(fromConstraints(after)).toEqual(expect.arrayContaining(fromConstraints(before)));
        if (before.verdict === 'deny' && fromConstraints(before).some((key) => key.endsWith(':deny'))) expect(after.verdict).toBe('deny');
      }),
    );
  });

  it('near misses: each cites a permit that does not apply; otherwise a single NOT_PERMITTED or CHANNEL_NOT_COVERED', () => {
    fc.assert(
      fc.property(sendArb, (raw) => {
        const send = prepare(raw);
        const decision = decide(send);
        if (decision.reasons[0].code === 'INVALID_INPUT') return;
        const outcomes = new Map(decision.checks.map((check) => [check.ruleId, check.outcome]));
        const permits = send.charter.rules.filter((rule) => rule.kind === 'permit');
        const applying = permits.filter((rule) => outcomes.get(rule.id) === 'pass');
        const nearMisses = decision.reasons.filter((reason) => ['RELAY_REQUIRED', 'OUTSIDE_PHASE'].includes(reason.code) || (reason.code === 'NOT_PERMITTED' && reason.ruleId !== undefined));
        const generic = decision.reasons.filter((reason) => ['NOT_PERMITTED', 'CHANNEL_NOT_COVERED'].includes(reason.code) && reason.ruleId === undefined);
        for (const miss of nearMisses) {
          expect(permits.map((rule) => rule.id)).toContain(miss.ruleId);
          expect(outcomes.get(miss.ruleId!)).toBe('not-applicable');
        }
        expect(new Set(nearMisses.map((miss) => miss.ruleId)).size).toBe(nearMisses.length);
        if (applying.length > 0 || send.charter.defaults.unlisted === 'allow') {
          expect(nearMisses).toEqual([]);
          expect(generic).toEqual([]);
        } else {
          if (nearMisses.length > 0) expect(generic).toEqual([]);
          else expect(generic).toHaveLength(1);
          for (const reason of [...nearMisses, ...generic]) expect(reason.verdict).toBe(send.charter.defaults.unlisted);
        }
      }),
    );
  });

  it('notBefore is later than now, and from then on no time rule refuses the send, and just before it one does', () => {
    fc.assert(
      fc.property(sendArb, (raw) => {
        const send = prepare(raw);
        const decision = decide(send);
        if (decision.notBefore === undefined) return;
        expect(decision.verdict).not.toBe('allow');
        expect(Date.parse(decision.notBefore)).toBeGreaterThan(Date.parse(send.now));
        expect(isTimeBlocked(decision)).toBe(true);
        expect(isTimeBlocked(decide(send, send.charter, decision.notBefore))).toBe(false);
        const justBefore = new Date(Date.parse(decision.notBefore) - 1).toISOString();
        expect(isTimeBlocked(decide(send, send.charter, justBefore))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("messages never contain the recipient's full phone number or email address", () => {
    const misplacedArb = fc.record({
      raw: sendArb,
      // CRMs use contact points as ids, and put them in the wrong columns.
      asId: fc.boolean(),
      misplaced: fc.constantFrom(undefined, 'source', 'timezone'),
    });
    fc.assert(
      fc.property(misplacedArb, ({ raw, asId, misplaced }) => {
        const recipient: Record<string, unknown> = { ...raw.recipient, phone: raw.recipient.phone ?? '06 12 34 56 78', email: raw.recipient.email ?? 'jean.dupont@example.fr' };
        if (asId) recipient['id'] = recipient['email'];
        if (misplaced !== undefined) recipient[misplaced] = recipient[misplaced === 'source' ? 'phone' : 'email'];
        const send = prepare({ ...raw, recipient: recipient as Recipient });
        const decision = decide(send);
        const secrets = secretsOf(send.recipient);
        for (const reason of decision.reasons) {
          for (const secret of secrets) expect(reason.message).not.toContain(secret);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('any value as message or recipient', () => {
  const charter = defineCharter({
    id: 'any',
    title: 'Any',
    timezone: 'Europe/Paris',
    defaults: { unlisted: 'allow' },
    audiences: { a1: {} },
    relays: { r1: {} },
    sources: { s1: {} },
    rules: [{ id: 'p', kind: 'permit' }],
  });
  const validMessage: Message = { id: 'm', channel: 'post', sender: { id: 's', role: 'candidate' } };
  const validRecipient: Recipient = { id: 'r' };
  const now = '2013-05-20T10:00:00+02:00';

  it('the valid pair is allowed (so the properties below are not vacuous)', () => {
    expect(canSend(validMessage, validRecipient, { charter, now }).verdict).toBe('allow');
  });

  for (const [name, arbitrary] of [
    ['fc.jsonValue', fc.jsonValue()],
    ['fc.anything', fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withSparseArray: true, withNullPrototype: true, withDate: true, withTypedArray: true, withBigInt: true })],
  ] as const) {
    it(`${name} as the message never throws and never allows`, () => {
      fc.assert(
        fc.property(arbitrary, (value) => {
          const decision = canSend(value as Message, validRecipient, { charter, now });
          expect(decision.allowed).toBe(false);
          expect(decision.reasons[0].code).toBe('INVALID_INPUT');
        }),
      );
    });

    it(`${name} as the recipient never throws and never allows`, () => {
      fc.assert(
        fc.property(arbitrary, (value) => {
          const decision = canSend(validMessage, value as Recipient, { charter, now });
          expect(decision.allowed).toBe(false);
          expect(decision.reasons[0].code).toBe('INVALID_INPUT');
        }),
      );
    });

    it(`${name} inside a field never throws, and is allowed only if it has the right shape`, () => {
      fc.assert(
        fc.property(arbitrary, fc.constantFrom('id', 'channel', 'sender', 'via', 'audience', 'content', 'extra'), fc.constantFrom('id', 'phone', 'audiences', 'consents', 'relationship', 'extra'), (value, messageKey, recipientKey) => {
          const message = { ...validMessage, [messageKey]: value };
          const recipient = { ...validRecipient, [recipientKey]: value };
          for (const [m, r] of [
            [message, validRecipient],
            [validMessage, recipient],
          ] as const) {
            const decision = canSend(m as Message, r as Recipient, { charter, now });
            expect(['allow', 'deny', 'review']).toContain(decision.verdict);
            if (decision.allowed) {
              expect(messageSchema.safeParse(m).success).toBe(true);
              expect(recipientSchema.safeParse(r).success).toBe(true);
            }
          }
        }),
      );
    });
  }
});
