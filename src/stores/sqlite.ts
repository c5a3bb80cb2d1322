/**
 * `charterguard/sqlite`: a durable ledger store in one SQLite file, over a `better-sqlite3`
 * `Database` the caller opens. Several processes may share the file: every write runs in a
 * `BEGIN IMMEDIATE` transaction, which SQLite serialises across processes.
 */
import type {
  AuditEvent,
  CounterUsage,
  ExpiredReservation,
  LedgerStore,
  QuotaCounter,
  ReservationOutcome,
  ReserveRequest,
  SettleOutcome,
  SettleRequest,
  Snapshot,
  SnapshotRequest,
  SuppressionEntry,
} from 'charterguard';
import { decodeEvent, encodeEvent, expiredEvent, groupUnits, sqlName } from './sql-common.js';
import { BatchWrite, insertRows } from './sqlite-batch.js';
import { CounterRead, SqliteCounters } from './sqlite-counters.js';
import { SqliteLookups } from './sqlite-lookups.js';
import { sqliteMigrations, sqliteTables, type SqliteTables } from './sqlite-schema.js';

/** The part of a prepared statement the store uses (a `better-sqlite3` `Statement` fits). */
export interface SqliteStatement {
  /** Runs a write; says how many rows changed. */
  run(...params: unknown[]): { changes: number | bigint };
  /** The first row of a read, or `undefined`. */
  get(...params: unknown[]): unknown;
  /** Every row of a read. */
  all(...params: unknown[]): unknown[];
}

/** The part of a database connection the store uses (a `better-sqlite3` `Database` fits). */
export interface SqliteDatabase {
  /** Compiles one statement (the store caches them). */
  prepare(sql: string): SqliteStatement;
  /** Runs SQL text without results: `BEGIN IMMEDIATE`, `COMMIT`, migrations. */
  exec(sql: string): unknown;
  /** Whether a transaction is open, to roll back only what is still open after a failure. */
  readonly inTransaction: boolean;
}

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /** Prefix of the store's table names, to share a database file; default `charterguard_`. */
  tablePrefix?: string;
}

/** A ledger store in SQLite, with its schema migration exposed for deploy scripts. */
export interface SqliteLedgerStore extends LedgerStore {
  /** Creates or upgrades the tables; runs by itself on first use, and is safe to run again or from two processes. */
  migrate(): Promise<void>;
}

/** The schema version this code writes and reads. */
export const SQLITE_SCHEMA_VERSION = 3;

/**
 * A durable ledger store in a SQLite database: for one machine, one or several processes.
 * Turns on WAL mode; creates its tables on first use. Contacts reach it only as keyed hashes.
 *
 * @param db - an open `better-sqlite3` `Database` (v12), e.g. `new Database('ledger.db', { timeout: 5000 })`.
 * @param options - the table prefix.
 * @returns the store, to pass to `createLedger` with a fixed `secret`.
 * @example
 * ```ts
 * import Database from 'better-sqlite3';
 * import { createLedger } from 'charterguard';
 * import { sqliteStore } from 'charterguard/sqlite';
 *
 * const ledger = createLedger({ charter, store: sqliteStore(new Database('ledger.db')), secret: process.env.LEDGER_SECRET });
 * ```
 */
export function sqliteStore(db: SqliteDatabase, options: SqliteStoreOptions = {}): SqliteLedgerStore {
  return new SqliteStore(db, sqliteTables(sqlName(options.tablePrefix ?? 'charterguard_', 'tablePrefix')));
}

