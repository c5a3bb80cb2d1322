/**
 * Quota counters in the SQLite store: usage read from the running sums of
 * `counter_mailings` (or, for rolling windows, from the unit rows in the window), units
 * added and given back, and the sums kept equal to the unit rows in the same transaction.
 */
import type { QuotaCounter } from 'charterguard';
import { textHash } from './sql-common.js';
import type { SqliteStatement } from './sqlite.js';
import type { SqliteTables } from './sqlite-schema.js';

/** Units of pending reservations past their expiry but not yet swept: counter id → mailing → units. */
export type DueUnits = ReadonlyMap<number, ReadonlyMap<string, number>>;

/** A counter read at `now`, then kept up to date as a batch takes units under it. */
export class CounterRead {
  /** Mailings counted before the batch, probed on demand. */
  private readonly before = new Map<string, boolean>();
  /** Mailings the batch added units for. */
  private readonly added = new Set<string>();
  private addedMailings = 0;

  constructor(
    /** The counter's id, once it has a row. */
    public cid: number | undefined,
    /** Live units under the counter. */
    public deliveries: number,
    private readonly baseMailings: number,
    private readonly probe: (messageId: string) => boolean,
  ) {}

  /** Whether `messageId` has a live unit under the counter. */
  counted(messageId: string): boolean {
    return this.added.has(messageId) || this.countedBefore(messageId);
  }

  /** Live distinct mailings under the counter. */
  get mailings(): number {
    return this.baseMailings + this.addedMailings;
  }

  /** Records a unit of `messageId` taken by the batch. */
  take(messageId: string): void {
    this.deliveries++;
    if (this.added.has(messageId)) return;
    this.added.add(messageId);
    if (!this.countedBefore(messageId)) this.addedMailings++;
  }

  private countedBefore(messageId: string): boolean {
    let counted = this.before.get(messageId);
    if (counted === undefined) this.before.set(messageId, (counted = this.probe(messageId)));
    return counted;
  }
}

/** Reads and writes of the counters, over the store's prepared statements. */
export class SqliteCounters {
  private readonly q: ReturnType<typeof queries>;

  constructor(
    private readonly sql: (text: string) => SqliteStatement,
    t: SqliteTables,
  ) {
    this.q = queries(t);
  }

  /**
   * The counter's usage at `now`. `due` (snapshot only) lists the units of reservations that
   * expired without being swept yet: the sums still include them, so they are taken off.
   */
  read(counter: QuotaCounter, now: number, due?: DueUnits): CounterRead {
    const q = this.q;
    if (counter.since !== undefined) {
      // A rolling window counts only the live units at or after its start.
      const since = counter.since;
      const cid = this.find(counter.ruleId, counter.key);
      if (cid === undefined) return new CounterRead(undefined, 0, 0, () => false);
      const row = this.sql(q.window).get(cid, since, now) as { deliveries: number; mailings: number };
      const probe = this.sql(q.windowMailing);
      return new CounterRead(cid, row.deliveries, row.mailings, (messageId) => probe.get(cid, since, messageId, now) !== undefined);
    }
    return this.fromSums(this.sql(q.sums).get(textHash(counterText(counter.ruleId, counter.key)), counter.ruleId, counter.key) as Sums | undefined, due);
  }

  /** {@link read} for a list of counters, the running sums of them all read in one statement. */
  readAll(counters: readonly QuotaCounter[], now: number, due?: DueUnits): CounterRead[] {
    // A short list (a single `authorize`) costs less a counter a statement than through JSON.
    if (counters.length <= 4) return counters.map((counter) => this.read(counter, now, due));
    const summed: [number, string, string, number][] = [];
    counters.forEach((counter, i) => {
      if (counter.since === undefined) summed.push([textHash(counterText(counter.ruleId, counter.key)), counter.ruleId, counter.key, i]);
    });
    const sums = new Map<number, Sums>();
    if (summed.length > 0) for (const row of this.sql(this.q.allSums).all(JSON.stringify(summed)) as (Sums & { i: number })[]) sums.set(row.i, row);
    return counters.map((counter, i) => (counter.since === undefined ? this.fromSums(sums.get(i), due) : this.read(counter, now, due)));
  }

  /** A counter read from its running sums (its row, if it has one), less the units `due` lists. */
  private fromSums(row: Sums | undefined, due: DueUnits | undefined): CounterRead {
    const q = this.q;
    if (!row) return new CounterRead(undefined, 0, 0, () => false);
    const { cid } = row;
    const units = (messageId: string) => (this.sql(q.mailingUnits).get(cid, messageId) as { units: number } | undefined)?.units ?? 0;
    const expired = due?.get(cid);
    if (!expired) return new CounterRead(cid, row.deliveries, row.mailings, (messageId) => units(messageId) > 0);
    let deliveries = row.deliveries;
    let mailings = row.mailings;
    for (const [messageId, n] of expired) {
      deliveries -= n;
      if (units(messageId) === n) mailings--;
    }
    return new CounterRead(cid, deliveries, mailings, (messageId) => units(messageId) > (expired.get(messageId) ?? 0));
  }

