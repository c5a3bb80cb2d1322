/** The SQLite store's tables, created and upgraded by versioned migrations. */
import { textHash } from './sql-common.js';
import type { SqliteDatabase } from './sqlite.js';

/** The tables of one store, named with its prefix. */
export interface SqliteTables {
  readonly meta: string;
  readonly reservations: string;
  /** One row per quota counter (rule × key): its integer id, its key and the key's hash. */
  readonly counters: string;
  /** The running sums: live units per counter and mailing, kept in the transaction that changes them. */
  readonly counterMailings: string;
  readonly units: string;
  readonly suppressions: string;
  readonly events: string;
  /** Schema 1 only: dropped by the migration to schema 2. */
  readonly deliveries: string;
}

/** The table names for `prefix`. */
export function sqliteTables(prefix: string): SqliteTables {
  return {
    meta: `${prefix}meta`,
    reservations: `${prefix}reservations`,
    counters: `${prefix}counters`,
    counterMailings: `${prefix}counter_mailings`,
    units: `${prefix}units`,
    suppressions: `${prefix}suppressions`,
    events: `${prefix}events`,
    deliveries: `${prefix}deliveries`,
  };
}

/** One migration: runs inside the `BEGIN IMMEDIATE` transaction that records its version. */
export type SqliteMigration = (db: SqliteDatabase) => void;

/**
 * Migrations in order: migration `n` (1-based) brings the schema to version `n`. Append new
 * ones; never edit a released one. Times are epoch milliseconds.
 */
export function sqliteMigrations(t: SqliteTables): readonly SqliteMigration[] {
  return [(db) => db.exec(version1(t)), (db) => version2(db, t), (db) => db.exec(version3(t))];
}

/** Schema 1 (the first version of this store): usage counted from the unit rows at every read. */
function version1(t: SqliteTables): string {
  return `
    CREATE TABLE ${t.reservations} (
      id TEXT PRIMARY KEY,
      message_id TEXT NOT NULL,
      recipient TEXT NOT NULL,
      delivery_key TEXT NOT NULL,
      at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'committed', 'released', 'expired'))
    );
    CREATE INDEX ${t.reservations}_due ON ${t.reservations} (expires_at) WHERE state = 'pending';
    CREATE TABLE ${t.units} (rule_id TEXT NOT NULL, key TEXT NOT NULL, at INTEGER NOT NULL, message_id TEXT NOT NULL, expires_at INTEGER, reservation_id TEXT NOT NULL);
    CREATE INDEX ${t.units}_counter ON ${t.units} (rule_id, key, at, message_id, expires_at);
    CREATE INDEX ${t.units}_reservation ON ${t.units} (reservation_id);
    CREATE TABLE ${t.deliveries} (delivery_key TEXT PRIMARY KEY, reservation_id TEXT NOT NULL, expires_at INTEGER);
    CREATE TABLE ${t.suppressions} (
      contact TEXT NOT NULL,
      channel TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('opt-out', 'opt-in')),
      at INTEGER NOT NULL
    );
    CREATE INDEX ${t.suppressions}_contact ON ${t.suppressions} (contact, at);
    CREATE TABLE ${t.events} (seq INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL);`;
}

/**
 * Schema 2: usage read from running sums instead of counting unit rows, and lookups by
 * small integer keys.
 * - `reservations` gets an increasing integer `rid` (what units point to, never reused) and 32-bit hashes
 *   of its id and delivery key, indexed instead of the texts. It also replaces the
 *   `deliveries` table: a delivery key's holder is its reservation that is pending or
 *   committed (the store expires due reservations before it claims a key).
 * - `counters` gives each quota counter an integer `cid`; `counter_mailings` holds, per
 *   counter and mailing, the number of unit rows: their sum is the counter's deliveries,
 *   their count its mailings. Every statement that adds or removes unit rows updates it in
 *   the same transaction.
 * - `units` keeps one small row per reservation × counter, indexed by reservation and by
 *   (counter, time) for rolling windows and reports.
 * Existing rows are carried over, the sums computed from them.
 */
