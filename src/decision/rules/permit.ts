import type { PermitRule } from '../../charter/schema.js';
import type { CompiledCharter, CompiledRule } from '../compile.js';
import { iso, localDateTime } from '../local-format.js';
import { ruleReason } from '../reasons.js';
import type { SelectorField } from '../selector.js';
import type { SendFacts } from '../send-facts.js';
import { applies, compileScope, misses, NOT_APPLICABLE, type EvalEnv, type RuleScope } from './evaluator.js';

/** A permit allows what it selects; when it does not apply, it may be a near miss. */
export function compilePermit(rule: PermitRule, charter: CompiledCharter): CompiledRule {
  const scope = compileScope(rule, charter);
  return {
    rule,
    id: rule.id,
    article: rule.article,
    grants: true,
    evaluate(facts, env) {
      if (!applies(scope, facts)) return NOT_APPLICABLE;
      return { outcome: 'pass', reasons: [ruleReason(rule, 'PERMITTED', 'allow', {}, env.locale)] };
    },
    nearMiss(facts, env) {
      if (scope.when?.channels !== undefined && !scope.when.channels.has(facts.channel)) return undefined;
      const missed = misses(scope, facts);
      const timeMisses = missed.filter((field) => field === 'phases' || field === 'inForce');
      const otherMisses = missed.filter((field) => field !== 'phases' && field !== 'inForce');
      if (otherMisses.length === 0 && timeMisses.length > 0) return outsidePhase(rule, scope, charter, facts, env);
      if (timeMisses.length > 0 || otherMisses.length !== 1) return undefined;
      const field = otherMisses[0]!;
      if (field === 'via') {
        const relays = [...(scope.when?.via ?? [])].filter((via) => via !== 'direct').map((via) => label(charter, 'via', via));
        const facts_ = { relays, via: facts.via, viaLabel: label(charter, 'via', facts.via) };
        return { reason: ruleReason(rule, 'RELAY_REQUIRED', 'deny', facts_, env.locale) };
      }
      const expected = field === 'unless' ? [] : [...(scope.when?.[field] ?? [])].map((value) => label(charter, field, value));
      const details = field === 'unless' ? { channel: facts.channel, field } : { channel: facts.channel, field, expected, actual: actual(field, facts, charter) };
      return { reason: ruleReason(rule, 'NOT_PERMITTED', 'deny', details, env.locale) };
    },
  };
}

/** The near miss of a permit that fails only on time: which phases, and when it next opens. */
function outsidePhase(rule: PermitRule, scope: RuleScope, charter: CompiledCharter, facts: SendFacts, env: EvalEnv) {
  const phases = scope.when?.phases;
  const ranges = phases === undefined ? [{ from: -Infinity, to: Infinity }] : [...phases].map((name) => charter.phases.get(name)!);
  let next: number | undefined;
  for (const range of ranges) {
    const from = Math.max(range.from, scope.from);
    const to = Math.min(range.to, scope.to);
    if (from < to && to > facts.now) next = Math.min(next ?? Infinity, Math.max(from, facts.now));
  }
  const names = phases === undefined ? [period(rule, charter)] : [...phases].map((name) => charter.labels.phases.get(name) ?? name);
  const details: Record<string, unknown> = {
    phases: names,
    localTime: localDateTime(facts.now, charter.timezone),
    timezone: charter.timezone,
  };
  if (next !== undefined) {
    details['next'] = localDateTime(next, charter.timezone);
    details['nextAt'] = iso(next);
  }
  return { reason: ruleReason(rule, 'OUTSIDE_PHASE', 'deny', details, env.locale), next };
}

function period(rule: PermitRule, charter: CompiledCharter): string {
  const from = rule.inForce?.from;
  const to = rule.inForce?.to;
  const format = (local: string | undefined) => (local === undefined ? '…' : local.replace('T', ' '));
  return `${format(from)} – ${format(to)} (${charter.timezone})`;
}

function actual(field: SelectorField, facts: SendFacts, charter: CompiledCharter): string[] {
  switch (field) {
    case 'channels':
      return [facts.channel];
    case 'senders':
      return [facts.role];
    case 'candidates':
      return [facts.candidate ?? facts.senderId];
    case 'audiences':
      return facts.audiences.map((audience) => label(charter, field, audience));
    case 'phases':
      return facts.phases.map((phase) => label(charter, field, phase));
    case 'via':
      return [label(charter, field, facts.via)];
    case 'sources':
      return facts.source === undefined ? [] : [label(charter, field, facts.source)];
    case 'relationships':
      return facts.relationship === undefined ? [] : [facts.relationship];
  }
}

/** The charter's label for a name, for messages. */
export function label(charter: CompiledCharter, field: SelectorField, name: string): string {
  const map =
    field === 'audiences' ? charter.labels.audiences
    : field === 'phases' ? charter.labels.phases
    : field === 'via' ? charter.labels.relays
    : field === 'sources' ? charter.labels.sources
    : undefined;
  return map?.get(name) ?? name;
}
