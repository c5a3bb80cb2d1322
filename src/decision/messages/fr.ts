import type { Catalog } from './catalog.js';
import { list, text } from './catalog.js';

const UNIT = { messages: ['envoi', 'envois'], deliveries: ['message remis', 'messages remis'] } as const;

/** Explanations in French. */
export const fr: Catalog = {
  PERMITTED: (f, rule) => (rule.title === undefined ? `Autorisé par la règle ${text(rule.id)} de la charte.` : 'Autorisé par la charte.'),
  ALLOWED_BY_DEFAULT: (f) => `Aucune règle ne vise cet envoi (${text(f.channel)}) ; la charte autorise ce qu’elle ne mentionne pas.`,
  NOT_PERMITTED: (f, rule) => {
    if (f.field === undefined) return `Aucune règle de la charte n’autorise cet envoi (${text(f.channel)}).`;
    const name = text(rule.title ?? rule.id);
    if (f.field === 'unless') return `${name} : une exception de la règle s’applique à ce cas.`;
    return `${name} : autorisé seulement pour ${FIELD[text(f.field)] ?? text(f.field)} ${list(f.expected, 'ou')} (cet envoi : ${list(f.actual, 'et') || 'aucun'}).`;
  },
  CHANNEL_NOT_COVERED: (f) => `La charte ne dit rien du canal ${text(f.channel)} ; ce qu’elle n’autorise pas est refusé.`,
  FORBIDDEN: (f) => (f.until === undefined ? 'Interdit par la charte.' : `Interdit par la charte jusqu’au ${text(f.until)}.`),
  FORBIDDEN_SOURCE: (f) => `Le contact provient du ${text(f.sourceLabel)}, que cet expéditeur ne peut pas utiliser.`,
  RELAY_REQUIRED: (f) => {
    const goes = f.via === 'direct' ? 'directement' : `par ${text(f.viaLabel)}`;
    const relays = Array.isArray(f.relays) ? f.relays : [];
    if (relays.length === 0) return `Cet envoi doit partir directement, sans relais ; il part ${goes}.`;
    return `Cet envoi doit passer par ${list(relays, 'ou')}${f.direct === true ? ' ou partir directement' : ''} ; il part ${goes}.`;
  },
  OUTSIDE_PHASE: (f) => {
    const phases = Array.isArray(f.phases) && f.phases.length > 0 ? `Autorisé seulement pendant : ${list(f.phases, 'ou')}` : 'Pas autorisé à ce moment';
    const except = Array.isArray(f.except) && f.except.length > 0 ? ` (sauf pendant : ${list(f.except, 'ou')})` : '';
    const next = f.next === undefined ? '.' : ` ; ouverture au plus tôt le ${text(f.next)}.`;
    return `${phases}${except} ; il est ${text(f.localTime)} (${text(f.timezone)})${next}`;
  },
  QUOTA_EXCEEDED: (f) =>
    `${text(f.used)} ${UNIT[f.count === 'messages' ? 'messages' : 'deliveries'][Number(f.used) > 1 ? 1 : 0]} sur ${text(f.limit)} déjà utilisé${Number(f.used) > 1 ? 's' : ''}` +
    (f.audienceLabel === undefined ? '.' : ` pour les ${text(f.audienceLabel)}.`),
  QUOTA_UNKNOWN: (f) =>
    `Limité à ${text(f.limit)} ${UNIT[f.count === 'messages' ? 'messages' : 'deliveries'][Number(f.limit) > 1 ? 1 : 0]} ; l’usage est inconnu sans registre.`,
  CONSENT_MISSING: (f) =>
    f.grantedAt === undefined
      ? `Aucun consentement enregistré pour le canal ${text(f.channel)}.`
      : `Le consentement pour le canal ${text(f.channel)} date du ${text(f.grantedAt)}, après l’envoi.`,
  OPTED_OUT: (f) =>
    f.at === undefined
      ? `Le contact du destinataire est sur la liste d’opposition ${f.channel === 'all' ? 'pour tous les canaux' : `pour le canal ${text(f.channel)}`}.`
      : `Le destinataire s’est désinscrit ${f.channel === 'all' ? 'de tous les canaux' : `du canal ${text(f.channel)}`} le ${text(f.at)}.`,
  QUIET_HOURS: (f) =>
    f.holiday === true
      ? `Le ${text(f.date)} est un jour sans envoi (${text(f.timezone)}).`
      : `${text(f.localTime)} à l’heure de ${text(f.timezone)} est en dehors de ${f.windows === '' ? 'toute plage d’envoi' : text(f.windows)}.`,
  TIMEZONE_UNKNOWN: (f) =>
    Array.isArray(f.zones) && f.zones.length > 1
      ? `Le fuseau horaire du destinataire est inconnu : le pays du numéro en compte ${f.zones.length}.`
      : 'Le fuseau horaire du destinataire est inconnu.',
  CONTENT_MISSING_SENDER: (f) =>
    f.senderName === undefined ? 'Le message ne nomme aucun expéditeur.' : `Le texte ne nomme pas l’expéditeur (« ${text(f.senderName)} »).`,
  CONTENT_MISSING_OPT_OUT: (f) => `Le texte n’indique pas comment se désinscrire (${list(f.keywords, 'ou')}).`,
  CONTENT_TOO_LONG: (f) =>
    f.segments !== undefined
      ? `Le texte occupe ${text(f.segments)} SMS (${text(f.encoding)}) ; ${text(f.max)} au plus.`
      : `Le texte compte ${text(f.length)} caractères ; ${text(f.max)} au plus.`,
  CONTENT_FORBIDDEN_PHRASE: (f) => `Le texte contient « ${text(f.phrase)} », que la charte interdit.`,
  INVALID_CONTACT: (f) => `${f.field === 'email' ? 'L’adresse électronique' : 'Le numéro'} du destinataire n’est pas valide${f.masked ? ` (${text(f.masked)})` : ''}.`,
  NO_CONTACT: (f) => `Le destinataire n’a pas ${f.field === 'email' ? 'd’adresse électronique' : 'de numéro'} pour le canal ${text(f.channel)}.`,
  NOT_A_MOBILE: (f) => `Le ${text(f.masked)} n’est pas un mobile (${text(f.type)}) et ne peut pas recevoir de SMS.`,
  NOT_IN_AUDIENCE: (f) => `Le destinataire ne fait pas partie des ${text(f.audienceLabel)}, le public visé par ce message.`,
  DUPLICATE_DELIVERY: () => 'Ce message a déjà été envoyé ou réservé pour ce destinataire.',
  INVALID_INPUT: (f) => `Données invalides : ${list(f.summary, 'et')}.`,
  ENGINE_ERROR: () => 'Erreur interne pendant la décision ; l’envoi est refusé par prudence.',
};

const FIELD: Record<string, string> = {
  senders: 'les expéditeurs',
  candidates: 'les candidats',
  audiences: 'le public',
  phases: 'la période',
  via: 'le relais',
  sources: 'les contacts issus de',
  relationships: 'les destinataires',
  inForce: 'la période',
};
