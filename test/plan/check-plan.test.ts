import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clearPhoneCache, phoneCacheSize } from '../../src/contact/phone.js';
import { canSend, checkPlan, checkPlanSync, createLedger, defineCharter, formatReport, PlanError, type Plan, type RuleInput, type UsageView } from '../../src/index.js';
import { charter } from '../../examples/paris-2013/charter.js';
import { quietCharter } from './fixtures.js';

const parisPlan = (): Plan => JSON.parse(readFileSync(new URL('../../examples/paris-2013/plan.json', import.meta.url), 'utf8')) as Plan;
const sender = { id: 'candidate-a', role: 'candidate', candidate: 'candidate-a' };
const voter = (id: string) => ({ id, email: `${id}@example.fr`, audiences: ['preRegistered'], source: 'primaryRegister' });
const mailing = (id: string, at: string) => ({
  at,
  message: { id, channel: 'email', sender, via: 'csp', audience: 'preRegistered' },
  to: { audience: 'preRegistered' },
});

/** The issues of a plan that must be refused. */
function issuesOf(plan: unknown) {
  try {
    checkPlanSync(plan, { charter });
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return (error as PlanError).issues;
  }
  throw new Error('expected the plan to be refused');
}

describe('checkPlan on the 2013 Paris campaign', () => {
  it('finds every violation of the spring 2013 campaign, grouped by article', async () => {
    const report = await checkPlan(parisPlan(), { charter });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatchObject({ sends: 7, deliveries: 20, verdicts: { allow: 11, deny: 9, review: 0 } });
    expect(report.summary.codes).toEqual({ QUOTA_EXCEEDED: 3, CHANNEL_NOT_COVERED: 4, FORBIDDEN_SOURCE: 2, NO_CONTACT: 1, FORBIDDEN: 2, OUTSIDE_PHASE: 2 });
    expect(report.summary.articles).toEqual({ 'Art. 4': 3, 'Art. 6': 2, 'Art. 5': 2, 'Décision du CSP du 1er juin 2013': 2 });
    const fourth = report.violations.filter((violation) => violation.messageId === 'voters-4');
    expect(fourth.map((violation) => violation.recipientId)).toEqual(['voter-1', 'voter-2', 'voter-3']);
    expect(fourth[0]!.reasons).toMatchObject([{ code: 'QUOTA_EXCEEDED', article: 'Art. 4', facts: { used: 3, limit: 3 } }]);
  });

  it('counts a delivery once per article and per code, however many of its reasons cite them', async () => {
    // A fifth mailing to the pre-registered on 31 May: over the quota of Art. 4 and outside its phase.
    const plan = parisPlan();
    const fourth = plan.sends.find((send) => send.message.id === 'voters-4')!;
    plan.sends.push({ ...fourth, at: '2013-05-31T10:00', message: { ...fourth.message, id: 'voters-5' } });
    const report = await checkPlan(plan, { charter });
    const fifth = report.violations.filter((violation) => violation.messageId === 'voters-5');
    expect(fifth).toHaveLength(3);
    expect(fifth[0]!.reasons.filter((reason) => reason.article === 'Art. 4').length).toBeGreaterThan(1);
    expect(report.summary.articles['Art. 4']).toBe(6);
    const refused = report.violations.length;
    for (const count of Object.values(report.summary.codes)) expect(count).toBeLessThanOrEqual(refused);
  });

  it('counts a permit that sends missed only by its phase as exercised, cited by their refusals', async () => {
    // One mailing to the pre-registered, before Art. 4's official campaign opens: only that permit could allow it.
    const early: Plan = { recipients: [voter('v1'), voter('v2')], sends: [mailing('early', '2013-05-10T10:00')] };
    const report = await checkPlan(early, { charter });
    expect(report.violations.every((violation) => violation.reasons.some((reason) => reason.code === 'OUTSIDE_PHASE' && reason.article === 'Art. 4'))).toBe(true);
    const art4 = report.coverage.exercised.find((rule) => rule.article === 'Art. 4' && rule.cited > 0);
    expect(art4).toMatchObject({ pass: 0, fail: 0, review: 0, cited: 2 });
    expect(report.coverage.unreached.map((rule) => rule.ruleId)).not.toContain(art4!.ruleId);
  });

  it('reports the quota counters at the end and the articles the plan exercised', async () => {
    const report = await checkPlan(parisPlan(), { charter });
    expect(report.quotas).toEqual([
      { ruleId: 'quota-adherents', article: 'Art. 5', key: 'candidate=candidate-a|audience=members|charter', used: 1, limit: 3 },
      { ruleId: 'quota-preinscrits', article: 'Art. 4', key: 'candidate=candidate-a|audience=preRegistered|charter', used: 3, limit: 3 },
    ]);
    expect(report.coverage.unreached).toEqual([]);
    expect(report.coverage.exercised.find((rule) => rule.ruleId === 'gel-pendant-le-vote')).toMatchObject({ fail: 2, pass: 0 });
  });

  it('never writes a phone number or email in clear in the report', async () => {
    const text = JSON.stringify(await checkPlan(parisPlan(), { charter }));
    for (const contact of ['06 12 34 56 78', '+33612345678', '612345678', 'adherent.1@example.fr', 'electeur.1@example.fr']) {
      expect(text).not.toContain(contact);
    }
  });
});

