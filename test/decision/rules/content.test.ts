import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canSend, type Message, type RuleInput } from '../../../src/index.js';
import { charterWith, email, person, sms } from '../constraint-fixtures.js';

type ContentInput = Extract<RuleInput, { kind: 'content' }>;

const NOW = '2013-05-20T10:00:00+02:00';

function contentRule(overrides: Partial<ContentInput> = {}): ContentInput {
  return { id: 'content', kind: 'content', article: 'Art. 8', ...overrides };
}

function decide(rule: ContentInput, message: Message, channels: Parameters<typeof charterWith>[1] = {}) {
  return canSend(message, person(), { charter: charterWith([rule], channels), now: NOW });
}

function text(value: string, subject?: string): Message {
  return sms({ content: subject === undefined ? { text: value } : { subject, text: value } });
}

function codes(decision: ReturnType<typeof decide>) {
  return decision.reasons.map((reason) => reason.code);
}

function outcome(decision: ReturnType<typeof decide>) {
  return decision.checks.find((check) => check.ruleId === 'content')?.outcome;
}

describe('senderIdentification', () => {
  const rule = contentRule({ senderIdentification: true });

  it.each([
    ['the name as written', 'Jean Dupont vous invite ce soir.'],
    ['another case', 'JEAN DUPONT vous invite ce soir.'],
    ['other spacing', 'De la part de Jean\u00a0 Dupont.'],
  ])('passes with %s', (_, body) => {
    expect(outcome(decide(rule, text(body)))).toBe('pass');
  });

  it('refuses a text that does not name the sender, saying whom', () => {
    const decision = decide(rule, text('Venez nombreux ce soir !'));
    expect(codes(decision)).toEqual(['CONTENT_MISSING_SENDER']);
    expect(decision.reasons[0]).toMatchObject({ verdict: 'deny', ruleId: 'content', article: 'Art. 8', facts: { senderName: 'Jean Dupont' } });
    expect(decision.reasons[0].message).toBe('The text does not name the sender (“Jean Dupont”).');
  });

  it('refuses when the message names no sender at all', () => {
    const decision = decide(rule, sms({ sender: { id: 's1', role: 'candidate' }, content: { text: 'Jean Dupont vous invite.' } }));
    expect(codes(decision)).toEqual(['CONTENT_MISSING_SENDER']);
    expect(decision.reasons[0].facts).toEqual({});
  });

  it('reads only the text: a name in the subject does not count', () => {
    expect(codes(decide(rule, text('Venez ce soir', 'Jean Dupont')))).toEqual(['CONTENT_MISSING_SENDER']);
  });
});

