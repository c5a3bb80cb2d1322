import type { ForbidRule } from '../../charter/schema.js';
import type { CompiledCharter, CompiledRule } from '../compile.js';
import { iso, localDateTime } from '../local-format.js';
import { ruleReason } from '../reasons.js';
import { applies, compileScope, NOT_APPLICABLE } from './evaluator.js';

/** A forbid refuses what it selects; on `sources` it reports the file the contact came from. */
export function compileForbid(rule: ForbidRule, charter: CompiledCharter): CompiledRule {
  const scope = compileScope(rule, charter);
  const onSources = rule.when?.sources !== undefined;
  const ends = Number.isFinite(scope.to);
  return {
    rule,
    id: rule.id,
    article: rule.article,
    grants: false,
    evaluate(facts, env) {
      if (!applies(scope, facts)) return NOT_APPLICABLE;
      const details: Record<string, unknown> = {};
      if (onSources && facts.source !== undefined) {
        details['source'] = facts.source;
        details['sourceLabel'] = charter.labels.sources.get(facts.source) ?? facts.source;
      }
      if (ends) {
        details['until'] = localDateTime(scope.to, charter.timezone);
        details['untilAt'] = iso(scope.to);
      }
      const reason = ruleReason(rule, onSources ? 'FORBIDDEN_SOURCE' : 'FORBIDDEN', rule.effect, details, env.locale);
      return {
        outcome: rule.effect === 'review' ? 'review' : 'fail',
        reasons: [reason],
        ...(ends ? { time: { next: scope.to } } : {}),
      };
    },
  };
}
