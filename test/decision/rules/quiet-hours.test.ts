import { describe, expect, it } from 'vitest';
import { canSend, zonesForCountry, type Charter, type Message, type Recipient, type RuleInput } from '../../../src/index.js';
import { charterWith, email, person, sms } from '../constraint-fixtures.js';

type QuietHoursInput = Extract<RuleInput, { kind: 'quietHours' }>;

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

function hours(overrides: Partial<QuietHoursInput> = {}): QuietHoursInput {
  return {
    id: 'hours',
    kind: 'quietHours',
    article: 'Art. 12',
    title: 'Texts on weekdays, 08:00–20:00',
    windows: [{ days: [...WEEKDAYS], from: '08:00', to: '20:00' }],
    holidays: ['2013-05-08'],
    ...overrides,
  };
}

const charter = charterWith([hours()]);
const US_MOBILE = '+1 415 555 2671';
const GB_MOBILE = '+44 7400 123456';

function decide(recipient: Recipient, now: string, on: Charter = charter, message: Message = sms()) {
  return canSend(message, recipient, { charter: on, now });
}

function quietReason(decision: ReturnType<typeof decide>) {
  return decision.reasons.find((reason) => reason.code === 'QUIET_HOURS');
}

function hoursOutcome(decision: ReturnType<typeof decide>) {
  return decision.checks.find((check) => check.ruleId === 'hours')?.outcome;
}

describe('quiet-hours windows', () => {
  it.each([
    ['07:59', 'fail'],
    ['08:00', 'pass'],
    ['13:00', 'pass'],
    ['19:59', 'pass'],
    ['20:00', 'fail'],
    ['23:30', 'fail'],
  ] as const)('on a Monday in Paris, %s is a %s (from inclusive, to exclusive)', (time, expected) => {
    const decision = decide(person(), `2013-05-20T${time}:00+02:00`);
    expect(hoursOutcome(decision)).toBe(expected);
    expect(decision.verdict).toBe(expected === 'pass' ? 'allow' : 'deny');
  });

  it('explains a refusal with the local time, the zone and the windows of the day', () => {
    const decision = decide(person(), '2013-05-17T22:14:00+02:00'); // a Friday
    const reason = quietReason(decision);
    expect(reason).toMatchObject({ verdict: 'deny', ruleId: 'hours', article: 'Art. 12' });
    expect(reason?.facts).toMatchObject({ localTime: '22:14', date: '2013-05-17', weekday: 'fri', timezone: 'Europe/Paris', windows: '08:00–20:00', holiday: false });
    expect(reason?.message).toBe('22:14 in Europe/Paris is outside 08:00–20:00.');
  });

  it('says a day without windows has none', () => {
    const reason = quietReason(decide(person(), '2013-05-18T11:00:00+02:00')); // a Saturday
    expect(reason?.facts).toMatchObject({ weekday: 'sat', windows: '' });
    expect(reason?.message).toBe('11:00 in Europe/Paris is outside every sending window.');
  });

  it('refuses a holiday all day and says so', () => {
    const decision = decide(person(), '2013-05-08T10:00:00+02:00');
    const reason = quietReason(decision);
    expect(reason?.facts).toMatchObject({ date: '2013-05-08', holiday: true });
    expect(reason?.message).toBe('2013-05-08 is a day without sending (Europe/Paris).');
    expect(decision.notBefore).toBe('2013-05-09T06:00:00.000Z');
  });

  it("reads holidays in the recipient's zone", () => {
    const allDay = charterWith([hours({ windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }] })]);
    const now = '2013-05-08T23:30:00Z'; // 9 May 01:30 in Paris, still 8 May 19:30 in New York
    expect(hoursOutcome(decide(person(), now, allDay))).toBe('pass');
    const newYork = decide(person({ timezone: 'America/New_York' }), now, allDay);
    expect(quietReason(newYork)?.facts).toMatchObject({ date: '2013-05-08', holiday: true, timezone: 'America/New_York' });
    expect(newYork.notBefore).toBe('2013-05-09T04:00:00.000Z'); // midnight in New York
  });
});

