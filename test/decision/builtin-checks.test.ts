import { describe, expect, it } from 'vitest';
import { canSend, type Charter, type Decision, type Message, type Recipient } from '../../src/index.js';
import { charterWith, email, person, sms } from './constraint-fixtures.js';

const NOW = '2013-05-20T10:00:00+02:00';
const charter = charterWith([]);

function decide(message: Message, recipient: Recipient, on: Charter = charter, now = NOW): Decision {
  return canSend(message, recipient, { charter: on, now });
}

function check(decision: Decision, id: string) {
  return decision.checks.find((entry) => entry.ruleId === id)?.outcome;
}

function codes(decision: Decision) {
  return decision.reasons.map((reason) => reason.code);
}

describe('builtin:contact', () => {
  it.each([
    ['an SMS to a recipient without a phone number', sms(), 'phone'],
    ['a call to a recipient without a phone number', sms({ channel: 'call' }), 'phone'],
    ['an email to a recipient without an email address', email(), 'email'],
  ] as const)('refuses %s with NO_CONTACT', (_, message, field) => {
    const decision = decide(message, person({ phone: undefined, email: undefined }));
    expect(decision.verdict).toBe('deny');
    expect(codes(decision)).toEqual(['NO_CONTACT']);
    expect(decision.reasons[0]).toMatchObject({ verdict: 'deny', facts: { channel: message.channel, field } });
    expect(check(decision, 'builtin:contact')).toBe('fail');
  });

  it('says which contact point is missing', () => {
    expect(decide(sms(), person({ phone: undefined })).reasons[0].message).toBe('The recipient has no phone number for sms.');
    expect(decide(email(), person({ email: undefined })).reasons[0].message).toBe('The recipient has no email address for email.');
  });

  it('needs no contact point for post or social', () => {
    const nobody = person({ phone: undefined, email: undefined });
    expect(decide(sms({ channel: 'post' }), nobody).verdict).toBe('allow');
    expect(decide(sms({ channel: 'social' }), nobody).verdict).toBe('allow');
  });

  it('reads the contact kind of a channel the charter declares', () => {
    const withRcs = charterWith([{ id: 'permit-rcs', kind: 'permit', when: { channels: ['rcs'] } }], { channels: { rcs: { contact: 'mobile' } } });
    expect(codes(decide(sms({ channel: 'rcs' }), person({ phone: '01 42 34 56 78' }), withRcs))).toEqual(['NOT_A_MOBILE']);
    expect(decide(sms({ channel: 'rcs' }), person(), withRcs).verdict).toBe('allow');
  });

  it.each([
    ['letters', 'not a number', 'unparseable'],
    ['too few digits', '06 12', 'invalid'],
    ['a number no plan allocates', '+33 0 12 34 56 78', 'invalid'],
  ])('refuses a phone number with %s as INVALID_CONTACT', (_, phone, problem) => {
    const decision = decide(sms(), person({ phone }));
    expect(codes(decision)).toEqual(['INVALID_CONTACT']);
    expect(decision.reasons[0].facts).toMatchObject({ channel: 'sms', field: 'phone', problem });
    expect(decision.reasons[0].message).toBe("The recipient's phone number is not valid.");
  });

  it.each([
    ['jean@localhost', 'invalid_domain'],
    ['jean.example.fr', 'missing_at'],
    ['Jean <jean@example.fr>', 'invalid_local_part'],
  ])('refuses the email address %j as INVALID_CONTACT (%s), without repeating it', (address, problem) => {
    const decision = decide(email(), person({ email: address }));
    expect(codes(decision)).toEqual(['INVALID_CONTACT']);
    expect(decision.reasons[0].facts).toMatchObject({ channel: 'email', field: 'email', problem });
    expect(decision.reasons[0].message).toBe("The recipient's email address is not valid.");
    expect(JSON.stringify(decision)).not.toContain('jean@');
  });

  it('refuses a French fixed line for SMS as NOT_A_MOBILE, masked, but lets it be called', () => {
    const landline = person({ phone: '01 42 34 56 78' });
    const decision = decide(sms(), landline);
    expect(codes(decision)).toEqual(['NOT_A_MOBILE']);
    expect(decision.reasons[0].facts).toEqual({ channel: 'sms', masked: '+33 1 •• •• •• 78', type: 'FIXED_LINE' });
    expect(decision.reasons[0].message).toBe('+33 1 •• •• •• 78 is not a mobile number (FIXED_LINE) and cannot receive SMS.');
    expect(JSON.stringify(decision)).not.toMatch(/42\D*34\D*56/);
    expect(decide(sms({ channel: 'call' }), landline).verdict).toBe('allow');
  });

  it.each([['09 70 12 34 56', 'VOIP'], ['08 00 12 34 56', 'TOLL_FREE']])('refuses %s (%s) for SMS', (phone, type) => {
    expect(decide(sms(), person({ phone })).reasons[0]).toMatchObject({ code: 'NOT_A_MOBILE', facts: { type } });
  });

  it('lets an SMS go to a US number typed FIXED_LINE_OR_MOBILE', () => {
    const decision = decide(sms(), person({ phone: '(415) 555-2671', country: 'US' }));
    expect(decision.verdict).toBe('allow');
    expect(check(decision, 'builtin:contact')).toBe('pass');
  });

  describe('reads numbers in human formats', () => {
    it.each([
      '06 12 34 56 78',
      '06.12.34.56.78',
      '06-12-34-56-78',
      '0612345678',
      ' 06 12 34 56 78 ',
      '+33 6 12 34 56 78',
      '+33612345678',
      '+33 (0)6 12 34 56 78',
      '0033 6 12 34 56 78',
      'tel:+33612345678',
    ])('%j with the charter default country FR', (phone) => {
      expect(decide(sms(), person({ phone })).verdict).toBe('allow');
    });

    it.each(['(415) 555-2671', '415-555-2671', '415.555.2671', '4155552671', '+1 (415) 555-2671', '1 (415) 555-2671'])(
      '%j with recipient.country US, in a French charter',
      (phone) => {
        expect(decide(sms(), person({ phone, country: 'US' })).verdict).toBe('allow');
      },
    );

    it('with a charter whose default country is US', () => {
      const american = charterWith([], { defaultCountry: 'US', timezone: 'America/New_York' });
      expect(decide(sms(), person({ phone: '(415) 555-2671' }), american).verdict).toBe('allow');
      expect(decide(sms(), person({ phone: '011 33 6 12 34 56 78' }), american).verdict).toBe('allow');
      expect(codes(decide(sms(), person({ phone: '06 12 34 56 78' }), american))).toEqual(['INVALID_CONTACT']);
      expect(decide(sms(), person({ phone: '06 12 34 56 78', country: 'FR' }), american).verdict).toBe('allow');
    });

    it('refuses a national number when no country says how to read it', () => {
      const nowhere = charterWith([], { defaultCountry: undefined });
      const decision = decide(sms(), person({ phone: '06 12 34 56 78' }), nowhere);
      expect(decision.reasons[0]).toMatchObject({ code: 'INVALID_CONTACT', facts: { problem: 'missing_country' } });
      expect(decide(sms(), person({ phone: '+33 6 12 34 56 78' }), nowhere).verdict).toBe('allow');
    });

    it('reads a US number in a French charter as French without recipient.country', () => {
      expect(codes(decide(sms(), person({ phone: '(415) 555-2671' })))).toEqual(['INVALID_CONTACT']);
    });
  });
});

