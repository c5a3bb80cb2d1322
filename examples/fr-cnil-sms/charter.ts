/**
 * A layer of rules for political SMS in France, in the spirit of the CNIL's guidance on
 * political communication: consent for SMS, except for party members and people in
 * regular contact with the party; every SMS names its sender and tells how to opt out;
 * sends only during daytime hours on working days.
 *
 * An illustration of what a charter can say, not legal advice: the sending window and
 * the segment limit are choices of this example, not rules of French law.
 */
import { defineCharter, type RuleInput } from 'charterguard';

/** The rules of the layer, to add to a charter that permits SMS. */
export const cnilSmsRules = [
  {
    id: 'cnil-consentement-sms',
    kind: 'consent',
    title: 'SMS seulement avec un consentement, sauf adhérents et contacts réguliers',
    law: 'CPCE L34-5',
    when: { channels: ['sms'] },
    exempt: { relationships: ['member', 'regular'] },
  },
  {
    id: 'cnil-mentions-sms',
    kind: 'content',
    title: 'Chaque SMS nomme son expéditeur et dit comment ne plus en recevoir',
    law: 'CPCE L34-5',
    when: { channels: ['sms'] },
    senderIdentification: true,
    optOutInstruction: true,
    optOutKeywords: ['STOP', 'STOP SMS'],
    maxSmsSegments: 2,
  },
  {
    id: 'cnil-horaires',
    kind: 'quietHours',
    title: 'Envois en journée, du lundi au samedi',
    when: { channels: ['sms', 'call'] },
    windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'], from: '08:00', to: '20:00' }],
    holidays: ['2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25'],
    unknownTimezone: 'charter',
  },
] satisfies RuleInput[];

/** A municipal campaign's SMS charter with the layer: texts to members and opted-in supporters. */
export const charter = defineCharter({
  id: 'municipales-sms',
  title: 'Campagne municipale : SMS',
  locale: 'fr',
  timezone: 'Europe/Paris',
  defaultCountry: 'FR',
  audiences: { members: { label: 'adhérents' }, supporters: { label: 'sympathisants' } },
  sources: { partyFile: { label: 'fichier du parti' }, signup: { label: 'formulaire de soutien' } },
  rules: [
    {
      id: 'sms-campagne',
      kind: 'permit',
      title: 'Les candidats peuvent envoyer des SMS aux adhérents et sympathisants',
      when: { channels: ['sms'], senders: ['candidate'], audiences: ['members', 'supporters'] },
    },
    ...cnilSmsRules,
  ],
});
