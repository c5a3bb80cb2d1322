import type { CharterInput } from '../../src/index.js';

/** A charter using every rule kind with its full options. */
export function fullCharter(): CharterInput {
  return {
    id: 'full',
    title: 'Every rule kind',
    description: 'Fixture',
    locale: 'en',
    timezone: 'Europe/Paris',
    defaultCountry: 'FR',
    defaults: { unlisted: 'review' },
    channels: { whatsapp: { label: 'WhatsApp', contact: 'mobile' } },
    roles: { candidate: { label: 'Candidate' }, party: {} },
    phases: {
      campaign: { label: 'Campaign', from: '2013-05-13T00:00', to: '2013-05-31T08:00' },
      vote: { from: '2013-05-31T08:00', to: '2013-06-03T19:00' },
    },
    audiences: { members: { label: 'Members' }, voters: {} },
    relays: { csp: { label: 'Council' } },
    sources: { federationFile: {}, signup: { label: 'Sign-up form', description: 'Web form' } },
    rules: [
      {
        id: 'permit-email',
        kind: 'permit',
        article: 'Art. 1',
        title: 'Email via the council',
        law: 'none',
        when: { channels: ['email', 'whatsapp'], senders: ['candidate'], audiences: ['voters'], via: ['csp', 'direct'], phases: ['campaign'] },
        unless: { candidates: ['c-9'], relationships: ['prospect'], sources: ['federationFile'] },
        inForce: { from: '2013-04-01', to: '2013-06-04T00:00:00' },
        message: { fr: 'Permis', en: 'Permitted' },
      },
      { id: 'forbid-file', kind: 'forbid', effect: 'review', when: { sources: ['federationFile'] }, message: 'No file' },
      { id: 'quota-1', kind: 'quota', limit: 3, count: 'messages', per: ['candidate', 'audience'], window: { phase: 'campaign' } },
      { id: 'quota-2', kind: 'quota', limit: 0, count: 'deliveries', per: [], window: { calendar: 'week' } },
      { id: 'quota-3', kind: 'quota', limit: 5, count: 'deliveries', per: ['recipient', 'channel', 'sender'], window: { rolling: '24h' } },
      { id: 'quota-4', kind: 'quota', limit: 1, count: 'messages', per: ['sender'] },
      { id: 'consent', kind: 'consent', law: 'CPCE L34-5', exempt: { relationships: ['member', 'regular'] } },
      {
        id: 'hours',
        kind: 'quietHours',
        windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '20:00' }, { days: ['sat'], from: '10:00', to: '24:00' }],
        holidays: ['2013-05-08'],
        unknownTimezone: 'review',
      },
      {
        id: 'content',
        kind: 'content',
        when: { channels: ['sms'] },
        senderIdentification: true,
        optOutInstruction: true,
        optOutKeywords: ['STOP', 'ARRET'],
        maxSmsSegments: 2,
        maxLength: 500,
        forbiddenPhrases: ['vote twice'],
      },
    ],
  };
}

/** The smallest valid charter. */
export function minimalCharter(): CharterInput {
  return { id: 'min', title: 'Minimal', timezone: 'Europe/Paris', rules: [] };
}
