import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CharterError,
  CharterguardError,
  charterJsonSchema,
  defineCharter,
  isCharter,
  parseCharter,
  type CharterIssue,
} from '../../src/index.js';
import { fullCharter, minimalCharter } from './fixtures.js';

/** Parses `input` expecting failure and returns its issues. */
function issuesOf(input: unknown): readonly CharterIssue[] {
  const result = parseCharter(input);
  if (result.ok) throw new Error('expected the charter to be invalid');
  return result.issues;
}

/** Applies `edit` to a copy of the full charter and returns its issues. */
function issuesAfter(edit: (charter: Record<string, any>) => void): readonly CharterIssue[] {
  const charter = structuredClone(fullCharter()) as Record<string, any>;
  edit(charter);
  return issuesOf(charter);
}

describe('defineCharter', () => {
  it('accepts every rule kind with its full options', () => {
    const charter = defineCharter(fullCharter());
    expect(charter.rules.map((rule) => rule.kind)).toEqual([
      'permit', 'forbid', 'quota', 'quota', 'quota', 'quota', 'consent', 'quietHours', 'content',
    ]);
    expect(isCharter(charter)).toBe(true);
  });

  it('fills in defaults', () => {
    const charter = defineCharter(minimalCharter());
    expect(charter.locale).toBe('en');
    expect(charter.defaults).toEqual({ unlisted: 'deny' });
    expect(charter.phases).toEqual({});
    expect(charter.channels).toEqual({});
    const withRules = defineCharter({
      ...minimalCharter(),
      rules: [
        { id: 'f', kind: 'forbid' },
        { id: 'q', kind: 'quota', limit: 1, count: 'messages', per: [] },
        { id: 'h', kind: 'quietHours', windows: [{ days: ['mon'], from: '08:00', to: '20:00' }] },
      ],
    });
    expect(withRules.rules[0]).toMatchObject({ effect: 'deny' });
    expect(withRules.rules[1]).toMatchObject({ window: 'charter', effect: 'deny' });
    expect(withRules.rules[2]).toMatchObject({ unknownTimezone: 'strictest' });
  });

  it('returns a deeply frozen copy', () => {
    const input = fullCharter();
    const charter = defineCharter(input);
    expect(charter).not.toBe(input);
    expect(Object.isFrozen(charter)).toBe(true);
    expect(Object.isFrozen(charter.rules[0]?.when?.channels)).toBe(true);
    expect(() => {
      (charter.rules as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });

  it('throws a CharterError listing every issue with its path', () => {
    let error: unknown;
    try {
      defineCharter({ ...minimalCharter(), timezone: 'Europe/Pari', rules: [{ id: 'a', kind: 'permit', when: { phases: ['x'] } }] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CharterError);
    expect(error).toBeInstanceOf(CharterguardError);
    const charterError = error as CharterError;
    expect(charterError.name).toBe('CharterError');
    expect(charterError.issues.map((issue) => issue.path)).toEqual([['timezone'], ['rules', 0, 'when', 'phases', 0]]);
    expect(charterError.message).toContain("timezone: unknown IANA time zone 'Europe/Pari' — did you mean 'Europe/Paris'?");
    expect(charterError.message).toContain("rules[0].when.phases[0]: unknown phase 'x'");
  });

  it('does not accept an object that only looks like a charter as validated', () => {
    expect(isCharter({ ...minimalCharter() })).toBe(false);
  });
});

describe('structure', () => {
  it('reports missing required fields', () => {
    expect(issuesOf({ rules: [] })).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'missing', path: ['id'] }),
        expect.objectContaining({ code: 'missing', path: ['title'] }),
        expect.objectContaining({ code: 'missing', path: ['timezone'] }),
      ]),
    );
  });

  it('reports a value of the wrong type', () => {
    expect(issuesOf({ ...minimalCharter(), rules: 'none' })).toEqual([
      { code: 'invalid_type', path: ['rules'], message: "expected an array, got 'none'" },
    ]);
  });

  it('reports an unknown rule kind with the closest one', () => {
    expect(issuesAfter((c) => (c.rules[0].kind = 'permitt'))).toEqual([
      expect.objectContaining({ code: 'unknown_kind', path: ['rules', 0, 'kind'], suggestion: 'permit' }),
    ]);
    expect(issuesAfter((c) => delete c.rules[1].kind)).toEqual([
      expect.objectContaining({ code: 'missing', path: ['rules', 1, 'kind'] }),
    ]);
  });

  it('reports unknown keys at every level instead of dropping them', () => {
    const issues = issuesAfter((c) => {
      c.colour = 'blue';
      c.phases.campaign.form = '2013-05-01';
      c.rules[0].when.chanels = ['sms'];
      c.rules[2].limt = 4;
      c.rules[0].effect = 'review';
      c.rules[7].windows[0].until = '20:00';
      c.defaults.unlisted_ = 'deny';
    });
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path.join('.'), issue]));
    expect(Object.keys(byPath).sort()).toEqual([
      'colour', 'defaults.unlisted_', 'phases.campaign.form', 'rules.0.effect', 'rules.0.when.chanels', 'rules.2.limt', 'rules.7.windows.0.until',
    ]);
    expect(issues.every((issue) => issue.code === 'unknown_key')).toBe(true);
    expect(byPath['rules.0.when.chanels']).toMatchObject({ suggestion: 'channels', message: "unknown option 'chanels' — did you mean 'channels'?" });
    expect(byPath['rules.2.limt']).toMatchObject({ suggestion: 'limit' });
    expect(byPath['phases.campaign.form']).toMatchObject({ suggestion: 'from' });
    expect(byPath['defaults.unlisted_']).toMatchObject({ suggestion: 'unlisted' });
    // `effect` exists on constraints, not on permits: no suggestion to make.
    expect(byPath['rules.0.effect']?.suggestion).toBeUndefined();
  });

  it('reports enum values with the closest one', () => {
    expect(issuesAfter((c) => (c.rules[2].count = 'mesages'))).toEqual([
      {
        code: 'invalid_value',
        path: ['rules', 2, 'count'],
        message: "'mesages' is not one of 'messages', 'deliveries' — did you mean 'messages'?",
        suggestion: 'messages',
      },
    ]);
    expect(issuesAfter((c) => (c.rules[2].per = ['candidat']))).toEqual([
      expect.objectContaining({ code: 'invalid_value', path: ['rules', 2, 'per', 0], suggestion: 'candidate' }),
    ]);
    expect(issuesAfter((c) => (c.locale = 'de'))).toEqual([expect.objectContaining({ path: ['locale'] })]);
    expect(issuesAfter((c) => (c.defaults.unlisted = 'maybe'))).toEqual([expect.objectContaining({ path: ['defaults', 'unlisted'] })]);
    expect(issuesAfter((c) => (c.rules[1].effect = 'warn'))).toEqual([expect.objectContaining({ path: ['rules', 1, 'effect'] })]);
    expect(issuesAfter((c) => (c.rules[7].unknownTimezone = 'guess'))).toEqual([expect.objectContaining({ path: ['rules', 7, 'unknownTimezone'] })]);
    expect(issuesAfter((c) => (c.rules[7].windows[0].days = ['monday']))).toEqual([
      expect.objectContaining({ path: ['rules', 7, 'windows', 0, 'days', 0] }),
    ]);
    expect(issuesAfter((c) => (c.rules[0].when.relationships = ['friend']))).toEqual([
      expect.objectContaining({ path: ['rules', 0, 'when', 'relationships', 0] }),
    ]);
  });

  it('reports bad quota forms', () => {
    expect(issuesAfter((c) => (c.rules[2].limit = -1))).toEqual([
      expect.objectContaining({ code: 'too_small', path: ['rules', 2, 'limit'], message: 'must be at least 0, got -1' }),
    ]);
    expect(issuesAfter((c) => (c.rules[2].limit = 2.5))).toEqual([
      expect.objectContaining({ code: 'invalid_type', path: ['rules', 2, 'limit'], message: 'expected an integer, got 2.5' }),
    ]);
    expect(issuesAfter((c) => delete c.rules[2].per)).toEqual([expect.objectContaining({ code: 'missing', path: ['rules', 2, 'per'] })]);
    expect(issuesAfter((c) => (c.rules[2].per = ['sender', 'sender']))).toEqual([
      expect.objectContaining({ code: 'duplicate_value', path: ['rules', 2, 'per', 1] }),
    ]);
    expect(issuesAfter((c) => (c.rules[4].window = { rolling: '1 day' }))).toEqual([
      expect.objectContaining({ code: 'invalid_format', path: ['rules', 4, 'window', 'rolling'] }),
    ]);
    expect(issuesAfter((c) => (c.rules[3].window = { calendar: 'year' }))).toEqual([
      expect.objectContaining({ code: 'invalid_value', path: ['rules', 3, 'window', 'calendar'] }),
    ]);
    expect(issuesAfter((c) => (c.rules[3].window = 'forever'))).toEqual([
      expect.objectContaining({ path: ['rules', 3, 'window'], message: expect.stringContaining("expected 'charter'") }),
    ]);
    expect(issuesAfter((c) => (c.rules[3].window = { calendar: 'week', phase: 'vote' }))).toEqual([
      expect.objectContaining({ path: ['rules', 3, 'window'] }),
    ]);
  });

  it('reports bad quiet-hours forms', () => {
    expect(issuesAfter((c) => (c.rules[7].windows = []))).toEqual([
      expect.objectContaining({ code: 'too_small', path: ['rules', 7, 'windows'], message: 'must not be empty' }),
    ]);
    expect(issuesAfter((c) => (c.rules[7].windows[0].from = '8h'))).toEqual([
      expect.objectContaining({ code: 'invalid_format', path: ['rules', 7, 'windows', 0, 'from'] }),
    ]);
    expect(issuesAfter((c) => (c.rules[7].windows[0].to = '24:01'))).toEqual([
      expect.objectContaining({ code: 'invalid_format', path: ['rules', 7, 'windows', 0, 'to'] }),
    ]);
    expect(issuesAfter((c) => (c.rules[7].windows[0] = { days: ['mon'], from: '20:00', to: '08:00' }))).toEqual([
      expect.objectContaining({ code: 'invalid_range', path: ['rules', 7, 'windows', 0, 'to'] }),
    ]);
    expect(issuesAfter((c) => (c.rules[7].windows[0].days = ['mon', 'mon']))).toEqual([
      expect.objectContaining({ code: 'duplicate_value', path: ['rules', 7, 'windows', 0, 'days', 1] }),
    ]);
    expect(issuesAfter((c) => (c.rules[7].holidays = ['2013-02-29']))).toEqual([
      expect.objectContaining({ code: 'invalid_datetime', path: ['rules', 7, 'holidays', 0] }),
    ]);
    expect(issuesAfter((c) => (c.rules[7].holidays = ['8 May']))).toEqual([
      expect.objectContaining({ code: 'invalid_format', path: ['rules', 7, 'holidays', 0] }),
    ]);
  });

  it('reports bad content forms', () => {
    expect(issuesOf({ ...minimalCharter(), rules: [{ id: 'c', kind: 'content' }] })).toEqual([
      expect.objectContaining({ code: 'empty_rule', path: ['rules', 0] }),
    ]);
    expect(issuesOf({ ...minimalCharter(), rules: [{ id: 'c', kind: 'content', senderIdentification: false }] })).toEqual([
      expect.objectContaining({ code: 'empty_rule', path: ['rules', 0] }),
    ]);
    expect(issuesAfter((c) => (c.rules[8].maxSmsSegments = 0))).toEqual([
      expect.objectContaining({ code: 'too_small', path: ['rules', 8, 'maxSmsSegments'] }),
    ]);
    expect(issuesAfter((c) => (c.rules[8].forbiddenPhrases = [/vote/]))).toEqual([
      expect.objectContaining({ code: 'invalid_type', path: ['rules', 8, 'forbiddenPhrases', 0] }),
    ]);
    expect(issuesAfter((c) => (c.rules[8].optOutKeywords = []))).toEqual([
      expect.objectContaining({ code: 'too_small', path: ['rules', 8, 'optOutKeywords'] }),
    ]);
    expect(issuesAfter((c) => (c.rules[8].optOutInstruction = false))).toEqual([
      expect.objectContaining({ code: 'invalid_value', path: ['rules', 8, 'optOutKeywords'] }),
    ]);
  });

  it('reports empty selector lists, which would match nothing', () => {
    expect(issuesAfter((c) => (c.rules[0].when.channels = []))).toEqual([
      expect.objectContaining({ code: 'too_small', path: ['rules', 0, 'when', 'channels'] }),
    ]);
  });
});

