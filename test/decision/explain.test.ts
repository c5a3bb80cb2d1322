import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CharterguardError, canSend, explain, setDefaultMessages, type Decision, type Message, type Recipient, type RuleInput, type UsageView } from '../../src/index.js';
import { charter as paris } from '../../examples/paris-2013/charter.js';
import { charterWith, FakeUsage, person, sms } from './constraint-fixtures.js';

const CAMPAIGN = '2013-05-20T10:00:00+02:00';

/** The fourth email of candidate NKM to pre-registered voters, through the CSP. */
const fourthMailing: Message = { id: 'mail-4', channel: 'email', sender: { id: 'nkm', role: 'candidate', candidate: 'nkm' }, via: 'csp', audience: 'preRegistered' };
const voter: Recipient = { id: 'r-1', email: 'jean.dupont@example.fr', audiences: ['preRegistered'] };

function quotaDecision(): Decision {
  return canSend(fourthMailing, voter, { charter: paris, now: CAMPAIGN, usage: new FakeUsage({}, { used: 3, counted: false }) });
}

const HOURS: RuleInput = {
  id: 'hours',
  kind: 'quietHours',
  article: 'Art. 12',
  title: 'Weekday texts',
  windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '20:00' }],
};

describe('explain', () => {
  it('renders a French refusal: verdict, then the article, title and facts', () => {
    expect(explain(quotaDecision())).toBe(
      'REFUSÉ\n- Art. 4 — Trois courriels au plus par candidat aux pré-inscrits: 3 envois sur 3 déjà utilisés pour les électeurs pré-inscrits.',
    );
  });

  it('renders the same decision in English on request, keeping the charter’s own words', () => {
    expect(explain(quotaDecision(), { locale: 'en' })).toBe(
      'DENIED\n- Art. 4 — Trois courriels au plus par candidat aux pré-inscrits: 3 of 3 mailings already used for électeurs pré-inscrits.',
    );
  });

  it('renders an English decision in French', () => {
    const decision = canSend(sms(), person(), { charter: charterWith([HOURS]), now: '2013-05-17T22:14:00+02:00' });
    expect(decision.locale).toBe('en');
    expect(explain(decision)).toBe(
      'DENIED\n- Art. 12 — Weekday texts: 22:14 in Europe/Paris is outside 08:00–20:00.\nTime rules would let it pass from 2013-05-20T06:00:00.000Z.',
    );
    expect(explain(decision, { locale: 'fr' })).toBe(
      'REFUSÉ\n- Art. 12 — Weekday texts: 22:14 à l’heure de Europe/Paris est en dehors de 08:00–20:00.\nLes règles horaires le permettraient à partir du 2013-05-20T06:00:00.000Z.',
    );
  });

  it('shows notBefore in the charter’s local time when given the charter', () => {
    const charter = charterWith([HOURS]);
    const decision = canSend(sms(), person(), { charter, now: '2013-05-17T22:14:00+02:00' });
    expect(explain(decision, { charter }).split('\n').at(-1)).toBe('Time rules would let it pass from 2013-05-20 08:00 (Europe/Paris).');
  });

  it('writes one line per reason, built-in checks citing the law instead of an article', () => {
    const charter = charterWith([HOURS]);
    const decision = canSend(
      sms({ audience: 'voters' }),
      person({ phone: '01 42 34 56 78', optOuts: [{ channel: 'sms', at: '2013-05-10T12:00:00+02:00' }] }),
      { charter, now: '2013-05-17T22:14:00+02:00' },
    );
    expect(decision.reasons.map((reason) => reason.code)).toEqual(['NOT_A_MOBILE', 'OPTED_OUT', 'NOT_IN_AUDIENCE', 'QUIET_HOURS']);
    expect(explain(decision).split('\n')).toEqual([
      'DENIED',
      '- +33 1 •• •• •• 78 is not a mobile number (FIXED_LINE) and cannot receive SMS.',
      '- The recipient opted out of sms on 2013-05-10 12:00. (GDPR Art. 21)',
      '- The recipient is not among pre-registered voters, the audience this message targets.',
      '- Art. 12 — Weekday texts: 22:14 in Europe/Paris is outside 08:00–20:00.',
      'Time rules would let it pass from 2013-05-20T06:00:00.000Z.',
    ]);
  });

  it('heads allowed and reviewed decisions', () => {
    const allowed = canSend(fourthMailing, voter, { charter: paris, now: CAMPAIGN, usage: new FakeUsage({}, { used: 2, counted: false }) });
    expect(explain(allowed)).toBe('AUTORISÉ\n- Art. 4 — Pendant la campagne officielle, courriels aux pré-inscrits par l’intermédiaire du CSP: Autorisé par la charte.');
    expect(explain(allowed, { locale: 'en' }).split('\n')[0]).toBe('ALLOWED');
    const reviewed = canSend(fourthMailing, voter, { charter: paris, now: CAMPAIGN });
    expect(explain(reviewed)).toBe(
      'À EXAMINER\n- Art. 4 — Trois courriels au plus par candidat aux pré-inscrits: Limité à 3 envois ; l’usage est inconnu sans registre.',
    );
    expect(explain(reviewed, { locale: 'en' }).split('\n')[0]).toBe('NEEDS REVIEW');
  });

  it('explains the 2013 SMS: the charter says nothing about SMS', () => {
    const text: Message = { id: 'sms-1', channel: 'sms', sender: { id: 'nkm', role: 'candidate' } };
    const decision = canSend(text, { id: 'r-2', phone: '06 12 34 56 78', audiences: ['members'] }, { charter: paris, now: '2013-05-02T10:00:00+02:00' });
    expect(explain(decision)).toBe('REFUSÉ\n- La charte ne dit rien du canal sms ; ce qu’elle n’autorise pas est refusé.');
  });

  it('agrees a single French unit in the singular', () => {
    const oneMailing: RuleInput = { id: 'one', kind: 'quota', article: 'Art. 2', limit: 1, count: 'messages', per: ['candidate'] };
    const decision = canSend(sms(), person(), { charter: charterWith([oneMailing], { locale: 'fr' }), now: CAMPAIGN, usage: new FakeUsage({}, { used: 1 }) });
    expect(decision.reasons[0].message).toBe('1 envoi sur 1 déjà utilisé.');
  });
});

