export { CharterguardError } from './errors.js';
export { defineCharter, parseCharter, isCharter } from './charter/define-charter.js';
export type { Charter, DeepReadonly, ParseCharterResult } from './charter/define-charter.js';
export { CharterError, formatPath } from './charter/issues.js';
export type { CharterIssue, CharterIssueCode, IssuePath, NonEmptyArray } from './charter/issues.js';
export { charterJsonSchema } from './charter/json-schema.js';
export {
  charterSchema,
  ruleSchema,
  selectorSchema,
  BUILTIN_CHANNELS,
  RELATIONSHIPS,
  QUOTA_KEYS,
  WEEKDAYS,
  RULE_KINDS,
} from './charter/schema.js';
export type {
  Channel,
  CharterData,
  CharterInput,
  ChannelDeclaration,
  ConsentRule,
  ContentRule,
  ForbidRule,
  Labelled,
  Locale,
  LocalizedText,
  PermitRule,
  Phase,
  QuietHoursRule,
  QuietWindow,
  QuotaKey,
  QuotaRule,
  QuotaWindow,
  Relationship,
  Rule,
  RuleInput,
  RuleKind,
  Selector,
  Weekday,
} from './charter/schema.js';
export { messageSchema, recipientSchema } from './decision/inputs.js';
export type { Consent, Message, OptOut, Recipient } from './decision/inputs.js';
