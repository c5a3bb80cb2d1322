import type { QuietHoursRule, Weekday } from '../../charter/schema.js';
import { zonesForCountry } from '../../contact/country-zones.js';
import { nextInsideInstant } from '../../time/next-inside-instant.js';
import { compileWeeklyWindows, isInside, isInsideWindows, type CompiledWeeklyWindows } from '../../time/weekly-windows.js';
import type { CompiledCharter, CompiledRule } from '../compile.js';
import { minuteKey } from '../time-key.js';
import { iso, localDateTime } from '../local-format.js';
import { messagesVersion, ruleReason } from '../reasons.js';
import type { SendFacts } from '../send-facts.js';
import { applies, compileScope, NOT_APPLICABLE, PASS, ruleResult, type EvalEnv, type RuleResult, sharedResult } from './evaluator.js';

/** Quiet hours allow sends only inside windows of the recipient's local time. */
export function compileQuietHours(rule: QuietHoursRule, charter: CompiledCharter): CompiledRule {
  const scope = compileScope(rule, charter);
  const windows = compileWeeklyWindows(rule);
  const failing = rule.effect === 'review' ? 'review' : 'fail';
  // Recipients in the same zones in the same minute get the same answer: a campaign's sends
  // share a few zones and, in a plan or a batch, their minute. Kept per minute (see
  // minuteKey), then per zone (or list of zones), in maps dropped whole when full; their
  // reasons frozen and shared.
  const answers = new Map<number, Map<string | readonly string[], Answer>>();
  let answersKept = 0;
  return {
    rule,
    id: rule.id,
    article: rule.article,
    grants: false,
    evaluate(facts, env): RuleResult {
      if (!applies(scope, facts)) return NOT_APPLICABLE;
      const zones = recipientZones(facts, charter, rule.unknownTimezone);
      if ('verdict' in zones) {
        const details = { zones: zones.candidates };
        return ruleResult(zones.verdict === 'review' ? 'review' : 'fail', [ruleReason(rule, 'TIMEZONE_UNKNOWN', zones.verdict, details, env)]);
      }
      // A zone given by the recipient is a new one-element list each time: keyed by its name.
      const key = zones.length === 1 ? zones[0]! : zones;
      const version = messagesVersion();
      // Sends within one minute read the same local minute in every zone: one answer serves them.
      const at = minuteKey(facts.now, charter.minuteAligned);
      let atNow = answers.get(at);
      const known = atNow?.get(key);
      if (known !== undefined && known.silent === env.silent && known.locale === env.locale && known.version === version) return known.result;
      const result = check(zones, facts.now, env);
      if (answersKept >= MAX_ANSWERS) {
        answers.clear();
        answersKept = 0;
        atNow = undefined;
      }
      if (atNow === undefined) answers.set(at, (atNow = new Map()));
      if (!atNow.has(key)) answersKept++;
      atNow.set(key, { silent: env.silent, locale: env.locale, version, result: sharedResult(result) });
      return result;
    },
  };

  function check(zones: readonly string[], now: number, env: EvalEnv): RuleResult {
    for (const zone of zones) {
      if (isInside(windows, now, zone)) continue;
      const next = nextInsideInstant(windows, now, zones);
      // The search for notBefore only reads the time hint: no facts to describe then.
      const details = env.silent === true ? {} : describe(windows, now, zone, next);
      // The end of the rule's own scope, if sooner, is applied to every kind in compile.ts.
      return ruleResult(failing, [ruleReason(rule, 'QUIET_HOURS', rule.effect, details, env)], undefined, { next });
    }
    return PASS;
  }
}

/** A quiet-hours answer, with what it was rendered for. */
interface Answer {
  readonly silent: boolean;
  readonly locale: string;
  readonly version: number;
  readonly result: RuleResult;
}

/** How many (minute, zones) answers a rule keeps before starting afresh. */
const MAX_ANSWERS = 4096;

/**
 * The zones the recipient may be in: theirs when the CRM knows it, else those of their
 * number's (or declared, or the charter's default) country, narrowed by the rule's policy.
 */
function recipientZones(
  facts: SendFacts,
  charter: CompiledCharter,
  policy: QuietHoursRule['unknownTimezone'],
): readonly string[] | { readonly verdict: 'deny' | 'review'; readonly candidates: readonly string[] } {
  if (facts.recipient.timezone !== undefined) return [facts.recipient.timezone];
  const phone = facts.recipient.phone === undefined ? undefined : facts.phone();
  const country = (phone?.ok ? phone.country : undefined) ?? facts.recipient.country ?? charter.defaultCountry;
  const candidates = country === undefined ? [] : zonesForCountry(country);
  if (candidates.length === 1) return candidates;
  switch (policy) {
    case 'strictest':
      return candidates.length > 0 ? candidates : { verdict: 'review', candidates };
    case 'charter':
      return [charter.timezone];
    case 'review':
      return { verdict: 'review', candidates };
    case 'deny':
      return { verdict: 'deny', candidates };
  }
}

/** The facts of a refusal: the recipient's wall clock, the day's windows, the next opening. */
function describe(windows: CompiledWeeklyWindows, now: number, zone: string, next: number | undefined): Record<string, unknown> {
  const reading = isInsideWindows(windows, now, zone);
  const details: Record<string, unknown> = {
    localTime: reading.local.time,
    date: reading.local.date,
    weekday: reading.local.weekday,
    timezone: zone,
    windows: describeDay(windows, reading.local.weekday),
    holiday: reading.holiday,
  };
  if (next !== undefined) {
    details['next'] = localDateTime(next, zone);
    details['nextAt'] = iso(next);
  }
  return details;
}

function describeDay(windows: CompiledWeeklyWindows, day: Weekday): string {
  return windows.days[day].map(([from, to]) => `${clock(from)}–${clock(to)}`).join(', ');
}

function clock(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours < 10 ? '0' : ''}${hours}:${rest < 10 ? '0' : ''}${rest}`;
}