function version2(db: SqliteDatabase, t: SqliteTables): void {
  db.exec(`
    CREATE TABLE ${t.reservations}_v2 (
      rid INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL,
      id_hash INTEGER NOT NULL,
      message_id TEXT NOT NULL,
      recipient TEXT NOT NULL,
      delivery_key TEXT NOT NULL,
      key_hash INTEGER NOT NULL,
      at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'committed', 'released', 'expired'))
    );
    CREATE TABLE ${t.counters} (cid INTEGER PRIMARY KEY, rule_id TEXT NOT NULL, key TEXT NOT NULL, key_hash INTEGER NOT NULL);
    CREATE TABLE ${t.counterMailings} (cid INTEGER NOT NULL, message_id TEXT NOT NULL, units INTEGER NOT NULL, PRIMARY KEY (cid, message_id)) WITHOUT ROWID;
    CREATE TABLE ${t.units}_v2 (rid INTEGER NOT NULL, cid INTEGER NOT NULL, at INTEGER NOT NULL);`);
  // Schema 1 rows, page by page; hashes are computed here, SQLite has no hash function.
  const copy = db.prepare(
    `INSERT INTO ${t.reservations}_v2 (id, id_hash, message_id, recipient, delivery_key, key_hash, at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const page = db.prepare(`SELECT rowid, id, message_id, recipient, delivery_key, at, expires_at, state FROM ${t.reservations} WHERE rowid > ? ORDER BY rowid LIMIT 1000`);
  type Row = { rowid: number; id: string; message_id: string; recipient: string; delivery_key: string; at: number; expires_at: number; state: string };
  for (let after = 0; ; ) {
    const rows = page.all(after) as Row[];
    if (rows.length === 0) break;
    for (const r of rows) copy.run(r.id, textHash(r.id), r.message_id, r.recipient, r.delivery_key, textHash(r.delivery_key), r.at, r.expires_at, r.state);
    after = rows[rows.length - 1]!.rowid;
  }
  const counters = db.prepare(`SELECT DISTINCT rule_id, key FROM ${t.units}`).all() as { rule_id: string; key: string }[];
  const addCounter = db.prepare(`INSERT INTO ${t.counters} (rule_id, key, key_hash) VALUES (?, ?, ?)`);
  for (const c of counters) addCounter.run(c.rule_id, c.key, textHash(`${c.rule_id}\u0000${c.key}`));
  db.exec(`
    CREATE INDEX ${t.reservations}_v2_id_text ON ${t.reservations}_v2 (id);
    CREATE INDEX ${t.counters}_text ON ${t.counters} (rule_id, key);
    INSERT INTO ${t.units}_v2 (rid, cid, at)
      SELECT r.rid, c.cid, u.at FROM ${t.units} u
      JOIN ${t.reservations}_v2 r ON r.id = u.reservation_id
      JOIN ${t.counters} c ON c.rule_id = u.rule_id AND c.key = u.key
      ORDER BY r.rid;
    DROP INDEX ${t.reservations}_v2_id_text;
    DROP INDEX ${t.counters}_text;
    INSERT INTO ${t.counterMailings} (cid, message_id, units)
      SELECT u.cid, r.message_id, count(*) FROM ${t.units}_v2 u JOIN ${t.reservations}_v2 r ON r.rid = u.rid GROUP BY u.cid, r.message_id;
    DROP TABLE ${t.units};
    DROP TABLE ${t.deliveries};
    DROP TABLE ${t.reservations};
    ALTER TABLE ${t.reservations}_v2 RENAME TO ${t.reservations};
    ALTER TABLE ${t.units}_v2 RENAME TO ${t.units};
    CREATE INDEX ${t.reservations}_id ON ${t.reservations} (id_hash);
    CREATE INDEX ${t.reservations}_holder ON ${t.reservations} (key_hash) WHERE state IN ('pending', 'committed');
    CREATE INDEX ${t.reservations}_due ON ${t.reservations} (expires_at) WHERE state = 'pending';
    CREATE INDEX ${t.counters}_key ON ${t.counters} (key_hash);
    CREATE INDEX ${t.units}_reservation ON ${t.units} (rid);
    CREATE INDEX ${t.units}_counter ON ${t.units} (cid, at);`);
}


/**
 * Schema 3: reservations are found by their id through an index on the id itself, not on its
 * 32-bit hash. A ledger's ids are a per-process prefix and a counter, so a batch's ids sit
 * side by side in that index and its insertions touch a few pages; their hashes are scattered,
 * and a batch of 1,000 rewrote a page of the hash index for nearly every row (about a fifth
 * of the pages a batch wrote to the WAL once the table held 40,000 reservations).
 */
function version3(t: SqliteTables): string {
  return `
    DROP INDEX ${t.reservations}_id;
    ALTER TABLE ${t.reservations} DROP COLUMN id_hash;
    CREATE INDEX ${t.reservations}_id ON ${t.reservations} (id);`;
}
