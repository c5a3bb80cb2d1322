/** Helpers the SQL stores share: how events and unit rows travel to and from tables. */
import { CharterguardError, type AuditEvent, type CounterUsage, type ExpiredReservation } from 'charterguard';

/** An event as stored: its JSON without `seq`, which the table assigns. */
export function encodeEvent(event: AuditEvent): string {
  const { seq: _, ...rest } = event;
  return JSON.stringify(rest);
}

/** An event read back, with its position in the log. */
export function decodeEvent(seq: number | string, data: unknown): AuditEvent {
  const body = (typeof data === 'string' ? JSON.parse(data) : data) as AuditEvent;
  return Object.freeze({ ...body, seq: Number(seq) });
}

/** The `expired` event of a reservation, dated at its expiry. */
export function expiredEvent(expired: ExpiredReservation): AuditEvent {
  return { type: 'expired', at: new Date(expired.expiredAt).toISOString(), messageId: expired.messageId, recipient: expired.recipient, reservationId: expired.id };
}

/** Live unit rows, ordered by counter, grouped into the `counters()` answer. */
export function groupUnits(rows: readonly { rule_id: string; key: string; message_id: string; at: number | string }[]): CounterUsage[] {
  const usage: { ruleId: string; key: string; units: { messageId: string; at: number }[] }[] = [];
  for (const row of rows) {
    let last = usage[usage.length - 1];
    if (!last || last.ruleId !== row.rule_id || last.key !== row.key) {
      last = { ruleId: row.rule_id, key: row.key, units: [] };
      usage.push(last);
    }
    last.units.push({ messageId: row.message_id, at: Number(row.at) });
  }
  return usage;
}

/** Checks a name that goes into SQL text (schema, table prefix): letters, digits, underscores. */
export function sqlName(name: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(name)) throw new CharterguardError(`${what} must be letters, digits and underscores (at most 41), got '${name}'`);
  return name;
}

/**
 * A 32-bit hash of a text (FNV-1a, then murmur3's finaliser), as a signed integer: the key
 * of the SQLite store's lookup indexes. Four bytes instead of a 40–100 character key keep
 * those indexes small, and a batch rewrites far fewer of their pages. Never trusted alone:
 * every lookup also compares the full text, so a collision only costs an extra row read.
 */
export function textHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}
