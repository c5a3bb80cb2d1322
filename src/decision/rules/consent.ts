import type { ConsentRule } from '../../charter/schema.js';
import type { CompiledCharter, CompiledRule } from '../compile.js';
import { localDateTime } from '../local-format.js';
import { ruleReason } from '../reasons.js';
import { compileSelector, matches } from '../selector.js';
import type { SendFacts } from '../send-facts.js';
import { applies, compileScope, NOT_APPLICABLE, PASS, ruleResult } from './evaluator.js';

/** A consent rule needs a record for the channel, granted before the send and not withdrawn since. */
export function compileConsent(rule: ConsentRule, charter: CompiledCharter): CompiledRule {
  const scope = compileScope(rule, charter);
  const exempt = compileSelector(rule.exempt);
  return {
    rule,
    id: rule.id,
    article: rule.article,
    grants: false,
    timeless: true,
    evaluate(facts, env) {
      if (!applies(scope, facts)) return NOT_APPLICABLE;
      if (exempt !== undefined && matches(exempt, facts)) return PASS;
      const state = consentState(facts);
      if (state.granted) return PASS;
      const details: Record<string, unknown> = { channel: facts.channel };
      if (state.future !== undefined) details['grantedAt'] = localDateTime(state.future, charter.timezone);
      return ruleResult(rule.effect === 'review' ? 'review' : 'fail', [ruleReason(rule, 'CONSENT_MISSING', rule.effect, details, env)]);
    },
  };
}

/**
 * Whether the recipient consented to the channel before `now` without withdrawing: a
 * consent counts unless an opt-out for the channel (or `all`) came after it and before now.
 */
export function consentState(facts: SendFacts): { granted: boolean; future: number | undefined } {
  let latestConsent = -Infinity;
  let future: number | undefined;
  for (const consent of facts.recipient.consents ?? []) {
    if (consent.channel !== facts.channel && consent.channel !== 'all') continue;
    const at = Date.parse(consent.at);
    if (at <= facts.now) latestConsent = Math.max(latestConsent, at);
    else future = Math.min(future ?? Infinity, at);
  }
  if (latestConsent === -Infinity) return { granted: false, future };
  const withdrawn = latestOptOut(facts) >= latestConsent;
  return { granted: !withdrawn, future };
}

/** The latest opt-out for the send's channel (or `all`) at or before now, or -Infinity. */
export function latestOptOut(facts: SendFacts): number {
  let latest = -Infinity;
  for (const optOut of facts.recipient.optOuts ?? []) {
    if (optOut.channel !== facts.channel && optOut.channel !== 'all') continue;
    const at = Date.parse(optOut.at);
    if (at <= facts.now) latest = Math.max(latest, at);
  }
  return latest;
}
