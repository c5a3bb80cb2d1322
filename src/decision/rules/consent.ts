import type { ConsentRule } from '../../charter/schema.js';
import type { CompiledCharter, CompiledRule } from '../compile.js';
import { localDateTime } from '../local-format.js';
import { ruleReason } from '../reasons.js';
import { compileSelector, matches } from '../selector.js';
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
      const state = facts.consent();
      if (state.granted) return PASS;
      // Most refusals say only the channel: kept per rule, channel and (rare) future grant.
      const shared = charter.sharedResults;
      const known = shared.get(env, rule, facts.channel, state.future);
      if (known !== undefined) return known;
      const details: Record<string, unknown> = { channel: facts.channel };
      if (state.future !== undefined) details['grantedAt'] = localDateTime(state.future, charter.timezone);
      return shared.keep(env, rule, facts.channel, state.future, ruleResult(rule.effect === 'review' ? 'review' : 'fail', [ruleReason(rule, 'CONSENT_MISSING', rule.effect, details, env)]));
    },
  };
}
