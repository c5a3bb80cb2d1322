import { describe, expect, it } from 'vitest';
import { charter } from '../paris-2013/charter.js';
import { emailViaCsp, preRegisteredVoter } from '../paris-2013/sends.js';
import { createLedger } from 'charterguard';
import { sendMailing, type Deliver } from './send-mailing.js';

const voters = Array.from({ length: 5 }, (_, i) => ({ ...preRegisteredVoter, id: `voter-${i}`, email: `voter.${i}@example.fr` }));
const now = '2013-05-20T10:00:00+02:00';

describe('a CRM sending mailings through the ledger', () => {
  it('sends, commits, releases failures and refuses the fourth mailing', async () => {
    const ledger = createLedger({ charter });
    const flaky: Deliver = async (_, recipient) => {
      if (recipient.id === 'voter-3') throw new Error('provider timeout');
    };
    const first = await sendMailing(ledger, { ...emailViaCsp, id: 'mailing-1' }, voters, flaky, now);
    expect(first.sent).toEqual(['voter-0', 'voter-1', 'voter-2', 'voter-4']);
    expect(first.failed).toEqual(['voter-3']);

    // The failed delivery was released: it can be retried, and the mailing still counts once.
    const retry = await sendMailing(ledger, { ...emailViaCsp, id: 'mailing-1' }, [voters[3]!], async () => {}, now);
    expect(retry.sent).toEqual(['voter-3']);

    await sendMailing(ledger, { ...emailViaCsp, id: 'mailing-2' }, voters, async () => {}, now);
    await sendMailing(ledger, { ...emailViaCsp, id: 'mailing-3' }, voters, async () => {}, now);
    const fourth = await sendMailing(ledger, { ...emailViaCsp, id: 'mailing-4' }, voters, async () => {}, now);
    expect(fourth.sent).toEqual([]);
    expect(fourth.refused).toHaveLength(5);
    expect(fourth.refused[0]!.explanation).toContain('3 envois sur 3 déjà utilisés');
  });
});
