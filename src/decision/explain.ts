import type { Charter } from '../charter/define-charter.js';
import type { Locale } from '../charter/schema.js';
import { maskContacts } from '../contact/mask.js';
import { localDateTime } from './local-format.js';
import { builtinLaw, renderMessage } from './reasons.js';
import type { Decision, Reason } from './types.js';

/** Options of {@link explain}. */
export interface ExplainOptions {
  /** The language of the text; defaults to the decision's. */
  locale?: Locale;
  /** The charter, to show times in its zone and use rules' own messages in another language. */
  charter?: Charter;
}

const HEADINGS = {
  en: { allow: 'ALLOWED', deny: 'DENIED', review: 'NEEDS REVIEW', notBefore: 'Time rules would let it pass from' },
  fr: { allow: 'AUTORISÉ', deny: 'REFUSÉ', review: 'À EXAMINER', notBefore: 'Les règles horaires le permettraient à partir du' },
} as const;

/**
 * Renders a decision as short text for the person sending: the verdict, then one line per
 * reason with its article, the rule's title and the facts. Phone numbers and emails are
 * never shown in full.
 *
 * @param decision - a decision from {@link canSend}.
 * @param options - `locale` to render in another language, `charter` for local times.
 * @returns the text, lines separated by `\n`.
 * @example
 * ```ts
 * console.log(explain(decision, { locale: 'en' }));
 * // DENIED
 * // - Art. 4 — Three emails at most per candidate: 3 of 3 mailings already used for pre-registered voters.
 * ```
 */
export function explain(decision: Decision, options: ExplainOptions = {}): string {
  const locale = options.locale ?? decision.locale;
  const headings = HEADINGS[locale];
  const lines: string[] = [headings[decision.verdict]];
  for (const reason of decision.reasons) lines.push(`- ${line(reason, decision.locale, locale, options.charter)}`);
  if (decision.notBefore !== undefined) {
    const instant = Date.parse(decision.notBefore);
    const when = options.charter ? `${localDateTime(instant, options.charter.timezone)} (${options.charter.timezone})` : decision.notBefore;
    lines.push(`${headings.notBefore} ${when}.`);
  }
  return maskContacts(lines.join('\n'));
}

function line(reason: Reason, decided: Locale, locale: Locale, charter: Charter | undefined): string {
  const rule = reason.ruleId === undefined ? undefined : charter?.rules.find((candidate) => candidate.id === reason.ruleId);
  const message =
    locale === decided
      ? reason.message
      : renderMessage(reason.code, reason.facts, locale, {
          id: reason.ruleId,
          title: reason.title,
          article: reason.article,
          message: rule?.message,
        });
  const source = [reason.article, reason.title].filter((part) => part !== undefined).join(' — ');
  // A built-in check cites the law in the language of the text; a rule's `law` is the charter's own words.
  const cited = (reason.ruleId === undefined ? builtinLaw(reason.code, locale) : undefined) ?? reason.law;
  const law = cited !== undefined && reason.article === undefined ? ` (${cited})` : '';
  return source === '' ? `${message}${law}` : `${source}: ${message}${law}`;
}