describe("the recipient's zone", () => {
  it('is recipient.timezone when the CRM knows it, whatever the number', () => {
    const recipient = person({ timezone: 'America/New_York' }); // a French mobile, but in New York
    expect(hoursOutcome(decide(recipient, '2013-05-20T14:00:00+02:00'))).toBe('pass'); // 08:00 in New York
    const early = decide(recipient, '2013-05-20T13:59:00+02:00');
    expect(quietReason(early)?.facts).toMatchObject({ localTime: '07:59', timezone: 'America/New_York' });
  });

  it("else the zones of the phone number's country", () => {
    const recipient = person({ phone: GB_MOBILE });
    // 19:30 in London is 20:30 in Paris: the charter's zone would refuse it.
    expect(hoursOutcome(decide(recipient, '2013-05-20T18:30:00Z'))).toBe('pass');
    expect(quietReason(decide(recipient, '2013-05-20T06:59:00Z'))?.facts).toMatchObject({ localTime: '07:59', timezone: 'Europe/London' });
  });

  it('else recipient.country', () => {
    const recipient = person({ phone: undefined, country: 'GB' });
    expect(hoursOutcome(decide(recipient, '2013-05-20T18:30:00Z', charter, email()))).toBe('pass');
    expect(quietReason(decide(recipient, '2013-05-20T19:00:00Z', charter, email()))?.facts).toMatchObject({ localTime: '20:00', timezone: 'Europe/London' });
  });

  it("else the charter's defaultCountry", () => {
    const recipient = person({ phone: undefined });
    const british = charterWith([hours()], { defaultCountry: 'GB' });
    expect(hoursOutcome(decide(recipient, '2013-05-20T18:30:00Z', british, email()))).toBe('pass');
    expect(quietReason(decide(recipient, '2013-05-20T18:30:00Z', charter, email()))?.facts).toMatchObject({ localTime: '20:30', timezone: 'Europe/Paris' });
  });

  it('prefers the number over the declared country', () => {
    const recipient = person({ phone: GB_MOBILE, country: 'FR' });
    expect(quietReason(decide(recipient, '2013-05-20T06:59:00Z'))?.facts).toMatchObject({ timezone: 'Europe/London' });
  });
});

describe('daylight-saving changes', () => {
  // The Monday after each change, a window opening at 08:00 opens at 08:00 on the new clock.
  const cases = [
    ['Europe/Paris', 'spring forward (31 March 2013)', '2013-04-01T06:30:00Z', '2013-04-01T05:59:00Z'],
    ['Europe/Paris', 'fall back (27 October 2013)', '2013-10-28T07:30:00Z', '2013-10-28T06:59:00Z'],
    ['America/New_York', 'spring forward (10 March 2013)', '2013-03-11T12:30:00Z', '2013-03-11T11:59:00Z'],
    ['America/New_York', 'fall back (3 November 2013)', '2013-11-04T13:30:00Z', '2013-11-04T12:59:00Z'],
  ] as const;
  it.each(cases)('in %s after the %s, 08:30 local passes and 07:59 fails', (timezone, _, at0830, at0759) => {
    const recipient = person({ timezone });
    expect(hoursOutcome(decide(recipient, at0830))).toBe('pass');
    const early = decide(recipient, at0759);
    expect(hoursOutcome(early)).toBe('fail');
    expect(quietReason(early)?.facts).toMatchObject({ localTime: '07:59', timezone });
  });

  it('gives notBefore at 08:00 on the new clock', () => {
    // Friday 29 March 21:00 CET → Monday 1 April 08:00 CEST; Friday 1 November 21:30 EDT → Monday 4 November 08:00 EST.
    expect(decide(person(), '2013-03-29T20:00:00Z').notBefore).toBe('2013-04-01T06:00:00.000Z');
    expect(decide(person({ timezone: 'America/New_York' }), '2013-11-02T01:30:00Z').notBefore).toBe('2013-11-04T13:00:00.000Z');
  });
});

