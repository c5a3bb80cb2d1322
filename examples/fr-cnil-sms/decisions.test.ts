import { describe, expect, it } from 'vitest';
import { canSend, explain, type Message, type Recipient } from 'charterguard';
import { charter } from './charter.js';

const sms: Message = {
  id: 'sms-reunion',
  channel: 'sms',
  sender: { id: 'liste-a', role: 'candidate', name: 'Liste Ensemble' },
  audience: 'supporters',
  content: { text: 'Liste Ensemble : réunion publique jeudi 19h, salle des fêtes. STOP au 36xxx' },
};
const supporter: Recipient = {
  id: 's-1',
  phone: '06 12 34 56 78',
  audiences: ['supporters'],
  source: 'signup',
  relationship: 'occasional',
  consents: [{ channel: 'sms', at: '2026-03-02T18:00:00+01:00', source: 'signup' }],
};
const tuesdayMorning = '2026-03-10T09:30:00+01:00';

describe('the CNIL-style SMS layer (illustration, not legal advice)', () => {
  it('allows a compliant SMS to a supporter who opted in', () => {
    expect(canSend(sms, supporter, { charter, now: tuesdayMorning }).verdict).toBe('allow');
  });

  it('needs consent from supporters but not from members', () => {
    const { consents: _, ...withoutConsent } = supporter;
    expect(canSend(sms, withoutConsent, { charter, now: tuesdayMorning }).reasons.map((reason) => reason.code)).toEqual(['CONSENT_MISSING']);
    const member: Recipient = { ...withoutConsent, audiences: ['members', 'supporters'], relationship: 'member' };
    expect(canSend(sms, member, { charter, now: tuesdayMorning }).verdict).toBe('allow');
  });

  it('reports every missing mention at once', () => {
    const bare: Message = { ...sms, content: { text: 'Réunion publique jeudi 19h, salle des fêtes.' } };
    const decision = canSend(bare, supporter, { charter, now: tuesdayMorning });
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['CONTENT_MISSING_SENDER', 'CONTENT_MISSING_OPT_OUT']);
    expect(explain(decision)).toContain('Le texte ne nomme pas l’expéditeur (« Liste Ensemble »).');
  });

  it('holds a Sunday SMS until Monday 08:00', () => {
    const decision = canSend(sms, supporter, { charter, now: '2026-03-15T11:00:00+01:00' });
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['QUIET_HOURS']);
    expect(decision.notBefore).toBe('2026-03-16T07:00:00.000Z');
  });

  it('holds an SMS on 1 May, a public holiday', () => {
    const decision = canSend(sms, supporter, { charter, now: '2026-05-01T10:00:00+02:00' });
    expect(decision.reasons).toMatchObject([{ code: 'QUIET_HOURS', facts: { holiday: true } }]);
    expect(decision.notBefore).toBe('2026-05-02T06:00:00.000Z');
  });

  it('refuses a landline', () => {
    const decision = canSend(sms, { ...supporter, phone: '01 42 76 40 40' }, { charter, now: tuesdayMorning });
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['NOT_A_MOBILE']);
    expect(explain(decision)).not.toContain('42 76 40 40');
  });
});