describe('references', () => {
  const cases: [string, (c: Record<string, any>) => void, (string | number)[], string, string | undefined][] = [
    ['phase in when', (c) => (c.rules[0].when.phases = ['campaign', 'campain']), ['rules', 0, 'when', 'phases', 1], "unknown phase 'campain' — did you mean 'campaign'?", 'campaign'],
    ['audience in when', (c) => (c.rules[0].when.audiences = ['member']), ['rules', 0, 'when', 'audiences', 0], "unknown audience 'member' — did you mean 'members'?", 'members'],
    ['relay in when', (c) => (c.rules[0].when.via = ['cps']), ['rules', 0, 'when', 'via', 0], "unknown relay 'cps' — did you mean 'csp'?", 'csp'],
    ['source in unless', (c) => (c.rules[0].unless.sources = ['federationFil']), ['rules', 0, 'unless', 'sources', 0], "unknown source 'federationFil' — did you mean 'federationFile'?", 'federationFile'],
    ['channel in when', (c) => (c.rules[0].when.channels = ['emial']), ['rules', 0, 'when', 'channels', 0], "unknown channel 'emial' — did you mean 'email'?", 'email'],
    ['declared channel', (c) => (c.rules[0].when.channels = ['whatsap']), ['rules', 0, 'when', 'channels', 0], "unknown channel 'whatsap' — did you mean 'whatsapp'?", 'whatsapp'],
    ['role in when', (c) => (c.rules[0].when.senders = ['candidat']), ['rules', 0, 'when', 'senders', 0], "unknown sender role 'candidat' — did you mean 'candidate'?", 'candidate'],
    ['audience in exempt', (c) => (c.rules[6].exempt = { audiences: ['voter'] }), ['rules', 6, 'exempt', 'audiences', 0], "unknown audience 'voter' — did you mean 'voters'?", 'voters'],
    ['phase of a quota window', (c) => (c.rules[2].window = { phase: 'vot' }), ['rules', 2, 'window', 'phase'], "unknown phase 'vot' — did you mean 'vote'?", 'vote'],
    ['a name far from all', (c) => (c.rules[0].when.phases = ['zzzzzzzz']), ['rules', 0, 'when', 'phases', 0], "unknown phase 'zzzzzzzz' (known: campaign, vote)", undefined],
  ];
  it.each(cases)('checks the %s', (_, edit, path, message, suggestion) => {
    const expected = suggestion === undefined ? { code: 'unknown_reference', path, message } : { code: 'unknown_reference', path, message, suggestion };
    expect(issuesAfter(edit)).toEqual([expected]);
  });

  it('accepts any sender role when the charter declares none', () => {
    expect(parseCharter({ ...minimalCharter(), rules: [{ id: 'p', kind: 'permit', when: { senders: ['anyone'] } }] }).ok).toBe(true);
  });

  it('says when the charter declares no names of that kind', () => {
    expect(issuesOf({ ...minimalCharter(), rules: [{ id: 'p', kind: 'permit', when: { sources: ['crm'] } }] })).toEqual([
      expect.objectContaining({ message: "unknown source 'crm' (the charter declares none)" }),
    ]);
  });

  it('reports duplicate rule ids at the second use', () => {
    expect(issuesAfter((c) => (c.rules[3].id = 'quota-1'))).toEqual([
      { code: 'duplicate_id', path: ['rules', 3, 'id'], message: "duplicate rule id 'quota-1' (already used by rules[2])" },
    ]);
  });

  it('refuses to redeclare a built-in channel', () => {
    expect(issuesAfter((c) => (c.channels.sms = {}))).toEqual([expect.objectContaining({ code: 'duplicate_id', path: ['channels', 'sms'] })]);
  });
});

