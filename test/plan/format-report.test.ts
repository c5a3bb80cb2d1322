import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkPlan, formatReport, type Plan, type PlanReport } from '../../src/index.js';
import { charter } from '../../examples/paris-2013/charter.js';

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
    expect(text).toContain('send #1 direct 2013-05-20 10:00: 2500 recipients');
    expect(text.split('\n').length).toBeLessThan(20);
    expect(formatReport(big, { format: 'markdown' })).toContain('| 2,500 |');
  });

  it('says so when everything complies', async () => {
    const clean = await checkPlan({ recipients: [], sends: [] }, { charter });
    expect(formatReport(clean, { locale: 'en' })).toContain('✓ all 0 deliveries would be allowed');
    expect(formatReport(clean, { format: 'markdown', locale: 'fr' })).toContain('✅ les 0 envois seraient autorisés.');
  });
});
