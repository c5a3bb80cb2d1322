/**
 * The rows a SQLite reservation batch writes: collected while the batch decides, then
 * written with multi-row statements (one call into SQLite per 64 rows instead of one a row).
 */
import type { AuditEvent, ReservationRequest } from 'charterguard';
import { encodeEvent, textHash } from './sql-common.js';
import type { SqliteStatement } from './sqlite.js';
import type { SqliteTables } from './sqlite-schema.js';

type Sql = (text: string) => SqliteStatement;

/** The rows of one batch, under the write lock: ids are assigned here, after the largest in the tables. */
export class BatchWrite {
  /** Delivery keys this batch claimed, with the reservation holding each. */
  readonly claims = new Map<string, string>();
  /** Reservation ids this batch took. */
  readonly ids = new Set<string>();
  private nextRid: number;
  private nextCid: number;
  private readonly reservations: unknown[] = [];
  private readonly counters: unknown[] = [];
  private readonly units: unknown[] = [];
  /** Units added per counter and mailing: what the running sums gain. */
  private readonly sums = new Map<number, Map<string, number>>();
  private readonly events: AuditEvent[] = [];

  constructor(next: { readonly rid: number; readonly cid: number }) {
    this.nextRid = next.rid;
    this.nextCid = next.cid;
  }

  /** Takes a reservation; returns its row id. */
  reservation(reservation: ReservationRequest, now: number, expiresAt: number): number {
    const rid = this.nextRid++;
    const { id, deliveryKey } = reservation;
    this.reservations.push(rid, id, reservation.messageId, reservation.recipient, deliveryKey, textHash(deliveryKey), now, expiresAt);
    this.claims.set(deliveryKey, id);
    this.ids.add(id);
    this.events.push(reservation.event);
    return rid;
  }

  /** Creates a counter row; returns its id. */
  counter(ruleId: string, key: string): number {
    const cid = this.nextCid++;
    this.counters.push(cid, ruleId, key, textHash(`${ruleId}\u0000${key}`));
    return cid;
  }

  /** Adds a unit of reservation `rid` (mailing `messageId`) under counter `cid`. */
  unit(rid: number, cid: number, messageId: string, at: number): void {
    this.units.push(rid, cid, at);
    let mailings = this.sums.get(cid);
    if (!mailings) this.sums.set(cid, (mailings = new Map()));
    mailings.set(messageId, (mailings.get(messageId) ?? 0) + 1);
  }

  /** Writes every row, the running sums, then the taken reservations' events and `events`. */
  flush(sql: Sql, t: SqliteTables, events: readonly AuditEvent[]): void {
    insertRows(sql, `INSERT INTO ${t.counters} (cid, rule_id, key, key_hash) VALUES`, 4, this.counters);
    insertRows(sql, `INSERT INTO ${t.reservations} (rid, id, message_id, recipient, delivery_key, key_hash, at, expires_at, state) VALUES`, 8, this.reservations, '', "'pending'");
    insertRows(sql, `INSERT INTO ${t.units} (rid, cid, at) VALUES`, 3, this.units);
    const sums: unknown[] = [];
    for (const [cid, mailings] of this.sums) for (const [messageId, units] of mailings) sums.push(cid, messageId, units);
    insertRows(sql, `INSERT INTO ${t.counterMailings} (cid, message_id, units) VALUES`, 3, sums, ' ON CONFLICT (cid, message_id) DO UPDATE SET units = units + excluded.units');
    insertRows(sql, `INSERT INTO ${t.events} (data) VALUES`, 1, [...this.events, ...events].map(encodeEvent));
  }
}

/** Rows per statement, largest first: a batch of n rows takes at most n / 64 + 9 calls. */
const CHUNKS = [64, 16, 4, 1] as const;
const texts = new Map<string, string>();

/**
 * Inserts rows given as a flat list of `width` values each, several rows a statement.
 * `constant` is appended to each row (a literal column value), `tail` to each statement.
 */
export function insertRows(sql: Sql, head: string, width: number, values: readonly unknown[], tail = '', constant = ''): void {
  const rows = values.length / width;
  let row = 0;
  for (const chunk of CHUNKS) {
    if (rows - row < chunk) continue;
    const id = `${head}\u0000${chunk}\u0000${width}\u0000${tail}\u0000${constant}`;
    let text = texts.get(id);
    if (text === undefined) {
      const tuple = `(${Array.from({ length: width }, () => '?').join(', ')}${constant === '' ? '' : `, ${constant}`})`;
      texts.set(id, (text = `${head} ${Array.from({ length: chunk }, () => tuple).join(', ')}${tail}`));
    }
    const statement = sql(text);
    for (; rows - row >= chunk; row += chunk) statement.run(...values.slice(row * width, (row + chunk) * width));
  }
}
