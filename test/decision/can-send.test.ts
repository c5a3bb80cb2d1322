import { describe, expect, it } from 'vitest';
import {
  assertCanSend,
  canSend,
  CharterguardError,
  defineCharter,
  SendDeniedError,
  type CanSendContext,
  type Charter,
  type CharterInput,
  type Decision,
  type Message,
  type QuotaQuery,
  type Reason,
  type Recipient,
  type RuleInput,
  type Selector,
  type UsageView,
} from '../../src/index.js';
import { charter as paris } from '../../examples/paris-2013/charter.js';
import { emailDirect, emailViaCsp, memberFromFederationFile, preRegisteredVoter, smsOfMay2 } from '../../examples/paris-2013/sends.js';

/** Monday 20 May 2013, 10:00 in Paris: inside the `campaign` phase. */
const NOW = '2013-05-20T10:00:00+02:00';

/** A charter around `rules`, with two phases, audiences, relays, sources and roles. */
function charterOf(rules: RuleInput[], extra: Partial<CharterInput> = {}): Charter {
  return defineCharter({
    id: 'core',
    title: 'Core',
    locale: 'en',
    timezone: 'Europe/Paris',
    defaultCountry: 'FR',
    roles: { candidate: {}, party: {} },
    phases: {
      campaign: { label: 'the campaign', from: '2013-05-13T00:00', to: '2013-05-31T08:00' },
      vote: { label: 'the vote', from: '2013-05-31T08:00', to: '2013-06-03T19:00' },
    },
    audiences: { members: { label: 'party members' }, voters: { label: 'registered voters' } },
    relays: { csp: { label: 'the council' }, press: {} },
    sources: { signup: { label: 'the sign-up form' }, federationFile: { label: 'the federation file' } },
    rules,
    ...extra,
  });
}

const baseMessage: Message = {
  id: 'mailing-1',
  channel: 'email',
  sender: { id: 'alice', role: 'candidate', candidate: 'team-a', name: 'Alice' },
  via: 'csp',
};

const baseRecipient: Recipient = {
  id: 'r-1',
  email: 'voter@example.org',
  audiences: ['members'],
  source: 'signup',
  relationship: 'member',
};

/** The message with some fields replaced and some dropped. */
function message(patch: Partial<Message> = {}, drop: (keyof Message)[] = []): Message {
  const result: Record<string, unknown> = { ...baseMessage, ...patch };
  for (const key of drop) delete result[key];
  return result as Message;
}

/** The recipient with some fields replaced and some dropped. */
function recipient(patch: Partial<Recipient> = {}, drop: (keyof Recipient)[] = []): Recipient {
  const result: Record<string, unknown> = { ...baseRecipient, ...patch };
  for (const key of drop) delete result[key];
  return result as Recipient;
}

function codes(decision: Decision): string[] {
  return decision.reasons.map((reason) => reason.code);
}

function reasonOf(decision: Decision, code: Reason['code']): Reason {
  const found = decision.reasons.find((reason) => reason.code === code);
  if (!found) throw new Error(`no ${code} among ${codes(decision).join(', ')}`);
  return found;
}

function issuesOf(decision: Decision): { path: (string | number)[]; message: string }[] {
  expect(decision.verdict).toBe('deny');
  expect(decision.reasons).toHaveLength(1);
  const reason = decision.reasons[0];
  expect(reason.code).toBe('INVALID_INPUT');
  return reason.facts['issues'] as { path: (string | number)[]; message: string }[];
}

/** An instant `ms` milliseconds after the ISO instant `at`. */
function plus(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

const permitAll: RuleInput = { id: 'permit-all', kind: 'permit', article: 'Art. 1' };

describe('selectors', () => {
  const cases: { name: string; when: Selector; message?: Message; recipient?: Recipient; now?: string; selected: boolean }[] = [
    { name: 'channels: the channel is listed', when: { channels: ['email'] }, selected: true },
    { name: 'channels: the channel is not listed', when: { channels: ['email'] }, message: message({ channel: 'post' }), selected: false },
    { name: 'channels: OR within the field', when: { channels: ['post', 'email'] }, message: message({ channel: 'post' }), selected: true },
    { name: 'channels: OR within the field, none listed', when: { channels: ['post', 'email'] }, message: message({ channel: 'social' }), selected: false },
    { name: 'senders: the role is listed', when: { senders: ['candidate'] }, selected: true },
    { name: 'senders: the role is not listed', when: { senders: ['party'] }, selected: false },
    { name: 'candidates: the sender id is listed', when: { candidates: ['alice'] }, selected: true },
    { name: 'candidates: sender.candidate is listed', when: { candidates: ['team-a'] }, selected: true },
    { name: 'candidates: neither is listed', when: { candidates: ['bob', 'team-b'] }, selected: false },
    {
      name: 'candidates: a sender without candidate matches on its id only',
      when: { candidates: ['team-a'] },
      message: message({ sender: { id: 'alice', role: 'candidate' } }),
      selected: false,
    },
    { name: 'audiences: one of the recipient audiences (no target)', when: { audiences: ['voters'] }, recipient: recipient({ audiences: ['members', 'voters'] }), selected: true },
    { name: 'audiences: none of the recipient audiences', when: { audiences: ['voters'] }, selected: false },
    { name: 'audiences: a recipient without audiences', when: { audiences: ['members'] }, recipient: recipient({}, ['audiences']), selected: false },
    {
      name: "audiences: the message's target wins over the recipient's other audiences",
      when: { audiences: ['members'] },
      message: message({ audience: 'voters' }),
      recipient: recipient({ audiences: ['members', 'voters'] }),
      selected: false,
    },
    {
      name: "audiences: the message's target is listed",
      when: { audiences: ['voters'] },
      message: message({ audience: 'voters' }),
      recipient: recipient({ audiences: ['members', 'voters'] }),
      selected: true,
    },
    { name: 'phases: now is inside a listed phase', when: { phases: ['campaign'] }, selected: true },
    { name: 'phases: now is inside no listed phase', when: { phases: ['vote'] }, selected: false },
    { name: 'phases: now is inside no phase at all', when: { phases: ['campaign', 'vote'] }, now: '2013-07-01T10:00:00+02:00', selected: false },
    { name: 'via: the relay is listed', when: { via: ['csp'] }, selected: true },
    { name: 'via: another relay', when: { via: ['press'] }, selected: false },
    { name: "via: 'direct' matches a send without relay", when: { via: ['direct'] }, message: message({}, ['via']), selected: true },
    { name: "via: 'direct' does not match a relayed send", when: { via: ['direct'] }, selected: false },
    { name: "via: 'direct' or a relay", when: { via: ['direct', 'csp'] }, selected: true },
    { name: 'via: a relay does not match a direct send', when: { via: ['csp'] }, message: message({}, ['via']), selected: false },
    { name: 'sources: the source is listed', when: { sources: ['signup'] }, selected: true },
    { name: 'sources: another source', when: { sources: ['federationFile'] }, selected: false },
    { name: 'sources: a recipient without source', when: { sources: ['signup'] }, recipient: recipient({}, ['source']), selected: false },
    { name: 'relationships: listed', when: { relationships: ['member', 'regular'] }, selected: true },
    { name: 'relationships: not listed', when: { relationships: ['member'] }, recipient: recipient({ relationship: 'prospect' }), selected: false },
    { name: 'relationships: a recipient without relationship', when: { relationships: ['member'] }, recipient: recipient({}, ['relationship']), selected: false },
    { name: 'AND across fields: one field fails', when: { channels: ['email'], senders: ['party'] }, selected: false },
    {
      name: 'AND across fields: every field matches',
      when: {
        channels: ['email'],
        senders: ['candidate'],
        candidates: ['alice'],
        audiences: ['members'],
        phases: ['campaign'],
        via: ['csp'],
        sources: ['signup'],
        relationships: ['member'],
      },
      selected: true,
    },
    { name: 'an empty selector matches everything', when: {}, message: message({ channel: 'social' }, ['via']), selected: true },
  ];

  for (const { name, when, selected, ...send } of cases) {
    it(name, () => {
      const charter = charterOf([{ id: 'p', kind: 'permit', when }]);
      const decision = canSend(send.message ?? baseMessage, send.recipient ?? baseRecipient, { charter, now: send.now ?? NOW });
      expect(decision.verdict).toBe(selected ? 'allow' : 'deny');
      expect(decision.checks.find((check) => check.ruleId === 'p')?.outcome).toBe(selected ? 'pass' : 'not-applicable');
    });
  }

  it('a rule without `when` selects every send', () => {
    const charter = charterOf([permitAll]);
    expect(canSend(message({ channel: 'post' }, ['via']), recipient(), { charter, now: NOW }).verdict).toBe('allow');
  });

  it('`unless` carves exceptions out of a permit', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { channels: ['email'] }, unless: { sources: ['federationFile'] } }]);
    expect(canSend(baseMessage, recipient(), { charter, now: NOW }).verdict).toBe('allow');
    const carved = canSend(baseMessage, recipient({ source: 'federationFile' }), { charter, now: NOW });
    expect(carved.verdict).toBe('deny');
    expect(carved.checks.find((check) => check.ruleId === 'p')?.outcome).toBe('not-applicable');
  });

  it('`unless` fields combine with AND too: the exception needs all of them', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', unless: { sources: ['federationFile'], relationships: ['prospect'] } }]);
    expect(canSend(baseMessage, recipient({ source: 'federationFile' }), { charter, now: NOW }).verdict).toBe('allow');
    expect(canSend(baseMessage, recipient({ relationship: 'prospect' }), { charter, now: NOW }).verdict).toBe('allow');
    expect(canSend(baseMessage, recipient({ source: 'federationFile', relationship: 'prospect' }), { charter, now: NOW }).verdict).toBe('deny');
  });

  it('`unless` carves exceptions out of a forbid', () => {
    const charter = charterOf([permitAll, { id: 'f', kind: 'forbid', when: { channels: ['email'] }, unless: { relationships: ['member'] } }]);
    expect(canSend(baseMessage, recipient(), { charter, now: NOW }).verdict).toBe('allow');
    const decision = canSend(baseMessage, recipient({ relationship: 'prospect' }), { charter, now: NOW });
    expect(decision.verdict).toBe('deny');
    expect(codes(decision)).toEqual(['FORBIDDEN']);
  });
});

