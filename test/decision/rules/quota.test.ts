import { describe, expect, it } from 'vitest';
import { canSend, type QuotaKey, type RuleInput } from '../../../src/index.js';
import { charterWith, email, FakeUsage, ms, person, sms } from '../constraint-fixtures.js';

const NOW = '2013-05-20T10:00:00+02:00';

function quota(overrides: Partial<Extract<RuleInput, { kind: 'quota' }>> = {}): RuleInput {
  return { id: 'q', kind: 'quota', article: 'Art. 4', limit: 3, count: 'messages', per: ['candidate'], window: 'charter', ...overrides };
}

/** The single query the usage view received for the quota under test. */
function onlyQuery(usage: FakeUsage) {
  expect(usage.queries).toHaveLength(1);
  return usage.queries[0]!;
}

describe('quota keys come from `per`', () => {
  const cases: [QuotaKey[], string][] = [
    [['sender'], 'sender=s1|charter'],
    [['candidate'], 'candidate=c1|charter'],
    [['recipient'], 'recipient=r1|charter'],
    [['audience'], 'audience=voters|charter'],
    [['channel'], 'channel=sms|charter'],
    [[], 'charter'],
    [['candidate', 'audience'], 'candidate=c1|audience=voters|charter'],
    [['sender', 'candidate', 'recipient', 'audience', 'channel'], 'sender=s1|candidate=c1|recipient=r1|audience=voters|channel=sms|charter'],
  ];
  it.each(cases)('per %j gives the key %s', (per, key) => {
    const usage = new FakeUsage();
    const decision = canSend(sms({ audience: 'voters' }), person({ audiences: ['voters'] }), { charter: charterWith([quota({ per })]), now: NOW, usage });
    expect(onlyQuery(usage).key).toBe(key);
    expect(decision.quotas.map((status) => status.key)).toEqual([key]);
  });

  it('counts a sender with no candidate under its own id for `candidate`', () => {
    const usage = new FakeUsage();
    const message = sms({ sender: { id: 'party-hq', role: 'party' } });
    canSend(message, person(), { charter: charterWith([quota({ per: ['candidate'] })]), now: NOW, usage });
    expect(onlyQuery(usage).key).toBe('candidate=party-hq|charter');
  });

  it('keys `audience` on the audience the rule selects when the message targets none', () => {
    const usage = new FakeUsage();
    const rule = quota({ per: ['audience'], when: { audiences: ['members'] } });
    canSend(sms(), person({ audiences: ['voters', 'members'] }), { charter: charterWith([rule]), now: NOW, usage });
    expect(onlyQuery(usage).key).toBe('audience=members|charter');
  });

  it('counts each candidate separately: one at its limit, another free', () => {
    const usage = new FakeUsage({ 'candidate=c1|charter': { used: 3 }, 'candidate=c2|charter': { used: 1 } });
    const charter = charterWith([quota()]);
    const first = canSend(sms(), person(), { charter, now: NOW, usage });
    const second = canSend(sms({ sender: { id: 's2', role: 'candidate', candidate: 'c2' } }), person(), { charter, now: NOW, usage });
    expect(first.verdict).toBe('deny');
    expect(first.reasons.map((reason) => reason.code)).toEqual(['QUOTA_EXCEEDED']);
    expect(second.verdict).toBe('allow');
  });

  it('gives each decision its own key when consecutive sends alternate between counters', () => {
    // The rule reuses the previous key while the values repeat: alternating must never mix them up.
    const usage = new FakeUsage({ 'candidate=c1|recipient=r1|charter': { used: 3 } });
    const charter = charterWith([quota({ per: ['candidate', 'recipient'] })]);
    const c2 = sms({ sender: { id: 's2', role: 'candidate', candidate: 'c2' } });
    const sends: [ReturnType<typeof sms>, string, string][] = [
      [sms(), 'r1', 'deny'], [sms(), 'r1', 'deny'], [c2, 'r1', 'allow'], [sms(), 'r2', 'allow'], [sms(), 'r1', 'deny'], [c2, 'r2', 'allow'],
    ];
    for (const [message, id, verdict] of sends) {
      const decision = canSend(message, person({ id }), { charter, now: NOW, usage });
      expect(decision.quotas[0]!.key).toBe(`candidate=${message.sender.candidate}|recipient=${id}|charter`);
      expect(decision.verdict).toBe(verdict);
    }
    expect(usage.queries.map((query) => query.key)).toEqual(sends.map(([message, id]) => `candidate=${message.sender.candidate}|recipient=${id}|charter`));
  });

  it('shows each decision the masked key of its own recipient, the ledger the real one', () => {
    const usage = new FakeUsage();
    const charter = charterWith([quota({ per: ['recipient'] })]);
    for (const id of ['r1', 'jean@example.fr', 'r1', 'marie@example.fr']) {
      const decision = canSend(sms(), person({ id }), { charter, now: NOW, usage });
      expect(usage.queries.at(-1)!.key).toBe(`recipient=${encodeURIComponent(id).replace(/%40/g, '@')}|charter`);
      if (id.includes('@')) expect(decision.quotas[0]!.key).not.toContain(id.split('@')[0]);
      else expect(decision.quotas[0]!.key).toBe(`recipient=${id}|charter`);
    }
  });
});

