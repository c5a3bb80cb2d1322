import { describe, expect, it } from 'vitest';
import { canSend, explain, type UsageView } from 'charterguard';
import { charter } from './charter.js';
import { emailDirect, emailToMembers, emailViaCsp, memberFromFederationFile, memberFromSignup, preRegisteredVoter, smsOfMay2 } from './sends.js';

/** Usage as a ledger would report it: `used` units under every key, this mailing not yet counted. */
const usage = (used: number): UsageView => ({ quota: () => ({ used, counted: false }) });

describe('the spring 2013 Paris primary, replayed', () => {
  it('refuses the SMS of 2 May: the charter does not cover SMS, and the number came from the federation file', () => {
    const decision = canSend(smsOfMay2, memberFromFederationFile, { charter, now: '2013-05-02T10:00:00+02:00', usage: usage(0) });
    expect(decision.verdict).toBe('deny');
    expect(decision.reasons.map((reason) => [reason.code, reason.article])).toEqual([
      ['FORBIDDEN_SOURCE', 'Art. 6'],
      ['CHANNEL_NOT_COVERED', undefined],
    ]);
    expect(explain(decision)).toBe(
      [
        'REFUSÉ',
        '- Art. 6 — Les candidats n’ont pas d’accès direct au fichier des adhérents: Le contact provient du fichier des adhérents de la fédération, que cet expéditeur ne peut pas utiliser.',
        '- La charte ne dit rien du canal sms ; ce qu’elle n’autorise pas est refusé.',
      ].join('\n'),
    );
  });

  it('refuses the same SMS to a member who signed up with the campaign: still a channel the charter does not cover', () => {
    const decision = canSend(smsOfMay2, { ...memberFromSignup, phone: '+33 6 98 76 54 32' }, { charter, now: '2013-05-02T10:00:00+02:00', usage: usage(0) });
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['CHANNEL_NOT_COVERED']);
  });

  it('allows an email to pre-registered voters through the CSP during the official campaign, within the quota', () => {
    const decision = canSend(emailViaCsp, preRegisteredVoter, { charter, now: '2013-05-20T10:00:00+02:00', usage: usage(2) });
    expect(decision.verdict).toBe('allow');
    expect(decision.reasons).toMatchObject([{ code: 'PERMITTED', ruleId: 'email-preinscrits-via-csp', article: 'Art. 4' }]);
    expect(decision.quotas).toEqual([
      { ruleId: 'quota-preinscrits', key: 'candidate=candidate-a|audience=preRegistered|charter', used: 2, limit: 3, remaining: 1, consumes: 1 },
    ]);
  });

  it('refuses a fourth mailing to pre-registered voters', () => {
    const decision = canSend({ ...emailViaCsp, id: 'email-4' }, preRegisteredVoter, { charter, now: '2013-05-27T10:00:00+02:00', usage: usage(3) });
    expect(decision.reasons).toMatchObject([{ code: 'QUOTA_EXCEEDED', article: 'Art. 4', facts: { used: 3, limit: 3 } }]);
    expect(explain(decision, { locale: 'en' })).toContain('3 of 3 mailings already used for électeurs pré-inscrits.');
  });

  it('asks for the CSP when the email goes directly', () => {
    const decision = canSend(emailDirect, preRegisteredVoter, { charter, now: '2013-05-20T10:00:00+02:00', usage: usage(0), locale: 'en' });
    expect(decision.verdict).toBe('deny');
    expect(decision.reasons).toMatchObject([{ code: 'RELAY_REQUIRED', ruleId: 'email-preinscrits-via-csp', article: 'Art. 4' }]);
    expect(decision.reasons[0].message).toBe('This send must go through Conseil supérieur des primaires (CSP); it goes directly.');
  });

  it('refuses an email to members before candidacies closed, and says when it opens', () => {
    const decision = canSend(emailToMembers, memberFromSignup, { charter, now: '2013-04-09T11:59:00+02:00', usage: usage(0) });
    expect(decision.reasons).toMatchObject([{ code: 'OUTSIDE_PHASE', article: 'Art. 5' }]);
    expect(decision.notBefore).toBe('2013-04-09T10:00:00.000Z');
    const atNoon = canSend(emailToMembers, memberFromSignup, { charter, now: '2013-04-09T12:00:00+02:00', usage: usage(0) });
    expect(atNoon.verdict).toBe('allow');
  });

  it('refuses an email during the freeze the CSP adopted on 1 June', () => {
    const decision = canSend(emailViaCsp, preRegisteredVoter, { charter, now: '2013-06-01T09:00:00+02:00', usage: usage(0) });
    expect(decision.verdict).toBe('deny');
    expect(decision.reasons[0]).toMatchObject({ code: 'FORBIDDEN', ruleId: 'gel-pendant-le-vote', article: 'Décision du CSP du 1er juin 2013' });
    expect(decision.reasons[0].message).toBe('Interdit par la charte jusqu’au 2013-06-03 19:00.');
  });

  it('sends to a human when no ledger tells how many mailings were used', () => {
    const decision = canSend(emailViaCsp, preRegisteredVoter, { charter, now: '2013-05-20T10:00:00+02:00' });
    expect(decision.verdict).toBe('review');
    expect(decision.reasons).toMatchObject([{ code: 'QUOTA_UNKNOWN', ruleId: 'quota-preinscrits' }]);
  });
});