describe('time zones and dates', () => {
  it('reports an unknown time zone with the closest one', () => {
    expect(issuesAfter((c) => (c.timezone = 'Europe/Pariss'))).toEqual([
      expect.objectContaining({ code: 'invalid_timezone', path: ['timezone'], suggestion: 'Europe/Paris' }),
    ]);
    expect(issuesAfter((c) => (c.timezone = 'CEST+2'))).toEqual([expect.objectContaining({ code: 'invalid_timezone', path: ['timezone'] })]);
  });

  it('reports an unsupported default country', () => {
    expect(issuesAfter((c) => (c.defaultCountry = 'XX'))).toEqual([expect.objectContaining({ code: 'invalid_country', path: ['defaultCountry'] })]);
    expect(issuesAfter((c) => (c.defaultCountry = 'fr'))).toEqual([expect.objectContaining({ code: 'invalid_format', path: ['defaultCountry'] })]);
  });

  it('reports date-times with an offset or in another format', () => {
    expect(issuesAfter((c) => (c.phases.vote.from = '2013-05-31T08:00+02:00'))).toEqual([
      expect.objectContaining({ code: 'invalid_format', path: ['phases', 'vote', 'from'] }),
    ]);
    expect(issuesAfter((c) => (c.rules[0].inForce.to = '31/05/2013'))).toEqual([
      expect.objectContaining({ code: 'invalid_format', path: ['rules', 0, 'inForce', 'to'] }),
    ]);
  });

  it('reports dates that are not in the calendar', () => {
    expect(issuesAfter((c) => (c.phases.vote.to = '2013-06-31T19:00'))).toEqual([
      { code: 'invalid_datetime', path: ['phases', 'vote', 'to'], message: "'2013-06-31T19:00' is not a date-time of the calendar" },
    ]);
    expect(issuesAfter((c) => (c.phases.vote.to = '2013-06-03T24:00'))).toEqual([
      expect.objectContaining({ code: 'invalid_datetime', path: ['phases', 'vote', 'to'] }),
    ]);
  });

  it('reports local times skipped by a daylight-saving change', () => {
    expect(issuesAfter((c) => (c.rules[0].inForce.from = '2013-03-31T02:30'))).toEqual([
      {
        code: 'invalid_datetime',
        path: ['rules', 0, 'inForce', 'from'],
        message: "'2013-03-31T02:30' does not exist in Europe/Paris: clocks jump 60 minutes forward at that time",
      },
    ]);
    // The repeated hour of the autumn change exists (twice) and is accepted.
    expect(parseCharter({ ...minimalCharter(), phases: { p: { from: '2013-10-27T02:30' } } }).ok).toBe(true);
  });

  it('reports ranges that end before they start', () => {
    expect(issuesAfter((c) => (c.phases.vote.to = '2013-05-31T08:00'))).toEqual([
      expect.objectContaining({ code: 'invalid_range', path: ['phases', 'vote', 'to'] }),
    ]);
    expect(issuesAfter((c) => (c.rules[0].inForce = { from: '2013-06-01', to: '2013-05-01' }))).toEqual([
      expect.objectContaining({ code: 'invalid_range', path: ['rules', 0, 'inForce', 'to'] }),
    ]);
  });

  it('still checks ranges when the time zone is wrong', () => {
    expect(issuesAfter((c) => {
      c.timezone = 'Nowhere/City';
      c.phases.vote.to = '2013-05-01T00:00';
    }).map((issue) => issue.code)).toEqual(['invalid_timezone', 'invalid_range']);
  });
});

