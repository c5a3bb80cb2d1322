import { describe, expect, it } from 'vitest';
import { isCharter } from 'charterguard';
import { charter } from './charter.js';

describe('the 2013 Paris charter', () => {
  it('is a valid charter', () => {
    expect(isCharter(charter)).toBe(true);
  });

  it('cites an article for every rule and says what it is about', () => {
    for (const rule of charter.rules) {
      expect(rule.article, rule.id).toBeTruthy();
      expect(rule.title, rule.id).toMatch(/\S/);
    }
  });

  it('mentions email and no other channel, so SMS is a channel it does not cover', () => {
    const mentioned = new Set(charter.rules.flatMap((rule) => rule.when?.channels ?? []));
    expect([...mentioned]).toEqual(['email']);
    expect(charter.defaults.unlisted).toBe('deny');
  });
});