describe('builtin:opt-out', () => {
  it('refuses a recipient who opted out of the channel before the send, citing the law', () => {
    const decision = decide(sms(), person({ optOuts: [{ channel: 'sms', at: '2013-05-10T12:00:00+02:00' }] }));
    expect(decision.verdict).toBe('deny');
    expect(codes(decision)).toEqual(['OPTED_OUT']);
    expect(decision.reasons[0]).toMatchObject({ verdict: 'deny', law: 'GDPR Art. 21', facts: { channel: 'sms', at: '2013-05-10 12:00' } });
    expect(decision.reasons[0].message).toBe('The recipient opted out of sms on 2013-05-10 12:00.');
    expect(check(decision, 'builtin:opt-out')).toBe('fail');
  });

  it('cites the law in the language of the decision', () => {
    const decision = canSend(sms(), person({ optOuts: [{ channel: 'sms', at: '2013-05-10T12:00:00+02:00' }] }), { charter, now: NOW, locale: 'fr' });
    expect(decision.reasons[0]).toMatchObject({ law: 'RGPD art. 21', message: 'Le destinataire s’est désinscrit du canal sms le 2013-05-10 12:00.' });
  });

  it('does not apply an opt-out dated after the send until its time', () => {
    const recipient = person({ optOuts: [{ channel: 'sms', at: '2013-05-21T12:00:00+02:00' }] });
    expect(decide(sms(), recipient).verdict).toBe('allow');
    expect(check(decide(sms(), recipient), 'builtin:opt-out')).toBe('pass');
    expect(codes(decide(sms(), recipient, charter, '2013-05-21T12:00:00+02:00'))).toEqual(['OPTED_OUT']);
  });

  it('is lifted by a consent given after it, not by one given before', () => {
    const optOuts = [{ channel: 'sms', at: '2013-05-10T12:00:00+02:00' }] as const;
    expect(decide(sms(), person({ optOuts: [...optOuts], consents: [{ channel: 'sms', at: '2013-05-15T12:00:00+02:00' }] })).verdict).toBe('allow');
    expect(decide(sms(), person({ optOuts: [...optOuts], consents: [{ channel: 'all', at: '2013-05-15T12:00:00+02:00' }] })).verdict).toBe('allow');
    expect(codes(decide(sms(), person({ optOuts: [...optOuts], consents: [{ channel: 'sms', at: '2013-05-01T12:00:00+02:00' }] })))).toEqual(['OPTED_OUT']);
    expect(codes(decide(sms(), person({ optOuts: [...optOuts], consents: [{ channel: 'email', at: '2013-05-15T12:00:00+02:00' }] })))).toEqual(['OPTED_OUT']);
    // A consent dated after the send does not lift it yet.
    expect(codes(decide(sms(), person({ optOuts: [...optOuts], consents: [{ channel: 'sms', at: '2013-05-25T12:00:00+02:00' }] })))).toEqual(['OPTED_OUT']);
  });

  it("honours an opt-out of channel 'all' on every channel", () => {
    const recipient = person({ optOuts: [{ channel: 'all', at: '2013-05-10T12:00:00+02:00' }] });
    for (const message of [sms(), email(), sms({ channel: 'call' }), sms({ channel: 'post' })]) {
      const decision = decide(message, recipient);
      expect(codes(decision), message.channel).toEqual(['OPTED_OUT']);
      expect(decision.reasons[0].facts).toMatchObject({ channel: 'all' });
    }
    expect(decide(email(), recipient).reasons[0].message).toBe('The recipient opted out of every channel on 2013-05-10 12:00.');
  });

  it('ignores an opt-out of another channel', () => {
    expect(decide(sms(), person({ optOuts: [{ channel: 'email', at: '2013-05-10T12:00:00+02:00' }] })).verdict).toBe('allow');
  });

  it('reports the latest opt-out that applies to the channel', () => {
    const at = '2013-05-10T12:00:00+02:00';
    const decision = decide(
      sms(),
      person({ optOuts: [{ channel: 'email', at }, { channel: 'all', at: '2013-05-01T12:00:00+02:00' }, { channel: 'sms', at }] }),
    );
    expect(decision.reasons[0].facts).toEqual({ channel: 'sms', at: '2013-05-10 12:00' });
  });
});