describe('quota windows', () => {
  it("'charter' counts over the whole life of the charter: no `since`", () => {
    const usage = new FakeUsage();
    canSend(sms(), person(), { charter: charterWith([quota()]), now: NOW, usage });
    const query = onlyQuery(usage);
    expect(query).toEqual({ ruleId: 'q', key: 'candidate=c1|charter', count: 'messages', messageId: 'm1', now: ms(NOW) });
    expect('since' in query).toBe(false);
  });

  describe('{ phase }', () => {
    const charter = charterWith([quota({ window: { phase: 'campaign' } })]);
    it('applies inside the phase, from its first instant, keyed by the phase', () => {
      const usage = new FakeUsage();
      const decision = canSend(sms(), person(), { charter, now: '2013-05-13T00:00:00+02:00', usage });
      expect(onlyQuery(usage).key).toBe('candidate=c1|phase=campaign');
      expect(decision.checks).toContainEqual({ ruleId: 'q', article: 'Art. 4', outcome: 'pass' });
    });
    it.each([
      ['before the phase', '2013-05-12T23:59:59+02:00'],
      ['at its (exclusive) end', '2013-05-31T08:00:00+02:00'],
      ['after it', '2013-06-01T10:00:00+02:00'],
    ])('is not applicable %s: no query, no quota figures, not even QUOTA_UNKNOWN', (_, now) => {
      const usage = new FakeUsage({}, { used: 99, counted: false });
      const decision = canSend(sms(), person(), { charter, now, usage });
      expect(usage.queries).toEqual([]);
      expect(decision.quotas).toEqual([]);
      expect(decision.checks).toContainEqual({ ruleId: 'q', article: 'Art. 4', outcome: 'not-applicable' });
      expect(decision.verdict).toBe('allow');
      const withoutUsage = canSend(sms(), person(), { charter, now });
      expect(withoutUsage.verdict).toBe('allow');
    });
  });

  describe('{ calendar } buckets in the charter time zone', () => {
    function bucketAt(now: string, calendar: 'day' | 'week' | 'month', timezone = 'Europe/Paris'): string {
      const usage = new FakeUsage();
      canSend(sms(), person(), { charter: charterWith([quota({ per: [], window: { calendar } })], { timezone }), now, usage });
      const query = onlyQuery(usage);
      expect('since' in query).toBe(false);
      return query.key;
    }

    it('changes day at local midnight, not UTC midnight', () => {
      expect(bucketAt('2013-05-20T21:59:59.999Z', 'day')).toBe('day=2013-05-20'); // 23:59:59.999 in Paris
      expect(bucketAt('2013-05-20T22:00:00.000Z', 'day')).toBe('day=2013-05-21'); // 00:00 in Paris
      expect(bucketAt('2013-05-21T01:00:00.000Z', 'day')).toBe('day=2013-05-21');
    });

    it('gives the 23-hour spring-forward day and the 25-hour fall-back day their own buckets', () => {
      // 2013-03-31: clocks go from 02:00 to 03:00 in Paris; the day runs 23:00Z to 22:00Z.
      expect(bucketAt('2013-03-30T22:59:59Z', 'day')).toBe('day=2013-03-30');
      expect(bucketAt('2013-03-30T23:00:00Z', 'day')).toBe('day=2013-03-31');
      expect(bucketAt('2013-03-31T01:30:00Z', 'day')).toBe('day=2013-03-31'); // 03:30 CEST, just after the gap
      expect(bucketAt('2013-03-31T21:59:59Z', 'day')).toBe('day=2013-03-31');
      expect(bucketAt('2013-03-31T22:00:00Z', 'day')).toBe('day=2013-04-01');
      // 2013-10-27: clocks go back from 03:00 to 02:00; the day runs 22:00Z to 23:00Z.
      expect(bucketAt('2013-10-26T21:59:59Z', 'day')).toBe('day=2013-10-26');
      expect(bucketAt('2013-10-26T22:00:00Z', 'day')).toBe('day=2013-10-27');
      expect(bucketAt('2013-10-27T22:59:59Z', 'day')).toBe('day=2013-10-27'); // 23:59:59 CET
      expect(bucketAt('2013-10-27T23:00:00Z', 'day')).toBe('day=2013-10-28');
    });

    it('starts weeks on Monday at local midnight', () => {
      expect(bucketAt('2013-05-19T21:59:59Z', 'week')).toBe('week=2013-05-13'); // Sunday 23:59:59 in Paris
      expect(bucketAt('2013-05-19T22:00:00Z', 'week')).toBe('week=2013-05-20'); // Monday 00:00
      expect(bucketAt('2013-05-22T12:00:00Z', 'week')).toBe('week=2013-05-20'); // Wednesday
      expect(bucketAt('2013-05-26T21:59:59Z', 'week')).toBe('week=2013-05-20'); // Sunday 23:59:59
      // The same instant is still Sunday evening in New York.
      expect(bucketAt('2013-05-19T23:00:00Z', 'week', 'America/New_York')).toBe('week=2013-05-13');
    });

    it('changes month at local midnight on the first', () => {
      expect(bucketAt('2013-05-31T21:59:59Z', 'month')).toBe('month=2013-05');
      expect(bucketAt('2013-05-31T22:00:00Z', 'month')).toBe('month=2013-06');
      expect(bucketAt('2013-12-31T23:00:00Z', 'month')).toBe('month=2014-01'); // winter time: UTC+1
    });
  });

  it.each([
    ['24h', 86_400_000],
    ['7d', 7 * 86_400_000],
    ['90m', 90 * 60_000],
    ['2w', 14 * 86_400_000],
  ])('{ rolling: %s } asks the usage view for units since now minus the duration', (rolling, duration) => {
    const usage = new FakeUsage();
    canSend(sms(), person(), { charter: charterWith([quota({ per: ['sender'], window: { rolling } })]), now: NOW, usage });
    const query = onlyQuery(usage);
    expect(query.since).toBe(ms(NOW) - duration);
    expect(query.now).toBe(ms(NOW));
    expect(query.key).toBe(`sender=s1|rolling=${rolling}`);
  });
});

