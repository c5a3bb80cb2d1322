/**
 * Texting rules of a US campaign in the spirit of federal texting practice: texts only
 * between 8 a.m. and 9 p.m. in the recipient's local time, prior express consent for
 * automated texts, and a STOP instruction in every text. When the recipient's zone is
 * unknown, the text waits until it is inside the window in every zone of the United States.
 *
 * An illustration of what a charter can say, not legal advice.
 */
import { defineCharter } from 'charterguard';

export const charter = defineCharter({
  id: 'us-campaign-texting',
  title: 'Campaign texting policy',
  locale: 'en',
  timezone: 'America/New_York',
  defaultCountry: 'US',
  audiences: { volunteers: { label: 'volunteers' }, voters: { label: 'likely voters' } },
  rules: [
    {
      id: 'texting',
      kind: 'permit',
      title: 'Staff may text volunteers and likely voters',
      when: { channels: ['sms'], senders: ['staff'] },
    },
    {
      id: 'consent',
      kind: 'consent',
      title: 'Automated texts need prior express consent',
      law: '47 U.S.C. § 227',
      when: { channels: ['sms'] },
    },
    {
      id: 'quiet-hours',
      kind: 'quietHours',
      title: 'Texts only from 8 a.m. to 9 p.m. local time',
      when: { channels: ['sms'] },
      windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '08:00', to: '21:00' }],
      unknownTimezone: 'strictest',
    },
    {
      id: 'stop',
      kind: 'content',
      title: 'Every text says how to stop',
      when: { channels: ['sms'] },
      optOutInstruction: true,
      optOutKeywords: ['STOP'],
    },
  ],
});
