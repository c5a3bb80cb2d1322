// Baseline 1: the charter's rules written directly as one JavaScript function, as a
// campaign tool might hard-code them: no charter object, no reasons or messages, constants
// inlined. It returns the verdict (0 allow, 1 deny), or with `all` a bit mask of every
// failing rule, used to check reason by reason that it encodes the same rules as canSend.
//
// It may precompute what an integration would compute once, at CRM import time, and store:
// phone numbers parsed and typed with libphonenumber-js, emails checked, each recipient's
// time zone resolved to a table of UTC offsets (2013), consent and opt-out dates as epochs.
// Everything else (phases, relay, forbids, quotas, consent, content, segments, quiet hours)
// is evaluated per decision.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DEFAULT_USAGE, USAGE } from '../lib/data.mjs';

/** Bits of the `all` mask, one per failing rule (or family of reason codes). */
export const BIT = {
  CONTACT: 1, OPTED_OUT: 2, NOT_IN_AUDIENCE: 4, QUOTA: 8, FORBIDDEN_SOURCE: 16, FORBIDDEN: 32,
  CONSENT: 64, SENDER: 128, OPT_OUT_TEXT: 256, TOO_LONG: 512, QUIET: 1024, UNPERMITTED: 2048,
};

const at = (iso) => Date.parse(iso);
export const CAMPAIGN = [at('2013-04-09T12:00:00+02:00'), at('2013-05-31T08:00:00+02:00')];
export const OFFICIAL = [at('2013-05-13T00:00:00+02:00'), at('2013-05-31T08:00:00+02:00')];
export const FREEZE = [at('2013-06-01T00:00:00+02:00'), at('2013-06-03T19:00:00+02:00')];
export const DAY = 86_400_000;
export const HOLIDAYS = new Set(['2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25'].map((d) => Date.parse(`${d}T00:00:00Z`) / DAY));
export const STOP = /\bSTOP\b/i;
const SMS_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);
const COUNTRY_ZONE = { FR: 'Europe/Paris', GP: 'America/Guadeloupe', RE: 'Indian/Reunion', GB: 'Europe/London' };
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;

/** Import-time work for one recipient; see the header for what is in it. */
export function prepare(r) {
  let phone = 0; // 0 none, 1 invalid, 2 valid but cannot receive texts, 3 can
  let country;
  if (r.phone !== undefined) {
    const parsed = parsePhoneNumberFromString(r.phone, 'FR');
    const type = parsed?.getType();
    phone = parsed === undefined || (type === undefined && !parsed.isValid()) ? 1 : SMS_TYPES.has(type) ? 3 : 2;
    if (phone > 1) country = parsed.country;
  }
  const email = r.email === undefined ? 0 : EMAIL.test(r.email.trim()) ? 2 : 1;
  const zoneName = r.timezone ?? COUNTRY_ZONE[country ?? r.country ?? 'FR'] ?? 'Europe/Paris';
  const dates = (list) => (list ?? []).map((entry) => ({ channel: entry.channel, at: Date.parse(entry.at) }));
  return { phone, email, zone: zoneTable(zoneName), consents: dates(r.consents), optOuts: dates(r.optOuts) };
}

/**
 * Decides one send. With `all` false it stops at the first failing rule, as a hand-written
 * check would; with `all` true it evaluates every rule, as canSend does.
 */
