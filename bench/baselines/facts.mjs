// The flat facts json-rules-engine and Cedar decide on. Neither can parse a phone number,
// read a consent history, find a local time in a zone or count SMS segments, so a real
// integration derives these in code first; here that is done before timing starts (which
// flatters both engines: their figures are the rule evaluation alone).
import { DEFAULT_USAGE, USAGE } from '../lib/data.mjs';
import { DAY, HOLIDAYS, STOP, latest, offsetAt, smsSegments, usedAfter } from './hand-written.mjs';

/** Facts for one send, from the message, the recipient, its import-time record `p` and the instant. */
export function deriveFacts(m, r, p, now) {
  const sms = m.channel === 'sms';
  const optedOutAt = latest(p.optOuts, m.channel, now);
  const consentAt = latest(p.consents, m.channel, now);
  const consentGranted = consentAt !== -Infinity && optedOutAt < consentAt;
  const text = m.content?.text ?? '';
  const local = now + offsetAt(p.zone, now);
  const days = Math.floor(local / DAY);
  const audiences = r.audiences ?? [];
  return {
    channel: m.channel,
    role: m.sender.role,
    via: m.via ?? 'direct',
    // Selectors' audiences: the target audience when the message has one, else the recipient's.
    targets: m.audience !== undefined ? [m.audience] : [...audiences],
    now,
    source: r.source ?? '',
    relationship: r.relationship ?? '',
    contactOk: sms ? p.phone === 3 : p.email === 2,
    inAudience: m.audience === undefined || audiences.includes(m.audience),
    optedOut: optedOutAt !== -Infinity && !consentGranted,
    consentGranted,
    hasSender: m.sender.name !== undefined && text.toLowerCase().includes(m.sender.name.toLowerCase()),
    hasOptOut: STOP.test(text),
    segments: smsSegments(text),
    localWeekday: (days + 3) % 7, // 0 Monday … 6 Sunday
    localMinutes: (local - days * DAY) / 60_000,
    holiday: HOLIDAYS.has(days),
    preAfter: usedAfter(USAGE['quota-preinscrits'][m.id] ?? DEFAULT_USAGE),
    membersAfter: usedAfter(USAGE['quota-adherents'][m.id] ?? DEFAULT_USAGE),
  };
}
