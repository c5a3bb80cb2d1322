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

const MIN = '-9223372036854775808';
const LIVE_UNIT = (u: string, now: string) => `(${u}.expires_at IS NULL OR ${u}.expires_at > ${now})`;

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

/** Schema 1 (the first version of this store): usage counted from the unit rows at every read. */
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

  CREATE FUNCTION ${s}.snapshot(p jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $fn$
    SELECT jsonb_build_object(
      'counters', (SELECT coalesce(jsonb_agg(jsonb_build_array(c.d, c.m, c.counted) ORDER BY x.i), '[]')
        FROM jsonb_array_elements(p->'counters') WITH ORDINALITY x(v, i)
        CROSS JOIN LATERAL (SELECT count(*) AS d, count(DISTINCT u.message_id) AS m, coalesce(bool_or(u.message_id = p->>'messageId'), false) AS counted
          FROM ${s}.units u WHERE u.rule_id = x.v->>0 AND u.key = x.v->>1 AND u.at >= coalesce((x.v->>2)::bigint, ${MIN})
          AND ${LIVE_UNIT('u', "(p->>'now')::bigint")}) c),
      'deliveries', (SELECT coalesce(jsonb_agg(d.delivery_key), '[]') FROM ${s}.deliveries d
        WHERE d.delivery_key IN (SELECT jsonb_array_elements_text(p->'deliveries'))
        AND d.reservation_id IS NOT NULL AND ${LIVE_UNIT('d', "(p->>'now')::bigint")}),
      'suppressed', (SELECT coalesce(jsonb_agg(q.contact), '[]') FROM (SELECT x.contact FROM ${s}.suppressions x
        WHERE x.contact IN (SELECT jsonb_array_elements_text(p->'contacts')) AND x.at <= (p->>'now')::bigint AND x.channel IN (p->>'channel', 'all')
        GROUP BY x.contact
        HAVING max(x.at) FILTER (WHERE x.action = 'opt-out') > coalesce(max(x.at) FILTER (WHERE x.action = 'opt-in'), ${MIN})) q))
  $fn$;

  CREATE FUNCTION ${s}.reserve(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
  DECLARE
    v_now bigint := (p->>'now')::bigint;
    v_exp bigint := (p->>'expiresAt')::bigint;
    n_m int := greatest(jsonb_array_length(p->'messages'), 1);
    c_rule text[]; c_key text[]; c_since bigint[]; used_d bigint[]; used_m bigint[]; counted boolean[];
    m_id text[];
    d_key text[]; d_holder text[];
    r_id text[]; r_mid text[]; r_rec text[]; r_dkey text[]; r_event jsonb[]; r_msg int[]; r_u0 int[]; r_un int[]; r_d int[]; r_known boolean[];
    u_r int[]; u_c int[]; u_limit bigint[]; u_msgs boolean[];
    taken boolean[]; outcomes text[];
    holder text; outcome text; ci int; used bigint; flag int;
  BEGIN
    SELECT coalesce(array_agg(x->>0 ORDER BY i), '{}'), coalesce(array_agg(x->>1 ORDER BY i), '{}'), coalesce(array_agg((x->>2)::bigint ORDER BY i), '{}')
      INTO c_rule, c_key, c_since FROM jsonb_array_elements(p->'counters') WITH ORDINALITY e(x, i);
    SELECT coalesce(array_agg(x ORDER BY i), '{}') INTO m_id FROM jsonb_array_elements_text(p->'messages') WITH ORDINALITY e(x, i);
    SELECT coalesce(array_agg(x ORDER BY i), '{}') INTO d_key FROM jsonb_array_elements_text(p->'deliveries') WITH ORDINALITY e(x, i);
    SELECT coalesce(array_agg(x->>0 ORDER BY i), '{}'), coalesce(array_agg(x->>1 ORDER BY i), '{}'), coalesce(array_agg(x->>2 ORDER BY i), '{}'),
           coalesce(array_agg(x->>3 ORDER BY i), '{}'), coalesce(array_agg(x->4 ORDER BY i), '{}'), coalesce(array_agg((x->>5)::int ORDER BY i), '{}'),
           coalesce(array_agg((x->>6)::int ORDER BY i), '{}'), coalesce(array_agg((x->>7)::int ORDER BY i), '{}'), coalesce(array_agg((x->>8)::int ORDER BY i), '{}')
      INTO r_id, r_mid, r_rec, r_dkey, r_event, r_msg, r_u0, r_un, r_d FROM jsonb_array_elements(p->'reservations') WITH ORDINALITY e(x, i);
    SELECT coalesce(array_agg((x->>0)::int ORDER BY i), '{}'), coalesce(array_agg((x->>1)::int ORDER BY i), '{}'),
           coalesce(array_agg((x->>2)::bigint ORDER BY i), '{}'), coalesce(array_agg((x->>3)::boolean ORDER BY i), '{}')
      INTO u_r, u_c, u_limit, u_msgs FROM jsonb_array_elements(p->'units') WITH ORDINALITY e(x, i);

    -- Locks in one global order: counters sorted, then delivery keys sorted.
    INSERT INTO ${s}.counters (rule_id, key) SELECT DISTINCT r, k FROM unnest(c_rule, c_key) x(r, k) ORDER BY r, k ON CONFLICT DO NOTHING;
    PERFORM 1 FROM ${s}.counters c WHERE (c.rule_id, c.key) IN (SELECT r, k FROM unnest(c_rule, c_key) x(r, k)) ORDER BY c.rule_id, c.key FOR UPDATE;
    INSERT INTO ${s}.deliveries (delivery_key) SELECT k FROM unnest(d_key) k ORDER BY k ON CONFLICT DO NOTHING;
    PERFORM 1 FROM ${s}.deliveries d WHERE d.delivery_key IN (SELECT unnest(d_key)) ORDER BY d.delivery_key FOR UPDATE;

    -- Usage as committed before the locks were granted.
    SELECT coalesce(array_agg(c.d ORDER BY x.i), '{}'), coalesce(array_agg(c.m ORDER BY x.i), '{}') INTO used_d, used_m
      FROM unnest(c_rule, c_key, c_since) WITH ORDINALITY x(r, k, since, i)
      CROSS JOIN LATERAL (SELECT count(*) AS d, count(DISTINCT u.message_id) AS m FROM ${s}.units u
        WHERE u.rule_id = x.r AND u.key = x.k AND u.at >= coalesce(x.since, ${MIN}) AND ${LIVE_UNIT('u', 'v_now')}) c;
    counted := array_fill(false, ARRAY[greatest(cardinality(c_rule) * n_m, 1)]);
    FOR ci, flag IN SELECT x.i, m.j FROM unnest(c_rule, c_key, c_since) WITH ORDINALITY x(r, k, since, i) CROSS JOIN unnest(m_id) WITH ORDINALITY m(id, j)
        WHERE EXISTS (SELECT 1 FROM ${s}.units u WHERE u.rule_id = x.r AND u.key = x.k AND u.at >= coalesce(x.since, ${MIN}) AND u.message_id = m.id AND ${LIVE_UNIT('u', 'v_now')}) LOOP
      counted[(ci - 1) * n_m + flag] := true;
    END LOOP;
    SELECT coalesce(array_agg(CASE WHEN d.reservation_id IS NOT NULL AND ${LIVE_UNIT('d', 'v_now')} THEN d.reservation_id END ORDER BY x.i), '{}')
      INTO d_holder FROM unnest(d_key) WITH ORDINALITY x(k, i) LEFT JOIN ${s}.deliveries d ON d.delivery_key = x.k;
    SELECT coalesce(array_agg(EXISTS (SELECT 1 FROM ${s}.reservations r WHERE r.id = x.id) ORDER BY x.i), '{}')
      INTO r_known FROM unnest(r_id) WITH ORDINALITY x(id, i);

    -- Each reservation in order, seeing the ones before it.
    taken := array_fill(false, ARRAY[greatest(cardinality(r_id), 1)]);
    outcomes := array_fill(NULL::text, ARRAY[greatest(cardinality(r_id), 1)]);
    FOR r IN 1 .. cardinality(r_id) LOOP
      holder := d_holder[r_d[r]];
      IF holder IS NOT NULL THEN
        outcome := CASE WHEN holder = r_id[r] THEN 'ok' ELSE 'duplicate' END;
      ELSIF r_known[r] THEN
        outcome := 'duplicate';
      ELSE
        outcome := 'new';
        FOR u IN r_u0[r] .. r_u0[r] + r_un[r] - 1 LOOP
          ci := u_c[u];
          CONTINUE WHEN u_msgs[u] AND counted[(ci - 1) * n_m + r_msg[r]];
          used := CASE WHEN u_msgs[u] THEN used_m[ci] ELSE used_d[ci] END;
          IF u_limit[u] IS NOT NULL AND used + 1 > u_limit[u] THEN
            outcome := 'q:' || ci || ':' || used;
            EXIT;
          END IF;
        END LOOP;
        IF outcome = 'new' THEN
          outcome := 'ok';
          taken[r] := true;
          d_holder[r_d[r]] := r_id[r];
          FOR u IN r_u0[r] .. r_u0[r] + r_un[r] - 1 LOOP
            ci := u_c[u];
            used_d[ci] := used_d[ci] + 1;
            IF NOT counted[(ci - 1) * n_m + r_msg[r]] THEN
              counted[(ci - 1) * n_m + r_msg[r]] := true;
              used_m[ci] := used_m[ci] + 1;
            END IF;
          END LOOP;
        END IF;
      END IF;
      outcomes[r] := outcome;
    END LOOP;

    INSERT INTO ${s}.reservations (id, message_id, recipient, delivery_key, at, expires_at, state)
      SELECT x.id, x.m, x.rec, x.k, v_now, v_exp, 'pending' FROM unnest(r_id, r_mid, r_rec, r_dkey, taken) x(id, m, rec, k, ok) WHERE x.ok;
    UPDATE ${s}.deliveries d SET reservation_id = x.id, expires_at = v_exp FROM unnest(r_id, r_dkey, taken) x(id, k, ok) WHERE x.ok AND d.delivery_key = x.k;
    INSERT INTO ${s}.units (rule_id, key, at, message_id, expires_at, reservation_id)
      SELECT c.r, c.k, v_now, r.m, v_exp, r.id
      FROM unnest(u_r, u_c) u(ri, ci)
      JOIN unnest(r_id, r_mid, taken) WITH ORDINALITY r(id, m, ok, ri) ON r.ri = u.ri
      JOIN unnest(c_rule, c_key) WITH ORDINALITY c(r, k, ci) ON c.ci = u.ci
      WHERE r.ok;
    INSERT INTO ${s}.events (data) SELECT x.e FROM unnest(r_event, taken) WITH ORDINALITY x(e, ok, i) WHERE x.ok ORDER BY x.i;
    INSERT INTO ${s}.events (data) SELECT x.e FROM jsonb_array_elements(p->'events') WITH ORDINALITY x(e, i) ORDER BY x.i;
    RETURN to_jsonb(outcomes[1:cardinality(r_id)]);
  END
  $fn$;

  CREATE FUNCTION ${s}.settle(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
  DECLARE
    v_now bigint := (p->>'now')::bigint;
    v_commit boolean := p->>'action' = 'commit';
    item jsonb; rec record; outcomes text[] := '{}';
  BEGIN
    -- Locks in the global order reserve uses (counters, then delivery keys), then the
    -- reservations: a reserve that took these units first is committed before we look.
    PERFORM 1 FROM ${s}.counters c WHERE (c.rule_id, c.key) IN (
      SELECT u.rule_id, u.key FROM ${s}.units u WHERE u.reservation_id IN (SELECT x->>'id' FROM jsonb_array_elements(p->'requests') x))
      ORDER BY c.rule_id, c.key FOR SHARE;
    PERFORM 1 FROM ${s}.deliveries d WHERE d.delivery_key IN (
      SELECT r.delivery_key FROM ${s}.reservations r WHERE r.id IN (SELECT x->>'id' FROM jsonb_array_elements(p->'requests') x))
      ORDER BY d.delivery_key FOR UPDATE;
    PERFORM 1 FROM ${s}.reservations WHERE id IN (SELECT x->>'id' FROM jsonb_array_elements(p->'requests') x) ORDER BY id FOR UPDATE;
    FOR item IN SELECT x FROM jsonb_array_elements(p->'requests') WITH ORDINALITY e(x, i) ORDER BY i LOOP
      SELECT state, expires_at, delivery_key INTO rec FROM ${s}.reservations WHERE id = item->>'id';
      IF NOT FOUND THEN outcomes := outcomes || 'unknown'::text;
      ELSIF rec.state = 'committed' THEN outcomes := outcomes || 'already-committed'::text;
      ELSIF rec.state = 'released' THEN outcomes := outcomes || 'already-released'::text;
      ELSIF rec.state = 'expired' OR rec.expires_at <= v_now THEN outcomes := outcomes || 'expired'::text;
      -- Another worker, its clock past our expiry, may already have treated this reservation as
      -- over: taken its delivery key, or a unit of one of its counters. Then it is over for us too.
      ELSIF v_commit AND (
        NOT EXISTS (SELECT 1 FROM ${s}.deliveries d WHERE d.delivery_key = rec.delivery_key AND d.reservation_id = item->>'id')
        OR EXISTS (SELECT 1 FROM ${s}.units mine JOIN ${s}.units other ON other.rule_id = mine.rule_id AND other.key = mine.key
                   WHERE mine.reservation_id = item->>'id' AND other.reservation_id <> item->>'id' AND other.at >= rec.expires_at))
        THEN outcomes := outcomes || 'expired'::text;
      ELSIF v_commit THEN
        UPDATE ${s}.reservations SET state = 'committed' WHERE id = item->>'id';
        UPDATE ${s}.units SET expires_at = NULL WHERE reservation_id = item->>'id';
        UPDATE ${s}.deliveries SET expires_at = NULL WHERE delivery_key = rec.delivery_key AND reservation_id = item->>'id';
        INSERT INTO ${s}.events (data) VALUES (item->'event');
        outcomes := outcomes || 'committed'::text;
      ELSE
        UPDATE ${s}.reservations SET state = 'released' WHERE id = item->>'id';
        DELETE FROM ${s}.units WHERE reservation_id = item->>'id';
        UPDATE ${s}.deliveries SET reservation_id = NULL, expires_at = NULL WHERE delivery_key = rec.delivery_key AND reservation_id = item->>'id';
        INSERT INTO ${s}.events (data) VALUES (item->'event');
        outcomes := outcomes || 'released'::text;
      END IF;
    END LOOP;
    RETURN to_jsonb(outcomes);
  END
  $fn$;

  CREATE FUNCTION ${s}.expire(p_now bigint) RETURNS jsonb LANGUAGE plpgsql AS $fn$
  DECLARE result jsonb;
  BEGIN
    -- Rows another transaction holds are left to the next sweep: never a wait, never a deadlock.
    -- Delivery keys are locked before reservations, in the order reserve and settle use.
    WITH candidates AS (SELECT id, delivery_key FROM ${s}.reservations WHERE state = 'pending' AND expires_at <= p_now),
    keys AS (SELECT d.delivery_key FROM ${s}.deliveries d WHERE d.delivery_key IN (SELECT delivery_key FROM candidates)
             ORDER BY d.delivery_key FOR UPDATE SKIP LOCKED),
    due AS (SELECT r.id FROM ${s}.reservations r WHERE r.id IN (SELECT c.id FROM candidates c JOIN keys k ON k.delivery_key = c.delivery_key)
            AND r.state = 'pending' ORDER BY r.id FOR UPDATE SKIP LOCKED),
    done AS (UPDATE ${s}.reservations r SET state = 'expired' FROM due WHERE r.id = due.id RETURNING r.id, r.message_id, r.recipient, r.delivery_key, r.expires_at)
    SELECT coalesce(jsonb_agg(jsonb_build_array(id, message_id, recipient, delivery_key, expires_at) ORDER BY expires_at, id), '[]') INTO result FROM done;
    DELETE FROM ${s}.units u USING jsonb_array_elements(result) x WHERE u.reservation_id = x->>0;
    UPDATE ${s}.deliveries d SET reservation_id = NULL, expires_at = NULL FROM jsonb_array_elements(result) x WHERE d.delivery_key = x->>3 AND d.reservation_id = x->>0;
    INSERT INTO ${s}.events (data)
      SELECT jsonb_build_object('type', 'expired',
        'at', to_char(timestamp '1970-01-01' + ((x->>4)::bigint / 1000) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS') || '.' || lpad(((x->>4)::bigint % 1000)::text, 3, '0') || 'Z',
        'messageId', x->>1, 'recipient', x->>2, 'reservationId', x->>0)
      FROM jsonb_array_elements(result) WITH ORDINALITY e(x, i) ORDER BY i;
    RETURN result;
  END
  $fn$;`;
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
  DROP FUNCTION ${s}.snapshot(jsonb);
  DROP FUNCTION ${s}.reserve(jsonb);
  DROP FUNCTION ${s}.settle(jsonb);
  DROP FUNCTION ${s}.expire(bigint);
${postgresFunctions(s)}`;
}