export function decide(m, r, p, now, all) {
  let mask = 0;
  const sms = m.channel === 'sms';
  const candidate = m.sender.role === 'candidate';
  // Built-in: the contact point exists and suits the channel.
  if (sms ? p.phone !== 3 : p.email !== 2) { mask |= BIT.CONTACT; if (!all) return 1; }
  // Built-in: the recipient is in the target audience.
  const audiences = r.audiences ?? [];
  if (m.audience !== undefined && !audiences.includes(m.audience)) { mask |= BIT.NOT_IN_AUDIENCE; if (!all) return 1; }
  const toPre = m.audience !== undefined ? m.audience === 'preRegistered' : audiences.includes('preRegistered');
  const toMembers = m.audience !== undefined ? m.audience === 'members' : audiences.includes('members');
  // Art. 6 and the freeze of 1 June.
  if (candidate && r.source === 'federationFile') { mask |= BIT.FORBIDDEN_SOURCE; if (!all) return 1; }
  if (candidate && now >= FREEZE[0] && now < FREEZE[1]) { mask |= BIT.FORBIDDEN; if (!all) return 1; }
  // Permits: Art. 4, Art. 5, SMS to members.
  const csp = m.via === 'csp';
  const permitted = candidate && (sms
    ? toMembers && now >= CAMPAIGN[0] && now < CAMPAIGN[1]
    : csp && ((toPre && now >= OFFICIAL[0] && now < OFFICIAL[1]) || (toMembers && now >= CAMPAIGN[0] && now < CAMPAIGN[1])));
  if (!permitted) { mask |= BIT.UNPERMITTED; if (!all) return 1; }
  // Quotas of Art. 4 and 5: 3 mailings per candidate and audience; a counted mailing consumes nothing.
  if (!sms && candidate) {
    if (toPre && overQuota(USAGE['quota-preinscrits'][m.id] ?? DEFAULT_USAGE)) { mask |= BIT.QUOTA; if (!all) return 1; }
    if (toMembers && overQuota(USAGE['quota-adherents'][m.id] ?? DEFAULT_USAGE)) { mask |= BIT.QUOTA; if (!all) return 1; }
  }
  // Opt-outs (built-in) and the CNIL consent rule share the latest consent and opt-out dates.
  const optedOutAt = latest(p.optOuts, m.channel, now);
  const consentAt = latest(p.consents, m.channel, now);
  const consented = consentAt !== -Infinity && optedOutAt < consentAt;
  if (optedOutAt !== -Infinity && !consented) { mask |= BIT.OPTED_OUT; if (!all) return 1; }
  if (sms) {
    if (r.relationship !== 'member' && r.relationship !== 'regular' && !consented) { mask |= BIT.CONSENT; if (!all) return 1; }
    // CNIL mentions: the sender's name, an opt-out keyword, at most 2 segments.
    const text = m.content?.text ?? '';
    const name = m.sender.name;
    if (name === undefined || !text.toLowerCase().includes(name.toLowerCase())) { mask |= BIT.SENDER; if (!all) return 1; }
    if (!STOP.test(text)) { mask |= BIT.OPT_OUT_TEXT; if (!all) return 1; }
    if (smsSegments(text) > 2) { mask |= BIT.TOO_LONG; if (!all) return 1; }
    // CNIL hours: Monday to Saturday, 08:00–20:00, in the recipient's zone, not on holidays.
    const local = now + offsetAt(p.zone, now);
    const days = Math.floor(local / DAY);
    const minutes = (local - days * DAY) / 60_000;
    if ((days + 3) % 7 === 6 || minutes < 480 || minutes >= 1200 || HOLIDAYS.has(days)) { mask |= BIT.QUIET; if (!all) return 1; }
  }
  return all ? mask : 0;
}

/** Units after this send under a quota: used, plus one unless the mailing is already counted. */
export function usedAfter(usage) {
  return usage.used + (usage.counted ? 0 : 1);
}

function overQuota(usage) {
  return usedAfter(usage) > 3;
}

/** The latest consent or opt-out date for the channel (or `all`) at or before now. */
export function latest(entries, channel, now) {
  let best = -Infinity;
  for (let k = 0; k < entries.length; k++) {
    const entry = entries[k];
    if ((entry.channel === channel || entry.channel === 'all') && entry.at <= now && entry.at > best) best = entry.at;
  }
  return best;
}

// GSM-7 widths by char code: 1 basic set, 2 extension table, 0 not GSM-7 (then UCS-2).
const GSM = new Uint8Array(0x20ad);
for (const c of '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà') GSM[c.charCodeAt(0)] = 1;
for (const c of '\f^{}\\[~]|€') GSM[c.charCodeAt(0)] = 2;

/** SMS segments as carriers bill them (GSM-7 160/153, else UCS-2 70/67). */
export function smsSegments(text) {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const width = code < GSM.length ? GSM[code] : 0;
    if (width === 0) return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
    septets += width;
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

// UTC offsets of a zone over 2013 (the instants benchmarked), found once with Intl.
const zones = new Map();
function zoneTable(name) {
  let table = zones.get(name);
  if (table === undefined) {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    const offset = (t) => {
      const f = Object.fromEntries(format.formatToParts(t).map((part) => [part.type, Number(part.value)]));
      return Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute) - Math.floor(t / 60_000) * 60_000;
    };
    const from = [Date.parse('2013-01-01T00:00:00Z')];
    const off = [offset(from[0])];
    for (let t = from[0] + 3_600_000; t < Date.parse('2014-01-01T00:00:00Z'); t += 3_600_000) {
      const o = offset(t);
      if (o !== off[off.length - 1]) { from.push(t); off.push(o); } // transitions fall on the hour in these zones
    }
    table = { name, from: Float64Array.from(from), off: Float64Array.from(off) };
    zones.set(name, table);
  }
  return table;
}

/** The zone's UTC offset (ms) at instant t. */
export function offsetAt(table, t) {
  for (let k = table.from.length - 1; k > 0; k--) if (t >= table.from[k]) return table.off[k];
  return table.off[0];
}