describe('optOutInstruction', () => {
  describe("with the default keyword 'STOP'", () => {
    const rule = contentRule({ optOutInstruction: true });
    it.each(['STOP au 36111', 'Répondez stop pour ne plus recevoir', 'Désinscription : Stop.', '(STOP)', 'Fin=STOP'])('passes %j', (body) => {
      expect(outcome(decide(rule, text(body)))).toBe('pass');
    });
    it.each(['Répondez STOPPER', 'Campagne nonstop', 'STOPSMS au 36111', 'Aucune instruction', ''])('refuses %j: not the keyword as a word', (body) => {
      const decision = decide(rule, text(body));
      expect(codes(decision)).toEqual(['CONTENT_MISSING_OPT_OUT']);
      expect(decision.reasons[0].facts).toEqual({ keywords: ['STOP'] });
      expect(decision.reasons[0].message).toBe('The text does not say how to opt out (STOP).');
    });
  });

  describe('with custom keywords', () => {
    const rule = contentRule({ optOutInstruction: true, optOutKeywords: ['STOP SMS', 'ARRÊT'] });
    it.each(['Envoyez STOP SMS au 36111', 'envoyez stop sms', 'Répondez ARRÊT', 'répondez arrêt', 'Répondez ARRE\u0302T'])('passes %j', (body) => {
      expect(outcome(decide(rule, text(body)))).toBe('pass');
    });
    it.each(['Répondez STOP', 'Répondez ARRÊTER', 'STOP SMSS'])('refuses %j', (body) => {
      const decision = decide(rule, text(body));
      expect(codes(decision)).toEqual(['CONTENT_MISSING_OPT_OUT']);
      expect(decision.reasons[0].message).toBe('The text does not say how to opt out (STOP SMS or ARRÊT).');
    });

    it('takes keywords literally, punctuation and hyphens included', () => {
      const literal = contentRule({ optOutInstruction: true, optOutKeywords: ['STOP-SMS', 'NO+', 'a.b'] });
      expect(outcome(decide(literal, text('Répondez STOP-SMS')))).toBe('pass');
      expect(outcome(decide(literal, text('Répondez NO+ au 36111')))).toBe('pass');
      expect(codes(decide(literal, text('Répondez NOO')))).toEqual(['CONTENT_MISSING_OPT_OUT']);
      expect(codes(decide(literal, text('Répondez axb')))).toEqual(['CONTENT_MISSING_OPT_OUT']);
    });
  });

  it('compiles any keywords as plain text: a text containing one as a word passes, and nothing is an engine error', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.string(), (keywords, pick, other) => {
        const rule = contentRule({ optOutInstruction: true, optOutKeywords: keywords });
        const keyword = keywords[pick % keywords.length]!;
        expect(outcome(decide(rule, text(`Répondez ${keyword} au 36111`)))).toBe('pass');
        expect(codes(decide(rule, text(other)))).not.toContain('ENGINE_ERROR');
      }),
    );
  });
});

describe('maxSmsSegments', () => {
  const one = contentRule({ maxSmsSegments: 1 });

  it.each([
    ['160 GSM-7 characters', 'a'.repeat(160), 'pass'],
    ['161 GSM-7 characters', 'a'.repeat(161), 'fail'],
    ['70 UCS-2 characters', `${'a'.repeat(69)}ê`, 'pass'],
    ['71 UCS-2 characters', `${'a'.repeat(70)}ê`, 'fail'],
    ['158 characters and a € (160 septets)', `${'a'.repeat(158)}€`, 'pass'],
    ['159 characters and a € (161 septets)', `${'a'.repeat(159)}€`, 'fail'],
  ] as const)('in one SMS: %s is a %s', (_, body, expected) => {
    expect(outcome(decide(one, text(body)))).toBe(expected);
  });

  it('reports the segments and the encoding', () => {
    const gsm = decide(one, text(`${'a'.repeat(159)}€`));
    expect(gsm.reasons[0]).toMatchObject({ code: 'CONTENT_TOO_LONG', facts: { segments: 2, encoding: 'GSM-7', max: 1 } });
    expect(gsm.reasons[0].message).toBe('The text takes 2 SMS (GSM-7); at most 1.');
    const ucs2 = decide(one, text(`${'a'.repeat(70)}ê`));
    expect(ucs2.reasons[0].facts).toEqual({ segments: 2, encoding: 'UCS-2', max: 1 });
  });

  it('counts concatenated segments of 153 septets', () => {
    const two = contentRule({ maxSmsSegments: 2 });
    expect(outcome(decide(two, text('a'.repeat(306))))).toBe('pass');
    expect(decide(two, text('a'.repeat(307))).reasons[0].facts).toMatchObject({ segments: 3 });
  });

  it('applies to channels that need a mobile number only', () => {
    const long = 'a'.repeat(400);
    expect(outcome(decide(one, email({ content: { text: long } })))).toBe('pass');
    expect(outcome(decide(one, sms({ channel: 'call', content: { text: long } })))).toBe('pass');
    const rcs = { channels: { rcs: { contact: 'mobile' as const } } };
    expect(outcome(decide(one, sms({ channel: 'rcs', content: { text: long } }), rcs))).toBe('fail');
  });
});

