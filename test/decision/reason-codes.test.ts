import { describe, expect, it } from 'vitest';
import { canSend, REASON_CODES, type Decision, type Message, type ReasonCode, type Recipient } from '../../src/index.js';
import { charter as paris } from '../../examples/paris-2013/charter.js';
import { charterWith, FakeUsage, person, sms } from './constraint-fixtures.js';

const NOW = '2013-05-20T10:00:00+02:00';

/** Codes the engine does not give: the ledger reports duplicates, as only it knows what was sent. */
const LEDGER_ONLY: readonly ReasonCode[] = ['DUPLICATE_DELIVERY'];

const ALLOWING = new Set<string>(['PERMITTED', 'ALLOWED_BY_DEFAULT']);
// QUOTA_UNKNOWN always asks for review; the scenario's quiet hours send unknown zones to review.
const REVIEWING = new Set<string>(['QUOTA_UNKNOWN', 'TIMEZONE_UNKNOWN']);

const candidateEmail = (overrides: Partial<Message> = {}): Message => ({
  id: 'mail-1',
  channel: 'email',
  sender: { id: 'nkm', role: 'candidate', candidate: 'nkm' },
  via: 'csp',
  audience: 'preRegistered',
  ...overrides,
});
const voter: Recipient = { id: 'v-1', email: 'electeur@example.fr', audiences: ['preRegistered', 'members'] };

const hours = charterWith([
  { id: 'hours', kind: 'quietHours', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '20:00' }], unknownTimezone: 'review' },
]);
const content = charterWith([
  { id: 'content', kind: 'content', senderIdentification: true, optOutInstruction: true, maxLength: 5, forbiddenPhrases: ['vote twice'] },
]);

const SCENARIOS: Record<Exclude<ReasonCode, 'DUPLICATE_DELIVERY'>, () => Decision> = {
  PERMITTED: () => canSend(sms(), person(), { charter: charterWith([]), now: NOW }),
  ALLOWED_BY_DEFAULT: () => canSend(sms(), person(), { charter: charterWith([], { rules: [], defaults: { unlisted: 'allow' } }), now: NOW }),
  NOT_PERMITTED: () =>
    canSend(sms(), person(), { charter: charterWith([], { rules: [{ id: 'party-sms', kind: 'permit', when: { channels: ['sms'], senders: ['party'] } }] }), now: NOW }),
  CHANNEL_NOT_COVERED: () => canSend(sms({ sender: { id: 'nkm', role: 'candidate' } }), { id: 'm-1', phone: '06 12 34 56 78' }, { charter: paris, now: '2013-05-02T10:00:00+02:00' }),
  FORBIDDEN: () => canSend(candidateEmail(), voter, { charter: paris, now: '2013-06-01T10:00:00+02:00', usage: new FakeUsage() }),
  FORBIDDEN_SOURCE: () => canSend(candidateEmail(), { ...voter, source: 'federationFile' }, { charter: paris, now: NOW, usage: new FakeUsage() }),
  RELAY_REQUIRED: () => canSend(candidateEmail({ via: undefined }), voter, { charter: paris, now: NOW, usage: new FakeUsage() }),
  OUTSIDE_PHASE: () => canSend(candidateEmail(), voter, { charter: paris, now: '2013-05-02T10:00:00+02:00', usage: new FakeUsage() }),
  QUOTA_EXCEEDED: () => canSend(candidateEmail(), voter, { charter: paris, now: NOW, usage: new FakeUsage({}, { used: 3 }) }),
  QUOTA_UNKNOWN: () => canSend(candidateEmail(), voter, { charter: paris, now: NOW }),
  CONSENT_MISSING: () => canSend(sms(), person(), { charter: charterWith([{ id: 'consent', kind: 'consent' }]), now: NOW }),
  OPTED_OUT: () => canSend(sms(), person({ optOuts: [{ channel: 'all', at: '2013-05-01T10:00:00+02:00' }] }), { charter: charterWith([]), now: NOW }),
  QUIET_HOURS: () => canSend(sms(), person(), { charter: hours, now: '2013-05-20T22:00:00+02:00' }),
  TIMEZONE_UNKNOWN: () => canSend(sms(), person({ phone: '+1 415 555 2671' }), { charter: hours, now: NOW }),
  CONTENT_MISSING_SENDER: () => canSend(sms(), person(), { charter: content, now: NOW }),
  CONTENT_MISSING_OPT_OUT: () => canSend(sms(), person(), { charter: content, now: NOW }),
  CONTENT_TOO_LONG: () => canSend(sms({ content: { text: 'Jean Dupont, STOP au 36111' } }), person(), { charter: content, now: NOW }),
  CONTENT_FORBIDDEN_PHRASE: () => canSend(sms({ content: { subject: 'Vote twice' } }), person(), { charter: content, now: NOW }),
  INVALID_CONTACT: () => canSend(sms(), person({ phone: 'not a number' }), { charter: charterWith([]), now: NOW }),
  NO_CONTACT: () => canSend(sms(), person({ phone: undefined }), { charter: charterWith([]), now: NOW }),
  NOT_A_MOBILE: () => canSend(sms(), person({ phone: '01 42 34 56 78' }), { charter: charterWith([]), now: NOW }),
  NOT_IN_AUDIENCE: () => canSend(sms({ audience: 'voters' }), person(), { charter: charterWith([]), now: NOW }),
  INVALID_INPUT: () => canSend(sms(), { ...person(), id: '' }, { charter: charterWith([]), now: NOW }),
  ENGINE_ERROR: () =>
    canSend(candidateEmail(), voter, {
      charter: paris,
      now: NOW,
      usage: {
        quota: () => {
          throw new Error('ledger unavailable');
        },
      },
    }),
};

describe('reason codes', () => {
  it.each(Object.entries(SCENARIOS))('%s is produced', (code, scenario) => {
    const decision = scenario();
    const reason = decision.reasons.find((candidate) => candidate.code === code);
    expect(reason, JSON.stringify(decision.reasons.map((candidate) => candidate.code))).toBeDefined();
    expect(reason?.message).toMatch(/\S/);
    expect(decision.allowed).toBe(decision.verdict === 'allow');
    expect(reason?.verdict).toBe(ALLOWING.has(code) ? 'allow' : REVIEWING.has(code) ? 'review' : 'deny');
  });

  it('cover every code but those only the ledger gives', () => {
    const produced = new Set(Object.values(SCENARIOS).flatMap((scenario) => scenario().reasons.map((reason) => reason.code)));
    expect([...produced].sort()).toEqual(REASON_CODES.filter((code) => !LEDGER_ONLY.includes(code)).sort());
  });
});
