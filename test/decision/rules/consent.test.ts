import { describe, expect, it } from 'vitest';
import { canSend, type Recipient, type RuleInput } from '../../../src/index.js';
import { charterWith, email, person, sms } from '../constraint-fixtures.js';

const NOW = '2013-05-20T10:00:00+02:00';

const CONSENT: RuleInput = {
  id: 'consent-sms',
  kind: 'consent',
  article: 'Art. 9',
  law: 'CPCE L34-5',
  when: { channels: ['sms'] },
  exempt: { relationships: ['member', 'regular'] },
};

const charter = charterWith([CONSENT]);

/** A prospect (not exempt) with the given consent and opt-out records. */
function prospect(records: Pick<Recipient, 'consents' | 'optOuts'> = {}): Recipient {
  return person({ relationship: 'prospect', ...records });
}

function decide(recipient: Recipient, now = NOW) {
  return canSend(sms(), recipient, { charter, now });
}

function outcome(decision: ReturnType<typeof decide>) {
  return decision.checks.find((check) => check.ruleId === 'consent-sms')?.outcome;
}

function consentReason(decision: ReturnType<typeof decide>) {
  return decision.reasons.find((reason) => reason.code === 'CONSENT_MISSING');
}

describe('consent rules', () => {
  it('pass with a consent for the channel granted before the send', () => {
    const decision = decide(prospect({ consents: [{ channel: 'sms', at: '2013-05-01T12:00:00+02:00', source: 'signup' }] }));
    expect(decision.verdict).toBe('allow');
    expect(outcome(decision)).toBe('pass');
  });

  it('refuse without any consent record, citing the rule and the law', () => {
    const decision = decide(prospect());
    expect(decision.verdict).toBe('deny');
    expect(outcome(decision)).toBe('fail');
    expect(decision.reasons).toHaveLength(1);
    expect(decision.reasons[0]).toMatchObject({
      code: 'CONSENT_MISSING',
      verdict: 'deny',
      ruleId: 'consent-sms',
      article: 'Art. 9',
      law: 'CPCE L34-5',
      facts: { channel: 'sms' },
      message: 'No consent on record for sms.',
    });
    expect(decision.reasons[0].facts).not.toHaveProperty('grantedAt');
  });

  it('refuse a consent dated after the send, saying when it was given, and pass once that time has come', () => {
    const recipient = prospect({ consents: [{ channel: 'sms', at: '2013-05-21T09:00:00+02:00' }] });
    const before = decide(recipient);
    expect(before.verdict).toBe('deny');
    expect(consentReason(before)?.facts).toEqual({ channel: 'sms', grantedAt: '2013-05-21 09:00' });
    expect(consentReason(before)?.message).toBe('The consent for sms is dated 2013-05-21 09:00, after the send.');
    expect(decide(recipient, '2013-05-21T09:00:00+02:00').verdict).toBe('allow');
    expect(decide(recipient, '2013-05-22T09:00:00+02:00').verdict).toBe('allow');
  });

  it('do not count a consent for another channel', () => {
    const decision = decide(prospect({ consents: [{ channel: 'email', at: '2013-05-01T12:00:00+02:00' }] }));
    expect(decision.verdict).toBe('deny');
    expect(consentReason(decision)).toBeDefined();
  });

  it("count a consent for channel 'all'", () => {
    expect(decide(prospect({ consents: [{ channel: 'all', at: '2013-05-01T12:00:00+02:00' }] })).verdict).toBe('allow');
  });

  describe('withdrawal', () => {
    const granted = { channel: 'sms', at: '2013-05-01T12:00:00+02:00' } as const;

    it.each(['sms', 'all'] as const)('a later opt-out for %s withdraws the consent', (channel) => {
      const decision = decide(prospect({ consents: [granted], optOuts: [{ channel, at: '2013-05-10T12:00:00+02:00' }] }));
      expect(decision.verdict).toBe('deny');
      expect(outcome(decision)).toBe('fail');
      expect(decision.reasons.map((reason) => reason.code).sort()).toEqual(['CONSENT_MISSING', 'OPTED_OUT']);
    });

    it('an opt-out for another channel does not', () => {
      const decision = decide(prospect({ consents: [granted], optOuts: [{ channel: 'email', at: '2013-05-10T12:00:00+02:00' }] }));
      expect(decision.verdict).toBe('allow');
    });

    it('an opt-out dated after the send does not, yet', () => {
      const recipient = prospect({ consents: [granted], optOuts: [{ channel: 'sms', at: '2013-05-25T12:00:00+02:00' }] });
      expect(decide(recipient).verdict).toBe('allow');
      expect(decide(recipient, '2013-05-26T10:00:00+02:00').verdict).toBe('deny');
    });

    it('an opt-out given at the same instant as the consent wins', () => {
      const decision = decide(prospect({ consents: [granted], optOuts: [{ channel: 'sms', at: granted.at }] }));
      expect(decision.verdict).toBe('deny');
      expect(consentReason(decision)).toBeDefined();
    });

    it('a consent given again after the opt-out restores it (and lifts the opt-out)', () => {
      const decision = decide(
        prospect({
          consents: [granted, { channel: 'all', at: '2013-05-15T12:00:00+02:00' }],
          optOuts: [{ channel: 'sms', at: '2013-05-10T12:00:00+02:00' }],
        }),
      );
      expect(decision.verdict).toBe('allow');
      expect(outcome(decision)).toBe('pass');
      expect(decision.checks).toContainEqual({ ruleId: 'builtin:opt-out', outcome: 'pass' });
    });

    it('the order the records are listed in does not matter', () => {
      const decision = decide(
        prospect({
          consents: [{ channel: 'sms', at: '2013-05-15T12:00:00+02:00' }, granted],
          optOuts: [{ channel: 'sms', at: '2013-05-18T12:00:00+02:00' }, { channel: 'sms', at: '2013-05-10T12:00:00+02:00' }],
        }),
      );
      expect(decision.verdict).toBe('deny');
      expect(consentReason(decision)).toBeDefined();
    });
  });

  describe('exempt', () => {
    it.each(['member', 'regular'] as const)('needs no consent from a %s', (relationship) => {
      const decision = decide(person({ relationship }));
      expect(decision.verdict).toBe('allow');
      expect(outcome(decision)).toBe('pass');
    });

    it.each([['occasional'], ['prospect'], [undefined]] as const)('still needs one from a recipient whose relationship is %s', (relationship) => {
      const recipient = relationship === undefined ? person() : person({ relationship });
      const decision = decide(recipient);
      expect(decision.verdict).toBe('deny');
      expect(consentReason(decision)).toBeDefined();
    });

    it('does not exempt a member who opted out: the built-in check still refuses', () => {
      const decision = decide(person({ relationship: 'member', optOuts: [{ channel: 'sms', at: '2013-05-10T12:00:00+02:00' }] }));
      expect(outcome(decision)).toBe('pass');
      expect(decision.verdict).toBe('deny');
      expect(decision.reasons.map((reason) => reason.code)).toEqual(['OPTED_OUT']);
    });
  });

  it('do not apply to the channels the rule does not select', () => {
    const decision = canSend(email(), prospect(), { charter, now: NOW });
    expect(decision.verdict).toBe('allow');
    expect(decision.checks).toContainEqual({ ruleId: 'consent-sms', article: 'Art. 9', outcome: 'not-applicable' });
  });

  it("with effect 'review', send a missing consent to a human", () => {
    const reviewed = charterWith([{ ...CONSENT, effect: 'review' }]);
    const decision = canSend(sms(), prospect(), { charter: reviewed, now: NOW });
    expect(decision.verdict).toBe('review');
    expect(decision.reasons[0]).toMatchObject({ code: 'CONSENT_MISSING', verdict: 'review' });
    expect(decision.checks).toContainEqual({ ruleId: 'consent-sms', article: 'Art. 9', outcome: 'review' });
  });
});