describe('permit and forbid', () => {
  it('a permit that selects the send allows it, citing its rule and article', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', article: 'Art. 2', title: 'Emails', when: { channels: ['email'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision).toMatchObject({ verdict: 'allow', allowed: true });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'PERMITTED', verdict: 'allow', ruleId: 'p', article: 'Art. 2', title: 'Emails' })]);
  });

  it('every permit that applies is among the reasons of an allow', () => {
    const charter = charterOf([permitAll, { id: 'p2', kind: 'permit', when: { channels: ['email'] } }, { id: 'p3', kind: 'permit', when: { channels: ['post'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.reasons.map((reason) => reason.ruleId)).toEqual(['permit-all', 'p2']);
  });

  it('forbid overrides permit, and the permit is not a reason of the deny', () => {
    const charter = charterOf([permitAll, { id: 'f', kind: 'forbid', article: 'Art. 9', when: { channels: ['email'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision).toMatchObject({ verdict: 'deny', allowed: false });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'FORBIDDEN', verdict: 'deny', ruleId: 'f', article: 'Art. 9' })]);
    expect(decision.checks.filter((check) => !check.ruleId.startsWith('builtin:'))).toEqual([
      { ruleId: 'permit-all', article: 'Art. 1', outcome: 'pass' },
      { ruleId: 'f', article: 'Art. 9', outcome: 'fail' },
    ]);
  });

  it('a forbid overrides a permit listed after it as well', () => {
    const charter = charterOf([{ id: 'f', kind: 'forbid' }, permitAll]);
    expect(canSend(baseMessage, baseRecipient, { charter, now: NOW }).verdict).toBe('deny');
  });

  it('a forbid on sources reports FORBIDDEN_SOURCE with the source', () => {
    const charter = charterOf([permitAll, { id: 'f', kind: 'forbid', when: { senders: ['candidate'], sources: ['federationFile'] } }]);
    const decision = canSend(baseMessage, recipient({ source: 'federationFile' }), { charter, now: NOW });
    expect(decision.verdict).toBe('deny');
    const reason = reasonOf(decision, 'FORBIDDEN_SOURCE');
    expect(reason).toMatchObject({ ruleId: 'f', verdict: 'deny', facts: { source: 'federationFile', sourceLabel: 'the federation file' } });
    expect(reason.message).toContain('the federation file');
  });

  it('a forbid that does not select on sources reports FORBIDDEN even when the recipient has a source', () => {
    const charter = charterOf([permitAll, { id: 'f', kind: 'forbid', when: { relationships: ['member'] } }]);
    expect(codes(canSend(baseMessage, recipient({ source: 'federationFile' }), { charter, now: NOW }))).toEqual(['FORBIDDEN']);
  });

  it("a forbid with effect 'review' sends the case to a human", () => {
    const charter = charterOf([permitAll, { id: 'f', kind: 'forbid', effect: 'review', when: { sources: ['federationFile'] } }]);
    const decision = canSend(baseMessage, recipient({ source: 'federationFile' }), { charter, now: NOW });
    expect(decision).toMatchObject({ verdict: 'review', allowed: false });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'FORBIDDEN_SOURCE', verdict: 'review', ruleId: 'f' })]);
    expect(decision.checks.find((check) => check.ruleId === 'f')?.outcome).toBe('review');
  });

  it('a deny wins over a review, and both are reported', () => {
    const charter = charterOf([
      permitAll,
      { id: 'f-review', kind: 'forbid', effect: 'review', when: { channels: ['email'] } },
      { id: 'f-deny', kind: 'forbid', when: { senders: ['candidate'] } },
    ]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.verdict).toBe('deny');
    expect(decision.reasons.map((reason) => [reason.ruleId, reason.verdict])).toEqual([
      ['f-review', 'review'],
      ['f-deny', 'deny'],
    ]);
  });
});

describe('inForce and phase boundaries, in the charter time zone', () => {
  // campaign: [2013-05-13T00:00, 2013-05-31T08:00) Europe/Paris (CEST, UTC+2)
  const charter = charterOf([{ id: 'p', kind: 'permit', when: { phases: ['campaign'] } }]);
  const at = (now: string) => canSend(baseMessage, baseRecipient, { charter, now }).verdict;

  it('a phase starts at `from`, inclusive', () => {
    expect(at('2013-05-12T21:59:59.999Z')).toBe('deny');
    expect(at('2013-05-12T22:00:00.000Z')).toBe('allow');
  });

  it('a phase ends at `to`, exclusive', () => {
    expect(at('2013-05-31T05:59:59.999Z')).toBe('allow');
    expect(at('2013-05-31T06:00:00.000Z')).toBe('deny');
  });

  it('adjacent phases hand over at one instant: in the second, not the first', () => {
    const both = charterOf([
      { id: 'campaign', kind: 'permit', when: { phases: ['campaign'] } },
      { id: 'vote', kind: 'permit', when: { phases: ['vote'] } },
    ]);
    const permits = (now: string) => canSend(baseMessage, baseRecipient, { charter: both, now }).reasons.map((reason) => reason.ruleId);
    expect(permits('2013-05-31T05:59:59.999Z')).toEqual(['campaign']);
    expect(permits('2013-05-31T06:00:00.000Z')).toEqual(['vote']);
  });

  it('a phase across the spring DST change starts at +01:00 and ends at +02:00', () => {
    const spring = charterOf([{ id: 'p', kind: 'permit', when: { phases: ['weekend'] } }], {
      phases: { weekend: { from: '2013-03-30T12:00', to: '2013-03-31T12:00' } },
    });
    const verdict = (now: string) => canSend(baseMessage, baseRecipient, { charter: spring, now }).verdict;
    expect(verdict('2013-03-30T10:59:59.999Z')).toBe('deny');
    expect(verdict('2013-03-30T11:00:00.000Z')).toBe('allow');
    expect(verdict('2013-03-31T09:59:59.999Z')).toBe('allow');
    expect(verdict('2013-03-31T10:00:00.000Z')).toBe('deny');
  });

  it('inForce across the autumn DST change starts at +02:00 and ends at +01:00', () => {
    const autumn = charterOf([permitAll, { id: 'freeze', kind: 'forbid', inForce: { from: '2013-10-26T12:00', to: '2013-10-27T12:00' } }]);
    const verdict = (now: string) => canSend(baseMessage, baseRecipient, { charter: autumn, now }).verdict;
    expect(verdict('2013-10-26T09:59:59.999Z')).toBe('allow');
    expect(verdict('2013-10-26T10:00:00.000Z')).toBe('deny');
    expect(verdict('2013-10-27T10:59:59.999Z')).toBe('deny');
    expect(verdict('2013-10-27T11:00:00.000Z')).toBe('allow');
  });

  it("phases are read in the charter's time zone, not Paris and not the machine's", () => {
    const newYork = charterOf([{ id: 'p', kind: 'permit', when: { phases: ['early'] } }], {
      timezone: 'America/New_York',
      defaultCountry: 'US',
      // The US changed to EDT (UTC-4) at 02:00 on Sunday 10 March 2013.
      phases: { early: { from: '2013-03-09T12:00', to: '2013-03-10T12:00' } },
    });
    const verdict = (now: string) => canSend(baseMessage, baseRecipient, { charter: newYork, now }).verdict;
    expect(verdict('2013-03-09T16:59:59.999Z')).toBe('deny');
    expect(verdict('2013-03-09T17:00:00.000Z')).toBe('allow');
    expect(verdict('2013-03-10T15:59:59.999Z')).toBe('allow');
    expect(verdict('2013-03-10T16:00:00.000Z')).toBe('deny');
  });

  it('inForce of a permit bounds it like a phase: [from, to)', () => {
    const amended = charterOf([{ id: 'p', kind: 'permit', inForce: { from: '2013-05-20T10:00', to: '2013-05-21' } }]);
    const verdict = (now: string) => canSend(baseMessage, baseRecipient, { charter: amended, now }).verdict;
    expect(verdict('2013-05-20T07:59:59.999Z')).toBe('deny');
    expect(verdict('2013-05-20T08:00:00.000Z')).toBe('allow');
    expect(verdict('2013-05-20T21:59:59.999Z')).toBe('allow');
    expect(verdict('2013-05-20T22:00:00.000Z')).toBe('deny');
  });

  it('the Paris freeze applies from its adoption until the polls close', () => {
    const verdicts = (now: string) => canSend(emailViaCsp, preRegisteredVoter, { charter: paris, now, usage: emptyUsage }).reasons.map((r) => r.code);
    expect(verdicts('2013-05-31T21:59:59.999Z')).not.toContain('FORBIDDEN');
    expect(verdicts('2013-05-31T22:00:00.000Z')).toContain('FORBIDDEN');
    expect(verdicts('2013-06-03T16:59:59.999Z')).toContain('FORBIDDEN');
    expect(verdicts('2013-06-03T17:00:00.000Z')).not.toContain('FORBIDDEN');
  });
});

