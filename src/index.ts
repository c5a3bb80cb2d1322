export { CharterguardError, LedgerUnavailableError, ReservationExpiredError, SendDeniedError } from './errors.js';
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
export { canSend, assertCanSend } from './decision/can-send.js';
export { explain } from './decision/explain.js';
export type { ExplainOptions } from './decision/explain.js';
export { setDefaultMessages } from './decision/reasons.js';
export { REASON_CODES } from './decision/types.js';
export type {
  CanSendContext,
  Decision,
  QuotaQuery,
  QuotaStatus,
  QuotaUsage,
  Reason,
  ReasonCode,
  RuleCheck,
  UsageView,
  Verdict,
} from './decision/types.js';
export { countSmsSegments, isGsm7 } from './contact/sms-segments.js';
export type { SmsLength } from './contact/sms-segments.js';
export { normalizePhone, SMS_PHONE_TYPES } from './contact/phone.js';
export type { PhoneInfo, PhoneProblem, PhoneType, ValidPhone, InvalidPhone } from './contact/phone.js';
export { normalizeEmail } from './contact/email.js';
export type { EmailInfo, EmailProblem, ValidEmail, InvalidEmail } from './contact/email.js';
export { maskPhone, maskEmail, maskContacts } from './contact/mask.js';
export { zonesForCountry } from './contact/country-zones.js';
export { createLedger } from './ledger/ledger.js';
export type { AuthorizeOptions, Authorization, Ledger, LedgerOptions, ReviewOverride, SuppressionRequest } from './ledger/ledger.js';
export type { Reservation } from './ledger/reservation.js';
export { memoryStore } from './ledger/memory-store.js';
export { isOptOutReply } from './ledger/opt-out-reply.js';
export type {
  AuditEvent,
  CounterState,
  CounterUsage,
  ExpiredReservation,
  LedgerStore,
  QuotaCounter,
  ReservationConflict,
  ReservationOutcome,
  ReservationRequest,
  ReserveRequest,
  ReservedUnit,
  SettleOutcome,
  SettleRequest,
  Snapshot,
  SnapshotRequest,
  SuppressionEntry,
} from './ledger/store.js';
export { checkPlan, checkPlanSync, PlanError } from './plan/check-plan.js';
export type { CheckPlanOptions } from './plan/check-plan.js';
export { formatReport } from './plan/format-report.js';
export type { FormatReportOptions } from './plan/format-report.js';
export { planSchema, planSendSchema } from './plan/plan-schema.js';
export type { Plan, PlanSend } from './plan/plan-schema.js';
export type { PlanIssue } from './plan/validate-plan.js';
export type { PlanQuota, PlanReport, PlanViolation, PlanWarning, RuleCoverage } from './plan/report.js';