/** A charter that permits email and holds `quotas`, knowing what the plan's voters and mailings name. */
const quotaCharter = (quotas: RuleInput[]) =>
  defineCharter({
    id: 'quotas',
    title: 'Quotas',
    timezone: 'Europe/Paris',
    locale: 'en',
    audiences: { preRegistered: {} },
    relays: { csp: {} },
    sources: { primaryRegister: {} },
    rules: [{ id: 'p', kind: 'permit', when: { channels: ['email'] } }, ...quotas],
  });
const DAILY: RuleInput = { id: 'daily', kind: 'quota', limit: 1, count: 'deliveries', per: ['recipient'], window: { rolling: '24h' } };

describe('replay', () => {
  it("reads each recipient's phone once for the plan, leaving the shared phone cache as it was", async () => {
    clearPhoneCache();
    const recipients = Array.from({ length: 50 }, (_, i) => ({ ...voter(`p${i}`), phone: `06 12 34 ${String(i).padStart(2, '0')} 78` }));
    const text = { id: 't', channel: 'sms', sender, via: 'csp', audience: 'preRegistered', content: { text: 'Bonjour. STOP au 36180' } };
    const report = await checkPlan({ recipients, sends: [{ at: '2013-05-14T10:00', message: text, to: { audience: 'preRegistered' } }] }, { charter });
    expect(report.summary.deliveries).toBe(50);
    expect(phoneCacheSize()).toBe(0);
    // Those numbers were read all the same: a decision that reads them through canSend agrees.
    const alone = canSend(text, recipients[7]!, { charter, now: '2013-05-14T10:00:00+02:00' });
    const inPlan = report.violations.filter((violation) => violation.recipientId === 'p7');
    expect(inPlan.map((violation) => violation.reasons.map((reason) => reason.code))).toEqual(alone.allowed ? [] : [alone.reasons.map((reason) => reason.code)]);
    expect(phoneCacheSize()).toBe(1);
  });

  it('reports a rolling counter used once, then never read again, as it stands at the end', async () => {
    // v1's one unit left its 24-hour window two days before the plan's last send.
    const text = (id: string) => ({ id, channel: 'email', sender });
    const report = await checkPlan(
      {
        recipients: [voter('v1'), voter('v2')],
        sends: [
          { at: '2013-05-10T08:00', message: text('m1'), to: ['v1'] },
          { at: '2013-05-12T08:00', message: text('m2'), to: ['v2'] },
        ],
      },
      { charter: quotaCharter([DAILY]) },
    );
    expect(report.quotas.map(({ key, used }) => `${key} ${used}`)).toEqual(['recipient=v1|rolling=24h 0', 'recipient=v2|rolling=24h 1']);
  });

  it('counts rolling windows by when each unit went, and other windows alike, rule by rule', async () => {
    const rolling = quotaCharter([DAILY, { id: 'total', kind: 'quota', limit: 2, count: 'messages', per: ['candidate'], window: 'charter' }]);
    const report = await checkPlan(
      {
        recipients: [voter('v1'), voter('v2')],
        sends: [mailing('a', '2013-05-14T10:00'), mailing('b', '2013-05-14T22:00'), mailing('c', '2013-05-15T10:30'), mailing('d', '2013-05-16T11:00')],
      },
      { charter: rolling },
    );
    // b comes 12 hours after a (refused by the rolling day); c 24½ hours after a; d is the third mailing, over the total of two.
    expect(report.violations.map((violation) => `${violation.messageId}/${violation.recipientId}:${violation.reasons.map((reason) => reason.ruleId).join(',')}`)).toEqual([
      'b/v1:daily',
      'b/v2:daily',
      'd/v1:total',
      'd/v2:total',
    ]);
    // Counters in the order the plan first used them; the rolling ones as they stand at the
    // plan's end (d, refused): c went 24½ hours before, out of the window.
    expect(report.quotas.map(({ ruleId, key, used }) => `${ruleId} ${key} ${used}`)).toEqual([
      'daily recipient=v1|rolling=24h 0',
      'total candidate=candidate-a|charter 2',
      'daily recipient=v2|rolling=24h 0',
    ]);
  });

  it('replays sends in time order whatever order the plan lists them in', async () => {
    const plan: Plan = {
      recipients: [voter('v1')],
      sends: [mailing('late', '2013-05-28T10:00'), mailing('m1', '2013-05-14T10:00'), mailing('m2', '2013-05-15T10:00'), mailing('m3', '2013-05-16T10:00')],
    };
    const report = await checkPlan(plan, { charter });
    expect(report.violations.map((violation) => [violation.send, violation.messageId])).toEqual([[0, 'late']]);
  });

  it('exhausts a quota across sends and counts a mailing once however many recipients it has', async () => {
    const plan: Plan = {
      recipients: [voter('v1'), voter('v2'), voter('v3')],
      sends: ['m1', 'm2', 'm3', 'm4'].map((id, day) => mailing(id, `2013-05-${14 + day}T10:00`)),
    };
    const report = await checkPlan(plan, { charter });
    expect(report.summary.verdicts).toEqual({ allow: 9, deny: 3, review: 0 });
    expect(new Set(report.violations.map((violation) => violation.messageId))).toEqual(new Set(['m4']));
  });

  it('starts from the usage given', async () => {
    const usage: UsageView = { quota: () => ({ used: 2, counted: false }) };
    const plan: Plan = { recipients: [voter('v1')], sends: [mailing('m1', '2013-05-14T10:00'), mailing('m2', '2013-05-15T10:00')] };
    const report = await checkPlan(plan, { charter, usage });
    expect(report.violations.map((violation) => violation.messageId)).toEqual(['m2']);
  });

  it('counts a mailing the usage already holds once, however many of its deliveries the plan adds', async () => {
    // The ledger sent m1 to v1; the plan sends m1 to v2, then m2 and m3: three mailings in all (Art. 4 allows 3).
    const ledger = createLedger({ charter });
    const held = await ledger.authorize(mailing('m1', '').message, voter('v1'), { now: '2013-05-14T09:00:00+02:00' });
    await held.reservation!.commit({ now: '2013-05-14T09:00:10+02:00' });
    const plan: Plan = {
      recipients: [voter('v1'), voter('v2')],
      sends: [{ ...mailing('m1', '2013-05-14T10:00'), to: ['v2'] }, mailing('m2', '2013-05-15T10:00'), mailing('m3', '2013-05-16T10:00'), mailing('m4', '2013-05-17T10:00')],
    };
    const report = await checkPlan(plan, { charter, usage: await ledger.usage({ now: '2013-05-14T09:01:00+02:00' }) });
    expect(report.violations.map((violation) => `${violation.messageId}/${violation.recipientId}:${violation.reasons.map((reason) => reason.code).join(',')}`)).toEqual([
      'm4/v1:QUOTA_EXCEEDED',
      'm4/v2:QUOTA_EXCEEDED',
    ]);
    // The counters at the end say what the ledger and the plan used together.
    expect(report.quotas).toMatchObject([{ article: 'Art. 4', used: 3, limit: 3 }]);
  });

  it('lists the counters deliveries read, not those the search for notBefore looked at', async () => {
    const quiet = quietCharter([{ id: 'day', kind: 'quota', limit: 5, count: 'deliveries', per: ['recipient'], window: { calendar: 'day' } }]);
    const plan: Plan = { recipients: [{ id: 'r1', email: 'r1@example.fr', timezone: 'Europe/Paris' }], sends: [{ at: '2013-05-14T21:00', message: { id: 'm', channel: 'email', sender }, to: ['r1'] }] };
    const usage: UsageView = { quota: () => ({ used: 0, counted: false }) };
    const report = await checkPlan(plan, { charter: quiet, usage });
    expect(report.violations[0]!.notBefore).toBe('2013-05-15T06:00:00.000Z');
    expect(report.quotas.map((quota) => quota.key)).toEqual(['recipient=r1|day=2013-05-14']);
  });

  it('adds the usage given to rolling and delivery counters, and reports the sum at the end', async () => {
    // One earlier unit per counter, and mailing 'old' already counted under every key.
    const usage: UsageView = { quota: (query) => ({ used: 1, counted: query.messageId === 'old' }) };
    const report = await checkPlan(
      {
        recipients: [voter('v1'), voter('v2')],
        sends: [{ ...mailing('old', '2013-05-14T10:00'), to: ['v1'] }, { ...mailing('new', '2013-05-14T11:00'), to: ['v2'] }],
      },
      { charter: quotaCharter([{ id: 'total', kind: 'quota', limit: 2, count: 'messages', per: ['candidate'], window: 'charter' }, { id: 'day', kind: 'quota', limit: 5, count: 'deliveries', per: ['candidate'], window: { rolling: '24h' } }, { id: 'week', kind: 'quota', limit: 2, count: 'messages', per: ['candidate'], window: { rolling: '7d' } }]), usage },
    );
    expect(report.violations).toEqual([]);
    // total and week: 'old' was counted before the plan and is not counted again; 'new' makes two. day: 1 + 2 deliveries.
    expect(report.quotas.map(({ ruleId, used }) => `${ruleId} ${used}`)).toEqual(['total 2', 'day 3', 'week 2']);
  });

  it('refuses the same mailing to the same recipient twice', async () => {
    const plan: Plan = { recipients: [voter('v1')], sends: [mailing('m1', '2013-05-14T10:00'), mailing('m1', '2013-05-15T10:00')] };
    const report = await checkPlan(plan, { charter });
    expect(report.violations).toMatchObject([{ send: 1, reasons: [{ code: 'DUPLICATE_DELIVERY' }] }]);
  });

  it('reports when the time rules would let a refused send pass', async () => {
    const plan: Plan = { recipients: [voter('v1')], sends: [mailing('early', '2013-05-10T10:00')] };
    const report = await checkPlan(plan, { charter });
    // Two near misses: Art. 4 opens on 13 May; Art. 5 is for members only.
    expect(report.violations).toMatchObject([{ reasons: [{ code: 'OUTSIDE_PHASE', article: 'Art. 4' }, { code: 'NOT_PERMITTED', article: 'Art. 5' }], notBefore: '2013-05-12T22:00:00.000Z' }]);
  });

  it('lists rules the plan never reached', async () => {
    const report = await checkPlan({ recipients: [voter('v1')], sends: [mailing('m1', '2013-05-14T10:00')] }, { charter });
    expect(report.ok).toBe(true);
    expect(report.coverage.unreached.map((rule) => rule.ruleId)).toEqual(['email-adherents-via-csp', 'quota-adherents', 'pas-de-fichier-des-adherents', 'gel-pendant-le-vote']);
  });

  it('reads send times with an offset as instants and without one in the charter time zone', async () => {
    // The official campaign opens on 13 May at 00:00 in Paris, 12 May 22:00 UTC.
    const local = await checkPlan({ recipients: [voter('v1')], sends: [mailing('m1', '2013-05-12T23:30')] }, { charter });
    const utc = await checkPlan({ recipients: [voter('v1')], sends: [mailing('m1', '2013-05-12T23:30:00Z')] }, { charter });
    expect(local.violations[0]?.at).toBe('2013-05-12T21:30:00.000Z');
    expect(local.ok).toBe(false);
    expect(utc.ok).toBe(true);
  });

  it('reads a local time the autumn clock change gives twice as its first occurrence', async () => {
    // Paris, 27 October 2013: 02:30 comes at 00:30 UTC (summer time), then again at 01:30 UTC.
    const send = (at: string) => ({ ...mailing('m1', at), to: ['v1'] });
    const twice = await checkPlan({ recipients: [voter('v1')], sends: [send('2013-10-27T02:30'), send('2013-10-27T02:30:00+01:00')] }, { charter });
    expect(twice.violations.map((violation) => violation.at)).toEqual(['2013-10-27T00:30:00.000Z', '2013-10-27T01:30:00.000Z']);
  });

  it('calls onProgress at the end', async () => {
    const calls: [number, number][] = [];
    await checkPlan({ recipients: [voter('v1')], sends: [mailing('m1', '2013-05-14T10:00')] }, { charter, onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([[1, 1]]);
  });
});

  it('shares equal reason lists between violations, and only equal ones', async () => {
    // Before the official campaign: every voter is refused for the same reason.
    const recipients = [voter('v1'), voter('v2'), { ...voter('v3'), email: 'not-an-email' }, { ...voter('v4'), email: 'also-not-one' }];
    const report = await checkPlan({ recipients, sends: [mailing('m1', '2013-05-10T10:00')] }, { charter });
    const [v1, v2, v3, v4] = report.violations;
    expect(v1!.reasons).toBe(v2!.reasons);
    expect(v1!.reasons[0]).toMatchObject({ code: 'OUTSIDE_PHASE' });
    expect(v3!.reasons).not.toBe(v1!.reasons);
    // Same code, different facts (each address fails its own way or the same way): equal content decides.
    expect(v3!.reasons.map((reason) => reason.code)).toContain('INVALID_CONTACT');
    if (JSON.stringify(v3!.reasons) === JSON.stringify(v4!.reasons)) expect(v3!.reasons).toBe(v4!.reasons);
    else expect(v3!.reasons).not.toBe(v4!.reasons);
    for (const violation of report.violations) {
      const usage = { quota: () => ({ used: 0, counted: false }) }; // the plan's first send: nothing used yet
      const alone = canSend(mailing('m1', '2013-05-10T10:00').message, recipients.find((r) => r.id === violation.recipientId)!, { charter, now: violation.at, usage });
      expect(violation.reasons).toEqual(alone.reasons);
    }
  });

  it('does not share lists whose sentences match but whose facts differ', async () => {
    // Two candidates each send a fourth mailing: the same sentence, two different counters.
    const other = { id: 'candidate-b', role: 'candidate', candidate: 'candidate-b' };
    const sends = ['2013-05-14', '2013-05-15', '2013-05-16', '2013-05-17'].flatMap((day, k) => [
      mailing(`a-${k + 1}`, `${day}T10:00`),
      { ...mailing(`b-${k + 1}`, `${day}T11:00`), message: { ...mailing(`b-${k + 1}`, `${day}T11:00`).message, sender: other } },
    ]);
    const report = await checkPlan({ recipients: [voter('v1')], sends }, { charter });
    const [a, b] = report.violations;
    expect([a?.messageId, b?.messageId]).toEqual(['a-4', 'b-4']);
    expect(a!.reasons[0]!.message).toBe(b!.reasons[0]!.message);
    expect(a!.reasons).not.toBe(b!.reasons);
    expect(a!.reasons[0]!.facts['key']).toContain('candidate=candidate-a');
    expect(b!.reasons[0]!.facts['key']).toContain('candidate=candidate-b');
  });

  it('refuses every delivery to a recipient canSend would refuse, with the same reasons, in each language', async () => {
    // The replay checks each recipient once rather than once per delivery: same outcome.
    const recipients = [
      voter('fine'),
      { ...voter('mars'), timezone: 'Mars/Olympus_Mons' },
      { ...voter('unknown-source'), source: 'fichierDuVoisin' },
      { ...voter('typo'), optOuts: [{ channel: 'SMS', at: '2013-05-01T10:00:00+02:00' }] },
      { ...voter('nowhere'), country: 'XX' },
    ];
    const sends = [mailing('m1', '2013-05-14T10:00'), mailing('m2', '2013-05-15T10:00')];
    for (const locale of [undefined, 'fr', 'en'] as const) {
      const report = await checkPlan({ recipients, sends }, locale === undefined ? { charter } : { charter, locale });
      const invalid = report.violations.filter((violation) => violation.reasons[0]?.code === 'INVALID_INPUT');
      expect(invalid.map((violation) => `${violation.messageId}/${violation.recipientId}`)).toEqual([
        'm1/mars', 'm1/unknown-source', 'm1/typo', 'm1/nowhere', 'm2/mars', 'm2/unknown-source', 'm2/typo', 'm2/nowhere',
      ]);
      for (const violation of invalid) {
        const send = sends.find((candidate) => candidate.message.id === violation.messageId)!;
        const recipient = recipients.find((candidate) => candidate.id === violation.recipientId)!;
        const alone = canSend(send.message, recipient, { charter, now: violation.at, ...(locale === undefined ? {} : { locale }) });
        expect(violation.reasons).toEqual(alone.reasons);
      }
      expect(report.violations.some((violation) => violation.recipientId === 'fine')).toBe(false);
    }
  });

describe('plan validation', () => {
  it('masks a suggested recipient id as it masks the unknown one (ids may be contact points)', () => {
    const issues = issuesOf({ recipients: [{ ...voter('x'), id: '+33698765432' }, { ...voter('y'), id: 'alice@example.fr' }], sends: [{ ...mailing('m1', '2013-05-14T10:00'), to: ['+33698765431', 'alice@example.fn'] }] });
    expect(issues).toHaveLength(2);
    for (const issue of issues) expect(issue.message).toMatch(/did you mean/);
    expect(JSON.stringify(issues)).not.toMatch(/698765432|6987654|alice@/);
  });

  it('lists the first hundred unknown ids of a plan and counts the rest per send', () => {
    const recipients = Array.from({ length: 3_000 }, (_, i) => voter(`voter-${i}`));
    const typo = (n: number) => Array.from({ length: n }, (_, i) => `votre-${i}`);
    const issues = issuesOf({
      recipients,
      sends: [
        { ...mailing('m1', '2013-05-14T10:00'), to: ['voter-1', ...typo(60)] },
        { ...mailing('m2', '2013-05-15T10:00'), to: typo(3_000) },
      ],
    });
    expect(issues.filter((issue) => issue.message.startsWith('unknown recipient'))).toHaveLength(100);
    expect(issues.filter((issue) => issue.message.includes('did you mean'))).toHaveLength(20);
    expect(issues.at(-1)).toEqual({ path: ['sends', 1, 'to'], message: "2960 more unknown recipient ids in this send (the plan's first 100 are listed)" });
    expect(issues).toHaveLength(101);
  });

  it('warns of sends that reach nobody and of audiences the charter does not declare, refusing nothing for it', async () => {
    const report = await checkPlan(
      {
        recipients: [voter('v1'), { ...voter('v2'), audiences: ['preRegistred', 'volunteers'] }, { ...voter('v3'), audiences: ['preRegistred'] }],
        sends: [mailing('m1', '2013-05-14T10:00'), { ...mailing('m2', '2013-05-15T10:00'), to: [] }, { ...mailing('m3', '2013-05-16T10:00'), to: { audience: 'members' } }],
      },
      { charter },
    );
    expect(report.ok).toBe(true);
    expect(report.summary.deliveries).toBe(1);
    expect(report.warnings).toEqual([
      { path: ['sends', 1, 'to'], message: 'this send lists no recipients' },
      { path: ['sends', 2, 'to', 'audience'], message: "no recipient of the plan is in audience 'members': this send reaches nobody" },
      { path: ['recipients', 1, 'audiences', 0], message: "audience 'preRegistred' is not declared by the charter (2 recipients) — did you mean 'preRegistered'?" },
      { path: ['recipients', 1, 'audiences', 1], message: "audience 'volunteers' is not declared by the charter (1 recipient)" },
    ]);
    expect(formatReport(report, { locale: 'en' })).toContain("⚠ sends[2].to.audience: no recipient of the plan is in audience 'members'");
    expect(formatReport(report, { format: 'markdown', locale: 'en' })).toContain('### Warnings');
    expect((await checkPlan(parisPlan(), { charter })).warnings).toEqual([]);
    // A CRM's thousands of tags: twenty named, the rest counted.
    const tagged = await checkPlan({ recipients: [{ ...voter('v1'), audiences: Array.from({ length: 300 }, (_, i) => `tag-${i}`) }], sends: [] }, { charter });
    expect(tagged.warnings).toHaveLength(21);
    expect(tagged.warnings[20]).toEqual({ path: ['recipients'], message: '280 more audience names not declared by the charter (the first 20 are listed)' });
  });

  it('warns once of recipient ids that are phone numbers or email addresses, and masks them in the text report', async () => {
    const daily = quotaCharter([{ id: 'daily', kind: 'quota', limit: 1, count: 'deliveries', per: ['recipient'], window: { calendar: 'day' } }]);
    const recipients = [{ ...voter('x'), id: '+33698765432' }, { ...voter('y'), id: 'alice@example.fr' }, { ...voter('z'), id: '06 12 34 56 78' }, voter('crm-1234567'), voter('42')];
    const report = await checkPlan({ recipients, sends: [{ ...mailing('m1', '2013-05-14T10:00'), to: recipients.map((recipient) => recipient.id) }] }, { charter: daily });
    expect(report.warnings).toEqual([
      { path: ['recipients', 0, 'id'], message: "recipient id '+33 6 •• •• •• 32' is a phone number or an email address, as are 2 ids: reports give ids as they are, so use the CRM's own ids" },
    ]);
    // '06 12 34 56 78' is a number only in a country this charter does not name; CRM numbers are none.
    const numeric = Array.from({ length: 50 }, (_, i) => voter(String(100_000_000 + i)));
    const french = await checkPlan({ recipients: [...recipients, ...numeric, voter('0612345678')], sends: [] }, { charter });
    expect(french.warnings[0]!.message).toContain('as are 4 ids');
    // Numbers written the American way are numbers too, where the charter's country reads them.
    const american = { ...charter, defaultCountry: 'US' } as typeof charter;
    const us = await checkPlan({ recipients: ['(415) 555-2671', '415-555-2671', '415.555.2671', '1 415 555 2671', '4155552671'].map((id) => voter(id)), sends: [] }, { charter: american });
    expect(us.warnings[0]!.message).toContain('as are 4 ids');
    const text = formatReport(report, { locale: 'en' }) + formatReport(report, { format: 'markdown' });
    expect(text).toContain('recipient=+33 6 •• •• •• 32|day=2013-05-14');
    expect(text).not.toMatch(/698765432|alice@|%2B|12 34 56/);
  });

  it('reports unknown recipient ids and audiences with the closest names', () => {
    const issues = issuesOf({
      recipients: [voter('voter-1')],
      sends: [
        { ...mailing('m1', '2013-05-14T10:00'), to: ['voter-1', 'voter-l'] },
        { ...mailing('m2', '2013-05-15T10:00'), to: { audience: 'preRegistred' } },
      ],
    });
    expect(issues).toEqual([
      { path: ['sends', 0, 'to', 1], message: "unknown recipient 'voter-l' — did you mean 'voter-1'?" },
      { path: ['sends', 1, 'to', 'audience'], message: "unknown audience 'preRegistred' — did you mean 'preRegistered'?" },
    ]);
  });

  it('reports unreadable times and times skipped by a clock change', () => {
    expect(issuesOf({ recipients: [voter('v1')], sends: [mailing('m1', 'tomorrow')] })).toEqual([
      { path: ['sends', 0, 'at'], message: expect.stringContaining('expected an ISO 8601 instant') },
    ]);
    // The value is quoted, and the examples read as written (not masked as phone numbers).
    expect(issuesOf({ recipients: [voter('v1')], sends: [mailing('m1', '2013-05-14 10:00')] })[0]!.message).toBe(
      "'2013-05-14 10:00' is not a send time: expected an ISO 8601 instant (2013-05-20T10:00:00+02:00) or a local date-time in the charter time zone (2013-05-20T10:00)",
    );
    // A contact point typed where a time goes is masked like anywhere else.
    expect(issuesOf({ recipients: [voter('v1')], sends: [mailing('m1', 'jean.dupont@example.fr')] })[0]!.message).not.toContain('jean.dupont');
    const issues = issuesOf({ recipients: [voter('v1')], sends: [mailing('m2', '2013-02-30T10:00'), mailing('m3', '2013-03-31T02:30')] });
    expect(issues.map((issue) => issue.path)).toEqual([['sends', 0, 'at'], ['sends', 1, 'at']]);
    expect(issues[1]!.message).toContain('does not exist in Europe/Paris');
  });

  it('reports malformed messages, recipients and duplicate ids with paths', () => {
    const issues = issuesOf({
      recipients: [voter('v1'), voter('v1')],
      sends: [{ ...mailing('m1', '2013-05-14T10:00'), message: { ...mailing('m1', '').message, channel: 'emial' } }],
    });
    expect(issues).toEqual([
      { path: ['recipients', 1, 'id'], message: "recipient id 'v1' is used twice" },
      { path: ['sends', 0, 'message', 'channel'], message: "unknown channel 'emial' — did you mean 'email'?" },
    ]);
    expect(issuesOf({ recipients: [{ id: 'x', phone: 612345678 }], sends: [] })[0]).toMatchObject({ path: ['recipients', 0, 'phone'] });
    expect(issuesOf({ recipients: [], sends: [], extra: 1 })[0]).toMatchObject({ path: [], message: "unknown field 'extra'" });
  });

  it('refuses an invalid charter', () => {
    expect(() => checkPlanSync({ recipients: [], sends: [] }, { charter: { id: 'x' } as never })).toThrow(/charter is not valid/);
  });

  it('accepts $schema and $comment at the top', () => {
    expect(checkPlanSync({ $schema: 'x', $comment: 'y', recipients: [], sends: [] }, { charter: defineCharter({ id: 'c', title: 'C', timezone: 'UTC', rules: [] }) }).ok).toBe(true);
  });
});
