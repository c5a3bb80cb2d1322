import type { QuotaKey, QuotaRule } from '../../charter/schema.js';
import { instantToLocal } from '../../time/zoned-time.js';
import { daysFromCivil, formatDays, weekdayOfDays } from '../../time/civil-days.js';
import type { CompiledCharter, CompiledRule } from '../compile.js';
import { masked } from '../masked-text.js';
import { ruleReason } from '../reasons.js';
import type { SendFacts } from '../send-facts.js';
import type { QuotaQuery, QuotaStatus } from '../types.js';
import { applies, compileScope, NOT_APPLICABLE, ruleResult, type RuleResult } from './evaluator.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** A quota counts units per key over a window, reading usage from the ledger. */
export function compileQuota(rule: QuotaRule, charter: CompiledCharter): CompiledRule {
  const scope = compileScope(rule, charter);
  const window = rule.window;
  const phase = typeof window === 'object' && 'phase' in window ? charter.phases.get(window.phase) : undefined;
  const rollingMs = typeof window === 'object' && 'rolling' in window ? durationMs(window.rolling) : undefined;
  const audienceFilter = scope.when?.audiences;
  // Name the audience only when the count is about one; otherwise it covers every audience.
  const perAudience = rule.per.includes('audience') || audienceFilter !== undefined;
  // Windows that do not depend on the instant have one bucket: name it once.
  const fixedBucket = window === 'charter' || 'phase' in window || 'rolling' in window ? bucket(rule, 0, charter) : undefined;
  const selects = (facts: SendFacts) => applies(scope, facts) && (phase === undefined || (phase.from <= facts.now && facts.now < phase.to));
  const counterKey = (facts: SendFacts, audience: string | undefined) => {
    let key = '';
    for (const part of rule.per) key += `${part}=${encode(keyValue(part, facts, audience))}|`;
    return key + (fixedBucket ?? bucket(rule, facts.now, charter));
  };
  // The key as decisions show it: each value masked before encoding, so a number written
  // with spaces or a '+' cannot slip through as percent-escapes. Display only.
  const shownKey = (facts: SendFacts, audience: string | undefined, key: string) => {
    let shown = '';
    let changed = false;
    for (const part of rule.per) {
      const value = keyValue(part, facts, audience);
      const safe = masked(value);
      changed ||= safe !== value;
      shown += `${part}=${safe === value ? encode(value) : safe}|`;
    }
    return changed ? shown + (fixedBucket ?? bucket(rule, facts.now, charter)) : key;
  };
  // A mailing's deliveries ask the same counter at the same instant in turn: the last query,
  // frozen, serves them all.
  let lastQuery: QuotaQuery | undefined;
  const queryFor = (facts: SendFacts, key: string): QuotaQuery => {
    const last = lastQuery;
    if (last !== undefined && last.key === key && last.now === facts.now && last.messageId === facts.message.id) return last;
    const query: QuotaQuery = { ruleId: rule.id, key, count: rule.count, messageId: facts.message.id, now: facts.now };
    return (lastQuery = Object.freeze(rollingMs === undefined ? query : { ...query, since: facts.now - rollingMs }));
  };
  // Consecutive decisions mostly share a mailing, hence the key's values: the last key (and
  // how decisions show it) is kept and reused while they are the same strings.
  const parts = rule.per.length;
  const lastValues: string[] = new Array<string>(parts).fill('');
  let lastKey: string | undefined;
  let lastShown = '';
  // Sets `lastKey` and `lastShown` (no pair to allocate on every decision).
  const keysFor = (facts: SendFacts, audience: string | undefined): void => {
    let same = lastKey !== undefined && fixedBucket !== undefined;
    for (let i = 0; i < parts; i++) {
      const value = keyValue(rule.per[i]!, facts, audience);
      if (value !== lastValues[i]) {
        same = false;
        lastValues[i] = value;
      }
    }
    if (!same) {
      const key = counterKey(facts, audience);
      lastShown = shownKey(facts, audience, key);
      lastKey = key;
    }
  };
  // A pass reads the same counter at the same count for many sends in a row (a mailing's
  // recipients, before the ledger moves): the last one's result, frozen, serves them all.
  const statusOf = (shown: string, used: number, consumes: 0 | 1): QuotaStatus => ({ ruleId: rule.id, key: shown, used, limit: rule.limit, remaining: Math.max(0, rule.limit - used), consumes });
  let lastPass: RuleResult | undefined;
  const passOf = (shown: string, used: number, consumes: 0 | 1): RuleResult => {
    const kept = lastPass?.quota;
    if (kept !== undefined && kept.key === shown && kept.used === used && kept.consumes === consumes) return lastPass!;
    return (lastPass = Object.freeze(ruleResult('pass', undefined, Object.freeze(statusOf(shown, used, consumes)))));
  };
  return {
    rule,
    id: rule.id,
    article: rule.article,
    grants: false,
    quotaQuery(facts) {
      if (!selects(facts)) return undefined;
      // The same key cache as `evaluate`: a batch's recipients mostly share the key's values.
      keysFor(facts, facts.message.audience ?? firstAudience(facts.audiences, audienceFilter));
      return queryFor(facts, lastKey!);
    },
    evaluate(facts, env) {
      if (!selects(facts)) return NOT_APPLICABLE;
      const audience = facts.message.audience ?? firstAudience(facts.audiences, audienceFilter);
      // CRM ids can be emails or numbers: the key the decision shows is masked; the ledger reads the real one.
      keysFor(facts, audience);
      const key = lastKey!;
      const shown = lastShown;
      const audienceLabel = audience === undefined || !perAudience ? undefined : (charter.labels.audiences.get(audience) ?? audience);
      if (env.usage === undefined) {
        const details = { limit: rule.limit, count: rule.count, key: shown, ...(audienceLabel === undefined ? {} : { audienceLabel }) };
        return ruleResult('review', [ruleReason(rule, 'QUOTA_UNKNOWN', 'review', details, env)]);
      }
      const usage = env.usage.quota(queryFor(facts, key));
      const consumes = rule.count === 'messages' && usage.counted ? 0 : 1;
      // A later delivery of a mailing already counted consumes nothing, even past an approved overrun.
      if (consumes === 0 || usage.used + consumes <= rule.limit) return passOf(shown, usage.used, consumes);
      const quota = statusOf(shown, usage.used, consumes);
      const details = { used: usage.used, limit: rule.limit, count: rule.count, key: shown, ...(audienceLabel === undefined ? {} : { audienceLabel }) };
      return ruleResult(rule.effect === 'review' ? 'review' : 'fail', [ruleReason(rule, 'QUOTA_EXCEEDED', rule.effect, details, env)], quota);
    },
  };
}