const emptyUsage: UsageView = { quota: () => ({ used: 0, counted: false }) };

describe('defaults.unlisted', () => {
  const emailOnly: RuleInput = { id: 'p-email', kind: 'permit', when: { channels: ['email'], senders: ['party'], via: ['press'] } };

  it("'deny' with a channel no rule mentions: CHANNEL_NOT_COVERED", () => {
    const charter = charterOf([emailOnly]);
    const decision = canSend(message({ channel: 'post' }), baseRecipient, { charter, now: NOW });
    expect(decision.verdict).toBe('deny');
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'CHANNEL_NOT_COVERED', verdict: 'deny', facts: { channel: 'post' } })]);
    expect(decision.reasons[0].ruleId).toBeUndefined();
  });

  it("'deny' with a channel some rule mentions: NOT_PERMITTED", () => {
    const charter = charterOf([emailOnly]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'NOT_PERMITTED', verdict: 'deny', facts: { channel: 'email' } })]);
  });

  it('a constraint rule naming the channel in `when.channels` mentions it', () => {
    const charter = charterOf([{ id: 'f', kind: 'forbid', when: { channels: ['post'], senders: ['party'] } }]);
    expect(codes(canSend(message({ channel: 'post' }), baseRecipient, { charter, now: NOW }))).toEqual(['NOT_PERMITTED']);
  });

  it('rules without `channels` apply to every channel but mention none', () => {
    const charter = charterOf([
      emailOnly,
      { id: 'f', kind: 'forbid', when: { senders: ['party'] } },
      { id: 'q', kind: 'quota', limit: 3, count: 'messages', per: ['sender'], when: { senders: ['party'] } },
    ]);
    expect(codes(canSend(message({ channel: 'post' }), baseRecipient, { charter, now: NOW }))).toEqual(['CHANNEL_NOT_COVERED']);
  });

  it('a channel named only in `unless` is not mentioned', () => {
    const charter = charterOf([emailOnly, { id: 'f', kind: 'forbid', when: { senders: ['party'] }, unless: { channels: ['post'] } }]);
    expect(codes(canSend(message({ channel: 'post' }), baseRecipient, { charter, now: NOW }))).toEqual(['CHANNEL_NOT_COVERED']);
  });

  it('the 2013 SMS: a charter silent on SMS does not cover it', () => {
    const decision = canSend(smsOfMay2, recipient({ phone: '06 12 34 56 78', source: 'campaignSignup' }, ['email']), { charter: paris, now: '2013-05-02T10:00:00+02:00' });
    expect(decision.verdict).toBe('deny');
    expect(codes(decision)).toEqual(['CHANNEL_NOT_COVERED']);
    // Also from the federation file: both problems at once.
    expect(codes(canSend(smsOfMay2, memberFromFederationFile, { charter: paris, now: '2013-05-02T10:00:00+02:00' })).sort()).toEqual(['CHANNEL_NOT_COVERED', 'FORBIDDEN_SOURCE']);
  });

  it("'review' gives review with the same codes", () => {
    const charter = charterOf([emailOnly], { defaults: { unlisted: 'review' } });
    const post = canSend(message({ channel: 'post' }), baseRecipient, { charter, now: NOW });
    expect(post).toMatchObject({ verdict: 'review', allowed: false });
    expect(post.reasons).toEqual([expect.objectContaining({ code: 'CHANNEL_NOT_COVERED', verdict: 'review' })]);
    const email = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(email.verdict).toBe('review');
    expect(email.reasons).toEqual([expect.objectContaining({ code: 'NOT_PERMITTED', verdict: 'review' })]);
  });

  it("'review' near misses are reviews too", () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { channels: ['email'], via: ['press'] } }], { defaults: { unlisted: 'review' } });
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.verdict).toBe('review');
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'RELAY_REQUIRED', verdict: 'review', ruleId: 'p' })]);
  });

  it("'allow' allows what no permit covers, as ALLOWED_BY_DEFAULT", () => {
    const charter = charterOf([emailOnly], { defaults: { unlisted: 'allow' } });
    const decision = canSend(message({ channel: 'post' }), baseRecipient, { charter, now: NOW });
    expect(decision).toMatchObject({ verdict: 'allow', allowed: true });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'ALLOWED_BY_DEFAULT', verdict: 'allow' })]);
  });

  it("'allow' does not lift constraints", () => {
    const charter = charterOf([{ id: 'f', kind: 'forbid', when: { sources: ['federationFile'] } }], { defaults: { unlisted: 'allow' } });
    expect(codes(canSend(baseMessage, recipient({ source: 'federationFile' }), { charter, now: NOW }))).toEqual(['FORBIDDEN_SOURCE']);
  });

  it("'allow' with a permit that applies cites the permit, not the default", () => {
    const charter = charterOf([permitAll], { defaults: { unlisted: 'allow' } });
    expect(codes(canSend(baseMessage, baseRecipient, { charter, now: NOW }))).toEqual(['PERMITTED']);
  });

  it("the default is 'deny'", () => {
    const charter = defineCharter({ id: 'min', title: 'Min', timezone: 'Europe/Paris', rules: [] });
    const decision = canSend(message({ channel: 'post' }, ['via']), baseRecipient, { charter, now: NOW });
    expect(decision.verdict).toBe('deny');
    expect(codes(decision)).toEqual(['CHANNEL_NOT_COVERED']);
  });
});

