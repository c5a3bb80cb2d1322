import { describe, expect, it } from 'vitest';
import { checkPlan, checkPlanSync, PlanError, type Plan } from '../../src/index.js';
import { charter } from '../../examples/paris-2013/charter.js';

const sender = { id: 'candidate-a', role: 'candidate', candidate: 'candidate-a' };
const voter = (id: string, email = true) => ({ id, ...(email ? { email: `${id}@example.fr` } : {}), audiences: ['preRegistered'], source: 'primaryRegister' });
const mailing = (id: string, at: string, to: Plan['sends'][number]['to']) => ({
  at,
  message: { id, channel: 'email', sender, via: 'csp', audience: 'preRegistered' },
  to,
});

// Lists of ids are read by trying the recipient after the last one found before the map:
// whatever the order of the list, each id names its own recipient.
describe('a send to a list of ids', () => {
  const recipients = ['v1', 'v2', 'v3', 'v4', 'v5'].map((id) => voter(id, id !== 'v4'));

  it('reaches the recipients it names, in the order it names them, whatever that order', async () => {
    const to = ['v3', 'v1', 'v2', 'v2', 'v4', 'v5', 'v1'];
    const report = await checkPlan({ recipients, sends: [mailing('m1', '2013-05-14T10:00', to)] }, { charter });
    expect(report.summary.deliveries).toBe(7);
    expect(report.violations.map((violation) => [violation.recipientId, violation.reasons.map((reason) => reason.code)])).toEqual([
      ['v2', ['DUPLICATE_DELIVERY']],
      ['v4', ['NO_CONTACT']],
      ['v1', ['DUPLICATE_DELIVERY']],
    ]);
  });

  it('reaches the same recipients as the audience when it lists them all, in order or not', async () => {
    const all = await checkPlan({ recipients, sends: [mailing('m1', '2013-05-14T10:00', { audience: 'preRegistered' })] }, { charter });
    for (const to of [['v1', 'v2', 'v3', 'v4', 'v5'], ['v5', 'v4', 'v3', 'v2', 'v1']]) {
      const report = await checkPlan({ recipients, sends: [mailing('m1', '2013-05-14T10:00', to)] }, { charter });
      expect(report.summary).toEqual(all.summary);
      expect(report.violations).toEqual(all.violations);
    }
  });

  it('still reports every unknown id and duplicate recipient, with paths', () => {
    const plan = { recipients: [...recipients, voter('v2')], sends: [mailing('m1', '2013-05-14T10:00', ['v1', 'v6', 'v2', 'v3', 'v7'])] };
    let issues: PlanError['issues'] | undefined;
    try {
      checkPlanSync(plan, { charter });
    } catch (error) {
      issues = (error as PlanError).issues;
    }
    expect(issues?.map((issue) => issue.path)).toEqual([
      ['recipients', 5, 'id'],
      ['sends', 0, 'to', 1],
      ['sends', 0, 'to', 4],
    ]);
  });
});
