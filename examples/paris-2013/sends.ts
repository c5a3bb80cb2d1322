/**
 * The sends of the spring 2013 Paris primary, replayed against the charter. Names are
 * illustrative; phone numbers and addresses are made up for the example.
 */
import type { Message, Recipient } from 'charterguard';

/** A candidate of the primary (illustrative id). */
export const candidate = { id: 'candidate-a', role: 'candidate', candidate: 'candidate-a', name: 'Équipe A' } as const;

/** A party member whose number the campaign took from the federation's file. */
export const memberFromFederationFile: Recipient = {
  id: 'member-1042',
  phone: '06 12 34 56 78',
  email: 'adherent.1042@example.fr',
  audiences: ['members'],
  source: 'federationFile',
  relationship: 'member',
};

/** A voter who pre-registered for the primary, known through the CSP's register. */
export const preRegisteredVoter: Recipient = {
  id: 'voter-77',
  email: 'electeur.77@example.fr',
  audiences: ['preRegistered'],
  source: 'primaryRegister',
  relationship: 'occasional',
};

/** A member who signed up on the campaign's own site. */
export const memberFromSignup: Recipient = {
  id: 'member-9',
  email: 'adherente.9@example.fr',
  audiences: ['members'],
  source: 'campaignSignup',
  relationship: 'member',
};

/** The SMS of 2 May 2013 urging members to register for the primary. */
export const smsOfMay2: Message = {
  id: 'sms-2013-05-02',
  channel: 'sms',
  sender: candidate,
  audience: 'members',
  content: { text: 'Inscrivez-vous à la primaire avant le 3 mai ! Équipe A' },
};

/** A campaign email to pre-registered voters, sent through the CSP as Art. 4 requires. */
export const emailViaCsp: Message = {
  id: 'email-2',
  channel: 'email',
  sender: candidate,
  via: 'csp',
  audience: 'preRegistered',
  content: { subject: 'Notre projet pour Paris', text: 'Chers électeurs…' },
};

/** The same email sent directly, without the CSP. */
export const emailDirect: Message = { ...emailViaCsp, id: 'email-direct' };
delete (emailDirect as { via?: string }).via;

/** An email to members through the CSP. */
export const emailToMembers: Message = {
  id: 'email-members-1',
  channel: 'email',
  sender: candidate,
  via: 'csp',
  audience: 'members',
  content: { subject: 'Ma candidature', text: 'Chers adhérents…' },
};