describe('builtin:audience', () => {
  it('refuses a recipient outside the audience the message targets', () => {
    const decision = decide(email({ audience: 'voters' }), person({ audiences: ['members'] }));
    expect(codes(decision)).toEqual(['NOT_IN_AUDIENCE']);
    expect(decision.reasons[0]).toMatchObject({ verdict: 'deny', facts: { audience: 'voters', audienceLabel: 'pre-registered voters' } });
    expect(decision.reasons[0].message).toBe('The recipient is not among pre-registered voters, the audience this message targets.');
    expect(check(decision, 'builtin:audience')).toBe('fail');
  });

  it('refuses a recipient with no audiences at all', () => {
    expect(codes(decide(email({ audience: 'voters' }), person({ audiences: undefined })))).toEqual(['NOT_IN_AUDIENCE']);
  });

  it('passes a member of the audience, and any recipient of a message without one', () => {
    expect(decide(email({ audience: 'voters' }), person({ audiences: ['members', 'voters'] })).verdict).toBe('allow');
    expect(check(decide(email(), person({ audiences: undefined })), 'builtin:audience')).toBe('pass');
  });
});

describe('every built-in check', () => {
  it('runs on every send, named builtin:…, with no article', () => {
    const decision = decide(sms(), person());
    expect(decision.verdict).toBe('allow');
    for (const id of ['builtin:contact', 'builtin:opt-out', 'builtin:audience']) {
      expect(decision.checks).toContainEqual({ ruleId: id, outcome: 'pass' });
    }
  });

  it('runs on a charter without rules', () => {
    const empty = charterWith([], { rules: [], defaults: { unlisted: 'allow' } });
    const decision = decide(sms(), person({ phone: undefined }), empty);
    expect(codes(decision)).toEqual(['NO_CONTACT']);
    expect(decision.checks.map((entry) => entry.ruleId)).toEqual(['builtin:contact', 'builtin:opt-out', 'builtin:audience']);
  });

  it('reports every failure at once, each without a rule id or article', () => {
    const decision = decide(
      sms({ audience: 'voters' }),
      person({ phone: '01 42 34 56 78', audiences: ['members'], optOuts: [{ channel: 'all', at: '2013-05-10T12:00:00+02:00' }] }),
    );
    expect(codes(decision)).toEqual(['NOT_A_MOBILE', 'OPTED_OUT', 'NOT_IN_AUDIENCE']);
    for (const reason of decision.reasons) {
      expect(reason).not.toHaveProperty('ruleId');
      expect(reason).not.toHaveProperty('article');
      expect(reason.verdict).toBe('deny');
    }
  });

  it('refuses even what an allow-by-default charter would let through', () => {
    const open = charterWith([], { rules: [], defaults: { unlisted: 'allow' } });
    expect(decide(email({ audience: 'voters' }), person(), open).verdict).toBe('deny');
  });
});

