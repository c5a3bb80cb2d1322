import type { Locale, LocalizedText, Rule } from '../charter/schema.js';
import { CharterguardError } from '../errors.js';
import type { Catalog, RuleLabel } from './messages/catalog.js';
import { text } from './messages/catalog.js';
import { en } from './messages/en.js';
import { fr } from './messages/fr.js';
import { REASON_CODES, type Reason, type ReasonCode, type Verdict } from './types.js';

const CATALOGS: Readonly<Record<Locale, Catalog>> = { en, fr };
const overrides: Record<Locale, Partial<Record<ReasonCode, string>>> = { en: {}, fr: {} };

/**
 * Replaces the default explanation of reason codes, for one language, everywhere. A
 * template is plain text with `{fact}` placeholders naming facts of the reason (and
 * `{article}`, `{title}`, `{ruleId}`). A rule's own `message` still wins over these.
 *
 * @param locale - the language the templates are written in.
 * @param templates - a template per reason code; `undefined` restores the default.
 * @example
 * ```ts
 * setDefaultMessages('en', { QUOTA_EXCEEDED: 'Quota reached: {used}/{limit} ({article}).' });
 * ```
 */
export function setDefaultMessages(locale: Locale, templates: Partial<Record<ReasonCode, string | undefined>>): void {
  if (!(locale in overrides)) throw new CharterguardError(`unknown locale '${String(locale)}': use 'fr' or 'en'`);
  for (const [code, template] of Object.entries(templates)) {
    if (!(REASON_CODES as readonly string[]).includes(code)) throw new CharterguardError(`unknown reason code '${code}'`);
    if (template === undefined) delete overrides[locale][code as ReasonCode];
    else overrides[locale][code as ReasonCode] = template;
  }
}

/** The sentence for a reason: the rule's own message, else a global override, else the default. */
export function renderMessage(
  code: ReasonCode,
  facts: Readonly<Record<string, unknown>>,
  locale: Locale,
  rule: RuleLabel & { readonly message?: LocalizedText | undefined } = {},
): string {
  const own = rule.message === undefined ? undefined : typeof rule.message === 'string' ? rule.message : rule.message[locale];
  const template = own ?? overrides[locale][code];
  if (template !== undefined) return interpolate(template, facts, rule);
  return CATALOGS[locale][code](facts, rule);
}

/** A reason given by a charter rule. */
export function ruleReason(rule: Rule, code: ReasonCode, verdict: Verdict, facts: Record<string, unknown>, locale: Locale): Reason {
  const reason: Reason = { code, verdict, ruleId: rule.id, message: renderMessage(code, facts, locale, rule), facts };
  if (rule.article !== undefined) reason.article = rule.article;
  if (rule.title !== undefined) reason.title = rule.title;
  if (rule.law !== undefined) reason.law = rule.law;
  return reason;
}

/** A reason given by a built-in check, which cites the law rather than the charter. */
export function builtinReason(code: ReasonCode, verdict: Verdict, facts: Record<string, unknown>, locale: Locale, law?: string): Reason {
  const reason: Reason = { code, verdict, message: renderMessage(code, facts, locale), facts };
  if (law !== undefined) reason.law = law;
  return reason;
}

function interpolate(template: string, facts: Readonly<Record<string, unknown>>, rule: RuleLabel): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (name === 'article') return rule.article ?? '';
    if (name === 'title') return rule.title ?? '';
    if (name === 'ruleId') return rule.id ?? '';
    return name in facts ? text(facts[name]) : whole;
  });
}
