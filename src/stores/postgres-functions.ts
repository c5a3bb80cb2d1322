/**
 * The functions of the PostgreSQL store, schema 2: each store operation is one call, with
 * typed arrays as arguments (no JSON to unpack), and set-based statements inside. Usage is
 * read from the running sums of `counter_mailings`; units of reservations past their expiry
 * but not swept yet are taken off them, so reads never need to write.
 *
 * `SET jit = off`: row estimates for arrays are guesses, and a batch of 10,000 looked costly
 * enough to the planner to be JIT-compiled, which took longer (0.3 s) than running it.
 */

const MIN = '-9223372036854775808';
/** A reservation that counts at `now`: committed, or pending and not expired yet. */
const LIVE = (r: string, now: string) => `(${r}.state = 'committed' OR ${r}.expires_at > ${now})`;

/** The `CREATE FUNCTION` statements, for the migration's `DO` block. */
export function postgresFunctions(s: string): string {
  return `
  -- Usage of counters (ids, rolling-window starts) at p_now, and whether p_message counts under
  -- each. A NULL id (no row yet) reads as unused.
  CREATE FUNCTION ${s}.usage(p_now bigint, p_cid bigint[], p_since bigint[], p_message text)
    RETURNS TABLE (i bigint, deliveries bigint, mailings bigint, counted boolean) LANGUAGE sql STABLE AS $fn$
    WITH sums AS MATERIALIZED (
      SELECT cm.cid, sum(cm.units)::bigint AS d, count(*) AS m, bool_or(cm.message_id = p_message) AS has
      FROM ${s}.counter_mailings cm WHERE cm.cid = ANY(p_cid) GROUP BY cm.cid),
    due AS MATERIALIZED (
      SELECT u.cid, r.message_id, count(*) AS n FROM ${s}.reservations r JOIN ${s}.units u ON u.rid = r.rid
      WHERE r.state = 'pending' AND r.expires_at <= p_now AND u.cid = ANY(p_cid) GROUP BY u.cid, r.message_id),
    gone AS MATERIALIZED (
      SELECT due.cid, sum(due.n)::bigint AS d, count(*) FILTER (WHERE cm.units <= due.n) AS m,
             coalesce(bool_or(due.message_id = p_message AND cm.units <= due.n), false) AS uncounted
      FROM due JOIN ${s}.counter_mailings cm ON cm.cid = due.cid AND cm.message_id = due.message_id GROUP BY due.cid),
    windows AS MATERIALIZED (
      SELECT x.i, w.d, w.m, w.has FROM unnest(p_cid, p_since) WITH ORDINALITY x(cid, since, i)
      CROSS JOIN LATERAL (SELECT count(*) AS d, count(DISTINCT r.message_id) AS m, coalesce(bool_or(r.message_id = p_message), false) AS has
        FROM ${s}.units u JOIN ${s}.reservations r ON r.rid = u.rid
        WHERE u.cid = x.cid AND u.at >= x.since AND ${LIVE('r', 'p_now')}) w
      WHERE x.since IS NOT NULL AND x.cid IS NOT NULL)
    SELECT x.i,
      CASE WHEN x.since IS NULL THEN coalesce(t.d, 0) - coalesce(g.d, 0) ELSE coalesce(w.d, 0) END,
      CASE WHEN x.since IS NULL THEN coalesce(t.m, 0) - coalesce(g.m, 0) ELSE coalesce(w.m, 0) END,
      CASE WHEN x.since IS NULL THEN coalesce(t.has, false) AND NOT coalesce(g.uncounted, false) ELSE coalesce(w.has, false) END
    FROM unnest(p_cid, p_since) WITH ORDINALITY x(cid, since, i)
    LEFT JOIN sums t ON t.cid = x.cid
    LEFT JOIN gone g ON g.cid = x.cid
    LEFT JOIN windows w ON w.i = x.i
  $fn$;

  -- Deletes the units of reservations and takes them off the running sums (their counters locked by the caller).
  CREATE FUNCTION ${s}.give_back(p_rids bigint[]) RETURNS void LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_generic_plan AS $fn$
  DECLARE h_cid bigint[]; h_message text[]; h_n bigint[];
  BEGIN
    SELECT coalesce(array_agg(g.cid), '{}'), coalesce(array_agg(g.message_id), '{}'), coalesce(array_agg(g.n), '{}') INTO h_cid, h_message, h_n
      FROM (SELECT u.cid, r.message_id, count(*) AS n FROM ${s}.units u JOIN ${s}.reservations r ON r.rid = u.rid
            WHERE u.rid = ANY(p_rids) GROUP BY u.cid, r.message_id) g;
    DELETE FROM ${s}.units WHERE rid = ANY(p_rids);
    UPDATE ${s}.counter_mailings cm SET units = cm.units - x.n FROM unnest(h_cid, h_message, h_n) x(cid, message_id, n)
      WHERE cm.cid = x.cid AND cm.message_id = x.message_id;
    -- A mailing with no unit left under a counter no longer counts among its mailings.
    DELETE FROM ${s}.counter_mailings cm USING unnest(h_cid, h_message) x(cid, message_id)
      WHERE cm.cid = x.cid AND cm.message_id = x.message_id AND cm.units <= 0;
  END
  $fn$;

  CREATE FUNCTION ${s}.snapshot(p_now bigint, p_message text, c_rule text[], c_key text[], c_since bigint[],
      p_deliveries text[], p_contacts text[], p_channel text,
      OUT o_deliveries int[], OUT o_mailings int[], OUT o_counted boolean[], OUT o_held text[], OUT o_suppressed text[])
    LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_generic_plan AS $fn$
  DECLARE c_cid bigint[];
  BEGIN
    SELECT coalesce(array_agg(c.cid ORDER BY x.i), '{}') INTO c_cid
      FROM unnest(c_rule, c_key) WITH ORDINALITY x(rule_id, key, i) LEFT JOIN ${s}.counters c ON c.rule_id = x.rule_id AND c.key = x.key;
    SELECT coalesce(array_agg(u.deliveries::int ORDER BY u.i), '{}'), coalesce(array_agg(u.mailings::int ORDER BY u.i), '{}'), coalesce(array_agg(u.counted ORDER BY u.i), '{}')
      INTO o_deliveries, o_mailings, o_counted FROM ${s}.usage(p_now, c_cid, c_since, p_message) u;
    SELECT coalesce(array_agg(DISTINCT r.delivery_key), '{}') INTO o_held FROM ${s}.reservations r
      WHERE r.delivery_key = ANY(p_deliveries) AND r.state IN ('pending', 'committed') AND ${LIVE('r', 'p_now')};
    SELECT coalesce(array_agg(q.contact), '{}') INTO o_suppressed FROM (SELECT x.contact FROM ${s}.suppressions x
      WHERE x.contact = ANY(p_contacts) AND x.at <= p_now AND x.channel IN (p_channel, 'all') GROUP BY x.contact
      HAVING max(x.at) FILTER (WHERE x.action = 'opt-out') > coalesce(max(x.at) FILTER (WHERE x.action = 'opt-in'), ${MIN})) q;
  END
  $fn$;

  -- Counters (c_*, with whether they count mailings), mailings (m_id), delivery keys (d_key):
  -- distinct lists the reservations (r_*) and their units (u_*, r_un a reservation) point into,
  -- 1-based; r_prev: the previous reservation of the batch with the same id. Statements read text arrays with unnest, never by subscript: inside a statement an
  -- array is a flat value, and finding its n-th text element walks the n - 1 before it.
  CREATE FUNCTION ${s}.reserve(p_now bigint, p_exp bigint, c_rule text[], c_key text[], c_since bigint[], c_msgs boolean[], m_id text[], d_key text[],
      r_id text[], r_msg int[], r_rec text[], r_d int[], r_prev int[], r_event text[], r_un int[], u_c int[], u_limit bigint[], p_events text[])
      RETURNS text[] LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_generic_plan AS $fn$
  DECLARE
    n_c int := coalesce(cardinality(c_rule), 0);
    n_m int := greatest(coalesce(cardinality(m_id), 0), 1);
    n_r int := coalesce(cardinality(r_id), 0);
    c_new bigint[]; c_old bigint[]; c_cid bigint[]; used_d bigint[]; used_m bigint[]; counted boolean[]; flags boolean[];
    d_new boolean[]; d_live boolean[]; d_claim text[]; r_known boolean[]; r_held text[]; r_u0 int[]; id_used boolean[];
    taken boolean[]; outcomes text[];
    outcome text; ci int; used bigint; next_unit int := 1;
  BEGIN
    -- 1. The delivery keys' rows, created if missing, locked in key order: first in the global
    -- lock order (delivery keys, counters, reservations). Their holders cannot change while we
    -- hold them, so they are read before the counters are locked.
    -- A key whose row this batch creates has no reservation yet (every reservation creates its
    -- key's row first): only the keys that had a row are looked up, in a statement of their
    -- own, whose snapshot is taken once the locks are granted (READ COMMITTED).
    WITH claimed AS (
      INSERT INTO ${s}.deliveries (delivery_key) SELECT k FROM unnest(d_key) k ORDER BY k COLLATE "C"
        ON CONFLICT (delivery_key) DO UPDATE SET delivery_key = excluded.delivery_key
        RETURNING delivery_key, xmax = 0 AS created)
    SELECT coalesce(array_agg(c.created ORDER BY x.i), '{}') INTO d_new
      FROM unnest(d_key) WITH ORDINALITY x(k, i) JOIN claimed c ON c.delivery_key = x.k;
    SELECT coalesce(array_agg(CASE WHEN x.created THEN false ELSE EXISTS (SELECT 1 FROM ${s}.reservations r WHERE r.delivery_key = x.k
        AND r.state IN ('pending', 'committed') AND ${LIVE('r', 'p_now')}) END ORDER BY x.i), '{}') INTO d_live
      FROM unnest(d_key, d_new) WITH ORDINALITY x(k, created, i);
    -- Ids already used, and the key each one holds live if any (a retry of a reservation taken).
    SELECT coalesce(array_agg(r.id IS NOT NULL ORDER BY x.i), '{}'),
           coalesce(array_agg(CASE WHEN r.state IN ('pending', 'committed') AND ${LIVE('r', 'p_now')} THEN r.delivery_key END ORDER BY x.i), '{}')
      INTO r_known, r_held FROM unnest(r_id) WITH ORDINALITY x(id, i) LEFT JOIN ${s}.reservations r ON r.id = x.id;

    -- 2. The counters' rows: the missing ones created (ours until we commit: nobody has used
    -- them), the others locked, each set in (rule_id, key) order.
    WITH added AS (
      INSERT INTO ${s}.counters (rule_id, key) SELECT DISTINCT x.rule_id COLLATE "C", x.key COLLATE "C" FROM unnest(c_rule, c_key) x(rule_id, key)
        ORDER BY 1, 2 ON CONFLICT DO NOTHING RETURNING cid, rule_id, key)
    SELECT coalesce(array_agg(a.cid ORDER BY x.i), '{}') INTO c_new
      FROM unnest(c_rule, c_key) WITH ORDINALITY x(rule_id, key, i) LEFT JOIN added a ON a.rule_id = x.rule_id AND a.key = x.key;
    WITH locked AS MATERIALIZED (
      SELECT c.cid, c.rule_id, c.key FROM ${s}.counters c
      WHERE (c.rule_id, c.key) IN (SELECT x.rule_id, x.key FROM unnest(c_rule, c_key, c_new) x(rule_id, key, cid) WHERE x.cid IS NULL)
      ORDER BY c.rule_id, c.key FOR UPDATE)
    SELECT coalesce(array_agg(l.cid ORDER BY x.i), '{}') INTO c_old
      FROM unnest(c_rule, c_key) WITH ORDINALITY x(rule_id, key, i) LEFT JOIN locked l ON l.rule_id = x.rule_id AND l.key = x.key;
    SELECT coalesce(array_agg(coalesce(x.n, x.o) ORDER BY x.i), '{}') INTO c_cid FROM unnest(c_new, c_old) WITH ORDINALITY x(n, o, i);

    -- 3. Usage of the counters that existed, as committed before their locks were granted.
    counted := array_fill(false, ARRAY[greatest(n_c * n_m, 1)]);
    FOR mj IN 1 .. n_m LOOP
      SELECT coalesce(array_agg(u.deliveries ORDER BY u.i), '{}'), coalesce(array_agg(u.mailings ORDER BY u.i), '{}'), coalesce(array_agg(u.counted ORDER BY u.i), '{}')
        INTO used_d, used_m, flags FROM ${s}.usage(p_now, c_old, c_since, m_id[mj]) u;
      FOR cj IN 1 .. n_c LOOP counted[(cj - 1) * n_m + mj] := flags[cj]; END LOOP;
    END LOOP;

    -- 4. Each reservation in order, seeing the ones before it.
    taken := array_fill(false, ARRAY[greatest(n_r, 1)]);
    id_used := array_fill(false, ARRAY[greatest(n_r, 1)]);
    outcomes := array_fill(NULL::text, ARRAY[greatest(n_r, 1)]);
    d_claim := array_fill(NULL::text, ARRAY[greatest(cardinality(d_key), 1)]);
    r_u0 := array_fill(0, ARRAY[greatest(n_r, 1)]);
    FOR ri IN 1 .. n_r LOOP
      r_u0[ri] := next_unit;
      next_unit := next_unit + r_un[ri];
      IF d_claim[r_d[ri]] IS NOT NULL THEN
        outcome := CASE WHEN d_claim[r_d[ri]] = r_id[ri] THEN 'ok' ELSE 'duplicate' END;
      ELSIF r_held[ri] = d_key[r_d[ri]] THEN
        outcome := 'ok';
      ELSIF d_live[r_d[ri]] OR r_known[ri] OR (r_prev[ri] IS NOT NULL AND id_used[r_prev[ri]]) THEN
        outcome := 'duplicate';
      ELSE
        outcome := 'new';
        FOR ui IN r_u0[ri] .. r_u0[ri] + r_un[ri] - 1 LOOP
          ci := u_c[ui];
          CONTINUE WHEN c_msgs[ci] AND counted[(ci - 1) * n_m + r_msg[ri]];
          used := CASE WHEN c_msgs[ci] THEN used_m[ci] ELSE used_d[ci] END;
          IF u_limit[ui] IS NOT NULL AND used + 1 > u_limit[ui] THEN
            outcome := 'q:' || ci || ':' || used;
            EXIT;
          END IF;
        END LOOP;
        IF outcome = 'new' THEN
          outcome := 'ok';
          taken[ri] := true;
          d_claim[r_d[ri]] := r_id[ri];
          FOR ui IN r_u0[ri] .. r_u0[ri] + r_un[ri] - 1 LOOP
            ci := u_c[ui];
            used_d[ci] := used_d[ci] + 1;
            IF NOT counted[(ci - 1) * n_m + r_msg[ri]] THEN
              counted[(ci - 1) * n_m + r_msg[ri]] := true;
              used_m[ci] := used_m[ci] + 1;
            END IF;
          END LOOP;
        END IF;
      END IF;
      id_used[ri] := taken[ri] OR (r_prev[ri] IS NOT NULL AND id_used[r_prev[ri]]);
      outcomes[ri] := outcome;
    END LOOP;

    -- 5. The taken reservations, their units, the running sums, then the events in order.
    WITH added AS (
      INSERT INTO ${s}.reservations (id, message_id, recipient, delivery_key, at, expires_at, state)
        SELECT t.id, m.id, t.rec, d.k, p_now, p_exp, 'pending' FROM unnest(r_id, r_msg, r_rec, r_d, taken) WITH ORDINALITY t(id, msg, rec, d, ok, i)
        JOIN unnest(m_id) WITH ORDINALITY m(id, j) ON m.j = t.msg JOIN unnest(d_key) WITH ORDINALITY d(k, j) ON d.j = t.d
        WHERE t.ok ORDER BY t.i
        RETURNING rid, id)
    INSERT INTO ${s}.units (rid, cid, at)
      SELECT a.rid, c_cid[u_c[g.ui]], p_now
      FROM unnest(r_id, r_u0, r_un, taken) t(id, u0, un, ok) JOIN added a ON a.id = t.id
      CROSS JOIN LATERAL generate_series(t.u0, t.u0 + t.un - 1) g(ui)
      WHERE t.ok;
    INSERT INTO ${s}.counter_mailings AS cm (cid, message_id, units)
      SELECT c_cid[u_c[g.ui]], m.id, count(*)
      FROM unnest(r_msg, r_u0, r_un, taken) t(msg, u0, un, ok) JOIN unnest(m_id) WITH ORDINALITY m(id, j) ON m.j = t.msg
      CROSS JOIN LATERAL generate_series(t.u0, t.u0 + t.un - 1) g(ui)
      WHERE t.ok GROUP BY 1, 2
      ON CONFLICT (cid, message_id) DO UPDATE SET units = cm.units + excluded.units;
    INSERT INTO ${s}.events (data)
      SELECT q.e::jsonb FROM (
        SELECT t.e, t.i AS o FROM unnest(r_event, taken) WITH ORDINALITY t(e, ok, i) WHERE t.ok
        UNION ALL SELECT x.e, n_r + x.i FROM unnest(p_events) WITH ORDINALITY x(e, i)) q
      ORDER BY q.o;
    RETURN outcomes[1:n_r];
  END
  $fn$;

  CREATE FUNCTION ${s}.settle(p_now bigint, p_commit boolean, p_ids text[], p_events text[]) RETURNS text[] LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_generic_plan AS $fn$
  DECLARE rec record; outcomes text[] := '{}'; mine bigint[];
  BEGIN
    SELECT coalesce(array_agg(r.rid), '{}') INTO mine FROM ${s}.reservations r WHERE r.id = ANY(p_ids);
    -- Locks in the global order reserve uses: the delivery keys, then the counters (exclusive
    -- for a release, which changes their sums; shared for a commit, to wait for a batch that
    -- took units under them), then the reservations.
    PERFORM 1 FROM ${s}.deliveries d WHERE d.delivery_key IN (SELECT r.delivery_key FROM ${s}.reservations r WHERE r.rid = ANY(mine))
      ORDER BY d.delivery_key FOR UPDATE;
    IF p_commit THEN
      PERFORM 1 FROM ${s}.counters c WHERE c.cid IN (SELECT u.cid FROM ${s}.units u WHERE u.rid = ANY(mine)) ORDER BY c.rule_id, c.key FOR SHARE;
    ELSE
      PERFORM 1 FROM ${s}.counters c WHERE c.cid IN (SELECT u.cid FROM ${s}.units u WHERE u.rid = ANY(mine)) ORDER BY c.rule_id, c.key FOR UPDATE;
    END IF;
    PERFORM 1 FROM ${s}.reservations r WHERE r.rid = ANY(mine) ORDER BY r.id FOR UPDATE;
    FOR k IN 1 .. coalesce(cardinality(p_ids), 0) LOOP
      SELECT r.rid, r.state, r.expires_at, r.delivery_key INTO rec FROM ${s}.reservations r WHERE r.id = p_ids[k];
      IF NOT FOUND THEN outcomes := outcomes || 'unknown'::text;
      ELSIF rec.state = 'committed' THEN outcomes := outcomes || 'already-committed'::text;
      ELSIF rec.state = 'released' THEN outcomes := outcomes || 'already-released'::text;
      ELSIF rec.state = 'expired' OR rec.expires_at <= p_now THEN outcomes := outcomes || 'expired'::text;
      -- Another worker, its clock past our expiry, may already have treated this reservation as
      -- over: taken its delivery key, or a unit of one of its counters. Then it is over for us too.
      ELSIF p_commit AND (
        EXISTS (SELECT 1 FROM ${s}.reservations o WHERE o.delivery_key = rec.delivery_key AND o.rid <> rec.rid AND o.at >= rec.expires_at)
        OR EXISTS (SELECT 1 FROM ${s}.units mu JOIN ${s}.units ou ON ou.cid = mu.cid AND ou.at >= rec.expires_at
                   WHERE mu.rid = rec.rid AND ou.rid <> rec.rid))
        THEN outcomes := outcomes || 'expired'::text;
      ELSE
        UPDATE ${s}.reservations SET state = CASE WHEN p_commit THEN 'committed' ELSE 'released' END WHERE rid = rec.rid;
        IF NOT p_commit THEN PERFORM ${s}.give_back(ARRAY[rec.rid]); END IF;
        INSERT INTO ${s}.events (data) VALUES (p_events[k]::jsonb);
        outcomes := outcomes || CASE WHEN p_commit THEN 'committed' ELSE 'released' END;
      END IF;
    END LOOP;
    RETURN outcomes;
  END
  $fn$;

  CREATE FUNCTION ${s}.expire(p_now bigint) RETURNS TABLE (o_id text, o_message text, o_recipient text, o_expires bigint) LANGUAGE plpgsql SET jit = off SET plan_cache_mode = force_generic_plan AS $fn$
  DECLARE candidates bigint[]; locked bigint[]; due bigint[];
  BEGIN
    SELECT coalesce(array_agg(r.rid), '{}') INTO candidates FROM ${s}.reservations r WHERE r.state = 'pending' AND r.expires_at <= p_now;
    IF cardinality(candidates) = 0 THEN RETURN; END IF;
    -- Rows another transaction holds are left to the next sweep: never a wait, never a deadlock.
    -- The counters, then the reservations all of whose counters it holds (the global order).
    SELECT coalesce(array_agg(l.cid), '{}') INTO locked FROM (
      SELECT c.cid FROM ${s}.counters c WHERE c.cid IN (SELECT u.cid FROM ${s}.units u WHERE u.rid = ANY(candidates))
      ORDER BY c.rule_id, c.key FOR UPDATE SKIP LOCKED) l;
    SELECT coalesce(array_agg(d.rid), '{}') INTO due FROM (
      SELECT r.rid FROM ${s}.reservations r WHERE r.rid = ANY(candidates) AND r.state = 'pending' AND r.expires_at <= p_now
        AND NOT EXISTS (SELECT 1 FROM ${s}.units u WHERE u.rid = r.rid AND u.cid <> ALL(locked))
      ORDER BY r.id FOR UPDATE SKIP LOCKED) d;
    IF cardinality(due) = 0 THEN RETURN; END IF;
    UPDATE ${s}.reservations SET state = 'expired' WHERE rid = ANY(due);
    PERFORM ${s}.give_back(due);
    INSERT INTO ${s}.events (data)
      SELECT jsonb_build_object('type', 'expired',
        'at', to_char(timestamp '1970-01-01' + (r.expires_at / 1000) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS') || '.' || lpad((r.expires_at % 1000)::text, 3, '0') || 'Z',
        'messageId', r.message_id, 'recipient', r.recipient, 'reservationId', r.id)
      FROM ${s}.reservations r WHERE r.rid = ANY(due) ORDER BY r.expires_at, r.id;
    RETURN QUERY SELECT r.id, r.message_id, r.recipient, r.expires_at FROM ${s}.reservations r WHERE r.rid = ANY(due) ORDER BY r.expires_at, r.id;
  END
  $fn$;`;
}
