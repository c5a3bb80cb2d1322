/**
 * `charterguard/postgres`: a durable ledger store shared by many workers, over anything with
 * `query(text, params)`: a `pg` Pool or Client, or a PGlite instance. Every operation is one
 * statement (a function the migration installs), so it is one round trip and one transaction,
 * whatever the client: a pool needs no checked-out connection.
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
    const answer = await this.call<{ counters: [number, number, boolean][]; deliveries: string[]; suppressed: string[] }>('snapshot', {
      now: request.now,
      messageId: request.messageId,
      counters: request.counters.map((counter) => [counter.ruleId, counter.key, counter.since ?? null]),
      deliveries: request.deliveries,
      contacts: request.contacts,
      channel: request.channel,
    });
    return {
      counters: request.counters.map((counter, index) => {
        const [deliveries, mailings, counted] = answer.counters[index]!;
        return { used: Number(counter.count === 'messages' ? mailings : deliveries), counted };
      }),
      deliveries: new Set(answer.deliveries),
      suppressed: new Set(answer.suppressed),
    };
  }

  async reserve(request: ReserveRequest): Promise<readonly ReservationOutcome[]> {
    if (request.reservations.length === 0 && request.events.length === 0) return [];
    // Indexes (1-based, as in SQL) into distinct lists, so the function loops over arrays only.
    const counters = new IndexOf<[string, string, number | null]>((item) => `${item[0]}\u0000${item[1]}\u0000${item[2] ?? ''}`);
    const messages = new IndexOf<string>((id) => id);
    const deliveries = new IndexOf<string>((key) => key);
    const units: [number, number, number | null, boolean][] = [];
    const reservations = request.reservations.map((reservation, position) => {
      const first = units.length + 1;
      for (const unit of reservation.units) {
        // JSON has no Infinity: an approved overrun has no limit, NULL.
        const limit = Number.isFinite(unit.limit) ? unit.limit : null;
        units.push([position + 1, counters.of([unit.ruleId, unit.key, unit.since ?? null]), limit, unit.count === 'messages']);
      }
      return [
        reservation.id,
        reservation.messageId,
        reservation.recipient,
        reservation.deliveryKey,
        JSON.parse(encodeEvent(reservation.event)) as unknown,
        messages.of(reservation.messageId),
        first,
        reservation.units.length,
        deliveries.of(reservation.deliveryKey),
      ];
    });
    const outcomes = await this.call<string[]>('reserve', {
      now: request.now,
      expiresAt: request.expiresAt,
      counters: counters.items,
      messages: messages.items,
      deliveries: deliveries.items,
      reservations,
      units,
      events: request.events.map((event) => JSON.parse(encodeEvent(event)) as unknown),
    });
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
    const payload = { now, action, requests: requests.map(({ id, event }) => ({ id, event: JSON.parse(encodeEvent(event)) as unknown })) };
    return this.call<SettleOutcome[]>('settle', payload);
  }

  async expire(now: number): Promise<readonly ExpiredReservation[]> {
    await this.migrate();
    const { rows } = await this.client.query(`SELECT ${this.schema}.expire($1::bigint) AS answer`, [now]);
    const answer = parse<[string, string, string, string, number | string][]>((rows[0] as { answer: unknown }).answer);
    return answer.map(([id, messageId, recipient, , expiredAt]) => ({ id, messageId, recipient, expiredAt: Number(expiredAt) }));
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
    const { rows } = await this.client.query(
      `SELECT rule_id, key, message_id, at::text AS at FROM ${this.schema}.units WHERE expires_at IS NULL OR expires_at > $1::bigint ORDER BY rule_id, key, at`,
      [now],
    );
    return groupUnits(rows as { rule_id: string; key: string; message_id: string; at: string }[]);
  }

  /** Calls one of the schema's functions with a JSON payload; returns its JSON answer. */
  private async call<T>(name: 'snapshot' | 'reserve' | 'settle', payload: unknown): Promise<T> {
    await this.migrate();
    const { rows } = await this.client.query(`SELECT ${this.schema}.${name}($1::jsonb) AS answer`, [JSON.stringify(payload)]);
    return parse<T>((rows[0] as { answer: unknown }).answer);
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

/** A JSON answer: drivers parse `jsonb` already; some hand back text. */
function parse<T>(answer: unknown): T {
  return (typeof answer === 'string' ? JSON.parse(answer) : answer) as T;
}