describe('near misses', () => {
  const viaCsp: RuleInput = { id: 'p-csp', kind: 'permit', article: 'Art. 4', when: { channels: ['email'], via: ['csp'], audiences: ['voters'] } };

  it('are shared by sends alike in what selectors read, and told apart by anything else', () => {
    // The default policy's answer is kept per instant and per what selectors read.
    const charter = charterOf([{ id: 'p-src', kind: 'permit', when: { channels: ['email'], sources: ['signup'], relationships: ['member'] } }]);
    const refuse = (patch: Partial<Recipient>) => canSend(baseMessage, recipient(patch), { charter, now: NOW });
    const federation = refuse({ source: 'federationFile' });
    expect(refuse({ id: 'r-2', source: 'federationFile', email: 'other@example.org' }).reasons[0]).toBe(federation.reasons[0]);
    expect(Object.isFrozen(federation.reasons[0])).toBe(true);
    expect(federation.reasons[0].facts).toMatchObject({ field: 'sources', actual: ['the federation file'] });
    const prospect = refuse({ relationship: 'prospect' });
    expect(prospect.reasons[0].facts).toMatchObject({ field: 'relationships', actual: ['prospect'] });
    expect(canSend(baseMessage, recipient({}, ['source']), { charter, now: NOW }).reasons[0].facts).toMatchObject({ field: 'sources', actual: [] });
    expect(refuse({}).verdict).toBe('allow');
    // What the permits do not select on is not told apart: another sender gets the same answer.
    const other = canSend(message({ sender: { id: 'bob', role: 'party' } }), recipient({ source: 'federationFile' }), { charter, now: NOW });
    expect(other.reasons[0]).toBe(federation.reasons[0]);
    // Lists of audiences are told apart by their length and each name.
    const byAudience = charterOf([{ id: 'p-aud', kind: 'permit', when: { channels: ['email'], audiences: ['voters'], sources: ['signup'] } }]);
    const reach = (audiences: string[], source = 'signup') => canSend(baseMessage, recipient({ audiences, source }), { charter: byAudience, now: NOW });
    expect(reach(['members']).reasons[0].facts).toMatchObject({ field: 'audiences', actual: ['party members'] });
    expect(reach([]).reasons[0].facts).toMatchObject({ field: 'audiences', actual: [] });
    expect(reach(['members', 'voters'], 'federationFile').reasons[0].facts).toMatchObject({ field: 'sources' });
    expect(reach(['members', 'members']).reasons[0].facts).toMatchObject({ field: 'audiences', actual: ['party members', 'party members'] });
    expect(reach(['voters']).verdict).toBe('allow');
  });

  it('are kept to the minute when every boundary is a whole minute, to the millisecond otherwise', () => {
    const vote: RuleInput = { id: 'p-vote', kind: 'permit', when: { channels: ['email'], phases: ['vote'] } };
    const at = (time: string) => `2013-05-20T10:${time}+02:00`;
    const minute = charterOf([vote]);
    const early = canSend(baseMessage, baseRecipient, { charter: minute, now: at('00:10') });
    expect(canSend(baseMessage, baseRecipient, { charter: minute, now: at('00:50') }).reasons[0]).toBe(early.reasons[0]);
    expect(canSend(baseMessage, baseRecipient, { charter: minute, now: at('01:00') }).reasons[0]!.facts).toMatchObject({ localTime: '2013-05-20 10:01' });
    // A phase that opens 30 seconds into a minute: sends either side of it are told apart.
    const seconds = charterOf([vote], {
      phases: { vote: { label: 'the vote', from: '2013-05-20T10:00:30', to: '2013-06-03T19:00' } },
    });
    expect(canSend(baseMessage, baseRecipient, { charter: seconds, now: at('00:10') }).reasons[0]!.code).toBe('OUTSIDE_PHASE');
    expect(canSend(baseMessage, baseRecipient, { charter: seconds, now: at('00:40') }).verdict).toBe('allow');
    expect(canSend(baseMessage, baseRecipient, { charter: seconds, now: at('00:20') }).reasons[0]!.facts).toMatchObject({ nextAt: '2013-05-20T08:00:30.000Z' });
  });

  it('RELAY_REQUIRED when a permit fails only on `via`', () => {
    const charter = charterOf([viaCsp]);
    const decision = canSend(message({ audience: 'voters' }, ['via']), recipient({ audiences: ['voters'] }), { charter, now: NOW });
    expect(decision.verdict).toBe('deny');
    expect(decision.reasons).toEqual([
      expect.objectContaining({ code: 'RELAY_REQUIRED', verdict: 'deny', ruleId: 'p-csp', article: 'Art. 4', facts: expect.objectContaining({ relays: ['the council'], direct: false, via: 'direct' }) }),
    ]);
  });

  it("RELAY_REQUIRED says when sending directly would do: a permit for `via: ['direct']` and a relayed send", () => {
    const charter = charterOf([{ id: 'p-direct', kind: 'permit', when: { channels: ['email'], via: ['direct'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'RELAY_REQUIRED', ruleId: 'p-direct', facts: expect.objectContaining({ relays: [], direct: true, via: 'csp' }) })]);
    const either = charterOf([{ id: 'p', kind: 'permit', when: { channels: ['email'], via: ['direct', 'press'] } }]);
    expect(canSend(baseMessage, baseRecipient, { charter: either, now: NOW }).reasons[0].facts).toMatchObject({ relays: ['press'], direct: true });
  });

  it('RELAY_REQUIRED also when the send goes through another relay', () => {
    const charter = charterOf([viaCsp]);
    const decision = canSend(message({ via: 'press' }), recipient({ audiences: ['voters'] }), { charter, now: NOW });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'RELAY_REQUIRED', facts: expect.objectContaining({ via: 'press' }) })]);
  });

  it('Art. 4 of the Paris charter: email to pre-registered voters only via the CSP', () => {
    const decision = canSend(emailDirect, preRegisteredVoter, { charter: paris, now: NOW, usage: emptyUsage });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'RELAY_REQUIRED', ruleId: 'email-preinscrits-via-csp', article: 'Art. 4' })]);
  });

  it('OUTSIDE_PHASE when a permit fails only on `phases`', () => {
    const charter = charterOf([{ id: 'p-vote', kind: 'permit', article: 'Art. 5', when: { channels: ['email'], phases: ['vote'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.reasons).toEqual([
      expect.objectContaining({ code: 'OUTSIDE_PHASE', verdict: 'deny', ruleId: 'p-vote', article: 'Art. 5', facts: expect.objectContaining({ phases: ['the vote'] }) }),
    ]);
  });

  it('OUTSIDE_PHASE when a permit fails only on `inForce`', () => {
    const charter = charterOf([{ id: 'p-later', kind: 'permit', when: { channels: ['email'] }, inForce: { from: '2013-06-01' } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'OUTSIDE_PHASE', ruleId: 'p-later' })]);
  });

  it('OUTSIDE_PHASE when a permit fails on both `phases` and `inForce` and nothing else', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { phases: ['vote'] }, inForce: { from: '2013-06-01' } }]);
    expect(codes(canSend(baseMessage, baseRecipient, { charter, now: NOW }))).toEqual(['OUTSIDE_PHASE']);
  });

  const singleDimension: { field: string; when: Selector; recipient?: Recipient; message?: Message }[] = [
    { field: 'senders', when: { senders: ['party'] } },
    { field: 'candidates', when: { candidates: ['bob'] } },
    { field: 'audiences', when: { audiences: ['voters'] } },
    { field: 'sources', when: { sources: ['federationFile'] } },
    { field: 'relationships', when: { relationships: ['prospect'] } },
  ];
  for (const { field, when } of singleDimension) {
    it(`NOT_PERMITTED naming the dimension when a permit fails only on ${field}`, () => {
      const charter = charterOf([{ id: 'p', kind: 'permit', article: 'Art. 3', when: { channels: ['email'], ...when } }]);
      const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
      expect(decision.verdict).toBe('deny');
      expect(decision.reasons).toEqual([expect.objectContaining({ code: 'NOT_PERMITTED', verdict: 'deny', ruleId: 'p', article: 'Art. 3', facts: expect.objectContaining({ field }) })]);
    });
  }

  it('the facts of a NOT_PERMITTED near miss say what was expected and what the send had', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { channels: ['email'], audiences: ['voters'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.reasons[0].facts).toMatchObject({ field: 'audiences', expected: ['registered voters'], actual: ['party members'] });
  });

  it('one reason per near miss, each carrying its own permit', () => {
    const charter = charterOf([
      { id: 'p-relay', kind: 'permit', article: 'Art. 4', when: { channels: ['email'], via: ['press'] } },
      { id: 'p-phase', kind: 'permit', article: 'Art. 5', when: { channels: ['email'], phases: ['vote'] } },
      { id: 'p-role', kind: 'permit', article: 'Art. 6', when: { senders: ['party'] } },
      { id: 'p-two', kind: 'permit', article: 'Art. 7', when: { channels: ['email'], senders: ['party'], via: ['press'] } },
      { id: 'p-sms', kind: 'permit', article: 'Art. 8', when: { channels: ['sms'] } },
    ]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.verdict).toBe('deny');
    expect(decision.reasons.map((reason) => [reason.code, reason.ruleId, reason.article])).toEqual([
      ['RELAY_REQUIRED', 'p-relay', 'Art. 4'],
      ['OUTSIDE_PHASE', 'p-phase', 'Art. 5'],
      ['NOT_PERMITTED', 'p-role', 'Art. 6'],
    ]);
  });

  it('no near miss when two dimensions fail: a single NOT_PERMITTED', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', article: 'Art. 4', when: { channels: ['email'], via: ['press'], audiences: ['voters'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.reasons).toHaveLength(1);
    expect(decision.reasons[0]).toMatchObject({ code: 'NOT_PERMITTED', verdict: 'deny', facts: { channel: 'email' } });
    expect(decision.reasons[0].ruleId).toBeUndefined();
    expect(decision.reasons[0].article).toBeUndefined();
  });

  it('no near miss when a time dimension and another fail together', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { channels: ['email'], via: ['press'], phases: ['vote'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(codes(decision)).toEqual(['NOT_PERMITTED']);
    expect(decision.reasons[0].ruleId).toBeUndefined();
    expect(decision.notBefore).toBeUndefined();
  });

  it('a permit for another channel is not a near miss', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { channels: ['post'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(codes(decision)).toEqual(['CHANNEL_NOT_COVERED']);
  });

  it('near misses are only looked for when no permit applies', () => {
    const charter = charterOf([permitAll, { id: 'p-relay', kind: 'permit', when: { via: ['press'] } }]);
    expect(codes(canSend(baseMessage, baseRecipient, { charter, now: NOW }))).toEqual(['PERMITTED']);
  });

  it('near misses come with the failing constraints', () => {
    const charter = charterOf([viaCsp, { id: 'f', kind: 'forbid', when: { sources: ['federationFile'] } }]);
    const decision = canSend(message({}, ['via']), recipient({ audiences: ['voters'], source: 'federationFile' }), { charter, now: NOW });
    expect(codes(decision)).toEqual(['FORBIDDEN_SOURCE', 'RELAY_REQUIRED']);
  });
});

