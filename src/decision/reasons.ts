import { memoize } from '../util/memoize.js';
import type { Locale, LocalizedText, Rule } from '../charter/schema.js';
import { maskContacts } from '../contact/mask.js';
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

/** The sentence for a reason: the rule's own message, else a global override, else the default; contacts masked. */
export function renderMessage(
  code: ReasonCode,
  facts: Readonly<Record<string, unknown>>,
  locale: Locale,
  rule: RuleLabel & { readonly message?: LocalizedText | undefined } = {},
): string {
  const own = rule.message === undefined ? undefined : typeof rule.message === 'string' ? rule.message : rule.message[locale];
  const template = own ?? overrides[locale][code];
  const message = template !== undefined ? interpolate(template, facts, rule) : CATALOGS[locale][code](facts, rule);
  // Facts and charter texts can carry what someone typed (a sender name, a recipient id that
  // is an email, a label): mask them.
  return masked(message);
}

/**
 * `maskContacts(text)`, with the pre-check that keeps it off the hot path, remembered: the
 * same few hundred sentences and quota keys recur across a campaign's decisions.
 */
export function masked(text: string): string {
  // Long texts are rare and would make the memo's memory unbounded in practice: not remembered.
  return text.length > MASKED_TEXT_MAX_LENGTH ? maskNow(text) : maskedText(text);
}

const MASKED_TEXT_MAX_LENGTH = 256;
const maskNow = (text: string): string => (mayHoldContact(text) ? maskContacts(text) : text);
// Sentences quoting per-recipient facts come and go; the memo's bound keeps them from piling up.
const maskedText = memoize(maskNow, 4096);

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
    if (name === 'article') return rule.article ?? '';
    if (name === 'title') return rule.title ?? '';
    if (name === 'ruleId') return rule.id ?? '';
    return name in facts ? text(facts[name]) : whole;
  });
}

/**
 * A cheap, conservative pre-check for `maskContacts`: `false` only when the text has no `@`
 * and no run of 6 or more digits (joined as `maskContacts` joins them), not counting ISO
 * calendar dates (`2013-05-20`), which it leaves alone. When this says `false`,
 * `maskContacts` would return the text unchanged.
 */
export function mayHoldContact(text: string): boolean {
  let digits = 0; // digits in the current run
  let gap = 0; // separators since its last digit
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x40) return true;
    let kind: number;
    if (code >= 0xd800 && code <= 0xdbff) {
      // A surrogate pair is one code point (astral digits exist); rare enough for the regex.
      const char = String.fromCodePoint(text.codePointAt(i) ?? code);
      i += char.length - 1;
      kind = UNICODE_DIGIT.test(char) ? DIGIT : OTHER;
    } else {
      kind = classOf(code);
      if (kind === DIGIT && code < 0x80 && digits === 0 && !RUN_OPENERS.includes(text.charCodeAt(i - 1)) && isoDateAt(text, i)) {
        // maskContacts reads a date that starts a run as a date, and starts afresh after it.
        i += 9;
        gap = 0;
        continue;
      }
    }
    if (kind === DIGIT) {
      gap = 0;
      if (++digits >= 6) return true;
    } else if (!(kind === SEPARATOR && digits > 0 && ++gap <= 2)) {
      digits = 0;
      gap = 0;
    }
  }
  return false;
}

// The separators maskContacts joins digit groups with: space, tab, . - / ( ) and Unicode spaces and dashes.
const ASCII_SEPARATORS = [0x20, 0x09, 0x2e, 0x2d, 0x2f, 0x28, 0x29];
// A run may open with `+`, `＋` or `(` before its first digit: then a date is not read as one.
const RUN_OPENERS = [0x2b, 0xff0b, 0x28];
const UNICODE_SEPARATOR = /^[\u00a0\u2007\u202f\u2010-\u2013]$/u;
const UNICODE_DIGIT = /^\p{Nd}$/u;
const OTHER = 1;
const DIGIT = 2;
const SEPARATOR = 3;
// The class of each UTF-16 code unit (0 = not seen yet), filled on first sight: the same
// regexes decide, but once per distinct character instead of once per occurrence.
const CLASSES = new Uint8Array(0x10000);

function classOf(code: number): number {
  let kind = CLASSES[code] ?? 0;
  if (kind === 0) {
    const char = String.fromCharCode(code);
    kind = UNICODE_DIGIT.test(char) ? DIGIT : ASCII_SEPARATORS.includes(code) || UNICODE_SEPARATOR.test(char) ? SEPARATOR : OTHER;
    CLASSES[code] = kind;
  }
  return kind;
}

/** Whether a valid `YYYY-MM-DD` date, not followed by a digit, starts at `index`. */
function isoDateAt(text: string, index: number): boolean {
  // Most runs are not dates: skip the slice and the regex unless a `-` follows four characters.
  if (text.charCodeAt(index + 4) !== 0x2d) return false;
  const match = ISO_DATE.exec(text.slice(index, index + 12));
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?![\p{Nd}])/u;
