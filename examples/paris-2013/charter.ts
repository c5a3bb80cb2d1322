/**
 * The charter of the UMP primary for the 2013 Paris mayoral election, as charterguard
 * config.
 *
 * Sourced (press coverage of the primary, spring 2013): candidates could send 3 emails to
 * pre-registered voters through the primary's supervisory council (CSP) during the
 * official campaign, and 3 emails to party members from the close of candidacies
 * (9 April 2013, noon); they had no direct access to the party's member files; the vote
 * ran from Friday 31 May 08:00 to Monday 3 June 19:00; on 1 June the CSP froze all phone,
 * electronic and paper campaigning until the polls closed. The charter said nothing
 * about SMS.
 *
 * Illustrative (not sourced): the article numbers, the start of the official campaign
 * (13 May), the hour the freeze was adopted (00:00), and that emails to members also
 * went through the CSP.
 */
import { defineCharter, type CharterInput } from 'charterguard';

/** The charter as written, for composing it with other rules (see the CNIL layer). */
export const charterInput = {
  id: 'ump-paris-2013',
  title: 'Primaire UMP pour la mairie de Paris 2013',
  locale: 'fr',
  timezone: 'Europe/Paris',
  defaultCountry: 'FR',
  // The charter is silent on SMS: here silence means "not allowed".
  defaults: { unlisted: 'deny' },
  roles: {
    candidate: { label: 'candidat' },
    authority: { label: 'Conseil supérieur des primaires' },
  },
  phases: {
    candidacy: { label: 'dépôt des candidatures', to: '2013-04-09T12:00' },
    campaign: { label: 'campagne interne', from: '2013-04-09T12:00', to: '2013-05-31T08:00' },
    officialCampaign: { label: 'campagne officielle', from: '2013-05-13T00:00', to: '2013-05-31T08:00' },
    vote: { label: 'vote', from: '2013-05-31T08:00', to: '2013-06-03T19:00' },
  },
  audiences: {
    preRegistered: { label: 'électeurs pré-inscrits' },
    members: { label: 'adhérents' },
  },
  relays: {
    csp: { label: 'Conseil supérieur des primaires (CSP)' },
  },
  sources: {
    federationFile: { label: 'fichier des adhérents de la fédération' },
    primaryRegister: { label: 'liste des pré-inscrits tenue par le CSP' },
    campaignSignup: { label: 'inscriptions recueillies par la campagne' },
  },
  rules: [
    {
      id: 'email-preinscrits-via-csp',
      kind: 'permit',
      article: 'Art. 4',
      title: 'Pendant la campagne officielle, courriels aux pré-inscrits par l’intermédiaire du CSP',
      when: {
        channels: ['email'],
        senders: ['candidate'],
        audiences: ['preRegistered'],
        via: ['csp'],
        phases: ['officialCampaign'],
      },
    },
    {
      id: 'quota-preinscrits',
      kind: 'quota',
      article: 'Art. 4',
      title: 'Trois courriels au plus par candidat aux pré-inscrits',
      when: { channels: ['email'], senders: ['candidate'], audiences: ['preRegistered'] },
      limit: 3,
      count: 'messages',
      per: ['candidate', 'audience'],
      window: 'charter',
    },
    {
      id: 'email-adherents-via-csp',
      kind: 'permit',
      article: 'Art. 5',
      title: 'Après la clôture des candidatures, courriels aux adhérents par l’intermédiaire du CSP',
      when: {
        channels: ['email'],
        senders: ['candidate'],
        audiences: ['members'],
        via: ['csp'],
        phases: ['campaign'],
      },
    },
    {
      id: 'quota-adherents',
      kind: 'quota',
      article: 'Art. 5',
      title: 'Trois courriels au plus par candidat aux adhérents',
      when: { channels: ['email'], senders: ['candidate'], audiences: ['members'] },
      limit: 3,
      count: 'messages',
      per: ['candidate', 'audience'],
      window: 'charter',
    },
    {
      id: 'pas-de-fichier-des-adherents',
      kind: 'forbid',
      article: 'Art. 6',
      title: 'Les candidats n’ont pas d’accès direct au fichier des adhérents',
      when: { senders: ['candidate'], sources: ['federationFile'] },
    },
    {
      id: 'gel-pendant-le-vote',
      kind: 'forbid',
      article: 'Décision du CSP du 1er juin 2013',
      title: 'Toute propagande téléphonique, électronique et papier est suspendue jusqu’à la clôture du vote',
      // No `channels`: the freeze covers every channel, without "mentioning" any.
      when: { senders: ['candidate'] },
      inForce: { from: '2013-06-01T00:00', to: '2013-06-03T19:00' },
    },
  ],
} satisfies CharterInput;

/** The validated charter. */
export const charter = defineCharter(charterInput);
