import { isPlainAddress } from '../contact/email.js';
import { maskPhone } from '../contact/mask.js';
import { localDateTime } from './local-format.js';
import { checkRecords, type CheckRecords } from './check-lists.js';
import { builtinReason } from './reasons.js';
import type { EvalEnv, RuleResult } from './rules/evaluator.js';
import { PASS, ruleResult } from './rules/evaluator.js';
import type { SendFacts } from './send-facts.js';

/** A check that runs on every send whatever the charter says; it cites the law, not the charter. */
export interface BuiltinCheck {
  readonly id: string;
  evaluate(facts: SendFacts, env: EvalEnv): RuleResult;
}

type ContactCode = 'NO_CONTACT' | 'INVALID_CONTACT' | 'NOT_A_MOBILE';

function contactDenied(code: ContactCode, details: Record<string, unknown>, env: EvalEnv): RuleResult {
  return ruleResult('fail', [builtinReason(code, 'deny', details, env)]);
}

/**
 * A contact point missing or invalid for the channel: the same refusal for every send alike,
 * kept (`problem` is one of a few codes, never what the recipient's field holds).
 */
function contactMissing(code: 'NO_CONTACT' | 'INVALID_CONTACT', channel: string, field: 'email' | 'phone', problem: string | undefined, env: EvalEnv): RuleResult {
  const shared = env.charter.sharedResults;
  // The field is the channel's (email or a phone number): the channel and the problem say it all.
  const known = shared.get(env, code, channel, problem);
  if (known !== undefined) return known;
  const details: Record<string, unknown> = problem === undefined ? { channel, field } : { channel, field, problem };
  return shared.keep(env, code, channel, problem, contactDenied(code, details, env));
}

/** The contact point exists and is valid for the channel (SMS needs a mobile number). */
const contact: BuiltinCheck = {
  id: 'builtin:contact',
  evaluate(facts, env) {
    const kind = env.charter.channels.get(facts.channel) ?? 'none';
    if (kind === 'none') return PASS;
    if (kind === 'email') {
      // A plain address of a valid shape needs nothing more: no normalised form to look up
      // (unless a lasting memo keeps it, read once for all the recipient's sends).
      const raw = facts.recipient.email;
      if (raw !== undefined && !facts.lastingMemo && isPlainAddress(raw)) return PASS;
      const email = facts.email();
      if (email === undefined) return contactMissing('NO_CONTACT', facts.channel, 'email', undefined, env);
      return email.ok ? PASS : contactMissing('INVALID_CONTACT', facts.channel, 'email', email.reason, env);
    }
    const phone = facts.phone();
    if (phone === undefined) return contactMissing('NO_CONTACT', facts.channel, 'phone', undefined, env);
    if (!phone.ok) return contactMissing('INVALID_CONTACT', facts.channel, 'phone', phone.reason, env);
    if (kind === 'mobile' && !phone.canReceiveSms) {
      // Every text to this number gets this refusal: kept per number (its type goes with it).
      const kept = env.charter.contactResults;
      const known = kept.get(env, 'NOT_A_MOBILE', facts.channel, phone.e164);
      if (known !== undefined) return known;
      const details = { channel: facts.channel, masked: maskPhone(phone.e164), type: phone.type ?? 'UNKNOWN' };
      return kept.keep(env, 'NOT_A_MOBILE', facts.channel, phone.e164, contactDenied('NOT_A_MOBILE', details, env));
    }
    return PASS;
  },
};

/** Opt-outs recorded on the recipient are honoured, unless a later consent lifted them. */
const optOut: BuiltinCheck = {
  id: 'builtin:opt-out',
  evaluate(facts, env) {
    const state = facts.consent();
    const at = state.optedOutAt;
    if (at === -Infinity || state.granted) return PASS;
    // The record that opted out: its instant, read with the recipient, is `at`.
    const { optOuts = [], optOutTimes } = facts.recipient;
    let channel = facts.channel;
    for (let i = 0; i < optOuts.length; i++) {
      if (optOutTimes[i] === at && (optOuts[i]!.channel === facts.channel || optOuts[i]!.channel === 'all')) {
        channel = optOuts[i]!.channel;
        break;
      }
    }
    // The refusal says only the record's channel and instant: kept by those.
    const kept = env.charter.contactResults;
    const known = kept.get(env, 'OPTED_OUT', channel, at);
    if (known !== undefined) return known;
    const details = { channel, at: localDateTime(at, env.charter.timezone) };
    return kept.keep(env, 'OPTED_OUT', channel, at, ruleResult('fail', [builtinReason('OPTED_OUT', 'deny', details, env)]));
  },
};

/** A message aimed at an audience only goes to recipients of that audience. */
const audience: BuiltinCheck = {
  id: 'builtin:audience',
  evaluate(facts, env) {
    const target = facts.message.audience;
    if (target === undefined || (facts.recipient.audiences ?? []).includes(target)) return PASS;
    // Every recipient outside the audience gets the same refusal: kept per audience.
    const shared = env.charter.sharedResults;
    const known = shared.get(env, 'NOT_IN_AUDIENCE', target, undefined);
    if (known !== undefined) return known;
    const details = { audience: target, audienceLabel: env.charter.labels.audiences.get(target) ?? target };
    return shared.keep(env, 'NOT_IN_AUDIENCE', target, undefined, ruleResult('fail', [builtinReason('NOT_IN_AUDIENCE', 'deny', details, env)]));
  },
};

/** The built-in checks, in the order they are reported. */
export const BUILTIN_CHECKS: readonly BuiltinCheck[] = [contact, optOut, audience];

/** Their entries in `Decision.checks`, shared by every decision. */
export const BUILTIN_RECORDS: readonly CheckRecords[] = BUILTIN_CHECKS.map((check) => checkRecords(check.id, undefined));
