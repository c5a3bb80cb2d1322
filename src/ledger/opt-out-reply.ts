import type { Locale } from '../charter/schema.js';

const ENGLISH = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
const FRENCH = ['ARRET', 'STOP SMS', 'DESABONNER'];
const KEYWORDS: Record<Locale, ReadonlySet<string>> = {
  en: new Set(ENGLISH),
  // French recipients reply in English as often as in French: both count.
  fr: new Set([...ENGLISH, ...FRENCH]),
};

/**
 * Whether an inbound reply asks to stop: the whole reply is one opt-out keyword (STOP,
 * STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT; in French also ARRET, STOP SMS,
 * DESABONNER), in any case, with or without accents, surrounding spaces or a final
 * punctuation mark. "Stop by the office" is not an opt-out.
 *
 * @param text - the reply as received.
 * @param locale - the language of the campaign; `fr` also accepts the English keywords.
 * @returns true when the reply is an opt-out.
 * @example
 * ```ts
 * if (isOptOutReply(sms.body, 'fr')) await ledger.optOut({ phone: sms.from, channel: 'sms' });
 * ```
 */
export function isOptOutReply(text: string, locale: Locale = 'en'): boolean {
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    // Quotes and a final punctuation mark in any order: "Stop." as well as "Stop".
    .replace(/^[\s"'«“]+|[\s"'»”.!?;,…]+$/gu, '')
    .replace(/[\s-]+/gu, ' ')
    .trim();
  const keywords = KEYWORDS[locale] ?? KEYWORDS.en;
  return keywords.has(folded) || keywords.has(folded.replace(/ /g, ''));
}