describe("count: 'messages' counts mailings", () => {
  const charter = charterWith([quota({ count: 'messages', limit: 3 })]);

  it('passes the third mailing of three (used 2 + 1 <= 3) and refuses a fourth', () => {
    const third = canSend(sms(), person(), { charter, now: NOW, usage: new FakeUsage({}, { used: 2, counted: false }) });
    expect(third.verdict).toBe('allow');
    expect(third.quotas).toEqual([{ ruleId: 'q', key: 'candidate=c1|charter', used: 2, limit: 3, remaining: 1, consumes: 1 }]);

    const fourth = canSend(sms({ id: 'm4' }), person(), { charter, now: NOW, usage: new FakeUsage({}, { used: 3, counted: false }) });
    expect(fourth.verdict).toBe('deny');
    expect(fourth.quotas).toEqual([{ ruleId: 'q', key: 'candidate=c1|charter', used: 3, limit: 3, remaining: 0, consumes: 1 }]);
    expect(fourth.checks).toContainEqual({ ruleId: 'q', article: 'Art. 4', outcome: 'fail' });
    const [reason] = fourth.reasons;
    expect(reason).toMatchObject({ code: 'QUOTA_EXCEEDED', verdict: 'deny', ruleId: 'q', article: 'Art. 4' });
    expect(reason.facts).toMatchObject({ used: 3, limit: 3, count: 'messages', key: 'candidate=c1|charter' });
  });

  it('lets later deliveries of a mailing already counted through at the limit: it consumes nothing', () => {
    const usage = new FakeUsage({}, { used: 3, counted: true });
    const decision = canSend(sms({ id: 'm3' }), person({ id: 'r2' }), { charter, now: NOW, usage });
    expect(decision.verdict).toBe('allow');
    expect(decision.quotas).toEqual([{ ruleId: 'q', key: 'candidate=c1|charter', used: 3, limit: 3, remaining: 0, consumes: 0 }]);
    expect(onlyQuery(usage)).toMatchObject({ count: 'messages', messageId: 'm3' });
  });

  it('lets a counted mailing reach its other recipients even once usage is over the limit (an approved overrun)', () => {
    // Its later deliveries consume nothing: refusing them would not bring usage back under the limit.
    const decision = canSend(sms(), person(), { charter, now: NOW, usage: new FakeUsage({}, { used: 4, counted: true }) });
    expect(decision.verdict).toBe('allow');
    expect(decision.quotas[0]).toMatchObject({ used: 4, remaining: 0, consumes: 0 });
  });

  it('refuses a new mailing once usage is over the limit', () => {
    const decision = canSend(sms(), person(), { charter, now: NOW, usage: new FakeUsage({}, { used: 4, counted: false }) });
    expect(decision.verdict).toBe('deny');
    expect(decision.quotas[0]).toMatchObject({ used: 4, remaining: 0, consumes: 1 });
  });

  it('refuses the first mailing under a limit of 0', () => {
    const decision = canSend(sms(), person(), { charter: charterWith([quota({ limit: 0 })]), now: NOW, usage: new FakeUsage() });
    expect(decision.verdict).toBe('deny');
    expect(decision.quotas[0]).toMatchObject({ used: 0, limit: 0, remaining: 0, consumes: 1 });
  });
});