describe('rule messages', () => {
  const quota = (message: NonNullable<RuleInput['message']>): RuleInput => ({
    id: 'q',
    kind: 'quota',
    article: 'Art. 4',
    title: 'Three texts',
    limit: 3,
    count: 'messages',
    per: ['candidate'],
    message,
  });
  const refuse = (rule: RuleInput, locale: 'fr' | 'en' = 'en') =>
    canSend(sms(), person(), { charter: charterWith([rule], { locale }), now: CAMPAIGN, usage: new FakeUsage({}, { used: 3 }) });

  it('replace the default text, filling {placeholders} from the facts and the rule', () => {
    const rule = quota('{used}/{limit} texts sent ({article}, {title}, rule {ruleId}); {unknown} stays.');
    const decision = refuse(rule);
    expect(decision.reasons[0].message).toBe('3/3 texts sent (Art. 4, Three texts, rule q); {unknown} stays.');
    expect(explain(decision)).toBe('DENIED\n- Art. 4 — Three texts: 3/3 texts sent (Art. 4, Three texts, rule q); {unknown} stays.');
  });

  it('may be written per language, and explain finds the other language in the charter', () => {
    const rule = quota({ fr: 'Quota atteint : {used}/{limit}.', en: 'Quota reached: {used}/{limit}.' });
    const charter = charterWith([rule], { locale: 'fr' });
    const decision = canSend(sms(), person(), { charter, now: CAMPAIGN, usage: new FakeUsage({}, { used: 3 }) });
    expect(decision.reasons[0].message).toBe('Quota atteint : 3/3.');
    expect(explain(decision, { locale: 'en', charter })).toBe('DENIED\n- Art. 4 — Three texts: Quota reached: 3/3.');
    // Without the charter, the rule's own English text is unknown: the default one is used.
    expect(explain(decision, { locale: 'en' })).toBe('DENIED\n- Art. 4 — Three texts: 3 of 3 mailings already used.');
  });

  it('fall back to the default text in a language they do not give', () => {
    expect(refuse(quota({ fr: 'Quota atteint.' })).reasons[0].message).toBe('3 of 3 mailings already used.');
  });
});