class SqliteStore implements SqliteLedgerStore {
  readonly durable = true;
  private ready = false;
  private readonly statements = new Map<string, SqliteStatement>();
  private readonly counters_: SqliteCounters;
  private readonly lookups: SqliteLookups;
  private readonly q: ReturnType<typeof queries>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly t: SqliteTables,
  ) {
    this.counters_ = new SqliteCounters((text) => this.sql(text), t);
    this.lookups = new SqliteLookups((text) => this.sql(text), t);
    this.q = queries(t);
  }

  async migrate(): Promise<void> {
    this.migrateNow();
  }

  async snapshot(request: SnapshotRequest): Promise<Snapshot> {
    const { now } = request;
    return this.transaction('BEGIN', () => {
      // Reads never write: units of reservations due but not swept yet are taken off the sums.
      const due = this.counters_.due(now);
      const reads = this.counters_.readAll(request.counters, now, due);
      const counters = request.counters.map((counter, i) => {
        const read = reads[i]!;
        return { used: counter.count === 'messages' ? read.mailings : read.deliveries, counted: read.counted(request.messageId) };
      });
      const deliveries = new Set(this.lookups.holders(request.deliveries, now).keys());
      return { counters, deliveries, suppressed: this.lookups.suppressed(request.contacts, request.channel, now) };
    });
  }

  async reserve(request: ReserveRequest): Promise<readonly ReservationOutcome[]> {
    const { now, expiresAt } = request;
    return this.transaction('BEGIN IMMEDIATE', () => {
      // A reservation this batch treats as over must stay over: a late commit (another worker's
      // clock behind ours) must not bring back units this batch is about to take. Once swept,
      // every unit row left is live, so the running sums are exact.
      this.expireDue(now);
      const write = new BatchWrite(this.sql(this.q.nextIds).get() as { rid: number; cid: number });
      const cids = new Map<string, number>();
      // What the tables held before this batch: its own rows are written only at the end.
      const holders = this.lookups.holders(request.reservations.map((reservation) => reservation.deliveryKey), now);
      const known = this.lookups.known(request.reservations.map((reservation) => reservation.id));
      // Every counter the batch may take units under, read at once.
      const wanted = new Map<string, QuotaCounter>();
      for (const reservation of request.reservations) for (const unit of reservation.units) wanted.set(unitId(unit), unit);
      const reads = new Map<string, CounterRead>();
      const all = this.counters_.readAll([...wanted.values()], now);
      [...wanted.keys()].forEach((id, i) => reads.set(id, all[i]!));
      const outcomes = request.reservations.map((reservation): ReservationOutcome => {
        const holder = write.claims.get(reservation.deliveryKey) ?? holders.get(reservation.deliveryKey);
        if (holder !== undefined) return holder === reservation.id ? { ok: true } : { ok: false, conflict: { kind: 'duplicate' } };
        // The id was used before (released or expired): a new attempt comes with a new id.
        if (write.ids.has(reservation.id) || known.has(reservation.id)) {
          return { ok: false, conflict: { kind: 'duplicate' } };
        }
        const states = reservation.units.map((unit) => ({ unit, read: reads.get(unitId(unit))! }));
        for (const { unit, read } of states) {
          // A unit of a mailing already counted takes nothing, even over the limit (after an approval).
          if (unit.count === 'messages' && read.counted(reservation.messageId)) continue;
          const used = unit.count === 'messages' ? read.mailings : read.deliveries;
          if (used + 1 > unit.limit) return { ok: false, conflict: { kind: 'quota', ruleId: unit.ruleId, key: unit.key, used } };
        }
        const rid = write.reservation(reservation, now, expiresAt);
        for (const { unit, read } of states) {
          const counter = `${unit.ruleId}\u0000${unit.key}`;
          let cid = cids.get(counter) ?? read.cid;
          // A counter this transaction found no row for gets one (the write lock keeps it so).
          if (cid === undefined) cid = write.counter(unit.ruleId, unit.key);
          cids.set(counter, cid);
          read.cid = cid;
          read.take(reservation.messageId);
          write.unit(rid, cid, reservation.messageId, now);
        }
        return { ok: true };
      });
      write.flush((text) => this.sql(text), this.t, request.events);
      return outcomes;
    });
  }

  async settle(requests: readonly SettleRequest[], action: 'commit' | 'release', now: number): Promise<readonly SettleOutcome[]> {
    return this.transaction('BEGIN IMMEDIATE', () => {
      const events: AuditEvent[] = [];
      const outcomes = requests.map(({ id, event }): SettleOutcome => {
        const row = this.sql(this.q.find).get(id) as { rid: number; message_id: string; state: string; expires_at: number } | undefined;
        if (!row) return 'unknown';
        if (row.state === 'committed') return 'already-committed';
        if (row.state === 'released') return 'already-released';
        if (row.state === 'expired' || row.expires_at <= now) return 'expired';
        if (action === 'commit') this.sql(this.q.setState).run('committed', row.rid);
        else this.drop(row.rid, row.message_id, 'released');
        events.push(event);
        return action === 'commit' ? 'committed' : 'released';
      });
      this.append_(events);
      return outcomes;
    });
  }

  async expire(now: number): Promise<readonly ExpiredReservation[]> {
    return this.transaction('BEGIN IMMEDIATE', () => this.expireDue(now));
  }

  /** Marks the reservations due at `now` expired and logs them; runs inside a write transaction. */
  private expireDue(now: number): ExpiredReservation[] {
    const due = this.sql(this.q.due).all(now) as { rid: number; id: string; message_id: string; recipient: string; expires_at: number }[];
    if (due.length === 0) return [];
    const expired = due.map((row) => {
      this.drop(row.rid, row.message_id, 'expired');
      return { id: row.id, messageId: row.message_id, recipient: row.recipient, expiredAt: row.expires_at };
    });
    this.append_(expired.map(expiredEvent));
    return expired;
  }

  async suppress(entries: readonly SuppressionEntry[], events: readonly AuditEvent[]): Promise<void> {
    this.transaction('BEGIN IMMEDIATE', () => {
      const insert = this.sql(`INSERT INTO ${this.t.suppressions} (contact, channel, action, at) VALUES (?, ?, ?, ?)`);
      for (const entry of entries) insert.run(entry.contact, entry.channel, entry.action, entry.at);
      this.append_(events);
    });
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    this.transaction('BEGIN IMMEDIATE', () => this.append_(events));
  }

  async *events(): AsyncIterable<AuditEvent> {
    this.migrateNow();
    // Events appended while iterating are not visited: the log is read up to its end now.
    const end = (this.sql(`SELECT coalesce(max(seq), 0) AS last FROM ${this.t.events}`).get() as { last: number }).last;
    const page = this.sql(`SELECT seq, data FROM ${this.t.events} WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT 500`);
    for (let after = 0; after < end; ) {
      const rows = page.all(after, end) as { seq: number; data: string }[];
      if (rows.length === 0) break;
      for (const row of rows) yield decodeEvent(row.seq, row.data);
      after = rows[rows.length - 1]!.seq;
    }
  }

  async counters(now: number): Promise<readonly CounterUsage[]> {
    this.migrateNow();
    const rows = this.sql(this.q.liveUnits).all(now);
    return groupUnits(rows as { rule_id: string; key: string; message_id: string; at: number }[]);
  }

  /** Gives a reservation's units and delivery key back. */
  private drop(rid: number, messageId: string, state: 'released' | 'expired'): void {
    this.sql(this.q.setState).run(state, rid);
    this.counters_.remove(rid, messageId);
  }

  private append_(events: readonly AuditEvent[]): void {
    insertRows((text) => this.sql(text), `INSERT INTO ${this.t.events} (data) VALUES`, 1, events.map(encodeEvent));
  }

  private transaction<T>(begin: 'BEGIN' | 'BEGIN IMMEDIATE', work: () => T): T {
    this.migrateNow();
    this.db.exec(begin);
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      // A failed COMMIT may have rolled back already; ROLLBACK only what is still open.
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private sql(text: string): SqliteStatement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private migrateNow(): void {
    if (this.ready) return;
    const journal = this.db.prepare('PRAGMA journal_mode').get() as { journal_mode?: string } | undefined;
    // WAL lets readers run beside the writer; an in-memory database has no journal file to switch.
    if (journal?.journal_mode !== 'wal' && journal?.journal_mode !== 'memory') this.db.exec('PRAGMA journal_mode = WAL');
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${this.t.meta} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
      const row = this.db.prepare(`SELECT value FROM ${this.t.meta} WHERE key = 'schema_version'`).get() as { value: string } | undefined;
      const version = row ? Number(row.value) : 0;
      if (version > SQLITE_SCHEMA_VERSION) throw new Error(`the ledger tables are at schema version ${version}, newer than this charterguard (${SQLITE_SCHEMA_VERSION}): upgrade charterguard`);
      const migrations = sqliteMigrations(this.t);
      for (let next = version + 1; next <= migrations.length; next++) migrations[next - 1]!(this.db);
      this.db.prepare(`INSERT INTO ${this.t.meta} (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(migrations.length));
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    this.ready = true;
  }
}

/** What tells a counter read apart: a rolling window's start makes another read of the same counter. */
function unitId(unit: QuotaCounter): string {
  return `${unit.ruleId}\u0000${unit.key}\u0000${unit.since ?? ''}`;
}

/** The store's hot statements, written once so their texts are the same strings at every call. */
function queries(t: SqliteTables) {
  return {
    // Row ids are never reused, even after old reservations are deleted (retention).
    nextIds: `SELECT max(coalesce((SELECT max(rid) FROM ${t.reservations}), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = '${t.reservations}'), 0)) + 1 AS rid,
      (SELECT coalesce(max(cid), 0) + 1 FROM ${t.counters}) AS cid`,
    find: `SELECT rid, message_id, state, expires_at FROM ${t.reservations} WHERE id = ?`,
    setState: `UPDATE ${t.reservations} SET state = ? WHERE rid = ?`,
    due: `SELECT rid, id, message_id, recipient, expires_at FROM ${t.reservations} WHERE state = 'pending' AND expires_at <= ? ORDER BY expires_at, id`,
    liveUnits: `SELECT c.rule_id, c.key, r.message_id, r.at FROM ${t.units} u JOIN ${t.reservations} r ON r.rid = u.rid JOIN ${t.counters} c ON c.cid = u.cid
      WHERE r.state = 'committed' OR r.expires_at > ? ORDER BY c.rule_id, c.key, r.at`,
  };
}
