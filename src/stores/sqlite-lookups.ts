/**
 * Lookups of a whole batch in one statement each: the batch's list travels as one JSON
 * parameter that `json_each` walks, so a batch of 1,000 costs one call into SQLite instead of
 * 1,000 (and no statement ever nears SQLite's limit on bound variables).
 */
import { textHash } from './sql-common.js';
import type { SqliteStatement } from './sqlite.js';
import type { SqliteTables } from './sqlite-schema.js';

type Sql = (text: string) => SqliteStatement;

/** The batch lookups of one store, over its prepared statements. */
export class SqliteLookups {
  private readonly q: ReturnType<typeof queries>;

  constructor(
    private readonly sql: Sql,
    t: SqliteTables,
  ) {
    this.q = queries(t);
  }

  /** The reservation holding each of `keys` at `now`, for those held. */
  holders(keys: readonly string[], now: number): Map<string, string> {
    const held = new Map<string, string>();
    if (keys.length === 0) return held;
    // Each key with its hash, which the index is on: SQLite has no hash function.
    const rows = (
      keys.length <= SHORT
        ? keys.flatMap((key) => this.sql(this.q.holder).all(textHash(key), key, now))
        : this.sql(this.q.holders).all(JSON.stringify(keys.map((key) => [textHash(key), key])), now)
    ) as { key: string; id: string }[];
    for (const row of rows) if (!held.has(row.key)) held.set(row.key, row.id);
    return held;
  }

  /** The ids among `ids` that some reservation has used. */
  known(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = (ids.length <= SHORT ? ids.flatMap((id) => this.sql(this.q.knownOne).all(id)) : this.sql(this.q.known).all(JSON.stringify(ids))) as { id: string }[];
    return new Set(rows.map((row) => row.id));
  }

  /** The contacts among `contacts` whose last opt-out for `channel` (or all channels) at `now` is later than their last opt-in. */
  suppressed(contacts: readonly string[], channel: string, now: number): Set<string> {
    if (contacts.length === 0) return new Set();
    const rows = (
      contacts.length <= SHORT
        ? contacts.flatMap((contact) => this.sql(this.q.suppressedOne).all(now, channel, now, channel, contact))
        : this.sql(this.q.suppressed).all(now, channel, now, channel, JSON.stringify(contacts))
    ) as { contact: string; out: number | null; back: number | null }[];
    return new Set(rows.filter((row) => row.out !== null && (row.back === null || row.back < row.out)).map((row) => row.contact));
  }
}

/**
 * Lists up to this long are looked up an item a statement: for one or two items, walking a
 * JSON parameter costs more than the calls it saves (a single `authorize` was 20% slower).
 */
const SHORT = 4;

/** The statements, written once per store so their texts are the same strings at every call. */
function queries(t: SqliteTables) {
  // A reservation that holds its delivery key at `?`: committed, or pending and not expired.
  const holds = (r: string) => `${r}state IN ('pending', 'committed') AND (${r}state = 'committed' OR ${r}expires_at > ?)`;
  // The last opt-out or opt-in of the contact `value` for the channel (or all) at `?`; per
  // contact, as subqueries: no sorter, which costs more than the whole read of a short list.
  const last = (value: string, action: 'opt-out' | 'opt-in') =>
    `(SELECT max(s.at) FROM ${t.suppressions} s WHERE s.contact = ${value} AND s.at <= ? AND s.channel IN (?, 'all') AND s.action = '${action}')`;
  const suppressedFrom = (contacts: string) =>
    `SELECT contact, out, back FROM (SELECT c.value AS contact, ${last('c.value', 'opt-out')} AS out, ${last('c.value', 'opt-in')} AS back FROM ${contacts} c) WHERE out IS NOT NULL`;
  // CROSS JOIN keeps the list as the outer loop: one index probe per item.
  return {
    holders: `SELECT r.delivery_key AS key, r.id AS id FROM json_each(?) j CROSS JOIN ${t.reservations} r
      WHERE r.key_hash = j.value ->> 0 AND r.delivery_key = j.value ->> 1 AND ${holds('r.')}`,
    known: `SELECT r.id AS id FROM json_each(?) j CROSS JOIN ${t.reservations} r WHERE r.id = j.value`,
    suppressed: suppressedFrom('json_each(?)'),
    holder: `SELECT delivery_key AS key, id FROM ${t.reservations} WHERE key_hash = ? AND delivery_key = ? AND ${holds('')}`,
    knownOne: `SELECT id FROM ${t.reservations} WHERE id = ?`,
    suppressedOne: suppressedFrom('(SELECT ? AS value)'),
  };
}