describe('setDefaultMessages', () => {
  afterEach(() => {
    setDefaultMessages('en', { QUOTA_EXCEEDED: undefined, OPTED_OUT: undefined });
    setDefaultMessages('fr', { QUOTA_EXCEEDED: undefined });
  });

  const rule: RuleInput = { id: 'q', kind: 'quota', article: 'Art. 4', limit: 3, count: 'messages', per: ['candidate'] };
  const refuse = (extra: Partial<RuleInput> = {}, locale: 'fr' | 'en' = 'en') =>
    canSend(sms(), person(), { charter: charterWith([{ ...rule, ...extra } as RuleInput]), now: CAMPAIGN, usage: new FakeUsage({}, { used: 3 }), locale });

  it('replaces a default text for one language, with placeholders', () => {
    setDefaultMessages('en', { QUOTA_EXCEEDED: 'Quota reached: {used}/{limit} ({article}).' });
    expect(refuse().reasons[0].message).toBe('Quota reached: 3/3 (Art. 4).');
    expect(refuse({}, 'fr').reasons[0].message).toBe('3 envois sur 3 déjà utilisés.');
  });

  it('applies to built-in checks and to re-rendering', () => {
    setDefaultMessages('en', { OPTED_OUT: 'Opted out ({channel}).' });
    const decision = canSend(sms(), person({ optOuts: [{ channel: 'sms', at: '2013-05-10T12:00:00+02:00' }] }), { charter: charterWith([], { locale: 'fr' }), now: CAMPAIGN });
    expect(decision.reasons[0].message).toBe('Le destinataire s’est désinscrit du canal sms le 2013-05-10 12:00.');
    expect(explain(decision, { locale: 'en' })).toBe('DENIED\n- Opted out (sms). (GDPR Art. 21)');
  });

  it("gives way to a rule's own message", () => {
    setDefaultMessages('en', { QUOTA_EXCEEDED: 'Quota reached.' });
    expect(refuse({ message: 'Three texts at most.' }).reasons[0].message).toBe('Three texts at most.');
  });

  it('is undone by passing undefined', () => {
    setDefaultMessages('en', { QUOTA_EXCEEDED: 'Quota reached.' });
    setDefaultMessages('en', { QUOTA_EXCEEDED: undefined });
    expect(refuse().reasons[0].message).toBe('3 of 3 mailings already used.');
  });

  it('reaches reasons that decisions share, on the next decision', () => {
    // A permit's PERMITTED and a content rule's refusals are rendered once and shared: a new
    // default text must still show on the very next decision, and the old one come back after.
    const charter = charterWith([
      { id: 'p', kind: 'permit', when: { channels: ['sms'] } },
      { id: 'c', kind: 'content', article: 'Art. 8', optOutInstruction: true },
    ]);
    const decide = (text: string) => canSend(sms({ content: { text } }), person(), { charter, now: CAMPAIGN });
    const permitted = decide('Réunion jeudi. STOP au 36xxx');
    const refused = decide('Réunion jeudi.');
    expect(decide('Réunion jeudi. STOP au 36xxx').reasons[0]).toBe(permitted.reasons[0]);
    expect(Object.isFrozen(permitted.reasons[0]) && Object.isFrozen(refused.reasons[0])).toBe(true);
    try {
      setDefaultMessages('en', { PERMITTED: 'Allowed ({ruleId}).', CONTENT_MISSING_OPT_OUT: 'No opt-out ({article}).' });
      expect(decide('Réunion jeudi. STOP au 36xxx').reasons[0]!.message).toBe(`Allowed (${permitted.reasons[0].ruleId!}).`);
      expect(decide('Réunion jeudi.').reasons[0]!.message).toBe('No opt-out (Art. 8).');
    } finally {
      setDefaultMessages('en', { PERMITTED: undefined, CONTENT_MISSING_OPT_OUT: undefined });
    }
    expect(decide('Réunion jeudi. STOP au 36xxx').reasons[0]!.message).toBe(permitted.reasons[0].message);
    expect(decide('Réunion jeudi.').reasons[0]!.message).toBe(refused.reasons[0].message);
  });

  it('reaches the refusals a charter keeps for sends alike, on the next decision', () => {
    const charter = charterWith([]);
    const noPhone = () => canSend(sms(), person({ phone: undefined }), { charter, now: CAMPAIGN }).reasons[0]!;
    const before = noPhone();
    expect(noPhone()).toBe(before);
    try {
      setDefaultMessages('en', { NO_CONTACT: 'No {field} ({channel}).' });
      expect(noPhone().message).toBe('No phone (sms).');
    } finally {
      setDefaultMessages('en', { NO_CONTACT: undefined });
    }
    expect(noPhone().message).toBe(before.message);
  });

  it('refuses unknown codes and languages', () => {
    expect(() => setDefaultMessages('en', { NOPE: 'x' } as never)).toThrow(CharterguardError);
    expect(() => setDefaultMessages('de' as never, { QUOTA_EXCEEDED: 'x' })).toThrow(CharterguardError);
  });
});