describe('unknownTimezone', () => {
  const usNumber = person({ phone: US_MOBILE });

  describe("'strictest' (the default)", () => {
    it('lets a US number without a time zone through only when every US zone is inside a window', () => {
      // Monday 20 May 2013 in summer time: 08:00 in Honolulu is 18:00Z, 20:00 in New York is 00:00Z.
      const honolulu = decide(usNumber, '2013-05-20T17:59:00Z');
      expect(hoursOutcome(honolulu)).toBe('fail');
      expect(quietReason(honolulu)?.facts).toMatchObject({ localTime: '07:59', timezone: 'Pacific/Honolulu' });
      expect(honolulu.notBefore).toBe('2013-05-20T18:00:00.000Z');
      expect(hoursOutcome(decide(usNumber, '2013-05-20T18:00:00Z'))).toBe('pass');
      expect(hoursOutcome(decide(usNumber, '2013-05-20T23:59:00Z'))).toBe('pass');
      const eastern = decide(usNumber, '2013-05-21T00:00:00Z');
      expect(hoursOutcome(eastern)).toBe('fail');
      expect(quietReason(eastern)?.facts).toMatchObject({ localTime: '20:00' });
      expect(zonesForCountry('US')).toContain(quietReason(eastern)?.facts['timezone']);
      expect(eastern.notBefore).toBe('2013-05-21T18:00:00.000Z');
    });

    it('uses the one zone of a single-zone country as a known zone', () => {
      expect(hoursOutcome(decide(person(), '2013-05-20T10:00:00+02:00'))).toBe('pass');
    });

    it('asks for review when not even a country is known', () => {
      const noCountry = charterWith([hours()], { defaultCountry: undefined });
      const decision = decide(person({ phone: undefined }), '2013-05-20T10:00:00+02:00', noCountry, email());
      expect(decision.verdict).toBe('review');
      expect(decision.reasons).toHaveLength(1);
      expect(decision.reasons[0]).toMatchObject({ code: 'TIMEZONE_UNKNOWN', verdict: 'review', ruleId: 'hours', facts: { zones: [] } });
    });
  });

  it("'charter' reads the charter's zone", () => {
    const lenient = charterWith([hours({ unknownTimezone: 'charter' })]);
    // 10:00 in Paris, 04:00 in New York: fine by the charter's clock.
    expect(hoursOutcome(decide(usNumber, '2013-05-20T10:00:00+02:00', lenient))).toBe('pass');
    expect(quietReason(decide(usNumber, '2013-05-20T21:00:00+02:00', lenient))?.facts).toMatchObject({ timezone: 'Europe/Paris' });
  });

  it.each([
    ['review', 'review'],
    ['deny', 'deny'],
  ] as const)("'%s' gives %s with TIMEZONE_UNKNOWN, naming the candidate zones", (policy, verdict) => {
    const decision = decide(usNumber, '2013-05-20T20:00:00Z', charterWith([hours({ unknownTimezone: policy })]));
    expect(decision.verdict).toBe(verdict);
    expect(decision.reasons).toHaveLength(1);
    const [reason] = decision.reasons;
    expect(reason).toMatchObject({ code: 'TIMEZONE_UNKNOWN', verdict, ruleId: 'hours', article: 'Art. 12' });
    expect(reason.facts['zones']).toEqual(zonesForCountry('US'));
    expect(reason.message).toBe(`The recipient's time zone is unknown: the number's country has ${zonesForCountry('US').length} of them.`);
    expect(decision.notBefore).toBeUndefined();
  });

  it('is not consulted when the time zone is known', () => {
    const strict = charterWith([hours({ unknownTimezone: 'deny' })]);
    expect(decide(person({ phone: US_MOBILE, timezone: 'America/Chicago' }), '2013-05-20T14:00:00Z', strict).verdict).toBe('allow');
    expect(decide(person(), '2013-05-20T10:00:00+02:00', strict).verdict).toBe('allow');
  });
});

describe("effect 'review'", () => {
  it('sends a send outside the windows to a human, still with notBefore', () => {
    const decision = decide(person(), '2013-05-17T22:14:00+02:00', charterWith([hours({ effect: 'review' })]));
    expect(decision.verdict).toBe('review');
    expect(quietReason(decision)?.verdict).toBe('review');
    expect(hoursOutcome(decision)).toBe('review');
    expect(decision.notBefore).toBe('2013-05-20T06:00:00.000Z');
  });
});

