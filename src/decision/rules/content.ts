import type { ContentRule } from '../../charter/schema.js';
import { countSmsSegments } from '../../contact/sms-segments.js';
import type { CompiledCharter, CompiledRule } from '../compile.js';
import { messagesVersion, ruleReason } from '../reasons.js';
import type { Reason } from '../types.js';
import type { SendFacts } from '../send-facts.js';
import { applies, compileScope, NOT_APPLICABLE, PASS, ruleResult, type EvalEnv, type RuleResult, sharedResult } from './evaluator.js';

/** Content rules check the text: sender named, opt-out keyword, length, forbidden phrases. */
export function compileContent(rule: ContentRule, charter: CompiledCharter): CompiledRule {
  const scope = compileScope(rule, charter);
  const keywords = rule.optOutKeywords ?? DEFAULT_KEYWORDS;
  // Keywords are plain text, escaped: a JSON charter can never inject a pattern.
  // Compared in NFC, so a decomposed `É` (E + U+0301) in the text still matches `É`.
  const keyword = new RegExp(
    `(?<![\\p{L}\\p{M}\\p{N}])(?:${keywords.map((word) => escapeRegExp(word.normalize('NFC'))).join('|')})(?![\\p{L}\\p{M}\\p{N}])`,
    'iu',
  );
  const phrases = (rule.forbiddenPhrases ?? []).map((phrase) => ({ phrase, folded: fold(phrase) }));
  // A mailing's deliveries all read the same text, name and subject: results are kept per
  // text (their reasons frozen and shared) and given again while what they read is the same.
  const results = new Map<string, LastContent>();
  return {
    rule,
    id: rule.id,
    article: rule.article,
    grants: false,
    timeless: true,
    evaluate(facts, env) {
      if (!applies(scope, facts)) return NOT_APPLICABLE;
      const content = facts.message.content;
      const text = content?.text ?? '';
      const name = facts.message.sender.name;
      const subject = content?.subject;
      const mobile = charter.channels.get(facts.channel) === 'mobile';
      const version = messagesVersion();
      const last = results.get(text);
      if (last !== undefined && env.silent !== true && last.name === name && last.subject === subject && last.mobile === mobile && last.locale === env.locale && last.version === version) {
        return last.result;
      }
      const result = check(text, facts, env);
      if (env.silent !== true) {
        if (results.size >= MEMO_LIMIT) results.clear();
        results.set(text, { name, subject, mobile, locale: env.locale, version, result: sharedResult(result) });
      }
      return result;
    },
  };

  function check(text: string, facts: SendFacts, env: EvalEnv): RuleResult {
    const reasons: Reason[] = [];
    const fail = (code: Reason['code'], details: Record<string, unknown>) => reasons.push(ruleReason(rule, code, rule.effect, details, env));
    if (rule.senderIdentification === true) {
      const name = facts.message.sender.name;
      if (name === undefined) fail('CONTENT_MISSING_SENDER', {});
      else if (!fold(text).includes(fold(name))) fail('CONTENT_MISSING_SENDER', { senderName: name });
    }
    if (rule.optOutInstruction === true && !keyword.test(text.normalize('NFC'))) fail('CONTENT_MISSING_OPT_OUT', { keywords });
    if (rule.maxSmsSegments !== undefined && charter.channels.get(facts.channel) === 'mobile') {
      const length = countSmsSegments(text);
      if (length.segments > rule.maxSmsSegments) {
        fail('CONTENT_TOO_LONG', { segments: length.segments, encoding: length.encoding, max: rule.maxSmsSegments });
      }
    }
    if (rule.maxLength !== undefined) {
      const length = codePoints(text);
      if (length > rule.maxLength) fail('CONTENT_TOO_LONG', { length, max: rule.maxLength });
    }
    if (phrases.length > 0) {
      const haystack = fold(`${facts.message.content?.subject ?? ''}\n${text}`);
      for (const { phrase, folded: needle } of phrases) {
        if (haystack.includes(needle)) fail('CONTENT_FORBIDDEN_PHRASE', { phrase });
      }
    }
    if (reasons.length === 0) return PASS;
    return ruleResult(rule.effect === 'review' ? 'review' : 'fail', reasons);
  }
}

interface LastContent {
  readonly name: string | undefined;
  readonly subject: string | undefined;
  readonly mobile: boolean;
  readonly locale: string;
  readonly version: number;
  readonly result: RuleResult;
}

const DEFAULT_KEYWORDS: readonly string[] = Object.freeze(['STOP']);

// How many texts' results a rule keeps: a campaign's mailings, not its recipients.
const MEMO_LIMIT = 64;

/** Case- and spacing-insensitive form for phrase matching. */
function fold(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ');
}

function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff || i + 1 >= text.length) count++;
    else {
      count++;
      i++;
    }
  }
  return count;
}

/** Escapes the syntax characters only: with the `u` flag, escaping anything else (`-`) is a syntax error. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