describe("count: 'deliveries' counts recipients reached", () => {
  const charter = charterWith([quota({ count: 'deliveries', limit: 3 })]);

  it('consumes one unit per delivery, even of a mailing already counted', () => {
    const usage = new FakeUsage({}, { used: 3, counted: true });
    const decision = canSend(sms(), person(), { charter, now: NOW, usage });
    expect(onlyQuery(usage).count).toBe('deliveries');
    expect(decision.verdict).toBe('deny');
    expect(decision.quotas).toEqual([{ ruleId: 'q', key: 'candidate=c1|charter', used: 3, limit: 3, remaining: 0, consumes: 1 }]);
    // The count covers every audience, so the message names none (the recipient is a member).
    expect(decision.reasons[0].message).toBe('3 of 3 deliveries already used.');
  });

  it('names the audience when the count is about one', () => {
    const perAudience = charterWith([quota({ per: ['candidate', 'audience'] })]);
    const decision = canSend(email({ audience: 'voters' }), person({ audiences: ['voters'] }), {
      charter: perAudience,
      now: NOW,
      usage: new FakeUsage({}, { used: 3, counted: false }),
    });
    expect(decision.reasons[0].message).toBe('3 of 3 mailings already used for pre-registered voters.');
  });

  it('passes the last unit (used 2 + 1 <= 3)', () => {
    const decision = canSend(sms(), person(), { charter, now: NOW, usage: new FakeUsage({}, { used: 2, counted: true }) });
    expect(decision.verdict).toBe('allow');
    expect(decision.quotas[0]).toMatchObject({ used: 2, remaining: 1, consumes: 1 });
  });
});

describe('without usage', () => {
  it('sends an applicable quota to review with QUOTA_UNKNOWN, though its effect is deny', () => {
    const decision = canSend(email({ audience: 'voters' }), person({ audiences: ['voters'] }), { charter: charterWith([quota({ effect: 'deny', per: ['candidate', 'audience'] })]), now: NOW });
    expect(decision.verdict).toBe('review');
    expect(decision.allowed).toBe(false);
    expect(decision.reasons).toHaveLength(1);
    expect(decision.reasons[0]).toMatchObject({ code: 'QUOTA_UNKNOWN', verdict: 'review', ruleId: 'q', article: 'Art. 4' });
    expect(decision.reasons[0].facts).toMatchObject({ limit: 3, count: 'messages', audienceLabel: 'pre-registered voters' });
    expect(decision.checks).toContainEqual({ ruleId: 'q', article: 'Art. 4', outcome: 'review' });
    expect(decision.quotas).toEqual([]);
  });

  it('is still a deny when something else refuses the send', () => {
    const decision = canSend(sms(), person({ phone: undefined }), { charter: charterWith([quota()]), now: NOW });
    expect(decision.verdict).toBe('deny');
    expect(decision.reasons.map((reason) => [reason.code, reason.verdict])).toEqual([
      ['NO_CONTACT', 'deny'],
      ['QUOTA_UNKNOWN', 'review'],
    ]);
  });
});

