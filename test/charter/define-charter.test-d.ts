import { describe, expectTypeOf, it } from 'vitest';
import {
  defineCharter,
  parseCharter,
  type Channel,
  type Charter,
  type CharterInput,
  type CharterIssue,
  type Message,
  type QuotaRule,
  type Recipient,
  type Rule,
  type RuleKind,
  type Selector,
} from '../../src/index.js';

const base = { id: 'c', title: 'C', timezone: 'Europe/Paris' } as const;

describe('charter types', () => {
  it('accepts a well-formed charter and returns a Charter', () => {
    const charter = defineCharter({
      ...base,
      rules: [
        { id: 'p', kind: 'permit', when: { channels: ['email'], via: ['direct'] } },
        { id: 'q', kind: 'quota', limit: 3, count: 'messages', per: ['candidate'], window: { calendar: 'day' } },
      ],
    });
    expectTypeOf(charter).toEqualTypeOf<Charter>();
    expectTypeOf(charter.rules).items.toEqualTypeOf<Charter['rules'][number]>();
  });

  it('rejects a typo in a rule kind', () => {
    defineCharter({
      ...base,
      // @ts-expect-error: 'permitt' is not a rule kind
      rules: [{ id: 'p', kind: 'permitt' }],
    });
  });

  it('rejects unknown options', () => {
    defineCharter({
      ...base,
      // @ts-expect-error: 'limt' is not an option of a quota
      rules: [{ id: 'q', kind: 'quota', limt: 3, limit: 3, count: 'messages', per: [] }],
    });
    defineCharter({
      ...base,
      // @ts-expect-error: `effect` belongs to constraints, not to permits
      rules: [{ id: 'p', kind: 'permit', effect: 'review' }],
    });
    defineCharter({
      ...base,
      // @ts-expect-error: 'chanels' is not a selector field
      rules: [{ id: 'p', kind: 'permit', when: { chanels: ['sms'] } }],
    });
    // @ts-expect-error: 'colour' is not a charter option
    defineCharter({ ...base, colour: 'blue', rules: [] });
  });

  it('rejects wrong option values', () => {
    defineCharter({
      ...base,
      // @ts-expect-error: count is 'messages' or 'deliveries'
      rules: [{ id: 'q', kind: 'quota', limit: 3, count: 'mails', per: [] }],
    });
    defineCharter({
      ...base,
      // @ts-expect-error: 'candidat' is not a quota key
      rules: [{ id: 'q', kind: 'quota', limit: 3, count: 'messages', per: ['candidat'] }],
    });
    // @ts-expect-error: locale is 'fr' or 'en'
    defineCharter({ ...base, locale: 'de', rules: [] });
    defineCharter({
      ...base,
      // @ts-expect-error: quota needs a limit
      rules: [{ id: 'q', kind: 'quota', count: 'messages', per: [] }],
    });
  });

  it('narrows rules by kind', () => {
    const rule = {} as Rule;
    if (rule.kind === 'quota') expectTypeOf(rule).toEqualTypeOf<QuotaRule>();
    expectTypeOf<RuleKind>().toEqualTypeOf<'permit' | 'forbid' | 'quota' | 'consent' | 'quietHours' | 'content'>();
    expectTypeOf<QuotaRule['effect']>().toEqualTypeOf<'deny' | 'review'>();
  });

  it('keeps input optional where defaults apply and output complete', () => {
    expectTypeOf<CharterInput['locale']>().toEqualTypeOf<'fr' | 'en' | undefined>();
    expectTypeOf<Charter['locale']>().toEqualTypeOf<'fr' | 'en'>();
    expectTypeOf<Selector['channels']>().toEqualTypeOf<Channel[] | undefined>();
  });

  it('types the results of parseCharter', () => {
    const result = parseCharter({});
    if (result.ok) expectTypeOf(result.charter).toEqualTypeOf<Charter>();
    else expectTypeOf(result.issues).toEqualTypeOf<readonly [CharterIssue, ...CharterIssue[]]>();
  });

  it('types messages and recipients as the contract says', () => {
    expectTypeOf<Message['channel']>().toEqualTypeOf<Channel>();
    expectTypeOf<Message['sender']>().toEqualTypeOf<{ id: string; role: string; candidate?: string; name?: string }>();
    expectTypeOf<Recipient['relationship']>().toEqualTypeOf<'member' | 'regular' | 'occasional' | 'prospect' | undefined>();
    // @ts-expect-error: a Charter is read-only
    ({} as Charter).rules.push({} as Rule);
  });
});