describe('notBefore', () => {
  it('for a phase that has not begun: the start of the phase', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { phases: ['vote'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.verdict).toBe('deny');
    expect(decision.notBefore).toBe('2013-05-31T06:00:00.000Z');
    expect(reasonOf(decision, 'OUTSIDE_PHASE').facts).toMatchObject({ next: '2013-05-31 08:00', nextAt: '2013-05-31T06:00:00.000Z' });
    // The hint is exact: a millisecond earlier is still refused.
    expect(canSend(baseMessage, baseRecipient, { charter, now: decision.notBefore! }).verdict).toBe('allow');
    expect(canSend(baseMessage, baseRecipient, { charter, now: plus(decision.notBefore!, -1) }).verdict).toBe('deny');
  });

  it('for a permit whose inForce begins later: its adoption', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', inForce: { from: '2013-05-22T12:00' } }]);
    expect(canSend(baseMessage, baseRecipient, { charter, now: NOW }).notBefore).toBe('2013-05-22T10:00:00.000Z');
  });

  it('the earliest of the permits that would open', () => {
    const charter = charterOf([
      { id: 'p-vote', kind: 'permit', when: { phases: ['vote'] } },
      { id: 'p-amendment', kind: 'permit', inForce: { from: '2013-05-25T00:00' } },
    ]);
    expect(canSend(baseMessage, baseRecipient, { charter, now: NOW }).notBefore).toBe('2013-05-24T22:00:00.000Z');
  });

  it('for a freeze with an end: the end of the freeze', () => {
    const charter = charterOf([permitAll, { id: 'freeze', kind: 'forbid', inForce: { from: '2013-05-19T00:00', to: '2013-05-23T19:00' } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(codes(decision)).toEqual(['FORBIDDEN']);
    expect(decision.notBefore).toBe('2013-05-23T17:00:00.000Z');
    expect(canSend(baseMessage, baseRecipient, { charter, now: decision.notBefore! }).verdict).toBe('allow');
  });

  it('no notBefore for a freeze without an end', () => {
    const charter = charterOf([permitAll, { id: 'freeze', kind: 'forbid', inForce: { from: '2013-05-19T00:00' } }]);
    expect(canSend(baseMessage, baseRecipient, { charter, now: NOW }).notBefore).toBeUndefined();
  });

  it('no notBefore when the phase is over', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { phases: ['campaign'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: '2013-06-10T10:00:00+02:00' });
    expect(codes(decision)).toEqual(['OUTSIDE_PHASE']);
    expect(decision.notBefore).toBeUndefined();
  });

  it('no notBefore when nothing about time refuses the send', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { via: ['press'] } }]);
    expect(canSend(baseMessage, baseRecipient, { charter, now: NOW }).notBefore).toBeUndefined();
    expect(canSend(baseMessage, baseRecipient, { charter: charterOf([permitAll]), now: NOW }).notBefore).toBeUndefined();
  });

  it('a phase that opens inside a freeze: the end of the freeze', () => {
    const charter = charterOf([
      { id: 'p', kind: 'permit', when: { phases: ['vote'] } },
      { id: 'freeze', kind: 'forbid', inForce: { from: '2013-05-30T00:00', to: '2013-06-01T12:00' } },
    ]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision.notBefore).toBe('2013-06-01T10:00:00.000Z');
  });

  it('a freeze that ends after the only phase it could open in: none', () => {
    const charter = charterOf([
      { id: 'p', kind: 'permit', when: { phases: ['campaign'] } },
      { id: 'freeze', kind: 'forbid', inForce: { from: '2013-05-19T00:00', to: '2013-06-01T00:00' } },
    ]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(codes(decision)).toEqual(['FORBIDDEN']);
    expect(decision.notBefore).toBeUndefined();
  });

  it('a phase that opens on a Saturday, with weekday sending hours: the Monday morning', () => {
    const charter = charterOf(
      [
        { id: 'p', kind: 'permit', when: { phases: ['late'] } },
        { id: 'hours', kind: 'quietHours', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] },
      ],
      { phases: { late: { from: '2013-06-01T00:00', to: '2013-06-30T00:00' } } },
    );
    // Wednesday 29 May 10:00, inside the sending hours but before the phase.
    const decision = canSend(baseMessage, recipient({ timezone: 'Europe/Paris' }), { charter, now: '2013-05-29T10:00:00+02:00' });
    expect(codes(decision)).toEqual(['OUTSIDE_PHASE']);
    expect(decision.notBefore).toBe('2013-06-03T07:00:00.000Z');
  });

  it('a freeze written as a phase is lifted at the end of the phase (and of the phases adjoining it)', () => {
    const charter = charterOf(
      [permitAll, { id: 'freeze', kind: 'forbid', when: { phases: ['vote', 'count'] } }],
      {
        phases: {
          vote: { from: '2013-05-31T08:00', to: '2013-06-03T19:00' },
          count: { from: '2013-06-03T19:00', to: '2013-06-03T23:00' },
        },
      },
    );
    const decision = canSend(baseMessage, baseRecipient, { charter, now: '2013-06-01T10:00:00+02:00' });
    expect(reasonOf(decision, 'FORBIDDEN').facts).toMatchObject({ until: '2013-06-03 23:00', untilAt: '2013-06-03T21:00:00.000Z' });
    expect(decision.notBefore).toBe('2013-06-03T21:00:00.000Z');
  });

  it('a freeze lifted by an `unless` phase: the start of that phase', () => {
    const charter = charterOf([permitAll, { id: 'freeze', kind: 'forbid', unless: { phases: ['vote'] } }]);
    expect(canSend(baseMessage, baseRecipient, { charter, now: NOW }).notBefore).toBe('2013-05-31T06:00:00.000Z');
  });

  // Regression (fast-check seed 1746918877): quiet hours in force until Saturday 02:00, with
  // a window Saturday 00:00–01:00, refusing a send at 01:00: the rule lapses an hour later,
  // well before its next window a week later.
  it('quiet hours whose inForce ends before the next window: the end of inForce', () => {
    const charter = charterOf(
      [{ id: 'hours', kind: 'quietHours', inForce: { from: '2013-05-04T17:00', to: '2013-06-01T02:00' }, windows: [{ days: ['sat'], from: '00:00', to: '01:00' }] }],
      { defaults: { unlisted: 'allow' } },
    );
    const decision = canSend(baseMessage, baseRecipient, { charter, now: '2013-05-31T23:00:00.000Z' });
    expect(codes(decision)).toEqual(['QUIET_HOURS']);
    expect(decision.notBefore).toBe('2013-06-01T00:00:00.000Z');
    expect(canSend(baseMessage, baseRecipient, { charter, now: decision.notBefore! }).verdict).toBe('allow');
  });

  it('quiet hours limited to a phase: the end of the phase when it comes before the next window', () => {
    const charter = charterOf(
      [permitAll, { id: 'hours', kind: 'quietHours', when: { phases: ['campaign'] }, windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }] }],
    );
    // Friday 31 May 2013 07:00 in Paris: the campaign ends at 08:00, the window opens at 09:00.
    const decision = canSend(baseMessage, recipient({ timezone: 'Europe/Paris' }), { charter, now: '2013-05-31T07:00:00+02:00' });
    expect(codes(decision)).toEqual(['QUIET_HOURS']);
    expect(decision.notBefore).toBe('2013-05-31T06:00:00.000Z');
  });

  it('a permit carved out during a phase by `unless`: OUTSIDE_PHASE, open again when the phase ends', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', when: { channels: ['email'] }, unless: { phases: ['vote'] } }]);
    const decision = canSend(baseMessage, baseRecipient, { charter, now: '2013-06-01T10:00:00+02:00' });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'OUTSIDE_PHASE', ruleId: 'p', facts: expect.objectContaining({ except: ['the vote'], nextAt: '2013-06-03T17:00:00.000Z' }) })]);
    expect(decision.notBefore).toBe('2013-06-03T17:00:00.000Z');
  });

  // Regression (fast-check seed -522034965): the permit comes into force at 01:00, but from
  // 00:00 on a phase without end carves every send out: it never opens, and notBefore was
  // the adoption hour, when the send was refused all the same.
  it('a permit that comes into force inside an endless `unless` phase never opens', () => {
    const charter = charterOf([{ id: 'p', kind: 'permit', unless: { phases: ['after'] }, inForce: { from: '2013-05-01T01:00' } }], {
      phases: { after: { from: '2013-05-01T00:00' } },
    });
    for (const now of ['2013-04-25T00:00:00Z', '2013-04-30T22:30:00Z', '2013-04-30T23:00:00Z']) {
      const decision = canSend(baseMessage, baseRecipient, { charter, now });
      expect(codes(decision), now).toEqual(['OUTSIDE_PHASE']);
      expect(decision.reasons[0].facts['next'], now).toBeUndefined();
      expect(decision.notBefore, now).toBeUndefined();
    }
  });

  it('the Paris charter: an email to pre-registered voters before the official campaign', () => {
    const decision = canSend(emailViaCsp, preRegisteredVoter, { charter: paris, now: '2013-05-02T10:00:00+02:00', usage: emptyUsage });
    expect(reasonOf(decision, 'OUTSIDE_PHASE').ruleId).toBe('email-preinscrits-via-csp');
    expect(decision.notBefore).toBe('2013-05-12T22:00:00.000Z');
  });
});

