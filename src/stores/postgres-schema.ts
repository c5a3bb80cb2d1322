/**
 * The PostgreSQL store's schema: tables and the functions that do each operation in one
 * statement (so one round trip, one transaction, on any client, a pool included).
 *
 * Atomicity (schema 2): `reserve` locks the rows of the delivery keys it claims, then the
 * rows of the counters it touches, each set in one fixed (sorted) order, and only then reads
 * usage. Every batch takes its locks in that same global order, so batches touching the same
 * counters queue instead of deadlocking, and each one reads usage that includes every batch
 * committed before it (READ COMMITTED takes a new snapshot per statement). Whatever changes
 * the running sums of a counter (`reserve`, a release, `expire`) holds its row exclusively.
 * `settle` locks in the same order; `expire` skips rows another transaction holds.
 */
import { postgresFunctions } from './postgres-functions.js';

/** The schema version this code writes and reads. */
export const POSTGRES_SCHEMA_VERSION = 2;


/**
 * The migration, as one `DO` block run under an advisory lock: idempotent, safe from several
 * processes at once. `target` (tests only) stops at an older version.
 */
export function postgresMigration(schema: string, target = POSTGRES_SCHEMA_VERSION): string {
  const s = schema;
  return `DO $migrate$
DECLARE version int;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('charterguard.migrate.${s}'));
  CREATE SCHEMA IF NOT EXISTS ${s};
  CREATE TABLE IF NOT EXISTS ${s}.meta (key text PRIMARY KEY, value text NOT NULL);
  SELECT coalesce((SELECT value::int FROM ${s}.meta WHERE key = 'schema_version'), 0) INTO version;
  IF version > ${target} THEN
    RAISE EXCEPTION 'the ledger tables in schema ${s} are at schema version %, newer than this charterguard (${target}): upgrade charterguard', version;
  END IF;
  IF version < 1 THEN
${version1(s)}
  END IF;${
    target >= 2
      ? `
  IF version < 2 THEN
${version2(s)}
  END IF;`
      : ''
  }
  INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', '${target}')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
END
$migrate$`;
}

/**
 * Schema 1's tables (the first version of this store, which counted usage from the unit rows
 * at every read). Its functions are not installed: schema 2 replaces them right away.
 */
function version1(s: string): string {
  return `
  -- One row per quota counter: the row a reservation locks.
  CREATE TABLE ${s}.counters (rule_id text NOT NULL, key text NOT NULL, PRIMARY KEY (rule_id, key));
  CREATE TABLE ${s}.reservations (
    id text PRIMARY KEY, message_id text NOT NULL, recipient text NOT NULL, delivery_key text NOT NULL,
    at bigint NOT NULL, expires_at bigint NOT NULL,
    state text NOT NULL CHECK (state IN ('pending', 'committed', 'released', 'expired')));
  CREATE INDEX reservations_due ON ${s}.reservations (expires_at) WHERE state = 'pending';
  -- The units of pending and committed reservations; expires_at is NULL once committed.
  CREATE TABLE ${s}.units (rule_id text NOT NULL, key text NOT NULL, at bigint NOT NULL, message_id text NOT NULL, expires_at bigint, reservation_id text NOT NULL);
  CREATE INDEX units_counter ON ${s}.units (rule_id, key, at) INCLUDE (message_id, expires_at);
  CREATE INDEX units_reservation ON ${s}.units (reservation_id);
  -- The holder of each delivery key (NULL: free); the row a reservation locks to claim it.
  CREATE TABLE ${s}.deliveries (delivery_key text PRIMARY KEY, reservation_id text, expires_at bigint);
  CREATE TABLE ${s}.suppressions (contact text NOT NULL, channel text NOT NULL, action text NOT NULL CHECK (action IN ('opt-out', 'opt-in')), at bigint NOT NULL);
  CREATE INDEX suppressions_contact ON ${s}.suppressions (contact, at);
  CREATE TABLE ${s}.events (seq bigserial PRIMARY KEY, data jsonb NOT NULL);
`;
}

