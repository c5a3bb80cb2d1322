// Baseline 2: json-rules-engine with the charter's rules as JSON conditions. Constraint
// rules emit a 'deny' event, permits a 'permit' event; the verdict is charterguard's:
// any deny wins, else a permit allows, else the default (deny). Facts come precomputed
// from facts.mjs (json-rules-engine cannot derive them), so a timing is one `engine.run`.
import jre from 'json-rules-engine';
import { CAMPAIGN, FREEZE, OFFICIAL } from './hand-written.mjs';

const is = (fact, value) => ({ fact, operator: 'equal', value });
const during = ([from, to]) => [
  { fact: 'now', operator: 'greaterThanInclusive', value: from },
  { fact: 'now', operator: 'lessThan', value: to },
];
const deny = (name, all) => ({ name, conditions: { all }, event: { type: 'deny', params: { rule: name } } });
const permit = (name, all) => ({ name, conditions: { all }, event: { type: 'permit', params: { rule: name } } });
const candidate = is('role', 'candidate');

/** The rules: the 3 built-in checks, the 10 rules of paris-2013 + CNIL + SMS permit. */
export const RULES = [
  deny('builtin:contact', [is('contactOk', false)]),
  deny('builtin:opt-out', [is('optedOut', true)]),
  deny('builtin:audience', [is('inAudience', false)]),
  permit('email-preinscrits-via-csp', [is('channel', 'email'), candidate, { fact: 'targets', operator: 'contains', value: 'preRegistered' }, is('via', 'csp'), ...during(OFFICIAL)]),
  deny('quota-preinscrits', [is('channel', 'email'), candidate, { fact: 'targets', operator: 'contains', value: 'preRegistered' }, { fact: 'preAfter', operator: 'greaterThan', value: 3 }]),
  permit('email-adherents-via-csp', [is('channel', 'email'), candidate, { fact: 'targets', operator: 'contains', value: 'members' }, is('via', 'csp'), ...during(CAMPAIGN)]),
  deny('quota-adherents', [is('channel', 'email'), candidate, { fact: 'targets', operator: 'contains', value: 'members' }, { fact: 'membersAfter', operator: 'greaterThan', value: 3 }]),
  deny('pas-de-fichier-des-adherents', [candidate, is('source', 'federationFile')]),
  deny('gel-pendant-le-vote', [candidate, ...during(FREEZE)]),
  permit('sms-adherents', [is('channel', 'sms'), candidate, { fact: 'targets', operator: 'contains', value: 'members' }, ...during(CAMPAIGN)]),
  deny('cnil-consentement-sms', [is('channel', 'sms'), { fact: 'relationship', operator: 'notIn', value: ['member', 'regular'] }, is('consentGranted', false)]),
  deny('cnil-mentions-sms', [is('channel', 'sms'), { any: [is('hasSender', false), is('hasOptOut', false), { fact: 'segments', operator: 'greaterThan', value: 2 }] }]),
  deny('cnil-horaires', [
    { fact: 'channel', operator: 'in', value: ['sms', 'call'] },
    { any: [is('localWeekday', 6), { fact: 'localMinutes', operator: 'lessThan', value: 480 }, { fact: 'localMinutes', operator: 'greaterThanInclusive', value: 1200 }, is('holiday', true)] },
  ]),
];

/** An engine holding the rules (built once, as an integration would). */
export function createJsonRulesEngine() {
  const engine = new jre.Engine(RULES, { allowUndefinedFacts: true });
  return {
    /** 0 allow, 1 deny. */
    async decide(facts) {
      const { events } = await engine.run(facts);
      let permitted = false;
      for (const event of events) {
        if (event.type === 'deny') return 1;
        permitted = true;
      }
      return permitted ? 0 : 1;
    },
  };
}