describe('reporting', () => {
  const charter = charterOf([
    { id: 'p', kind: 'permit', article: 'Art. 1', when: { channels: ['email'] } },
    { id: 'f-source', kind: 'forbid', article: 'Art. 2', when: { sources: ['federationFile'] } },
    { id: 'f-role', kind: 'forbid', article: 'Art. 3', when: { senders: ['candidate'] } },
    { id: 'f-post', kind: 'forbid', when: { channels: ['post'] } },
    { id: 'q', kind: 'quota', article: 'Art. 4', limit: 3, count: 'messages', per: ['candidate'] },
  ]);

  it('reports every failing rule and check, not just the first', () => {
    const decision = canSend(baseMessage, recipient({ source: 'federationFile' }, ['email']), { charter, now: NOW });
    expect(decision.verdict).toBe('deny');
    expect(codes(decision)).toEqual(['NO_CONTACT', 'FORBIDDEN_SOURCE', 'FORBIDDEN', 'QUOTA_UNKNOWN']);
    expect(decision.reasons.map((reason) => reason.ruleId)).toEqual([undefined, 'f-source', 'f-role', 'q']);
  });

  it('checks lists every built-in check and every rule, in order, with its outcome', () => {
    const decision = canSend(baseMessage, recipient({ source: 'federationFile' }), { charter, now: NOW });
    expect(decision.checks).toEqual([
      { ruleId: 'builtin:contact', outcome: 'pass' },
      { ruleId: 'builtin:opt-out', outcome: 'pass' },
      { ruleId: 'builtin:audience', outcome: 'pass' },
      { ruleId: 'p', article: 'Art. 1', outcome: 'pass' },
      { ruleId: 'f-source', article: 'Art. 2', outcome: 'fail' },
      { ruleId: 'f-role', article: 'Art. 3', outcome: 'fail' },
      { ruleId: 'f-post', outcome: 'not-applicable' },
      { ruleId: 'q', article: 'Art. 4', outcome: 'review' },
    ]);
  });

  it('decisions alike share one frozen checks list; decisions that differ do not', () => {
    const first = canSend(baseMessage, recipient({ source: 'federationFile' }), { charter, now: NOW });
    const second = canSend(baseMessage, recipient({ id: 'r-2', source: 'federationFile' }), { charter, now: NOW });
    const clean = canSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(second.checks).toBe(first.checks);
    expect(Object.isFrozen(first.checks)).toBe(true);
    expect(clean.checks).not.toBe(first.checks);
    expect(clean.checks.find((check) => check.ruleId === 'f-source')?.outcome).toBe('not-applicable');
  });

  it('a decision given one shared reason gives its frozen list; two give their join, shared too, leaving both whole', () => {
    const single = charterOf([permitAll]);
    const decide = (patch: Partial<Recipient>, omit: (keyof Recipient)[] = [], target?: string) =>
      canSend(target === undefined ? baseMessage : { ...baseMessage, audience: target }, recipient(patch, omit), { charter: single, now: NOW });
    const allowed = decide({});
    expect(decide({ id: 'r-2' }).reasons).toBe(allowed.reasons);
    expect(Object.isFrozen(allowed.reasons)).toBe(true);
    const refusedAlone = decide({}, ['email']);
    expect(refusedAlone.reasons.map((reason) => reason.code)).toEqual(['NO_CONTACT']);
    expect(Object.isFrozen(refusedAlone.reasons)).toBe(true);
    // The same shared reason first, then another shared one: their join, a new frozen list…
    const several = decide({ audiences: [] }, ['email'], 'voters');
    expect(several.reasons.map((reason) => reason.code)).toEqual(['NO_CONTACT', 'NOT_IN_AUDIENCE']);
    expect(several.reasons[0]).toBe(refusedAlone.reasons[0]);
    expect(several.reasons).not.toBe(refusedAlone.reasons);
    expect(Object.isFrozen(several.reasons)).toBe(true);
    // …given again to the next send refused for the same two reasons.
    expect(decide({ id: 'r-4', audiences: [] }, ['email'], 'voters').reasons).toBe(several.reasons);
    // The shared list is as it was, and still given.
    expect(refusedAlone.reasons).toHaveLength(1);
    expect(decide({ id: 'r-3' }, ['email']).reasons).toBe(refusedAlone.reasons);
  });

  it('gives usage views frozen quota queries, the same object for the same question, a new one when it changes', () => {
    const quota: RuleInput = { id: 'q', kind: 'quota', limit: 3, count: 'deliveries', per: ['sender'], window: { rolling: '1d' } };
    const withQuota = charterOf([permitAll, quota]);
    const asked: QuotaQuery[] = [];
    const view: UsageView = {
      quota: (query) => {
        asked.push(query);
        return { used: 0, counted: false };
      },
    };
    canSend(baseMessage, recipient({}), { charter: withQuota, now: NOW, usage: view });
    canSend(baseMessage, recipient({ id: 'r-2' }), { charter: withQuota, now: NOW, usage: view });
    canSend({ ...baseMessage, id: 'other' }, recipient({}), { charter: withQuota, now: NOW, usage: view });
    expect(asked).toHaveLength(3);
    expect(asked[1]).toBe(asked[0]);
    expect(asked[2]).not.toBe(asked[0]);
    expect(asked[2]!.messageId).toBe('other');
    for (const query of asked) expect(Object.isFrozen(query)).toBe(true);
    expect(Object.keys(asked[0]!)).toEqual(['ruleId', 'key', 'count', 'messageId', 'now', 'since']);
    expect(asked[0]!.now - asked[0]!.since!).toBe(86_400_000);
  });

  it('a shared reason followed by one made for the send gives a new, open list; the shared one stays whole', () => {
    const quota: RuleInput = { id: 'q', kind: 'quota', limit: 3, count: 'deliveries', per: ['sender'] };
    const withQuota = charterOf([permitAll, quota]);
    const full: UsageView = { quota: () => ({ used: 3, counted: false }) };
    const alone = canSend(baseMessage, recipient({}, ['email']), { charter: withQuota, now: NOW, usage: emptyUsage });
    expect(alone.reasons.map((reason) => reason.code)).toEqual(['NO_CONTACT']);
    const over = canSend(baseMessage, recipient({}, ['email']), { charter: withQuota, now: NOW, usage: full });
    expect(over.reasons.map((reason) => reason.code)).toEqual(['NO_CONTACT', 'QUOTA_EXCEEDED']);
    expect(over.reasons[0]).toBe(alone.reasons[0]);
    expect(Object.isFrozen(over.reasons)).toBe(false);
    expect(alone.reasons).toHaveLength(1);
    expect(canSend(baseMessage, recipient({ id: 'r-5' }, ['email']), { charter: withQuota, now: NOW, usage: emptyUsage }).reasons).toBe(alone.reasons);
  });

  it('charters with more checks than one number holds (26) list them all, in order', () => {
    // 3 built-in checks + 30 rules: the evaluation lists its checks as it goes.
    const forbids: RuleInput[] = Array.from({ length: 29 }, (_, i) => ({ id: `f${i}`, kind: 'forbid', when: { channels: [i % 2 === 0 ? 'post' : 'email'] } }));
    const many = charterOf([permitAll, ...forbids]);
    const decision = canSend(baseMessage, baseRecipient, { charter: many, now: NOW });
    expect(decision.checks).toHaveLength(33);
    expect(decision.checks.slice(3).map((check) => `${check.ruleId}:${check.outcome}`)).toEqual([
      `${permitAll.id}:pass`,
      ...forbids.map((rule, i) => `${rule.id}:${i % 2 === 0 ? 'not-applicable' : 'fail'}`),
    ]);
    expect(decision.verdict).toBe('deny');
  });

  it('charters with exactly 26 checks read every outcome back from the one number', () => {
    // 26 digits, the most one number holds exactly: the rules' digits high (not-applicable
    // is 3), the built-in checks' failing and passing.
    const idle: RuleInput[] = Array.from({ length: 23 }, (_, i) => ({ id: `n${i}`, kind: 'forbid', when: { channels: ['post'] } }));
    const full = charterOf(idle);
    const decision = canSend({ ...baseMessage, audience: 'voters' }, recipient({ audiences: [] }, ['email']), { charter: full, now: NOW });
    expect(decision.checks.map((check) => check.outcome)).toEqual(['fail', 'pass', 'fail', ...idle.map(() => 'not-applicable')]);
    expect(decision.checks.slice(3).map((check) => check.ruleId)).toEqual(idle.map((rule) => rule.id));
  });

  it('the decision records the instant evaluated and the language', () => {
    const decision = canSend(baseMessage, baseRecipient, { charter, now: new Date('2013-05-20T08:00:00Z') });
    expect(decision.at).toBe('2013-05-20T08:00:00.000Z');
    expect(decision.locale).toBe('en');
    expect(canSend(baseMessage, baseRecipient, { charter, now: Date.parse('2013-05-20T08:00:00Z') }).at).toBe('2013-05-20T08:00:00.000Z');
  });

  it('decisions are plain JSON: a JSON round trip gives them back unchanged', () => {
    const freeze = charterOf([permitAll, { id: 'freeze', kind: 'forbid', inForce: { from: '2013-05-19T00:00', to: '2013-05-23T19:00' } }]);
    const throwing: UsageView = {
      quota: () => {
        throw new Error('down');
      },
    };
    const decisions = [
      canSend(baseMessage, baseRecipient, { charter: charterOf([permitAll]), now: NOW }),
      canSend(baseMessage, recipient({ source: 'federationFile' }, ['email']), { charter, now: NOW }),
      canSend(baseMessage, baseRecipient, { charter, now: NOW, usage: emptyUsage }),
      canSend(baseMessage, baseRecipient, { charter: freeze, now: NOW }),
      canSend(emailViaCsp, preRegisteredVoter, { charter: paris, now: '2013-05-02T10:00:00+02:00', usage: emptyUsage }),
      canSend(message({ channel: 'emial' }), recipient({ timezone: 'Mars/Olympus' }), { charter, now: NOW }),
      canSend(baseMessage, baseRecipient, { charter, now: NOW, usage: throwing }),
    ];
    for (const decision of decisions) {
      expect(JSON.parse(JSON.stringify(decision))).toStrictEqual(decision);
    }
  });
});