describe('parseCharter', () => {
  it('returns the charter when valid', () => {
    const result = parseCharter(JSON.parse(JSON.stringify(fullCharter())));
    expect(result.ok).toBe(true);
  });

  it('reports non-objects', () => {
    for (const value of [null, undefined, 42, 'charter', [], true]) {
      const result = parseCharter(value);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.issues[0].path).toEqual([]);
    }
  });

  it('never throws on any JSON value, and every issue has a path and a message', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseCharter(value);
        if (!result.ok) {
          for (const issue of result.issues) {
            expect(Array.isArray(issue.path)).toBe(true);
            expect(issue.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on charters with random damage', () => {
    const base = JSON.parse(JSON.stringify(fullCharter())) as Record<string, unknown>;
    const paths = collectPaths(base);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const damaged = structuredClone(base);
        setAt(damaged, path, value);
        const result = parseCharter(damaged);
        if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not let __proto__ keys change prototypes', () => {
    const input = JSON.parse('{"id":"p","title":"t","timezone":"UTC","rules":[],"audiences":{"__proto__":{"label":"x"}}}');
    const result = parseCharter(input);
    if (result.ok) expect(Object.getPrototypeOf(result.charter.audiences)).not.toEqual({ label: 'x' });
    expect(({} as Record<string, unknown>)['label']).toBeUndefined();
  });
});

describe('charterJsonSchema', () => {
  it('describes the format, including every rule kind and no extra keys', () => {
    const schema = charterJsonSchema() as { $schema: string; properties: Record<string, any>; additionalProperties: boolean; required: string[] };
    expect(schema.$schema).toContain('2020-12');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'title', 'timezone', 'rules']));
    const kinds = (schema.properties['rules'].items.oneOf as { properties: { kind: { const: string } } }[]).map((rule) => rule.properties.kind.const);
    expect(kinds.sort()).toEqual(['consent', 'content', 'forbid', 'permit', 'quietHours', 'quota']);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

function collectPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [prefix];
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      paths.push(...collectPaths(child, [...prefix, Array.isArray(value) ? Number(key) : key]));
    }
  }
  return paths;
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  if (path.length === 0) return;
  let node: any = target;
  for (const segment of path.slice(0, -1)) node = node[segment];
  node[path[path.length - 1]!] = value;
}