/**
 * Schema 2: usage read from running sums instead of counting unit rows.
 * - `counters` and `reservations` get integer ids (`cid`, `rid`); `units` becomes one small
 *   row per reservation × counter (rid, cid, at), its liveness read from its reservation.
 * - `counter_mailings` holds, per counter and mailing, the number of unit rows: their sum is
 *   the counter's deliveries, their count its mailings. Every statement that adds or removes
 *   unit rows updates it in the same transaction, under the counter's row lock.
 * - A delivery key's holder is its live pending or committed reservation (indexed by key);
 *   `deliveries` keeps one row per key, only for the lock a claim takes.
 * Existing rows are carried over and the sums computed from them; the functions take typed
 * arrays instead of one JSON document.
 */
function version2(s: string): string {
  return `
  -- Keys compared byte by byte: a locale's collation (strcoll) made every index insertion and
  -- sort on these long keys several times slower, and the keys are hashes and ids, not words.
  ALTER TABLE ${s}.counters ALTER COLUMN rule_id TYPE text COLLATE "C", ALTER COLUMN key TYPE text COLLATE "C";
  ALTER TABLE ${s}.reservations ALTER COLUMN id TYPE text COLLATE "C", ALTER COLUMN message_id TYPE text COLLATE "C",
    ALTER COLUMN delivery_key TYPE text COLLATE "C";
  ALTER TABLE ${s}.deliveries ALTER COLUMN delivery_key TYPE text COLLATE "C";
  ALTER TABLE ${s}.suppressions ALTER COLUMN contact TYPE text COLLATE "C", ALTER COLUMN channel TYPE text COLLATE "C";
  ALTER TABLE ${s}.counters ADD COLUMN cid bigint GENERATED ALWAYS AS IDENTITY (CACHE 64);
  CREATE UNIQUE INDEX counters_cid ON ${s}.counters (cid);
  ALTER TABLE ${s}.reservations ADD COLUMN rid bigint GENERATED ALWAYS AS IDENTITY (CACHE 64);
  CREATE UNIQUE INDEX reservations_rid ON ${s}.reservations (rid);
  CREATE INDEX reservations_key ON ${s}.reservations (delivery_key);
  CREATE TABLE ${s}.counter_mailings (cid bigint NOT NULL, message_id text COLLATE "C" NOT NULL, units int NOT NULL, PRIMARY KEY (cid, message_id));
  ALTER TABLE ${s}.units RENAME TO units_v1;
  CREATE TABLE ${s}.units (rid bigint NOT NULL, cid bigint NOT NULL, at bigint NOT NULL);
  INSERT INTO ${s}.counters (rule_id, key) SELECT DISTINCT rule_id, key FROM ${s}.units_v1 ON CONFLICT DO NOTHING;
  INSERT INTO ${s}.units (rid, cid, at)
    SELECT r.rid, c.cid, u.at FROM ${s}.units_v1 u
    JOIN ${s}.reservations r ON r.id = u.reservation_id
    JOIN ${s}.counters c ON c.rule_id = u.rule_id AND c.key = u.key;
  INSERT INTO ${s}.counter_mailings (cid, message_id, units)
    SELECT u.cid, r.message_id, count(*) FROM ${s}.units u JOIN ${s}.reservations r ON r.rid = u.rid GROUP BY u.cid, r.message_id;
  DROP TABLE ${s}.units_v1;
  CREATE INDEX units_reservation ON ${s}.units (rid);
  CREATE INDEX units_counter ON ${s}.units (cid, at);
  ALTER TABLE ${s}.deliveries DROP COLUMN reservation_id, DROP COLUMN expires_at;
  -- Schema 1's functions, in ledgers created by it (a new ledger never installs them).
  DROP FUNCTION IF EXISTS ${s}.snapshot(jsonb);
  DROP FUNCTION IF EXISTS ${s}.reserve(jsonb);
  DROP FUNCTION IF EXISTS ${s}.settle(jsonb);
  DROP FUNCTION IF EXISTS ${s}.expire(bigint);
${postgresFunctions(s)}`;
}
