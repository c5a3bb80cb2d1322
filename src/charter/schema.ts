import * as z from 'zod';

/** The channels every charter knows; a charter may declare more under `channels`. */
export const BUILTIN_CHANNELS = ['email', 'sms', 'call', 'post', 'social'] as const;

/** A channel: a built-in one or one the charter declares. */
export type Channel = (typeof BUILTIN_CHANNELS)[number] | (string & {});

/** The kinds of relationship a recipient can have with the sender's organisation. */
export const RELATIONSHIPS = ['member', 'regular', 'occasional', 'prospect'] as const;

/** The keys a quota can be counted per. */
export const QUOTA_KEYS = ['sender', 'candidate', 'recipient', 'audience', 'channel'] as const;

/** Days of the week, as quiet-hours windows name them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** The rule kinds a charter can contain. */
export const RULE_KINDS = ['permit', 'forbid', 'quota', 'consent', 'quietHours', 'content'] as const;

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/;
const TIME_OF_DAY = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DURATION = /^[1-9]\d*(m|h|d|w)$/;

const name = z.string().min(1, { error: 'must not be empty' });
const names = z.array(name).min(1, { error: 'must list at least one name (omit the field to match all)' });
const channel = name as unknown as z.ZodType<Channel, string>;
const text = z.string().min(1, { error: 'must not be empty' });

/** A local date-time in the charter's time zone: `2013-05-13` or `2013-05-13T08:00`. */
const localDateTime = z
  .string()
  .regex(LOCAL_DATE_TIME, { error: 'expected a local date-time such as 2013-05-13T08:00 (no offset: it is read in the charter time zone)' })
  .meta({ description: 'Local date-time in the charter time zone, e.g. 2013-05-13T08:00' });

/** A named entry of the charter (audience, relay, source, role). */
const label = z.strictObject({
  label: text.optional().meta({ description: 'Human name, in the charter language' }),
  description: text.optional(),
});

const selectorShape = {
  channels: z.array(channel).min(1, { error: 'must list at least one channel (omit the field to match all)' }).optional(),
  senders: names.optional().meta({ description: 'Sender roles (candidate, party, authority…)' }),
  candidates: names.optional().meta({ description: 'Sender ids' }),
  audiences: names.optional(),
  phases: names.optional(),
  via: names.optional().meta({ description: "Relay ids, or 'direct' for sends without a relay" }),
  sources: names.optional(),
  relationships: z.array(z.enum(RELATIONSHIPS)).min(1).optional(),
};

/** Which sends a rule applies to: fields combine with AND, values in one field with OR. */
export const selectorSchema = z.strictObject(selectorShape).meta({
  description: 'Fields combine with AND, values inside a field with OR; an absent field matches everything',
});

const inForce = z.strictObject({ from: localDateTime.optional(), to: localDateTime.optional() }).meta({
  description: 'When the rule applies: [from, to) in the charter time zone (an amendment applies from its adoption)',
});

/** A text in the charter language, or one per language. */
const localizedText = z.union([text, z.strictObject({ fr: text.optional(), en: text.optional() })], {
  error: "expected a text, or { fr, en } texts",
});

const baseShape = {
  id: name.meta({ description: 'Unique rule id' }),
  article: text.optional().meta({ description: "Citation shown to users, e.g. 'Art. 7'" }),
  title: text.optional().meta({ description: 'One-line summary in the charter language' }),
  law: text.optional().meta({ description: "Legal source, e.g. 'CPCE L34-5'" }),
  when: selectorSchema.optional(),
  unless: selectorSchema.optional(),
  inForce: inForce.optional(),
  message: localizedText.optional().meta({
    description: 'Overrides the explanation of this rule; {placeholders} name facts of the reason',
  }),
};

const constraintShape = {
  ...baseShape,
  effect: z.enum(['deny', 'review']).default('deny').meta({ description: 'What a failing send gets' }),
};

/** The period a quota counts over. */
const quotaWindow = z.union([
  z.literal('charter'),
  z.strictObject({ phase: name }),
  z.strictObject({ calendar: z.enum(['day', 'week', 'month']) }),
  z.strictObject({
    rolling: z.string().regex(DURATION, { error: "expected a duration such as '24h', '7d', '90m' or '2w'" }),
  }),
], { error: "expected 'charter', { phase: name }, { calendar: 'day' | 'week' | 'month' } or { rolling: '24h' }" });