describe('maxLength', () => {
  const rule = contentRule({ maxLength: 10 });

  it('counts characters, not UTF-16 units, on every channel', () => {
    expect(outcome(decide(rule, text('é'.repeat(10))))).toBe('pass');
    expect(outcome(decide(rule, text('🎉'.repeat(10))))).toBe('pass');
    const decision = decide(rule, email({ content: { text: 'a'.repeat(11) } }));
    expect(decision.reasons[0]).toMatchObject({ code: 'CONTENT_TOO_LONG', facts: { length: 11, max: 10 } });
    expect(decision.reasons[0].message).toBe('The text has 11 characters; at most 10.');
  });
});

describe('forbiddenPhrases', () => {
  const rule = contentRule({ forbiddenPhrases: ['vote twice', 'a.b', '(promo)', '100% GAGNÉ'] });

  it('finds a phrase whatever its case or spacing', () => {
    const decision = decide(rule, text('Please VOTE  Twice!'));
    expect(codes(decision)).toEqual(['CONTENT_FORBIDDEN_PHRASE']);
    expect(decision.reasons[0].facts).toEqual({ phrase: 'vote twice' });
    expect(decision.reasons[0].message).toBe('The text contains “vote twice”, which the charter forbids.');
  });

  it('looks in the subject too', () => {
    expect(codes(decide(rule, email({ content: { subject: 'Vote twice', text: 'Bonjour' } })))).toEqual(['CONTENT_FORBIDDEN_PHRASE']);
  });

  it('takes regular-expression characters literally', () => {
    expect(outcome(decide(rule, text('axb, promo, 100 gagné')))).toBe('pass');
    expect(decide(rule, text('a.b (promo) 100% gagné')).reasons.map((reason) => reason.facts['phrase'])).toEqual(['a.b', '(promo)', '100% GAGNÉ']);
  });
});

it("with effect 'review', sends a failing text to a human", () => {
  const decision = decide(contentRule({ optOutInstruction: true, effect: 'review' }), text('Bonjour'));
  expect(decision.verdict).toBe('review');
  expect(decision.reasons[0]).toMatchObject({ code: 'CONTENT_MISSING_OPT_OUT', verdict: 'review' });
  expect(outcome(decision)).toBe('review');
});

it('reports every failure of one rule, not just the first', () => {
  const rule = contentRule({ senderIdentification: true, optOutInstruction: true, maxSmsSegments: 1, maxLength: 100, forbiddenPhrases: ['vote twice', 'free'] });
  const decision = decide(rule, text(`Vote twice, it is free! ${'x'.repeat(150)}`));
  expect(decision.verdict).toBe('deny');
  expect(codes(decision)).toEqual([
    'CONTENT_MISSING_SENDER',
    'CONTENT_MISSING_OPT_OUT',
    'CONTENT_TOO_LONG',
    'CONTENT_TOO_LONG',
    'CONTENT_FORBIDDEN_PHRASE',
    'CONTENT_FORBIDDEN_PHRASE',
  ]);
  expect(decision.reasons.every((reason) => reason.ruleId === 'content' && reason.article === 'Art. 8')).toBe(true);
  expect(decision.checks.filter((check) => check.ruleId === 'content')).toEqual([{ ruleId: 'content', article: 'Art. 8', outcome: 'fail' }]);
});

it('checks an absent content as an empty text', () => {
  const decision = decide(contentRule({ senderIdentification: true, optOutInstruction: true, maxLength: 5 }), sms());
  expect(codes(decision)).toEqual(['CONTENT_MISSING_SENDER', 'CONTENT_MISSING_OPT_OUT']);
});

it('applies only to the sends the rule selects', () => {
  const decision = decide(contentRule({ when: { channels: ['sms'] }, optOutInstruction: true }), email({ content: { text: 'Bonjour' } }));
  expect(outcome(decision)).toBe('not-applicable');
  expect(decision.verdict).toBe('allow');
});