describe('refusals many sends give alike', () => {
  // No contact point, not in the audience, a forbidden source, consent missing: the same
  // reason for every send alike, kept once per charter and language, frozen and shared.
  const rules: Parameters<typeof charterWith>[0] = [
    { id: 'no-federation', kind: 'forbid', article: 'Art. 5', when: { sources: ['federationFile'] } },
    { id: 'sms-consent', kind: 'consent', article: 'Art. 6', when: { channels: ['sms'] } },
  ];
  const shared = charterWith(rules);

  it('are one frozen object for sends alike, equal to what a fresh charter renders', () => {
    const cases: [Message, Partial<Recipient>, string][] = [
      [sms(), { phone: undefined }, 'NO_CONTACT'],
      [email(), { email: 'no at sign' }, 'INVALID_CONTACT'],
      [email({ audience: 'voters' }), {}, 'NOT_IN_AUDIENCE'],
      [email(), { source: 'federationFile' }, 'FORBIDDEN_SOURCE'],
      [sms(), {}, 'CONSENT_MISSING'],
      [email(), { optOuts: [{ channel: 'all', at: '2013-05-10T12:00:00+02:00' }] }, 'OPTED_OUT'],
    ];
    for (const [message, patch, code] of cases) {
      const first = decide(message, person({ id: 'r1', ...patch }), shared).reasons.find((reason) => reason.code === code)!;
      const second = decide(message, person({ id: 'r2', email: 'other@example.org', phone: '07 11 22 33 44', ...patch }), shared).reasons.find((reason) => reason.code === code)!;
      expect(second, code).toBe(first);
      expect(Object.isFrozen(first) && Object.isFrozen(first.facts), code).toBe(true);
      // What is kept says what a charter compiled afresh would say.
      const fresh = decide(message, person({ id: 'r3', ...patch }), charterWith(rules)).reasons.find((reason) => reason.code === code);
      expect(fresh, code).toEqual(first);
    }
  });

  // Two sends that differ in one fact only, on a charter that has just kept the first one's
  // refusal: the second must get its own, as a charter compiled afresh gives it.
  type Send = readonly [Message, Partial<Recipient>, string?];
  const apartRules: Parameters<typeof charterWith>[0] = [
    { id: 'no-listed-sources', kind: 'forbid', when: { sources: ['federationFile', 'signup'] } },
    { id: 'consent', kind: 'consent', when: { channels: ['sms', 'call'] } },
    // Two separate runs of time (early May, then the vote): a freeze that ends with either.
    { id: 'freeze', kind: 'forbid', when: { phases: ['early', 'vote'], channels: ['post'] } },
  ];
  const apartPhases = {
    early: { from: '2013-05-01T00:00', to: '2013-05-05T00:00' },
    campaign: { label: 'the campaign', from: '2013-05-13T00:00', to: '2013-05-31T08:00' },
    vote: { label: 'the vote', from: '2013-05-31T08:00', to: '2013-06-03T19:00' },
  };
  const apartCharter = () => charterWith(apartRules, { phases: apartPhases });
  const reasonOf = (on: Charter, [message, patch, now = NOW]: Send, code: string, locale: 'fr' | 'en' = 'en') =>
    canSend(message, person(patch), { charter: on, now, locale }).reasons.find((reason) => reason.code === code)!;
  const apart = (code: string, first: Send, second: Send, locale: 'fr' | 'en' = 'en') => {
    const kept = apartCharter();
    const one = reasonOf(kept, first, code, locale);
    const two = reasonOf(kept, second, code, locale);
    expect(two, code).toEqual(reasonOf(apartCharter(), second, code, locale));
    expect(two.facts, code).not.toEqual(one.facts);
  };

  it.each([
    ['NO_CONTACT', 'the channel', [sms(), { phone: undefined }], [sms({ channel: 'call' }), { phone: undefined }]],
    ['NO_CONTACT', 'the field', [sms(), { phone: undefined }], [email(), { email: undefined }]],
    ['INVALID_CONTACT', 'the problem', [email(), { email: 'no at sign' }], [email(), { email: 'jean@localhost' }]],
    ['NOT_IN_AUDIENCE', 'the audience', [email({ audience: 'voters' }), {}], [email({ audience: 'members' }), { audiences: ['voters'] }]],
    ['FORBIDDEN_SOURCE', 'the source', [email(), { source: 'federationFile' }], [email(), { source: 'signup' }]],
    ['FORBIDDEN', 'when the freeze ends', [sms({ channel: 'post' }), {}, '2013-05-02T10:00:00+02:00'], [sms({ channel: 'post' }), {}, '2013-06-01T10:00:00+02:00']],
    ['CONSENT_MISSING', 'the channel', [sms(), {}], [sms({ channel: 'call' }), {}]],
    ['CONSENT_MISSING', 'a consent to come', [sms(), {}], [sms(), { consents: [{ channel: 'sms', at: '2013-05-25T09:00:00+02:00' }] }]],
    ['OPTED_OUT', "the record's channel", [email(), { optOuts: [{ channel: 'email', at: '2013-05-10T12:00:00+02:00' }] }], [email(), { optOuts: [{ channel: 'all', at: '2013-05-10T12:00:00+02:00' }] }]],
    ['OPTED_OUT', "the record's instant", [email(), { optOuts: [{ channel: 'email', at: '2013-05-10T12:00:00+02:00' }] }], [email(), { optOuts: [{ channel: 'email', at: '2013-05-11T12:00:00+02:00' }] }]],
    ['NOT_A_MOBILE', 'the number', [sms(), { phone: '01 42 34 56 78' }], [sms(), { phone: '01 42 34 56 79' }]],
  ] as [string, string, Send, Send][])('%s: told apart by %s', (code, _, first, second) => apart(code, first, second));

  it('are kept per language, and one number in any format is one number', () => {
    const kept = apartCharter();
    const english = reasonOf(kept, [sms(), { phone: undefined }], 'NO_CONTACT');
    const french = reasonOf(kept, [sms(), { phone: undefined }], 'NO_CONTACT', 'fr');
    expect(french).toEqual(reasonOf(apartCharter(), [sms(), { phone: undefined }], 'NO_CONTACT', 'fr'));
    expect(french.message).not.toBe(english.message);
    expect(reasonOf(kept, [sms(), { phone: '+33 1 42 34 56 79' }], 'NOT_A_MOBILE')).toBe(reasonOf(kept, [sms(), { phone: '01.42.34.56.79' }], 'NOT_A_MOBILE'));
  });

  it('are never mistaken for a rule that bears a reason code as its id', () => {
    const odd = charterWith([{ id: 'NO_CONTACT', kind: 'consent', when: { channels: ['sms'] } }]);
    const noPhone = decide(sms(), person({ phone: undefined }), odd);
    const noConsent = decide(sms(), person(), odd);
    expect(noPhone.reasons.map((reason) => reason.code)).toEqual(['NO_CONTACT', 'CONSENT_MISSING']);
    expect(codes(noConsent)).toEqual(['CONSENT_MISSING']);
  });
});
