import { describe, expect, it } from 'vitest';
import { canSend, type Message, type Recipient } from 'charterguard';
import { charter } from './charter.js';

const text: Message = {
  id: 'gotv-1',
  channel: 'sms',
  sender: { id: 'field-team', role: 'staff' },
  audience: 'voters',
  content: { text: 'Polls are open until 8pm today. Find your polling place at example.org. Reply STOP to opt out.' },
};
const voter: Recipient = {
  id: 'v-1',
  phone: '(415) 555-2671',
  audiences: ['voters'],
  consents: [{ channel: 'sms', at: '2026-09-01T12:00:00-07:00' }],
};

describe('US campaign texting (illustration, not legal advice)', () => {
  it('texts a Californian at 10 a.m. Pacific', () => {
    expect(canSend(text, { ...voter, timezone: 'America/Los_Angeles' }, { charter, now: '2026-11-03T10:00:00-08:00' }).verdict).toBe('allow');
  });

  it("waits for 8 a.m. in the recipient's zone", () => {
    const decision = canSend(text, { ...voter, timezone: 'America/Los_Angeles' }, { charter, now: '2026-11-03T07:30:00-08:00' });
    expect(decision.reasons).toMatchObject([{ code: 'QUIET_HOURS', facts: { localTime: '07:30', timezone: 'America/Los_Angeles' } }]);
    expect(decision.notBefore).toBe('2026-11-03T16:00:00.000Z');
  });

  it('without a zone, waits until it is 8 a.m. everywhere in the country (Hawaii last)', () => {
    const decision = canSend(text, voter, { charter, now: '2026-11-03T10:00:00-05:00' });
    expect(decision.verdict).toBe('deny');
    // 08:00 in Honolulu (UTC-10) is 18:00 UTC, 13:00 in New York.
    expect(decision.notBefore).toBe('2026-11-03T18:00:00.000Z');
  });

  it('needs consent and a STOP instruction', () => {
    const { consents: _, ...noConsent } = voter;
    const decision = canSend({ ...text, content: { text: 'Polls are open until 8pm.' } }, { ...noConsent, timezone: 'America/Chicago' }, { charter, now: '2026-11-03T12:00:00-06:00' });
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['CONSENT_MISSING', 'CONTENT_MISSING_OPT_OUT']);
  });
});