describe('INVALID_INPUT', () => {
  const charter = charterOf([permitAll]);
  const pathsOf = (decision: Decision) => issuesOf(decision).map((issue) => issue.path);

  it.each([
    ['a string that is not a date', 'yesterday'],
    ['an ISO date-time without offset (it would be read in the machine time zone)', '2013-05-20T10:00'],
    ['a day that is not in the calendar (Date.parse would read 2 March)', '2013-02-30T10:00:00Z'],
    ['an invalid Date', new Date('nope')],
    ['NaN', Number.NaN],
    ['an epoch beyond what a Date can hold (toISOString would throw)', 1e20],
    ['an epoch just beyond the last Date', 8.64e15 + 1],
    ['an object', {}],
  ])('a bad `now`: %s', (_, now) => {
    const decision = canSend(baseMessage, baseRecipient, { charter, now: now as string });
    expect(pathsOf(decision)).toEqual([['context', 'now']]);
    expect(decision.checks).toEqual([]);
  });

  it('accepts an instant with an offset or Z, a Date and an epoch', () => {
    for (const now of ['2013-05-20T10:00:00+02:00', '2013-05-20T08:00:00Z', '2013-05-20T04:00:00.000-04:00', new Date('2013-05-20T08:00:00Z'), Date.UTC(2013, 4, 20, 8)]) {
      const decision = canSend(baseMessage, baseRecipient, { charter, now });
      expect(decision.verdict, String(now)).toBe('allow');
      expect(decision.at).toBe('2013-05-20T08:00:00.000Z');
    }
  });

  it('a usage view without a quota method', () => {
    for (const usage of [5, null, {}, { quota: 'yes' }]) {
      expect(pathsOf(canSend(baseMessage, baseRecipient, { charter, now: NOW, usage: usage as unknown as UsageView }))).toEqual([['context', 'usage']]);
    }
  });

  it('a bad locale', () => {
    expect(pathsOf(canSend(baseMessage, baseRecipient, { charter, now: NOW, locale: 'de' as 'fr' }))).toEqual([['context', 'locale']]);
  });

  it('a context that is not an object', () => {
    expect(pathsOf(canSend(baseMessage, baseRecipient, null as unknown as CanSendContext))).toEqual([['context']]);
  });

  it.each([
    ['channel', message({ channel: 'emial' }), ['message', 'channel'], "did you mean 'email'"],
    ['relay', message({ via: 'cps' }), ['message', 'via'], "did you mean 'csp'"],
    ['audience', message({ audience: 'member' }), ['message', 'audience'], "did you mean 'members'"],
    ['sender role', message({ sender: { id: 'alice', role: 'candidat' } }), ['message', 'sender', 'role'], "did you mean 'candidate'"],
  ])('an unknown %s, with a suggestion', (what, bad, path, hint) => {
    const issues = issuesOf(canSend(bad, baseRecipient, { charter, now: NOW }));
    expect(issues).toEqual([{ path, message: expect.stringContaining(hint) }]);
    expect(issues[0]!.message).toContain(`unknown ${what}`);
  });

  it("'direct' is not a relay: leave `via` out", () => {
    const issues = issuesOf(canSend(message({ via: 'direct' }), baseRecipient, { charter, now: NOW }));
    expect(issues).toEqual([{ path: ['message', 'via'], message: expect.stringContaining('leave `via` out') }]);
  });

  it('a role is free text when the charter declares no roles', () => {
    const open = charterOf([permitAll], { roles: undefined });
    expect(canSend(message({ sender: { id: 'x', role: 'whoever' } }), baseRecipient, { charter: open, now: NOW }).verdict).toBe('allow');
  });

  it('a channel the charter declares is known', () => {
    const withWhatsapp = charterOf([permitAll], { channels: { whatsapp: { contact: 'none' } } });
    expect(canSend(message({ channel: 'whatsapp' }), baseRecipient, { charter: withWhatsapp, now: NOW }).verdict).toBe('allow');
  });

  it('an unknown source, with a suggestion', () => {
    const issues = issuesOf(canSend(baseMessage, recipient({ source: 'signupp' }), { charter, now: NOW }));
    expect(issues).toEqual([{ path: ['recipient', 'source'], message: expect.stringContaining("did you mean 'signup'") }]);
  });

  it('an invalid time zone and an invalid country', () => {
    const issues = issuesOf(canSend(baseMessage, recipient({ timezone: 'Europe/Pariss', country: 'XX' }), { charter, now: NOW }));
    expect(issues.map((issue) => issue.path)).toEqual([
      ['recipient', 'timezone'],
      ['recipient', 'country'],
    ]);
  });

  it('an opt-out or consent for a channel the charter does not know (a typo would silently drop an opt-out)', () => {
    const issues = issuesOf(
      canSend(baseMessage, recipient({ optOuts: [{ channel: 'Email', at: '2013-01-01T00:00:00Z' }], consents: [{ channel: 'emial', at: '2013-01-01T00:00:00Z' }] }), { charter, now: NOW }),
    );
    expect(issues).toEqual([
      { path: ['recipient', 'consents', 0, 'channel'], message: expect.stringContaining("did you mean 'email'") },
      { path: ['recipient', 'optOuts', 0, 'channel'], message: expect.stringContaining("did you mean 'email'") },
    ]);
    const all = canSend(baseMessage, recipient({ optOuts: [{ channel: 'all', at: '2013-01-01T00:00:00Z' }] }), { charter, now: NOW });
    expect(codes(all)).toEqual(['OPTED_OUT']);
  });

  it('malformed shapes, with the path of each problem', () => {
    const badMessage = { id: '', channel: 'email', sender: { id: 'alice' } } as unknown as Message;
    const badRecipient = { id: 'r-1', audiences: 'members', consents: [{ channel: 'email', at: '2013-05-01' }] } as unknown as Recipient;
    const paths = pathsOf(canSend(badMessage, badRecipient, { charter, now: NOW }));
    expect(paths).toEqual(
      expect.arrayContaining([
        ['message', 'id'],
        ['message', 'sender', 'role'],
        ['recipient', 'audiences'],
        ['recipient', 'consents', 0, 'at'],
      ]),
    );
  });

  it('values that are not objects at all', () => {
    const paths = pathsOf(canSend(null as unknown as Message, 'r-1' as unknown as Recipient, { charter, now: NOW }));
    expect(paths).toEqual([['message'], ['recipient']]);
  });

  it('unknown keys are refused, naming them', () => {
    const issues = issuesOf(canSend({ ...baseMessage, sendAt: 'now' } as Message, { ...baseRecipient, phoneNumber: 'x' } as Recipient, { charter, now: NOW }));
    expect(issues).toEqual([
      { path: ['message'], message: expect.stringContaining("'sendAt'") },
      { path: ['recipient'], message: expect.stringContaining("'phoneNumber'") },
    ]);
  });

  it('reports message and recipient problems together, shape and references alike, in argument order', () => {
    const paths = pathsOf(canSend(message({ via: 'cps' }), recipient({ id: '' }), { charter, now: NOW }));
    expect(paths).toEqual([
      ['message', 'via'],
      ['recipient', 'id'],
    ]);
    const both = pathsOf(canSend(message({ channel: 'emial' }), recipient({ source: 'nowhere' }), { charter, now: NOW }));
    expect(both).toEqual([
      ['message', 'channel'],
      ['recipient', 'source'],
    ]);
  });

  it('the message of the reason summarises the problems', () => {
    const decision = canSend(message({ channel: 'emial' }), baseRecipient, { charter, now: NOW });
    expect(decision.reasons[0].message).toContain('message.channel');
  });

  it('never echoes a contact point put in the wrong field', () => {
    const decision = canSend(baseMessage, recipient({ timezone: 'jean.dupont@example.fr', source: '+33612345678' }), { charter, now: NOW });
    expect(decision.reasons[0].code).toBe('INVALID_INPUT');
    const text = JSON.stringify(decision);
    expect(text).not.toContain('jean.dupont@example.fr');
    expect(text).not.toContain('+33612345678');
  });
});

