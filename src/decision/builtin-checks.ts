import { isPlainAddress } from '../contact/email.js';
import { maskPhone } from '../contact/mask.js';
import { localDateTime } from './local-format.js';
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

/** The contact point exists and is valid for the channel (SMS needs a mobile number). */
const contact: BuiltinCheck = {
  id: 'builtin:contact',
  evaluate(facts, env) {
    const kind = env.charter.channels.get(facts.channel) ?? 'none';
    if (kind === 'none') return PASS;
    if (kind === 'email') {
      // A plain address of a valid shape needs nothing more: no normalised form to look up.
      const raw = facts.recipient.email;
      if (raw !== undefined && isPlainAddress(raw)) return PASS;
      const email = facts.email();
      if (email === undefined) return contactDenied('NO_CONTACT', { channel: facts.channel, field: 'email' }, env);
      return email.ok ? PASS : contactDenied('INVALID_CONTACT', { channel: facts.channel, field: 'email', problem: email.reason }, env);
    }
    const phone = facts.phone();
    if (phone === undefined) return contactDenied('NO_CONTACT', { channel: facts.channel, field: 'phone' }, env);
    if (!phone.ok) return contactDenied('INVALID_CONTACT', { channel: facts.channel, field: 'phone', problem: phone.reason }, env);
    if (kind === 'mobile' && !phone.canReceiveSms) {
      return contactDenied('NOT_A_MOBILE', { channel: facts.channel, masked: maskPhone(phone.e164), type: phone.type ?? 'UNKNOWN' }, env);
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
    const details = { channel, at: localDateTime(at, env.charter.timezone) };
    return ruleResult('fail', [builtinReason('OPTED_OUT', 'deny', details, env)]);
  },
};

/** A message aimed at an audience only goes to recipients of that audience. */
const audience: BuiltinCheck = {
  id: 'builtin:audience',
  evaluate(facts, env) {
    const target = facts.message.audience;
    if (target === undefined || (facts.recipient.audiences ?? []).includes(target)) return PASS;
    const details = { audience: target, audienceLabel: env.charter.labels.audiences.get(target) ?? target };
    return ruleResult('fail', [builtinReason('NOT_IN_AUDIENCE', 'deny', details, env)]);
  },
};

/** The built-in checks, in the order they are reported. */
export const BUILTIN_CHECKS: readonly BuiltinCheck[] = [contact, optOut, audience];