describe('notBefore', () => {
  it('is the next opening: 22:14 on a Friday in Paris gives Monday 08:00 local', () => {
    const decision = decide(person(), '2013-05-17T22:14:00+02:00');
    expect(decision.verdict).toBe('deny');
    expect(decision.notBefore).toBe('2013-05-20T06:00:00.000Z');
    expect(quietReason(decision)?.facts).toMatchObject({ next: '2013-05-20 08:00', nextAt: '2013-05-20T06:00:00.000Z' });
  });

  it('is absent when the send passes', () => {
    expect(decide(person(), '2013-05-20T10:00:00+02:00').notBefore).toBeUndefined();
  });

  describe('with a phase that has not begun', () => {
    const inCampaign: RuleInput = { id: 'permit-campaign', kind: 'permit', article: 'Art. 4', when: { channels: ['sms'], phases: ['campaign'] } };
    const phased = (phases?: Record<string, { from?: string; to?: string }>) =>
      charterWith([], { rules: [inCampaign, hours()], ...(phases === undefined ? {} : { phases }) });

    it('waits for the phase, then for the window (Friday 10:00 → campaign opens Monday 00:00 → window Monday 08:00)', () => {
      const decision = decide(person(), '2013-05-10T10:00:00+02:00', phased());
      expect(decision.verdict).toBe('deny');
      expect(decision.reasons.map((reason) => reason.code)).toEqual(['OUTSIDE_PHASE']);
      expect(decision.notBefore).toBe('2013-05-13T06:00:00.000Z');
    });

    it('takes the later of the two when both refuse (window Monday 08:00, phase Monday 09:30)', () => {
      const decision = decide(person(), '2013-05-10T22:14:00+02:00', phased({ campaign: { from: '2013-05-13T09:30', to: '2013-05-31T08:00' } }));
      expect(decision.reasons.map((reason) => reason.code).sort()).toEqual(['OUTSIDE_PHASE', 'QUIET_HOURS']);
      expect(decision.notBefore).toBe('2013-05-13T07:30:00.000Z');
    });

    it('is absent when the phase is over, however soon the window opens', () => {
      const decision = decide(person(), '2013-06-03T22:14:00+02:00', phased());
      expect(decision.reasons.map((reason) => reason.code).sort()).toEqual(['OUTSIDE_PHASE', 'QUIET_HOURS']);
      expect(decision.notBefore).toBeUndefined();
    });
  });
});

it('quiet hours apply only to the sends the rule selects', () => {
  const smsOnly = charterWith([hours({ when: { channels: ['sms'] } })]);
  const decision = decide(person(), '2013-05-17T22:14:00+02:00', smsOnly, email());
  expect(decision.verdict).toBe('allow');
  expect(hoursOutcome(decision)).toBe('not-applicable');
});

describe('answers shared between recipients', () => {
  // The rule keeps its answer per instant and zone: recipients in the same zone at the same
  // instant share it; another zone, instant or language gets its own.
  const late = '2013-05-17T22:14:00+02:00'; // Friday, 22:14 in Paris, 16:14 in New York
  it('gives recipients in the same zone at the same instant the same frozen reason', () => {
    const first = quietReason(decide(person({ id: 'a' }), late));
    const second = quietReason(decide(person({ id: 'b', phone: '07 00 00 00 01' }), late));
    expect(second).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first?.facts)).toBe(true);
  });

  it('shares an answer within a minute, never across a window edge', () => {
    const monday = (time: string) => decide(person(), `2013-05-20T${time}+02:00`);
    expect(hoursOutcome(monday('19:59:59.999'))).toBe('pass');
    const closed = quietReason(monday('20:00:10'));
    expect(closed?.facts).toMatchObject({ localTime: '20:00' });
    expect(quietReason(monday('20:00:59'))).toBe(closed);
    expect(quietReason(monday('20:01:00'))?.facts).toMatchObject({ localTime: '20:01' });
  });

  it('keeps zones, instants and languages apart', () => {
    const paris = decide(person(), late);
    const newYork = decide(person({ timezone: 'America/New_York' }), late);
    const parisLater = decide(person(), '2013-05-17T22:15:00+02:00');
    expect(hoursOutcome(paris)).toBe('fail');
    expect(hoursOutcome(newYork)).toBe('pass');
    expect(quietReason(parisLater)?.facts).toMatchObject({ localTime: '22:15' });
    const french = canSend(sms(), person(), { charter, now: late, locale: 'fr' });
    expect(quietReason(french)?.message).not.toBe(quietReason(paris)?.message);
    expect(quietReason(decide(person(), late))?.message).toBe(quietReason(paris)?.message);
  });
});
