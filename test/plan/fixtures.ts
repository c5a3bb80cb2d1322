import { defineCharter, type RuleInput } from '../../src/index.js';

/** A charter that permits everything by day, 08:00–20:00 every day in Paris, plus `rules`. */
export function quietCharter(rules: RuleInput[] = []) {
  return defineCharter({
    id: 'quiet',
    title: 'Quiet hours',
    timezone: 'Europe/Paris',
    locale: 'en',
    rules: [
      { id: 'p', kind: 'permit' },
      { id: 'hours', kind: 'quietHours', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '08:00', to: '20:00' }] },
      ...rules,
    ],
  });
}
