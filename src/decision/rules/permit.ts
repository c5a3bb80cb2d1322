import type { PermitRule } from '../../charter/schema.js';
import type { CompiledCharter, CompiledRule, Interval } from '../compile.js';
import { iso, localDateTime } from '../local-format.js';
import { ruleReason, sharedRuleReason } from '../reasons.js';
import { matches, mismatchedFields, type SelectorField } from '../selector.js';
import type { SendFacts } from '../send-facts.js';
import type { Reason } from '../types.js';
import { applies, compileScope, inForce, NOT_APPLICABLE, type RuleResult, ruleResult, type EvalEnv, type RuleScope } from './evaluator.js';

/** A permit allows what it selects; when it does not apply, it may be a near miss. */
export function compilePermit(rule: PermitRule, charter: CompiledCharter): CompiledRule {
  const scope = compileScope(rule, charter);
  const unlessTimed = scope.unless?.phases !== undefined;
  const permitted = sharedRuleReason(rule, 'PERMITTED', 'allow');
  let passReason: Reason | undefined;
  let passResult: RuleResult | undefined;
  return {
    rule,
    id: rule.id,
    article: rule.article,
    grants: true,
    evaluate(facts, env) {
      if (!applies(scope, facts)) return NOT_APPLICABLE;
      const reason = permitted(env);
      // The shared reason gives a shared result: one object for every send the permit allows.
      if (reason !== passReason) {
        passReason = reason;
        passResult = Object.freeze(ruleResult('pass', Object.freeze([reason])));
      }
      return passResult!;
    },
    nearMiss(facts, env) {
      if (scope.when?.channels !== undefined && !scope.when.channels.has(facts.channel)) return undefined;
      // Counted, not listed: this runs for every permit of every unpermitted send.
      let timeMisses = inForce(scope, facts.now) ? 0 : 1;
      let otherMisses = 0;
      let field: Exclude<SelectorField, 'phases'> | 'unless' = 'channels';
      const when = scope.when;
      if (when !== undefined) {
        const { present, tests } = when;
        for (let i = 0; i < tests.length; i++) {
          if (tests[i]!(facts)) continue;
          const missed = present[i]!;
          if (missed === 'phases') timeMisses++;
          else {
            otherMisses++;
            field = missed;
          }
        }
      }
      // An `unless` that carves the send out only during some phases is lifted by time too.
      if (scope.unless !== undefined && matches(scope.unless, facts)) {
        if (unlessTimed) timeMisses++;
        else {
          otherMisses++;
          field = 'unless';
        }
      }
      if (otherMisses === 0 && timeMisses > 0) return outsidePhase(rule, scope, charter, facts, env);
      if (timeMisses > 0 || otherMisses !== 1) return undefined;
      if (field === 'via') {
        const wanted = scope.when?.via ?? new Set<string>();
        const relays = [...wanted].filter((via) => via !== 'direct').map((via) => label(charter, 'via', via));
        // `direct`: whether sending without a relay would do, so the message can say so.
        const facts_ = { relays, direct: wanted.has('direct'), via: facts.via, viaLabel: label(charter, 'via', facts.via) };
        return { reason: ruleReason(rule, 'RELAY_REQUIRED', 'deny', facts_, env, { ownMessage: false }) };
      }
      const expected = field === 'unless' ? [] : [...(scope.when?.[field] ?? [])].map((value) => label(charter, field, value));
      const details = field === 'unless' ? { channel: facts.channel, field } : { channel: facts.channel, field, expected, actual: actual(field, facts, charter) };
      return { reason: ruleReason(rule, 'NOT_PERMITTED', 'deny', details, env, { ownMessage: false }) };
    },
  };
}

/** The near miss of a permit that fails only on time: which phases, and when it next opens. */
function outsidePhase(rule: PermitRule, scope: RuleScope, charter: CompiledCharter, facts: SendFacts, env: EvalEnv) {
  const phases = scope.when?.phases;
  const ranges = phases === undefined ? [{ from: -Infinity, to: Infinity }] : [...phases].map((name) => charter.phases.get(name)!);
  const carved = carvedPhases(scope, facts, charter);
  let next: number | undefined;
  for (const range of ranges) {
    const to = Math.min(range.to, scope.to);
    const open = firstUncovered(Math.max(range.from, scope.from, facts.now), carved);
    if (open < to) next = Math.min(next ?? Infinity, open);
  }
  // Only `next` and the code are read when searching for notBefore: no facts to describe.
  if (env.silent === true) return { reason: ruleReason(rule, 'OUTSIDE_PHASE', 'deny', {}, env), next };
  const names = phases !== undefined ? [...phases].map((name) => charter.labels.phases.get(name) ?? name) : rule.inForce !== undefined ? [period(rule, charter)] : [];
  const details: Record<string, unknown> = {
    phases: names,
    localTime: localDateTime(facts.now, charter.timezone),
    timezone: charter.timezone,
  };
  if (carved.length > 0) details['except'] = [...(scope.unless?.phases ?? [])].map((name) => charter.labels.phases.get(name) ?? name);
  if (next !== undefined) {
    details['next'] = localDateTime(next, charter.timezone);
    details['nextAt'] = iso(next);
  }
  return { reason: ruleReason(rule, 'OUTSIDE_PHASE', 'deny', details, env, { ownMessage: false }), next };
}

/** The phases of `unless` that carve this send out while they last: those of an `unless` whose other fields match. */
function carvedPhases(scope: RuleScope, facts: SendFacts, charter: CompiledCharter): Interval[] {
  const phases = scope.unless?.phases;
  if (phases === undefined || !mismatchedFields(scope.unless, facts).every((field) => field === 'phases')) return [];
  return [...phases].map((name) => charter.phases.get(name)!);
}

/** The first instant from `at` inside none of the intervals. */
function firstUncovered(at: number, intervals: readonly Interval[]): number {
  let time = at;
  for (let moved = true; moved; ) {
    moved = false;
    for (const range of intervals) {
      if (range.from <= time && time < range.to) {
        time = range.to;
        moved = true;
      }
    }
  }
  return time;
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