describe('a charter that did not come from defineCharter', () => {
  const input: CharterInput = {
    id: 'raw',
    title: 'Raw',
    timezone: 'Europe/Paris',
    relays: { csp: {} },
    rules: [{ id: 'p', kind: 'permit', when: { channels: ['email'] } }],
  };

  it('is validated on the fly and used', () => {
    const raw = structuredClone(input) as unknown as Charter;
    const decision = canSend(baseMessage, baseRecipient, { charter: raw, now: NOW });
    expect(decision.verdict).toBe('allow');
    // Defaults are filled in as defineCharter would.
    expect(decision.locale).toBe('en');
  });

  it('an invalid one gives INVALID_INPUT with paths under context.charter', () => {
    const raw = { ...structuredClone(input), timezone: 'Europe/Pariss', rules: [{ id: 'p', kind: 'permit', when: { channels: ['emial'] } }] } as unknown as Charter;
    const issues = issuesOf(canSend(baseMessage, baseRecipient, { charter: raw, now: NOW }));
    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining([
        ['context', 'charter', 'timezone'],
        ['context', 'charter', 'rules', 0, 'when', 'channels', 0],
      ]),
    );
    expect(issues.map((issue) => issue.message).join('\n')).toContain("did you mean 'email'");
  });

  it('a missing charter gives INVALID_INPUT under context.charter', () => {
    for (const charter of [undefined, null, 'charter.json', []]) {
      const issues = issuesOf(canSend(baseMessage, baseRecipient, { charter: charter as unknown as Charter, now: NOW }));
      expect(issues.every((issue) => issue.path[0] === 'context' && issue.path[1] === 'charter')).toBe(true);
    }
  });

  it('a plain charter object changed between two sends is read again', () => {
    const raw = structuredClone(input) as { rules: RuleInput[] };
    expect(canSend(baseMessage, baseRecipient, { charter: raw as unknown as Charter, now: NOW }).verdict).toBe('allow');
    raw.rules.push({ id: 'f', kind: 'forbid' });
    expect(canSend(baseMessage, baseRecipient, { charter: raw as unknown as Charter, now: NOW }).verdict).toBe('deny');
    raw.rules.push({ id: 'f', kind: 'forbid' });
    expect(issuesOf(canSend(baseMessage, baseRecipient, { charter: raw as unknown as Charter, now: NOW })).map((issue) => issue.path)).toContainEqual(['context', 'charter', 'rules', 2, 'id']);
  });
});

describe('ENGINE_ERROR', () => {
  const charter = charterOf([permitAll, { id: 'q', kind: 'quota', limit: 3, count: 'deliveries', per: ['recipient'] }], { locale: 'fr' });
  const person = recipient({ phone: '06 12 34 56 78', email: 'jean.dupont@example.fr' });

  it('an internal error denies, without the phone or email of the recipient', () => {
    const usage: UsageView = {
      quota: () => {
        throw new TypeError(`no counter for ${person.phone} / +33612345678 / ${person.email}`);
      },
    };
    const decision = canSend(baseMessage, person, { charter, now: NOW, usage });
    expect(decision).toMatchObject({ verdict: 'deny', allowed: false, checks: [], quotas: [], at: '2013-05-20T08:00:00.000Z', locale: 'fr' });
    expect(decision.reasons).toEqual([expect.objectContaining({ code: 'ENGINE_ERROR', verdict: 'deny' })]);
    expect(String(decision.reasons[0].facts['error'])).toContain('TypeError');
    const text = JSON.stringify(decision);
    for (const secret of ['06 12 34 56 78', '0612345678', '+33612345678', '33612345678', 'jean.dupont@example.fr', 'jean.dupont']) {
      expect(text).not.toContain(secret);
    }
  });

  it('something thrown that is not an Error denies as well', () => {
    const usage: UsageView = {
      quota: () => {
        throw 'jean.dupont@example.fr';
      },
    };
    const decision = canSend(baseMessage, person, { charter, now: NOW, usage });
    expect(codes(decision)).toEqual(['ENGINE_ERROR']);
    expect(JSON.stringify(decision)).not.toContain('jean.dupont@example.fr');
  });

  it('is never an allow, even when a permit applies', () => {
    const usage: UsageView = {
      quota: () => {
        throw new Error('down');
      },
    };
    expect(canSend(baseMessage, person, { charter, now: NOW, usage }).allowed).toBe(false);
  });
});

describe('assertCanSend', () => {
  const charter = charterOf([permitAll, { id: 'f', kind: 'forbid', article: 'Art. 9', when: { sources: ['federationFile'] } }, { id: 'r', kind: 'forbid', effect: 'review', when: { relationships: ['prospect'] } }]);

  it('returns the decision when the send is allowed', () => {
    const decision = assertCanSend(baseMessage, baseRecipient, { charter, now: NOW });
    expect(decision).toEqual(canSend(baseMessage, baseRecipient, { charter, now: NOW }));
    expect(decision.allowed).toBe(true);
  });

  it('throws SendDeniedError carrying the decision when it is denied', () => {
    const denied = recipient({ source: 'federationFile' });
    let thrown: unknown;
    try {
      assertCanSend(baseMessage, denied, { charter, now: NOW });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SendDeniedError);
    expect(thrown).toBeInstanceOf(CharterguardError);
    const error = thrown as SendDeniedError;
    expect(error.name).toBe('SendDeniedError');
    expect(error.decision).toEqual(canSend(baseMessage, denied, { charter, now: NOW }));
    expect(error.message).toContain('FORBIDDEN_SOURCE');
    expect(error.message).toContain('Art. 9');
  });

  it('throws for a review as well', () => {
    expect(() => assertCanSend(baseMessage, recipient({ relationship: 'prospect' }), { charter, now: NOW })).toThrow(SendDeniedError);
  });

  it('throws for invalid input, with the INVALID_INPUT decision', () => {
    expect(() => assertCanSend(message({ channel: 'emial' }), baseRecipient, { charter, now: NOW })).toThrow(/INVALID_INPUT/);
  });
});

describe('locale', () => {
  const charter = charterOf([{ id: 'p', kind: 'permit', when: { channels: ['email'] } }], { locale: 'fr' });
  const post = message({ channel: 'post' });

  it("messages are in the charter's language by default", () => {
    const decision = canSend(post, baseRecipient, { charter, now: NOW });
    expect(decision.locale).toBe('fr');
    expect(decision.reasons[0].message).toBe(canSend(post, baseRecipient, { charter, now: NOW, locale: 'fr' }).reasons[0].message);
    expect(decision.reasons[0].message).toMatch(/charte/);
  });

  it('context.locale overrides it', () => {
    const decision = canSend(post, baseRecipient, { charter, now: NOW, locale: 'en' });
    expect(decision.locale).toBe('en');
    expect(decision.reasons[0].message).toMatch(/charter/);
    expect(decision.reasons[0].message).not.toBe(canSend(post, baseRecipient, { charter, now: NOW }).reasons[0].message);
  });

  it('the override applies to INVALID_INPUT as well', () => {
    expect(canSend(message({ channel: 'emial' }), baseRecipient, { charter, now: NOW, locale: 'en' }).locale).toBe('en');
    expect(canSend(message({ channel: 'emial' }), baseRecipient, { charter, now: NOW }).locale).toBe('fr');
  });
});
