import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPlan, formatReport, type Plan, type PlanReport } from '../../src/index.js';
import { charter } from '../../examples/paris-2013/charter.js';
import { quietCharter } from './fixtures.js';

const plan = JSON.parse(readFileSync(new URL('../../examples/paris-2013/plan.json', import.meta.url), 'utf8')) as Plan;
const report = async (): Promise<PlanReport> => checkPlan(plan, { charter });

describe('formatReport', () => {
  it('renders aligned text for terminals, in French', async () => {
    expect(formatReport(await report())).toMatchSnapshot();
  });

  it('renders text in English with colours when asked', async () => {
    const text = formatReport(await report(), { locale: 'en', color: true });
    expect(text).toContain('\u001b[31m✗\u001b[0m 9 of 20 deliveries would not be allowed (9 denied, 0 to review)');
    expect(formatReport(await report(), { locale: 'en' })).not.toContain('\u001b[');
  });

  it('renders Markdown for a pull-request comment', async () => {
    expect(formatReport(await report(), { format: 'markdown', locale: 'en' })).toMatchSnapshot();
  });

  it('renders JSON that parses back to the report', async () => {
    const full = await report();
    expect(JSON.parse(formatReport(full, { format: 'json' }))).toEqual(JSON.parse(JSON.stringify(full)));
  });

  it('groups thousands of identical violations into one line', async () => {
    const recipients = Array.from({ length: 2500 }, (_, i) => ({ id: `v${i}`, email: `v${i}@example.fr`, audiences: ['preRegistered'], source: 'primaryRegister' }));
    const message = { id: 'direct', channel: 'email', sender: { id: 'a', role: 'candidate' }, audience: 'preRegistered' };
    const big = await checkPlan({ recipients, sends: [{ at: '2013-05-20T10:00', message, to: { audience: 'preRegistered' } }] }, { charter });
    const text = formatReport(big, { locale: 'en' });
    expect(text).toContain('send #1 direct 2013-05-20 10:00: 2,500 recipients');
    expect(text).toContain('2,500 of 2,500 deliveries would not be allowed (2,500 denied, 0 to review)');
    expect(text.split('\n').length).toBeLessThan(20);
    expect(formatReport(big, { format: 'markdown', locale: 'en' })).toContain('| 2,500 |');
    // French groups digits with a narrow no-break space.
    expect(formatReport(big, { format: 'markdown' })).toContain('| 2\u202f500 |');
    expect(formatReport(big)).toContain('2\u202f500 destinataires');
  });

  it('lists hundreds of thousands of quota counters, their counts aligned however wide', async () => {
    const base = await report();
    const quotas = Array.from({ length: 200_000 }, (_, i) => ({ ruleId: 'daily', key: `recipient=r${i}|day=2013-05-14`, used: i === 7 ? 12_345 : 1, limit: i === 7 ? 100_000 : 1 }));
    const text = formatReport({ ...base, quotas }, { locale: 'en' });
    const rows = text.split('\n').filter((line) => line.includes('|day=2013-05-14'));
    expect(rows).toHaveLength(200_000);
    expect(rows[7]).toBe('  daily  12,345/100,000  recipient=r7|day=2013-05-14');
    expect(rows[0]).toBe(`  daily  ${'1/1'.padStart('12,345/100,000'.length)}  recipient=r0|day=2013-05-14 ●`);
  });

  it('keeps Markdown within a pull-request comment, counting the rows it leaves out', async () => {
    const base = await report();
    const quotas = Array.from({ length: 5_000 }, (_, i) => ({ ruleId: 'daily', key: `recipient=r${i}`, used: 1, limit: 1 }));
    const markdown = formatReport({ ...base, quotas }, { format: 'markdown', locale: 'en' });
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    const shown = markdown.split('\n').filter((line) => line.startsWith('|  | daily |')).length;
    expect(shown).toBeGreaterThan(100);
    expect(markdown).toContain(`… and ${(5_000 - shown).toLocaleString('en-US')} more rows: \`--format json\` lists them all.`);
    // The headline, every violation row (they come first) and the coverage are all there.
    expect(markdown).toContain('❌ 9 of 20 deliveries would not be allowed');
    expect(markdown).toContain('`NO_CONTACT`');
    expect(markdown).toContain('### Coverage');
    const small = formatReport({ ...base, quotas }, { format: 'markdown', locale: 'en', maxLength: 2_000 });
    expect(small.length).toBeLessThanOrEqual(2_000);
    expect(small).toMatch(/… and [\d,]+ more rows/);
  });

  it('gives the time of a refused send beside the time rules only, as a range when recipients differ', async () => {
    const quiet = quietCharter();
    const plan: Plan = {
      recipients: [
        { id: 'paris', email: 'paris@example.fr', timezone: 'Europe/Paris' },
        { id: 'tokyo', email: 'tokyo@example.fr', timezone: 'Asia/Tokyo' },
        { id: 'broken', email: 'broken@', timezone: 'Europe/Paris' },
      ],
      sends: [{ at: '2013-05-14T21:00', message: { id: 'm', channel: 'email', sender: { id: 'a', role: 'candidate' } }, to: ['paris', 'tokyo', 'broken'] }],
    };
    const checked = await checkPlan(plan, { charter: quiet });
    const text = formatReport(checked);
    // Paris opens at 08:00 the next morning (Paris time); Tokyo's 08:00 is 01:00 in Paris; one sentence each: the first is shown.
    expect(text).toMatch(/QUIET_HOURS[\s\S]*3 recipients\n {6}e\.g\. .*\(allowed from 2013-05-15 01:00 to 2013-05-15 08:00, by recipient\)/);
    // The broken address is no question of time.
    expect(text).toMatch(/INVALID_CONTACT\n.*1 recipient\n {6}[^(]*\n/);
  });

  it('names the rules of an article that is both exercised and never reached', async () => {
    const base = await report();
    const coverage = {
      exercised: [{ ruleId: 'a', article: 'Art. 1', pass: 1, fail: 0, review: 0 }, { ruleId: 'b', article: 'Art. 2', pass: 1, fail: 0, review: 0 }],
      unreached: [{ ruleId: 'c', article: 'Art. 1' }, { ruleId: 'd', article: 'Art. 9' }],
    } as PlanReport['coverage'];
    const text = formatReport({ ...base, coverage }, { locale: 'en' });
    expect(text).toContain('exercised: Art. 1 (a), Art. 2');
    expect(text).toContain('never reached: Art. 1 (c), Art. 9');
  });

  it('writes French counts in agreement: 0 and 1 singular, the noun after the refused count', async () => {
    const base = await report();
    const verdicts = (allow: number, deny: number) => ({ ...base, ok: false, summary: { ...base.summary, verdicts: { allow, deny, review: 0 } } });
    expect(formatReport(verdicts(3, 1))).toContain('✗ 1 envoi sur 4 ne serait pas autorisé (1 refusé, 0 à examiner)');
    expect(formatReport(verdicts(2, 2))).toContain('✗ 2 envois sur 4 ne seraient pas autorisés (2 refusés, 0 à examiner)');
    expect(formatReport(verdicts(0, 1), { locale: 'en' })).toContain('✗ 1 of 1 delivery would not be allowed (1 denied, 0 to review)');
  });

  it('keeps warnings within the Markdown bound too, and masks addresses in counter keys without eating their names', async () => {
    const base = await report();
    const warnings = Array.from({ length: 3_000 }, (_, i) => ({ path: ['recipients', i, 'audiences', 0], message: `audience 'tag-${i}' is not declared by the charter (1 recipient)` }));
    const markdown = formatReport({ ...base, warnings }, { format: 'markdown', locale: 'en' });
    expect(markdown.length).toBeLessThanOrEqual(60_000);
    expect(markdown).toContain('### Warnings');
    expect(markdown).toMatch(/… and [\d,]+ more rows/);
    const quotas = [{ ruleId: 'daily', key: 'recipient=alice%40example.fr|day=2013-05-14', used: 1, limit: 1 }];
    const text = formatReport({ ...base, quotas }, { locale: 'en' });
    expect(text).toContain('recipient=a•••@example.fr|day=2013-05-14');
  });

  it('says so when everything complies', async () => {
    const clean = await checkPlan({ recipients: [], sends: [] }, { charter });
    // A plan that makes no deliveries says so, rather than "all 0 deliveries would be allowed".
    expect(formatReport(clean, { locale: 'en' })).toContain('✓ the plan makes no deliveries');
    expect(formatReport(clean, { format: 'markdown', locale: 'fr' })).toContain('✅ le plan ne fait aucun envoi.');
    const one = await checkPlan({ recipients: [{ id: 'v', email: 'v@example.fr', audiences: ['preRegistered'], source: 'primaryRegister' }], sends: [{ at: '2013-05-14T10:00', message: { id: 'm', channel: 'email', sender: { id: 'candidate-a', role: 'candidate', candidate: 'candidate-a' }, via: 'csp', audience: 'preRegistered' }, to: ['v'] }] }, { charter });
    expect(one.ok).toBe(true);
    expect(formatReport(one, { locale: 'en' })).toContain('✓ the 1 delivery would be allowed');
    expect(formatReport(one)).toContain('✓ le seul envoi serait autorisé');
  });
});
