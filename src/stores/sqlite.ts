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
  ReservationOutcome,
  ReserveRequest,
  SettleOutcome,
  SettleRequest,
  Snapshot,
  SnapshotRequest,
  SuppressionEntry,
} from 'charterguard';
import { ALL_TIME, decodeEvent, encodeEvent, expiredEvent, groupUnits, sqlName } from './sql-common.js';
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
export const SQLITE_SCHEMA_VERSION = 1;

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

interface CounterRead {
  deliveries: number;
  mailings: number;
}

class SqliteStore implements SqliteLedgerStore {
  readonly durable = true;
  private ready = false;
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly t: SqliteTables,
  ) {}

  async migrate(): Promise<void> {
    this.migrateNow();
  }

  async snapshot(request: SnapshotRequest): Promise<Snapshot> {
    return this.transaction('BEGIN', () => {
      const counters = request.counters.map((counter) => {
        const since = counter.since ?? ALL_TIME;
        const read = this.readCounter(counter.ruleId, counter.key, since, request.now);
        return { used: counter.count === 'messages' ? read.mailings : read.deliveries, counted: this.counted(counter.ruleId, counter.key, since, request.messageId, request.now) };
      });
      const live = this.sql(`SELECT 1 FROM ${this.t.deliveries} WHERE delivery_key = ? AND (expires_at IS NULL OR expires_at > ?)`);
      const deliveries = new Set(request.deliveries.filter((key) => live.get(key, request.now) !== undefined));
      const suppressed = new Set(request.contacts.filter((contact) => this.isSuppressed(contact, request.channel, request.now)));
      return { counters, deliveries, suppressed };
    });
  }

  async reserve(request: ReserveRequest): Promise<readonly ReservationOutcome[]> {
    const { now, expiresAt } = request;
    return this.transaction('BEGIN IMMEDIATE', () => {
      // A reservation this batch treats as over must stay over: a late commit (another worker's
      // clock behind ours) must not bring back units this batch is about to take.
      this.expireDue(now);
      // Counter reads of this batch, kept up to date as it takes units: one query per counter.
      const reads = new Map<string, CounterRead>();
      const counted = new Map<string, boolean>();
      const holder = this.sql(`SELECT reservation_id AS id FROM ${this.t.deliveries} WHERE delivery_key = ? AND (expires_at IS NULL OR expires_at > ?)`);
      const insertReservation = this.sql(`INSERT INTO ${this.t.reservations} (id, message_id, recipient, delivery_key, at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT (id) DO NOTHING`);
      const claim = this.sql(
        `INSERT INTO ${this.t.deliveries} (delivery_key, reservation_id, expires_at) VALUES (?, ?, ?) ON CONFLICT (delivery_key) DO UPDATE SET reservation_id = excluded.reservation_id, expires_at = excluded.expires_at`,
      );
      const insertUnit = this.sql(`INSERT INTO ${this.t.units} (rule_id, key, at, message_id, expires_at, reservation_id) VALUES (?, ?, ?, ?, ?, ?)`);
      const outcomes = request.reservations.map((reservation): ReservationOutcome => {
        const current = holder.get(reservation.deliveryKey, now) as { id: string } | undefined;
        if (current) return current.id === reservation.id ? { ok: true } : { ok: false, conflict: { kind: 'duplicate' } };
        const states = reservation.units.map((unit) => {
          const since = unit.since ?? ALL_TIME;
          const id = `${unit.ruleId}\u0000${unit.key}\u0000${since}`;
          let read = reads.get(id);
          if (!read) reads.set(id, (read = this.readCounter(unit.ruleId, unit.key, since, now)));
          const mailing = `${id}\u0000${reservation.messageId}`;
          let isCounted = counted.get(mailing);
          if (isCounted === undefined) counted.set(mailing, (isCounted = this.counted(unit.ruleId, unit.key, since, reservation.messageId, now)));
          return { unit, read, mailing, isCounted };
        });
        for (const { unit, read, isCounted } of states) {
          // A unit of a mailing already counted takes nothing, even over the limit (after an approval).
          if (unit.count === 'messages' && isCounted) continue;
          const used = unit.count === 'messages' ? read.mailings : read.deliveries;
          if (used + 1 > unit.limit) return { ok: false, conflict: { kind: 'quota', ruleId: unit.ruleId, key: unit.key, used } };
        }
        const taken = insertReservation.run(reservation.id, reservation.messageId, reservation.recipient, reservation.deliveryKey, now, expiresAt);
        // The id was used before (released or expired): a new attempt comes with a new id.
        if (Number(taken.changes) === 0) return { ok: false, conflict: { kind: 'duplicate' } };
        claim.run(reservation.deliveryKey, reservation.id, expiresAt);
        for (const { unit, read, mailing, isCounted } of states) {
          insertUnit.run(unit.ruleId, unit.key, now, reservation.messageId, expiresAt, reservation.id);
          read.deliveries++;
          if (!isCounted) {
            read.mailings++;
            counted.set(mailing, true);
          }
        }
        this.append_([reservation.event]);
        return { ok: true };
      });
      this.append_(request.events);
      return outcomes;
    });
  }

  async settle(requests: readonly SettleRequest[], action: 'commit' | 'release', now: number): Promise<readonly SettleOutcome[]> {
    return this.transaction('BEGIN IMMEDIATE', () => {
      const find = this.sql(`SELECT state, expires_at, delivery_key FROM ${this.t.reservations} WHERE id = ?`);
      return requests.map(({ id, event }): SettleOutcome => {
        const row = find.get(id) as { state: string; expires_at: number; delivery_key: string } | undefined;
        if (!row) return 'unknown';
        if (row.state === 'committed') return 'already-committed';
        if (row.state === 'released') return 'already-released';
        if (row.state === 'expired' || row.expires_at <= now) return 'expired';
        if (action === 'commit') {
          this.sql(`UPDATE ${this.t.reservations} SET state = 'committed' WHERE id = ?`).run(id);
          this.sql(`UPDATE ${this.t.units} SET expires_at = NULL WHERE reservation_id = ?`).run(id);
          this.sql(`UPDATE ${this.t.deliveries} SET expires_at = NULL WHERE delivery_key = ? AND reservation_id = ?`).run(row.delivery_key, id);
        } else {
          this.drop(id, row.delivery_key, 'released');
        }
        this.append_([event]);
        return action === 'commit' ? 'committed' : 'released';
      });
    });
  }

  async expire(now: number): Promise<readonly ExpiredReservation[]> {
    return this.transaction('BEGIN IMMEDIATE', () => this.expireDue(now));
  }

  /** Marks the reservations due at `now` expired and logs them; runs inside a transaction. */
  private expireDue(now: number): ExpiredReservation[] {
    {
      const due = this.sql(
        `SELECT id, message_id, recipient, delivery_key, expires_at FROM ${this.t.reservations} WHERE state = 'pending' AND expires_at <= ? ORDER BY expires_at, id`,
      ).all(now) as { id: string; message_id: string; recipient: string; delivery_key: string; expires_at: number }[];
      return due.map((row) => {
        this.drop(row.id, row.delivery_key, 'expired');
        const expired = { id: row.id, messageId: row.message_id, recipient: row.recipient, expiredAt: row.expires_at };
        this.append_([expiredEvent(expired)]);
        return expired;
      });
    }
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
    const rows = this.sql(`SELECT rule_id, key, message_id, at FROM ${this.t.units} WHERE expires_at IS NULL OR expires_at > ? ORDER BY rule_id, key, at`).all(now);
    return groupUnits(rows as { rule_id: string; key: string; message_id: string; at: number }[]);
  }

  private readCounter(ruleId: string, key: string, since: number, now: number): CounterRead {
    const row = this.sql(
      `SELECT count(*) AS deliveries, count(DISTINCT message_id) AS mailings FROM ${this.t.units} WHERE rule_id = ? AND key = ? AND at >= ? AND (expires_at IS NULL OR expires_at > ?)`,
    ).get(ruleId, key, since, now) as CounterRead;
    return { deliveries: row.deliveries, mailings: row.mailings };
  }

  private counted(ruleId: string, key: string, since: number, messageId: string, now: number): boolean {
    const sql = `SELECT 1 FROM ${this.t.units} WHERE rule_id = ? AND key = ? AND at >= ? AND message_id = ? AND (expires_at IS NULL OR expires_at > ?) LIMIT 1`;
    return this.sql(sql).get(ruleId, key, since, messageId, now) !== undefined;
  }

  private isSuppressed(contact: string, channel: string, now: number): boolean {
    const row = this.sql(
      `SELECT max(CASE WHEN action = 'opt-out' THEN at END) AS out, max(CASE WHEN action = 'opt-in' THEN at END) AS back FROM ${this.t.suppressions} WHERE contact = ? AND at <= ? AND channel IN (?, 'all')`,
    ).get(contact, now, channel) as { out: number | null; back: number | null };
    return row.out !== null && (row.back === null || row.back < row.out);
  }

  /** Gives a reservation's units and delivery key back. */
  private drop(id: string, deliveryKey: string, state: 'released' | 'expired'): void {
    this.sql(`UPDATE ${this.t.reservations} SET state = ? WHERE id = ?`).run(state, id);
    this.sql(`DELETE FROM ${this.t.units} WHERE reservation_id = ?`).run(id);
    this.sql(`DELETE FROM ${this.t.deliveries} WHERE delivery_key = ? AND reservation_id = ?`).run(deliveryKey, id);
  }

  private append_(events: readonly AuditEvent[]): void {
    const insert = this.sql(`INSERT INTO ${this.t.events} (data) VALUES (?)`);
    for (const event of events) insert.run(encodeEvent(event));
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
      for (let next = version + 1; next <= migrations.length; next++) this.db.exec(migrations[next - 1]!);
      this.db.prepare(`INSERT INTO ${this.t.meta} (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(migrations.length));
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    this.ready = true;
  }
}