describe('contact details in messages', () => {
  it('masks phone numbers as +33 6 •• •• •• 78', () => {
    const decision = canSend(sms(), person({ phone: '01 42 34 56 78' }), { charter: charterWith([]), now: CAMPAIGN });
    expect(decision.reasons[0].message).toContain('+33 1 •• •• •• 78');
    expect(explain(decision, { locale: 'fr' })).toContain('+33 1 •• •• •• 78');
  });

  it('masks a number or an address that reaches a message through the facts', () => {
    const charter = charterWith([{ id: 'content', kind: 'content', article: 'Art. 8', senderIdentification: true }]);
    const message = sms({ sender: { id: 's1', role: 'candidate', name: 'Jean +33 6 12 34 56 78 jean.dupont@example.fr' }, content: { text: 'Bonjour' } });
    const decision = canSend(message, person(), { charter, now: CAMPAIGN });
    expect(decision.reasons[0].message).toBe('The text does not name the sender (“Jean +33 6 •• •• •• 78 j•••@example.fr”).');
    expect(explain(decision)).toContain('Jean +33 6 •• •• •• 78 j•••@example.fr');
  });

  const frenchNational = fc
    .tuple(fc.constantFrom('1', '2', '3', '4', '5', '6', '7', '9'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }))
    .map(([first, rest]) => `${first}${rest.join('')}`);
  const frenchPhone = fc.tuple(frenchNational, fc.constantFrom('spaced', 'dotted', 'compact', 'plus', 'plus-spaced', 'zero-zero')).map(([nsn, format]) => {
    const pairs = `0${nsn}`.match(/../g)!;
    const written = {
      spaced: pairs.join(' '),
      dotted: pairs.join('.'),
      compact: `0${nsn}`,
      plus: `+33${nsn}`,
      'plus-spaced': `+33 ${nsn[0]} ${nsn.slice(1).match(/../g)!.join(' ')}`,
      'zero-zero': `0033 ${nsn}`,
    }[format];
    return { nsn, written, country: undefined as string | undefined };
  });
  const usPhone = fc
    .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9999 }), fc.constantFrom('paren', 'dashed', 'plus', 'compact'), fc.boolean())
    .map(([area, exchange, line, format, declared]) => {
      const last = String(line).padStart(4, '0');
      const nsn = `${area}${exchange}${last}`;
      const written = { paren: `(${area}) ${exchange}-${last}`, dashed: `${area}-${exchange}-${last}`, plus: `+1 ${area} ${exchange} ${last}`, compact: `+1${nsn}` }[format];
      return { nsn, written, country: declared ? 'US' : undefined };
    });
  const address = fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9]{1,10}(?:\.[a-z0-9]{1,8})?$/), fc.constantFrom('example.fr', 'exemple.org', 'mail.example.com'))
    .map(([local, domain]) => ({ local, full: `${local}@${domain}` }));

  /** The digits of `nsn` in order, whatever separators a formatter put between them. */
  function spelled(nsn: string): RegExp {
    return new RegExp(nsn.split('').join('[^\\d•]{0,3}'));
  }

  const rules: RuleInput[] = [
    { id: 'q', kind: 'quota', article: 'Art. 4', limit: 1, count: 'deliveries', per: ['recipient'], message: { en: 'Counter {key}: {used} of {limit}.', fr: 'Compteur {key} : {limit}.' } },
    { id: 'content', kind: 'content', article: 'Art. 8', senderIdentification: true, optOutInstruction: true },
    { id: 'consent', kind: 'consent', article: 'Art. 9', when: { channels: ['sms', 'call'] } },
    { ...HOURS, unknownTimezone: 'review' },
  ];
  const charter = charterWith(rules);

  it('never shows a full phone number or email address in any message or explanation', () => {
    fc.assert(
      fc.property(
        fc.oneof(frenchPhone, usPhone),
        address,
        fc.constantFrom('sms', 'call', 'email'),
        fc.constantFrom('phone', 'email', 'plain'),
        fc.constantFrom('usage', 'none', 'throwing'),
        fc.constantFrom('2013-05-17T22:14:00+02:00', '2013-05-20T10:00:00+02:00'),
        (phone, mail, channel, idFrom, usageKind, now) => {
          const recipient: Recipient = {
            id: idFrom === 'phone' ? phone.written : idFrom === 'email' ? mail.full : 'r-1',
            phone: phone.written,
            email: mail.full,
            audiences: ['members'],
            optOuts: [{ channel: 'email', at: '2013-05-01T12:00:00+02:00' }],
            ...(phone.country === undefined ? {} : { country: phone.country }),
          };
          const message: Message = {
            id: `mailing for ${mail.full}`,
            channel,
            sender: { id: 's1', role: 'candidate', name: `Jean ${phone.written}` },
            content: { subject: `Write to ${mail.full}`, text: `Call ${phone.written} or write to ${mail.full}` },
          };
          const throwing: UsageView = {
            quota: () => {
              throw new Error(`no counter for ${mail.full} / ${phone.written}`);
            },
          };
          const usage = usageKind === 'usage' ? new FakeUsage({}, { used: 1, counted: false }) : usageKind === 'throwing' ? throwing : undefined;
          const decision = canSend(message, recipient, { charter, now, ...(usage === undefined ? {} : { usage }) });
          const texts = [
            ...decision.reasons.map((reason) => reason.message),
            explain(decision),
            explain(decision, { locale: 'fr' }),
            explain(decision, { locale: 'en', charter }),
          ];
          for (const text of texts) {
            expect(text).not.toMatch(spelled(phone.nsn));
            expect(text.toLowerCase()).not.toContain(`${mail.local}@`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
