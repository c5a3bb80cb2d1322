// Baseline 3: Cedar (cedar-wasm, the `nodejs` build) with the rules as Cedar policies.
// Cedar's semantics are charterguard's verdict: allow iff some permit applies and no forbid.
// The principal is the sender (attribute `role`), the resource the recipient (`source`,
// `relationship`); the precomputed facts of facts.mjs are the request context. Requests
// (entities + context) are built before timing; a timing is one authorization call.
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { CAMPAIGN, FREEZE, OFFICIAL } from './hand-written.mjs';

const during = ([from, to]) => `context.now >= ${from} && context.now < ${to}`;
const byCandidate = 'principal.role == "candidate"';

/** The policies, one per rule and built-in check. */
export const POLICIES = `
@id("builtin:contact") forbid (principal, action, resource) unless { context.contactOk };
@id("builtin:opt-out") forbid (principal, action, resource) when { context.optedOut };
@id("builtin:audience") forbid (principal, action, resource) unless { context.inAudience };
@id("email-preinscrits-via-csp") permit (principal, action == Action::"send", resource) when {
  context.channel == "email" && ${byCandidate} && context.targets.contains("preRegistered") && context.via == "csp" && ${during(OFFICIAL)} };
@id("quota-preinscrits") forbid (principal, action, resource) when {
  context.channel == "email" && ${byCandidate} && context.targets.contains("preRegistered") && context.preAfter > 3 };
@id("email-adherents-via-csp") permit (principal, action == Action::"send", resource) when {
  context.channel == "email" && ${byCandidate} && context.targets.contains("members") && context.via == "csp" && ${during(CAMPAIGN)} };
@id("quota-adherents") forbid (principal, action, resource) when {
  context.channel == "email" && ${byCandidate} && context.targets.contains("members") && context.membersAfter > 3 };
@id("pas-de-fichier-des-adherents") forbid (principal, action, resource) when { ${byCandidate} && resource.source == "federationFile" };
@id("gel-pendant-le-vote") forbid (principal, action, resource) when { ${byCandidate} && ${during(FREEZE)} };
@id("sms-adherents") permit (principal, action == Action::"send", resource) when {
  context.channel == "sms" && ${byCandidate} && context.targets.contains("members") && ${during(CAMPAIGN)} };
@id("cnil-consentement-sms") forbid (principal, action, resource) when {
  context.channel == "sms" && !(["member", "regular"].contains(resource.relationship)) && !context.consentGranted };
@id("cnil-mentions-sms") forbid (principal, action, resource) when {
  context.channel == "sms" && (!context.hasSender || !context.hasOptOut || context.segments > 2) };
@id("cnil-horaires") forbid (principal, action, resource) when {
  ["sms", "call"].contains(context.channel) &&
  (context.localWeekday == 6 || context.localMinutes < 480 || context.localMinutes >= 1200 || context.holiday) };
`;

const POLICY_SET_ID = 'charter';
const ACTION = { type: 'Action', id: 'send' };

/** Checks the policies parse, and preparses them for the stateful call. */
export function createCedar() {
  const parsed = cedar.checkParsePolicySet({ staticPolicies: POLICIES });
  if (parsed.type !== 'success') throw new Error(`cedar policies: ${JSON.stringify(parsed.errors)}`);
  const preparsed = cedar.preparsePolicySet(POLICY_SET_ID, { staticPolicies: POLICIES });
  if (preparsed.type !== 'success') throw new Error(`cedar preparse: ${JSON.stringify(preparsed.errors)}`);
  const policies = { staticPolicies: POLICIES };
  const verdict = (answer) => {
    if (answer.type !== 'success') throw new Error(`cedar: ${JSON.stringify(answer.errors)}`);
    return answer.response.decision === 'allow' ? 0 : 1;
  };
  return {
    cedarVersion: cedar.getCedarVersion(),
    /** The entities and context of one send, as Cedar's JSON wants them. */
    request(m, r, facts) {
      const { source, relationship, role, ...context } = facts;
      const principal = { type: 'Sender', id: m.sender.id };
      const resource = { type: 'Recipient', id: r.id };
      const entities = [
        { uid: principal, attrs: { role }, parents: [] },
        { uid: resource, attrs: { source, relationship }, parents: [] },
      ];
      return { principal, action: ACTION, resource, context, entities };
    },
    /** `isAuthorized`: the policy text is parsed on every call (the plain API). */
    isAuthorized: (request) => verdict(cedar.isAuthorized({ ...request, policies })),
    /** `statefulIsAuthorized`: policies preparsed once, what a long-running service would use. */
    statefulIsAuthorized: (request) => verdict(cedar.statefulIsAuthorized({ ...request, preparsedPolicySetId: POLICY_SET_ID })),
  };
}
