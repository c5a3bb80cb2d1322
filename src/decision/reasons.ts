import type { Locale, LocalizedText, Rule } from '../charter/schema.js';
import { masked } from './masked-text.js';
import { CharterguardError } from '../errors.js';
import type { Catalog, RuleLabel } from './messages/catalog.js';
import { text } from './messages/catalog.js';
import { en } from './messages/en.js';
import { fr } from './messages/fr.js';
import { REASON_CODES, type Reason, type ReasonCode, type Verdict } from './types.js';

const CATALOGS: Readonly<Record<Locale, Catalog>> = { en, fr };
/** The legal source a built-in check cites, per language. */
const BUILTIN_LAWS: Partial<Record<ReasonCode, Readonly<Record<Locale, string>>>> = {
  OPTED_OUT: { fr: 'RGPD art. 21', en: 'GDPR Art. 21' },
};
const overrides: Record<Locale, Partial<Record<ReasonCode, string>>> = { en: {}, fr: {} };
/** Bumped by every `setDefaultMessages`: sentences rendered before then are stale. */
let overridesVersion = 0;

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
  overridesVersion++;
}

/** The sentence for a reason: the rule's own message, else a global override, else the default; contacts masked. */
export function renderMessage(
  code: ReasonCode,
  facts: Readonly<Record<string, unknown>>,
  locale: Locale,
  rule: RuleLabel & { readonly message?: LocalizedText | undefined } = {},
): string {
  const own = rule.message === undefined ? undefined : typeof rule.message === 'string' ? rule.message : rule.message[locale];
  const template = own ?? overrides[locale][code];
  // Facts and charter texts can carry what someone typed (a sender name, a recipient id that
  // is an email, a label): every value a sentence quotes goes through `text`, which masks it.
  return template !== undefined ? interpolate(masked(template), facts, rule) : CATALOGS[locale][code](facts, rule);
}

/**
 * The language a reason is told in: a locale, or an evaluation's environment, which may be
 * `silent` when only the outcome is read (the search for `notBefore`): then messages are
 * left empty instead of rendered.
 */
export type Voice = Locale | { readonly locale: Locale; readonly silent?: boolean | undefined };

/** A reason given by a charter rule. */
export function ruleReason(
  rule: Rule,
  code: ReasonCode,
  verdict: Verdict,
  facts: Record<string, unknown>,
  voice: Voice,
  { ownMessage = true }: { ownMessage?: boolean } = {},
): Reason {
  // A rule's own `message` explains what the rule gives; a permit's near miss is not that.
  const label = ownMessage ? rule : { id: rule.id, title: rule.title, article: rule.article };
  const reason: Reason = { code, verdict, ruleId: rule.id, message: say(code, facts, voice, label), facts };
  if (rule.article !== undefined) reason.article = rule.article;
  if (rule.title !== undefined) reason.title = rule.title;
  if (rule.law !== undefined) reason.law = rule.law;
  return reason;
}

/** Changes whenever `setDefaultMessages` does: a reason rendered under another version is stale. */
export function messagesVersion(): number {
  return overridesVersion;
}

/**
 * A reason without facts that a rule gives again and again (a permit's `PERMITTED`): built
 * once per language, frozen, and shared by every decision that gives it, until
 * `setDefaultMessages` changes what its sentence would say.
 */
export function sharedRuleReason(rule: Rule, code: ReasonCode, verdict: Verdict): (voice: Voice) => Reason {
  const made: Partial<Record<Locale, { readonly reason: Reason; readonly version: number }>> = {};
  return (voice) => {
    if (typeof voice !== 'string' && voice.silent === true) return ruleReason(rule, code, verdict, {}, voice);
    const locale = localeOf(voice);
    const known = made[locale];
    if (known !== undefined && known.version === overridesVersion) return known.reason;
    const reason = ruleReason(rule, code, verdict, Object.freeze({}), locale);
    made[locale] = { reason: Object.freeze(reason), version: overridesVersion };
    return reason;
  };
}

/**
 * Freezes reasons (their facts, and the list) that many decisions will share: a kept answer,
 * read by every decision that finds it, must not be changed by one of them.
 */
export function freezeReasons(reasons: readonly Reason[] | undefined): void {
  if (reasons === undefined) return;
  for (const reason of reasons) {
    Object.freeze(reason.facts);
    Object.freeze(reason);
  }
  // The list too: a decision given only these reasons gives this very list.
  Object.freeze(reasons);
}

/** A reason given by a built-in check, which cites the law rather than the charter. */
export function builtinReason(code: ReasonCode, verdict: Verdict, facts: Record<string, unknown>, voice: Voice, law = builtinLaw(code, localeOf(voice))): Reason {
  const reason: Reason = { code, verdict, message: say(code, facts, voice), facts };
  if (law !== undefined) reason.law = law;
  return reason;
}

/** The legal source a built-in check's reason cites in a language, if it cites one. */
export function builtinLaw(code: ReasonCode, locale: Locale): string | undefined {
  return BUILTIN_LAWS[code]?.[locale];
}

function localeOf(voice: Voice): Locale {
  return typeof voice === 'string' ? voice : voice.locale;
}

function say(code: ReasonCode, facts: Readonly<Record<string, unknown>>, voice: Voice, rule?: Parameters<typeof renderMessage>[3]): string {
  if (typeof voice === 'string') return renderMessage(code, facts, voice, rule);
  return voice.silent === true ? '' : renderMessage(code, facts, voice.locale, rule);
}

function interpolate(template: string, facts: Readonly<Record<string, unknown>>, rule: RuleLabel): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (name === 'article') return text(rule.article);
    if (name === 'title') return text(rule.title);
    if (name === 'ruleId') return text(rule.id);
    return name in facts ? text(facts[name]) : whole;
  });
}