function keyValue(part: QuotaKey, facts: SendFacts, audience: string | undefined): string {
  switch (part) {
    case 'sender':
      return facts.senderId;
    case 'candidate':
      return facts.candidate ?? facts.senderId;
    case 'recipient':
      return facts.recipient.id;
    case 'audience':
      return audience ?? '*';
    case 'channel':
      return facts.channel;
  }
}

/** The window a send falls in: calendar windows are read in the charter's time zone. */
function bucket(rule: QuotaRule, now: number, charter: CompiledCharter): string {
  const window = rule.window;
  if (window === 'charter') return 'charter';
  if ('phase' in window) return `phase=${encode(window.phase)}`;
  if ('rolling' in window) return `rolling=${window.rolling}`;
  const local = instantToLocal(now, charter.timezone);
  const days = daysFromCivil(local.year, local.month, local.day);
  switch (window.calendar) {
    case 'day':
      return `day=${formatDays(days)}`;
    case 'week':
      return `week=${formatDays(days - weekdayOfDays(days))}`;
    case 'month':
      return `month=${formatDays(days).slice(0, 7)}`;
  }
}

function durationMs(text: string): number {
  const unit = text[text.length - 1] as keyof typeof UNIT_MS;
  return Number(text.slice(0, -1)) * UNIT_MS[unit];
}

function encode(value: string): string {
  return isKeySafe(value) ? value : encodeURIComponent(value);
}

/** Whether `value` matches `/^[\w.@:-]*$/`, written as a loop: it runs for every part of every key. */
function isKeySafe(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const safe =
      (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x3a) || code === 0x5f || code === 0x2e || code === 0x40 || code === 0x2d;
    if (!safe) return false;
  }
  return true;
}

/** The first of the send's audiences the quota counts (any when it names none). */
function firstAudience(audiences: readonly string[], filter: ReadonlySet<string> | undefined): string | undefined {
  for (const name of audiences) if (filter === undefined || filter.has(name)) return name;
  return undefined;
}
