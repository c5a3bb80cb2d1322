/** The SQLite store's tables, created by versioned migrations. */

/** The tables of one store, named with its prefix. */
export interface SqliteTables {
  readonly meta: string;
  readonly reservations: string;
  readonly units: string;
  readonly deliveries: string;
  readonly suppressions: string;
  readonly events: string;
}

/** The table names for `prefix`. */
export function sqliteTables(prefix: string): SqliteTables {
  return {
    meta: `${prefix}meta`,
    reservations: `${prefix}reservations`,
    units: `${prefix}units`,
    deliveries: `${prefix}deliveries`,
    suppressions: `${prefix}suppressions`,
    events: `${prefix}events`,
  };
}

/**
 * Migrations in order: migration `n` (1-based) brings the schema to version `n`. Append new
 * ones; never edit a released one. Times are epoch milliseconds; a NULL `expires_at` means
 * committed (counts for good).
 */
export function sqliteMigrations(t: SqliteTables): readonly string[] {
  return [
    `
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
    CREATE TABLE ${t.units} (
      rule_id TEXT NOT NULL,
      key TEXT NOT NULL,
      at INTEGER NOT NULL,
      message_id TEXT NOT NULL,
      expires_at INTEGER,
      reservation_id TEXT NOT NULL
    );
    CREATE INDEX ${t.units}_counter ON ${t.units} (rule_id, key, at, message_id, expires_at);
    CREATE INDEX ${t.units}_reservation ON ${t.units} (reservation_id);
    CREATE TABLE ${t.deliveries} (
      delivery_key TEXT PRIMARY KEY,
      reservation_id TEXT NOT NULL,
      expires_at INTEGER
    );
    CREATE TABLE ${t.suppressions} (
      contact TEXT NOT NULL,
      channel TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('opt-out', 'opt-in')),
      at INTEGER NOT NULL
    );
    CREATE INDEX ${t.suppressions}_contact ON ${t.suppressions} (contact, at);
    CREATE TABLE ${t.events} (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      data TEXT NOT NULL
    );
    `,
  ];
}
