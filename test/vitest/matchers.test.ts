import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import '../../src/vitest/index.js';
import type { Plan } from '../../src/index.js';
import { charter } from '../../examples/paris-2013/charter.js';
import { emailDirect, emailViaCsp, preRegisteredVoter } from '../../examples/paris-2013/sends.js';

const parisPlan = JSON.parse(readFileSync(new URL('../../examples/paris-2013/plan.json', import.meta.url), 'utf8')) as Plan;
const cleanPlan: Plan = {
  recipients: [preRegisteredVoter],
  sends: [{ at: '2013-05-20T10:00', message: emailViaCsp, to: [preRegisteredVoter.id] }],
};
const usage = { quota: () => ({ used: 0, counted: false }) };

describe('charterguard/vitest', () => {
  it('passes a compliant plan and fails a violating one with the report', () => {
    expect(cleanPlan).toComplyWith(charter);
    expect(parisPlan).not.toComplyWith(charter);
    expect(() => expect(parisPlan).toComplyWith(charter)).toThrow(/expected the plan to comply with ump-paris-2013:[\s\S]*Art\. 4 — Trois courriels/);
    expect(() => expect(cleanPlan).not.toComplyWith(charter)).toThrow('expected the plan not to comply with ump-paris-2013, but all 1 deliveries would be allowed');
  });

  it('checks single sends, failing with the explanation', () => {
    const now = '2013-05-20T10:00:00+02:00';
    expect({ message: emailViaCsp, recipient: preRegisteredVoter, now }).toBeAllowedBy(charter, { usage });
    expect({ message: emailDirect, recipient: preRegisteredVoter, now }).not.toBeAllowedBy(charter, { usage });
    expect(() => expect({ message: emailDirect, recipient: preRegisteredVoter, now }).toBeAllowedBy(charter, { usage, locale: 'en' })).toThrow(
      /expected the send to be allowed by ump-paris-2013, but it was not:\nDENIED\n- Art\. 4 — .*: This send must go through Conseil supérieur des primaires \(CSP\); it goes directly\./,
    );
  });

  it('works as an asymmetric matcher too', () => {
    expect({ plan: cleanPlan }).toEqual({ plan: expect.toComplyWith(charter) });
  });
});