describe("effect: 'review'", () => {
  it('sends an exceeded quota to a human instead of refusing it', () => {
    const charter = charterWith([quota({ effect: 'review' })]);
    const decision = canSend(sms(), person(), { charter, now: NOW, usage: new FakeUsage({}, { used: 3, counted: false }) });
    expect(decision.verdict).toBe('review');
    expect(decision.reasons[0]).toMatchObject({ code: 'QUOTA_EXCEEDED', verdict: 'review' });
    expect(decision.checks).toContainEqual({ ruleId: 'q', article: 'Art. 4', outcome: 'review' });
    expect(decision.quotas[0]).toMatchObject({ used: 3, limit: 3, consumes: 1 });
  });
});

describe('several quotas', () => {
  it('reports a figure for each and a reason for each one exceeded', () => {
    const charter = charterWith([
      quota({ id: 'per-candidate', limit: 3, per: ['candidate'] }),
      quota({ id: 'per-day', limit: 100, count: 'deliveries', per: ['sender'], window: { calendar: 'day' } }),
      quota({ id: 'per-recipient', limit: 1, count: 'deliveries', per: ['recipient'], window: { rolling: '7d' } }),
    ]);
    const usage = new FakeUsage({
      'candidate=c1|charter': { used: 3, counted: false },
      'sender=s1|day=2013-05-20': { used: 10 },
      'recipient=r1|rolling=7d': { used: 1 },
    });
    const decision = canSend(sms(), person(), { charter, now: NOW, usage });
    expect(decision.verdict).toBe('deny');
    expect(decision.quotas).toEqual([
      { ruleId: 'per-candidate', key: 'candidate=c1|charter', used: 3, limit: 3, remaining: 0, consumes: 1 },
      { ruleId: 'per-day', key: 'sender=s1|day=2013-05-20', used: 10, limit: 100, remaining: 90, consumes: 1 },
      { ruleId: 'per-recipient', key: 'recipient=r1|rolling=7d', used: 1, limit: 1, remaining: 0, consumes: 1 },
    ]);
    expect(decision.reasons.map((reason) => reason.ruleId)).toEqual(['per-candidate', 'per-recipient']);
    expect(usage.queries.map((query) => query.ruleId)).toEqual(['per-candidate', 'per-day', 'per-recipient']);
  });

  it('keeps ids that contain the key separators apart', () => {
    const usage = new FakeUsage();
    const charter = charterWith([quota({ per: ['sender', 'recipient'] })]);
    canSend(sms({ sender: { id: 'a|recipient=b', role: 'candidate' } }), person({ id: 'c' }), { charter, now: NOW, usage });
    canSend(sms({ sender: { id: 'a', role: 'candidate' } }), person({ id: 'b|recipient=c' }), { charter, now: NOW, usage });
    const [first, second] = usage.queries.map((query) => query.key);
    expect(first).not.toBe(second);
  });
});

describe('quota keys shown in decisions', () => {
  it('mask a recipient id that is a phone number or an email, however it is written', () => {
    const charter = charterWith([quota({ per: ['recipient'], count: 'deliveries', limit: 0 })]);
    for (const id of ['06 12 34 56 78', '+33 6 12 34 56 78', 'jean.dupont@example.fr']) {
      const decision = canSend(sms(), { ...person(), id }, { charter, now: NOW, usage: new FakeUsage() });
      const text = JSON.stringify(decision);
      expect(text, id).not.toMatch(/12\D*34\D*56|jean\.dupont/);
      expect(decision.quotas[0]!.key, id).toMatch(/^recipient=/);
    }
  });
});