  /** The units of pending reservations due at `now`, or undefined when there are none (the usual case). */
  due(now: number): DueUnits | undefined {
    if (this.sql(this.q.anyDue).get(now) === undefined) return undefined;
    const rows = this.sql(this.q.dueUnits).all(now) as { cid: number; message: string; n: number }[];
    const due = new Map<number, Map<string, number>>();
    for (const row of rows) {
      let mailings = due.get(row.cid);
      if (!mailings) due.set(row.cid, (mailings = new Map()));
      mailings.set(row.message, row.n);
    }
    return due;
  }

  /** The id of a counter, or undefined when it has no row yet. */
  find(ruleId: string, key: string): number | undefined {
    const row = this.sql(this.q.find).get(textHash(counterText(ruleId, key)), ruleId, key) as { cid: number } | undefined;
    return row?.cid;
  }

  /** Deletes a reservation's units and takes them off the running sums. */
  remove(rid: number, messageId: string): void {
    const q = this.q;
    const held = this.sql(q.held).all(rid) as { cid: number; n: number }[];
    for (const { cid, n } of held) {
      this.sql(q.subtract).run(n, cid, messageId);
      // A mailing with no unit left under the counter no longer counts among its mailings.
      this.sql(q.dropEmpty).run(cid, messageId);
    }
    this.sql(q.removeUnits).run(rid);
  }
}

/** The statements, written once per store so their texts are the same strings at every call. */
function queries(t: SqliteTables) {
  const live = `(r.state = 'committed' OR r.expires_at > ?)`;
  return {
    window: `SELECT count(*) AS deliveries, count(DISTINCT r.message_id) AS mailings FROM ${t.units} u JOIN ${t.reservations} r ON r.rid = u.rid WHERE u.cid = ? AND u.at >= ? AND ${live}`,
    windowMailing: `SELECT 1 FROM ${t.units} u JOIN ${t.reservations} r ON r.rid = u.rid WHERE u.cid = ? AND u.at >= ? AND r.message_id = ? AND ${live} LIMIT 1`,
    sums: `SELECT c.cid AS cid, coalesce(sum(m.units), 0) AS deliveries, count(m.cid) AS mailings FROM ${t.counters} c LEFT JOIN ${t.counterMailings} m ON m.cid = c.cid
      WHERE c.key_hash = ? AND c.rule_id = ? AND c.key = ? GROUP BY c.cid`,
    // One row per listed counter that has a row: [hash, rule id, key, position] items.
    // Sums as subqueries, not GROUP BY: a sorter costs more than the whole read of a short list.
    allSums: `SELECT j.value ->> 3 AS i, c.cid AS cid,
      (SELECT coalesce(sum(m.units), 0) FROM ${t.counterMailings} m WHERE m.cid = c.cid) AS deliveries,
      (SELECT count(*) FROM ${t.counterMailings} m WHERE m.cid = c.cid) AS mailings
      FROM json_each(?) j CROSS JOIN ${t.counters} c WHERE c.key_hash = j.value ->> 0 AND c.rule_id = j.value ->> 1 AND c.key = j.value ->> 2`,
    mailingUnits: `SELECT units FROM ${t.counterMailings} WHERE cid = ? AND message_id = ?`,
    anyDue: `SELECT 1 FROM ${t.reservations} WHERE state = 'pending' AND expires_at <= ? LIMIT 1`,
    dueUnits: `SELECT u.cid AS cid, r.message_id AS message, count(*) AS n FROM ${t.reservations} r JOIN ${t.units} u ON u.rid = r.rid
      WHERE r.state = 'pending' AND r.expires_at <= ? GROUP BY u.cid, r.message_id`,
    find: `SELECT cid FROM ${t.counters} WHERE key_hash = ? AND rule_id = ? AND key = ?`,
    held: `SELECT cid, count(*) AS n FROM ${t.units} WHERE rid = ? GROUP BY cid`,
    subtract: `UPDATE ${t.counterMailings} SET units = units - ? WHERE cid = ? AND message_id = ?`,
    dropEmpty: `DELETE FROM ${t.counterMailings} WHERE cid = ? AND message_id = ? AND units <= 0`,
    removeUnits: `DELETE FROM ${t.units} WHERE rid = ?`,
  };
}

/** A counter's row with its running sums. */
type Sums = { readonly cid: number; readonly deliveries: number; readonly mailings: number };

/** The text a counter's key hash is computed from. */
function counterText(ruleId: string, key: string): string {
  return `${ruleId}\u0000${key}`;
}
