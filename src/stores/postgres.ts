/**
 * `charterguard/postgres`: a durable ledger store shared by many workers, over anything with
 * `query(text, params)`: a `pg` Pool or Client, or a PGlite instance. Every operation is one
 * statement (a function the migration installs, called with typed arrays), so it is one round
 * trip and one transaction, whatever the client: a pool needs no checked-out connection.
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
import { arrayLiteral } from './postgres-arrays.js';
import { postgresMigration } from './postgres-schema.js';
import { decodeEvent, encodeEvent, groupUnits, sqlName } from './sql-common.js';

/** What the store needs of a client: a `pg` Pool or Client, a PGlite instance. */
export interface PostgresClient {
  /** Runs one statement with `$1`-style parameters. */
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions {
  /** The schema that holds the store's tables and functions; created if missing. Default `charterguard`. */
  schema?: string;
}

/** A ledger store in PostgreSQL, with its schema migration exposed for deploy scripts. */
export interface PostgresLedgerStore extends LedgerStore {
  /** Creates or upgrades the schema; runs by itself on first use, and is safe to run again or from several processes at once. */
  migrate(): Promise<void>;
}

export { POSTGRES_SCHEMA_VERSION } from './postgres-schema.js';

/**
 * A durable ledger store in PostgreSQL: for several workers on several machines. Each
 * reservation batch is one statement that locks its counters and delivery keys in a fixed
 * order, so concurrent batches never over-issue a quota and never deadlock.
 *
 * @param client - a `pg` `Pool` or `Client`, or a PGlite instance.
 * @param options - the schema name.
 * @returns the store, to pass to `createLedger` with a fixed `secret`.
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createLedger } from 'charterguard';
 * import { postgresStore } from 'charterguard/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const ledger = createLedger({ charter, store: postgresStore(pool), secret: process.env.LEDGER_SECRET });
 * ```
 */
export function postgresStore(client: PostgresClient, options: PostgresStoreOptions = {}): PostgresLedgerStore {
  return new PostgresStore(client, sqlName(options.schema ?? 'charterguard', 'schema'));
}

class PostgresStore implements PostgresLedgerStore {
  readonly durable = true;
  private migrated: Promise<void> | undefined;

  constructor(
    private readonly client: PostgresClient,
    private readonly schema: string,
  ) {}

  migrate(): Promise<void> {
    // Once per store; a failed attempt (database down) is tried again on the next call.
    this.migrated ??= this.client.query(postgresMigration(this.schema)).then(
      () => undefined,
      (error: unknown) => {
        this.migrated = undefined;
        throw error;
      },
    );
    return this.migrated;
  }

  async snapshot(request: SnapshotRequest): Promise<Snapshot> {
    await this.migrate();
    const { rows } = await this.client.query(
      `SELECT o_deliveries, o_mailings, o_counted, o_held, o_suppressed FROM ${this.schema}.snapshot($1::bigint, $2::text, $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text)`,
      [
        request.now,
        request.messageId,
        arrayLiteral(request.counters.map((counter) => counter.ruleId)),
        arrayLiteral(request.counters.map((counter) => counter.key)),
        arrayLiteral(request.counters.map((counter) => counter.since ?? null)),
        arrayLiteral(request.deliveries),
        arrayLiteral(request.contacts),
        request.channel,
      ],
    );
    const answer = rows[0] as { o_deliveries: number[]; o_mailings: number[]; o_counted: boolean[]; o_held: string[]; o_suppressed: string[] };
    return {
      counters: request.counters.map((counter, index) => ({
        used: Number(counter.count === 'messages' ? answer.o_mailings[index] : answer.o_deliveries[index]),
        counted: answer.o_counted[index] === true,
      })),
      deliveries: new Set(answer.o_held),
      suppressed: new Set(answer.o_suppressed),
    };
  }

  async reserve(request: ReserveRequest): Promise<readonly ReservationOutcome[]> {
    if (request.reservations.length === 0 && request.events.length === 0) return [];
    await this.migrate();
    // Indexes (1-based, as in SQL) into distinct lists, so the function loops over arrays only.
    const counters = new IndexOf<[string, string, number | null, boolean]>((item) => `${item[0]}\u0000${item[1]}\u0000${item[2] ?? ''}\u0000${item[3]}`);
    const messages = new IndexOf<string>((id) => id);
    const deliveries = new IndexOf<string>((key) => key);
    const r = { id: [] as string[], msg: [] as number[], rec: [] as string[], d: [] as number[], prev: [] as (number | null)[], event: [] as string[], units: [] as number[] };
    const last = new Map<string, number>();
    const u = { counter: [] as number[], limit: [] as (number | null)[] };
    for (const reservation of request.reservations) {
      r.id.push(reservation.id);
      r.msg.push(messages.of(reservation.messageId));
      r.rec.push(reservation.recipient);
      r.d.push(deliveries.of(reservation.deliveryKey));
      r.prev.push(last.get(reservation.id) ?? null);
      last.set(reservation.id, r.id.length);
      r.event.push(encodeEvent(reservation.event));
      r.units.push(reservation.units.length);
      for (const unit of reservation.units) {
        u.counter.push(counters.of([unit.ruleId, unit.key, unit.since ?? null, unit.count === 'messages']));
        // An approved overrun has no limit: NULL.
        u.limit.push(Number.isFinite(unit.limit) ? unit.limit : null);
      }
    }
    const { rows } = await this.client.query(
      `SELECT ${this.schema}.reserve($1::bigint, $2::bigint, $3::text[], $4::text[], $5::bigint[], $6::boolean[], $7::text[], $8::text[],
        $9::text[], $10::int[], $11::text[], $12::int[], $13::int[], $14::text[], $15::int[], $16::int[], $17::bigint[], $18::text[]) AS answer`,
      [
        request.now,
        request.expiresAt,
        arrayLiteral(counters.items.map((item) => item[0])),
        arrayLiteral(counters.items.map((item) => item[1])),
        arrayLiteral(counters.items.map((item) => item[2])),
        arrayLiteral(counters.items.map((item) => item[3])),
        arrayLiteral(messages.items),
        arrayLiteral(deliveries.items),
        arrayLiteral(r.id),
        arrayLiteral(r.msg),
        arrayLiteral(r.rec),
        arrayLiteral(r.d),
        arrayLiteral(r.prev),
        arrayLiteral(r.event),
        arrayLiteral(r.units),
        arrayLiteral(u.counter),
        arrayLiteral(u.limit),
        arrayLiteral(request.events.map(encodeEvent)),
      ],
    );
    const outcomes = (rows[0] as { answer: string[] }).answer;
    return outcomes.map((outcome): ReservationOutcome => {
      if (outcome === 'ok') return { ok: true };
      if (outcome === 'duplicate') return { ok: false, conflict: { kind: 'duplicate' } };
      const [, index, used] = outcome.split(':');
      const [ruleId, key] = counters.items[Number(index) - 1]!;
      return { ok: false, conflict: { kind: 'quota', ruleId, key, used: Number(used) } };
    });
  }

