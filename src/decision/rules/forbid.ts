import type { ForbidRule } from '../../charter/schema.js';
import type { CompiledCharter, CompiledRule } from '../compile.js';
import { iso, localDateTime } from '../local-format.js';
import { ruleReason } from '../reasons.js';
import { applies, boundedInTime, compileScope, NOT_APPLICABLE, ruleResult, scopeEnd } from './evaluator.js';

/** A forbid refuses what it selects; on `sources` it reports the file the contact came from. */
export function compileForbid(rule: ForbidRule, charter: CompiledCharter): CompiledRule {
  const scope = compileScope(rule, charter);
  const onSources = rule.when?.sources !== undefined;
  const bounded = boundedInTime(scope);
  return {
    rule,
    id: rule.id,
    article: rule.article,
    grants: false,
    evaluate(facts, env) {
      if (!applies(scope, facts)) return NOT_APPLICABLE;
      // A forbid's reason says only the source and when the scope ends: kept by those.
      const end = bounded ? scopeEnd(scope, facts, charter) : Infinity;
      const shared = charter.sharedResults;
      const source = onSources ? facts.source : undefined;
      const known = shared.get(env, rule, source, end);
      if (known !== undefined) return known;
      const details: Record<string, unknown> = {};
      if (onSources && facts.source !== undefined) {
        details['source'] = facts.source;
        details['sourceLabel'] = charter.labels.sources.get(facts.source) ?? facts.source;
      }
      // A freeze (inForce with an end, or a phase) is lifted when its scope ends.
      const ends = Number.isFinite(end);
      if (ends) {
        details['until'] = localDateTime(end, charter.timezone);
        details['untilAt'] = iso(end);
      }
      const reason = ruleReason(rule, onSources ? 'FORBIDDEN_SOURCE' : 'FORBIDDEN', rule.effect, details, env);
      return shared.keep(env, rule, source, end, ruleResult(rule.effect === 'review' ? 'review' : 'fail', [reason], undefined, ends ? { next: end } : undefined));
    },
  };
}