/** Schema of a `permit` rule. */
const permitRule = z.strictObject({ ...baseShape, kind: z.literal('permit') });
/** Schema of a `forbid` rule. */
const forbidRule = z.strictObject({ ...constraintShape, kind: z.literal('forbid') });
/** Schema of a `quota` rule. */
const quotaRule = z.strictObject({
  ...constraintShape,
  kind: z.literal('quota'),
  limit: z.number().int().min(0),
  count: z.enum(['messages', 'deliveries']).meta({
    description: "'messages' counts distinct mailings, 'deliveries' counts recipients reached",
  }),
  per: z.array(z.enum(QUOTA_KEYS)).meta({ description: 'The keys counted separately; [] is one shared count' }),
  window: quotaWindow.default('charter'),
});
/** Schema of a `consent` rule. */
const consentRule = z.strictObject({
  ...constraintShape,
  kind: z.literal('consent'),
  exempt: selectorSchema.optional().meta({ description: 'Sends that need no consent record' }),
});
/** One allowed window of the week, `[from, to)` local time. */
const quietWindow = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1),
  from: z.string().regex(TIME_OF_DAY, { error: 'expected a time of day such as 08:00' }),
  to: z.string().regex(TIME_OF_DAY, { error: 'expected a time of day such as 20:00 (24:00 for midnight)' }),
});
/** Schema of a `quietHours` rule. */
const quietHoursRule = z.strictObject({
  ...constraintShape,
  kind: z.literal('quietHours'),
  windows: z.array(quietWindow).min(1).meta({ description: "Allowed windows in the recipient's local time" }),
  holidays: z
    .array(z.string().regex(DATE, { error: 'expected a date such as 2013-05-08' }))
    .optional()
    .meta({ description: 'Days on which nothing may be sent' }),
  unknownTimezone: z.enum(['strictest', 'charter', 'review', 'deny']).default('strictest'),
});
/** Schema of a `content` rule. */
const contentRule = z.strictObject({
  ...constraintShape,
  kind: z.literal('content'),
  senderIdentification: z.boolean().optional(),
  optOutInstruction: z.boolean().optional(),
  optOutKeywords: z.array(text).min(1).optional(),
  maxSmsSegments: z.number().int().min(1).optional(),
  maxLength: z.number().int().min(1).optional(),
  forbiddenPhrases: z.array(text).min(1).optional(),
});

/** One rule of a charter, discriminated by `kind`. */
export const ruleSchema = z.discriminatedUnion('kind', [
  permitRule,
  forbidRule,
  quotaRule,
  consentRule,
  quietHoursRule,
  contentRule,
]);

/** A named period of the contest. */
const phase = z.strictObject({
  label: text.optional(),
  from: localDateTime.optional(),
  to: localDateTime.optional(),
});

/** A channel declared by the charter. */
const channelDeclaration = z.strictObject({
  label: text.optional(),
  contact: z.enum(['phone', 'mobile', 'email', 'none']).default('none').meta({
    description: 'The contact point the channel needs: mobile number, any number, email, or none',
  }),
});

/** The whole charter format. */
export const charterSchema = z.strictObject({
  $schema: z.string().optional().meta({ description: 'The JSON Schema of this file, for editors' }),
  $comment: z.string().optional(),
  id: name,
  title: text,
  description: text.optional(),
  url: text.optional(),
  version: text.optional(),
  locale: z.enum(['fr', 'en']).default('en').meta({ description: 'Language of the explanations' }),
  timezone: name.meta({ description: 'IANA time zone; phases and calendar windows are read in it' }),
  defaultCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166 alpha-2 code such as FR' })
    .optional(),
  defaults: z
    .strictObject({ unlisted: z.enum(['deny', 'review', 'allow']).default('deny') })
    .default({ unlisted: 'deny' }),
  channels: z.record(name, channelDeclaration).default({}).meta({ description: 'Channels beyond the built-in ones' }),
  roles: z.record(name, label).optional().meta({ description: 'Sender roles; when declared, selectors are checked against them' }),
  phases: z.record(name, phase).default({}),
  audiences: z.record(name, label).default({}),
  relays: z.record(name, label).default({}),
  sources: z.record(name, label).default({}),
  rules: z.array(ruleSchema),
});

/** The charter as written: optional fields may be left out. */
export type CharterInput = z.input<typeof charterSchema>;
/** The validated charter data, with defaults filled in. */
export type CharterData = z.output<typeof charterSchema>;
/** One rule of a validated charter. */
export type Rule = z.output<typeof ruleSchema>;
/** One rule as written. */
export type RuleInput = z.input<typeof ruleSchema>;
/** The kind of a rule. */
export type RuleKind = Rule['kind'];
/** A `when`, `unless` or `exempt` selector. */
export type Selector = z.output<typeof selectorSchema>;
/** A rule that allows the sends it selects. */
export type PermitRule = z.output<typeof permitRule>;
/** A rule that refuses the sends it selects; it overrides every permit. */
export type ForbidRule = z.output<typeof forbidRule>;
/** A rule that caps how many mailings or deliveries a key may use in a window. */
export type QuotaRule = z.output<typeof quotaRule>;
/** A rule that requires a consent record for the channel. */
export type ConsentRule = z.output<typeof consentRule>;
/** A rule that allows sends only inside windows of the recipient's local time. */
export type QuietHoursRule = z.output<typeof quietHoursRule>;
/** A rule on the text of a message. */
export type ContentRule = z.output<typeof contentRule>;
/** A quota's counting window. */
export type QuotaWindow = z.output<typeof quotaWindow>;
/** One allowed window of a quiet-hours rule. */
export type QuietWindow = z.output<typeof quietWindow>;
/** A named phase of the contest: `[from, to)` in the charter time zone. */
export type Phase = z.output<typeof phase>;
/** The label of an audience, relay, source or role. */
export type Labelled = z.output<typeof label>;
/** A channel the charter declares beyond the built-in ones. */
export type ChannelDeclaration = z.output<typeof channelDeclaration>;
/** A rule's message override: one text, or one per language. */
export type LocalizedText = z.output<typeof localizedText>;
/** A language explanations can be written in. */
export type Locale = CharterData['locale'];
/** A key a quota can be counted per. */
export type QuotaKey = (typeof QUOTA_KEYS)[number];
/** A recipient's relationship with the sender's organisation. */
export type Relationship = (typeof RELATIONSHIPS)[number];
/** A day of the week. */
export type Weekday = (typeof WEEKDAYS)[number];