  async settle(requests: readonly SettleRequest[], action: 'commit' | 'release', now: number): Promise<readonly SettleOutcome[]> {
    if (requests.length === 0) return [];
    await this.migrate();
    const { rows } = await this.client.query(`SELECT ${this.schema}.settle($1::bigint, $2::boolean, $3::text[], $4::text[]) AS answer`, [
      now,
      action === 'commit',
      arrayLiteral(requests.map(({ id }) => id)),
      arrayLiteral(requests.map(({ event }) => encodeEvent(event))),
    ]);
    return (rows[0] as { answer: SettleOutcome[] }).answer;
  }

  async expire(now: number): Promise<readonly ExpiredReservation[]> {
    await this.migrate();
    const { rows } = await this.client.query(`SELECT o_id, o_message, o_recipient, o_expires::text AS o_expires FROM ${this.schema}.expire($1::bigint)`, [now]);
    return (rows as { o_id: string; o_message: string; o_recipient: string; o_expires: string }[]).map((row) => ({
      id: row.o_id,
      messageId: row.o_message,
      recipient: row.o_recipient,
      expiredAt: Number(row.o_expires),
    }));
  }

  async suppress(entries: readonly SuppressionEntry[], events: readonly AuditEvent[]): Promise<void> {
    await this.migrate();
    await this.client.query(
      `WITH added AS (
        INSERT INTO ${this.schema}.suppressions (contact, channel, action, at)
        SELECT x->>'contact', x->>'channel', x->>'action', (x->>'at')::bigint FROM jsonb_array_elements($1::jsonb) x)
      INSERT INTO ${this.schema}.events (data) SELECT x FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY e(x, i) ORDER BY i`,
      [JSON.stringify(entries), eventsJson(events)],
    );
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.migrate();
    await this.client.query(`INSERT INTO ${this.schema}.events (data) SELECT x FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY e(x, i) ORDER BY i`, [eventsJson(events)]);
  }

  async *events(): AsyncIterable<AuditEvent> {
    await this.migrate();
    // Events appended while iterating are not visited: the log is read up to its end now.
    const { rows } = await this.client.query(`SELECT coalesce(max(seq), 0)::text AS last FROM ${this.schema}.events`);
    const end = (rows[0] as { last: string }).last;
    for (let after = '0'; ; ) {
      const page = await this.client.query(`SELECT seq::text AS seq, data FROM ${this.schema}.events WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY seq LIMIT 1000`, [after, end]);
      if (page.rows.length === 0) return;
      for (const row of page.rows as { seq: string; data: unknown }[]) yield decodeEvent(row.seq, row.data);
      after = (page.rows[page.rows.length - 1] as { seq: string }).seq;
    }
  }

  async counters(now: number): Promise<readonly CounterUsage[]> {
    await this.migrate();
    const s = this.schema;
    const { rows } = await this.client.query(
      `SELECT c.rule_id, c.key, r.message_id, r.at::text AS at FROM ${s}.units u JOIN ${s}.reservations r ON r.rid = u.rid JOIN ${s}.counters c ON c.cid = u.cid
       WHERE r.state = 'committed' OR (r.state = 'pending' AND r.expires_at > $1::bigint) ORDER BY c.rule_id, c.key, r.at`,
      [now],
    );
    return groupUnits(rows as { rule_id: string; key: string; message_id: string; at: string }[]);
  }
}

/** A distinct list and each item's 1-based position in it. */
class IndexOf<T> {
  readonly items: T[] = [];
  private readonly positions = new Map<string, number>();

  constructor(private readonly id: (item: T) => string) {}

  of(item: T): number {
    const id = this.id(item);
    let position = this.positions.get(id);
    if (position === undefined) {
      this.items.push(item);
      position = this.items.length;
      this.positions.set(id, position);
    }
    return position;
  }
}

function eventsJson(events: readonly AuditEvent[]): string {
  return `[${events.map(encodeEvent).join(',')}]`;
}
