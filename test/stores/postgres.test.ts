/**
 * The PostgreSQL store against a real server, when `CHARTERGUARD_PG_URL` names one (CI sets
 * it). Each test works in its own schema, dropped afterwards. Without the variable the tests
 * are skipped, saying so; PGlite (pglite.test.ts) covers the same store everywhere.
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLedger, LedgerUnavailableError } from '../../src/index.js';
import { POSTGRES_SCHEMA_VERSION, postgresStore } from '../../src/stores/postgres.js';
import { mail, person, SECRET, T0 } from '../ledger/fixtures.js';
import { testStore } from '../ledger/store-conformance.js';
import { processContract } from './process-contract.js';
import { postgresProbe } from './running-sums.js';
import { raceCharter } from './workers/race-setup.js';

const url = process.env.CHARTERGUARD_PG_URL;
const schemas: string[] = [];
const fresh = () => {
  const schema = `cg_test_${randomBytes(6).toString('hex')}`;
  schemas.push(schema);
  return schema;
};

if (!url) {
  console.warn('[charterguard] CHARTERGUARD_PG_URL is not set: skipping the PostgreSQL server tests (conformance, 4-process race, SIGKILL, connection cut); PGlite covers the store.');
}

describe.skipIf(!url)('postgresStore on a PostgreSQL server (CHARTERGUARD_PG_URL)', () => {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);

  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  testStore('postgresStore (server)', () => postgresStore(pool, { schema: fresh() }), { durable: true, timeout: 30_000 });

  it('migrates once when several processes start together', async () => {
    const schema = fresh();
    const clients = Array.from({ length: 4 }, () => new pg.Client({ connectionString: url }));
    await Promise.all(clients.map((client) => client.connect()));
    try {
      await Promise.all(clients.map((client) => postgresStore(client, { schema }).migrate()));
      const { rows } = await pool.query(`SELECT value FROM ${schema}.meta WHERE key = 'schema_version'`);
      expect(rows).toEqual([{ value: String(POSTGRES_SCHEMA_VERSION) }]);
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

  describe('shared by processes', () => {
    processContract(async () => {
      const schema = fresh();
      await postgresStore(pool, { schema }).migrate();
      return { spec: { kind: 'postgres', url: url!, schema }, cleanup: async () => undefined, probe: () => postgresProbe(pool, schema) };
    }, 180_000);
  });

  it("makes a batch that waited for another batch's locks read what that batch took, on a new key and on a counter", { timeout: 30_000 }, async () => {
    const schema = fresh();
    await postgresStore(pool, { schema }).migrate();
    const [a, b] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([a.connect(), b.connect()]);
    try {
      const unit = { ruleId: 'reach', key: 'candidate=c1|charter', count: 'deliveries' as const, limit: 1 };
      const take = (person: string, id: string) => ({
        now: T0,
        expiresAt: T0 + 60_000,
        reservations: [{ id, messageId: 'm1', recipient: person, deliveryKey: `m1|${person}`, units: [unit], event: { type: 'authorized' as const, at: new Date(T0).toISOString(), reservationId: id } }],
        events: [],
      });
      // Both stores migrated already: a migration would wait for A's transaction on its own.
      const [storeA, storeB] = [postgresStore(a, { schema }), postgresStore(b, { schema })];
      await Promise.all([storeA.migrate(), storeB.migrate()]);
      // A takes the last unit and a brand-new delivery key, and has not committed yet.
      await a.query('BEGIN');
      expect(await storeA.reserve(take('alice', 'a1'))).toEqual([{ ok: true }]);
      // B wants the same key, then (another call) the same counter: each waits for A's locks.
      const sameKey = storeB.reserve(take('alice', 'b1'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await a.query('COMMIT');
      expect(await sameKey).toEqual([{ ok: false, conflict: { kind: 'duplicate' } }]);
      await a.query('BEGIN');
      await storeA.settle([{ id: 'a1', event: { type: 'released', at: new Date(T0).toISOString(), reservationId: 'a1' } }], 'release', T0);
      expect(await storeA.reserve(take('carol', 'a2'))).toEqual([{ ok: true }]);
      const sameCounter = storeB.reserve(take('dave', 'b2'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await a.query('COMMIT');
      expect(await sameCounter).toEqual([{ ok: false, conflict: { kind: 'quota', ruleId: 'reach', key: 'candidate=c1|charter', used: 1 } }]);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('rejects with LedgerUnavailableError while the connection is cut, never allows, and resumes when it is back', { timeout: 60_000 }, async () => {
    const proxy = await tcpProxy(new URL(url!));
    const through = new URL(url!);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    const proxied = new pg.Pool({ connectionString: through.toString(), max: 2, connectionTimeoutMillis: 2_000 });
    proxied.on('error', () => undefined);
    try {
      const ledger = createLedger({ charter: raceCharter(), store: postgresStore(proxied, { schema: fresh() }), secret: SECRET });
      const first = await ledger.authorize(mail('m1'), person(1), { now: T0 });
      await first.reservation!.commit({ now: T0 });
      proxy.cut();
      for (const n of [2, 3]) {
        const outcome = await ledger.authorizeMany(mail('m1'), [person(n), person(n + 10)], { now: T0 }).then(
          () => 'allowed',
          (error: unknown) => error,
        );
        expect(outcome).toBeInstanceOf(LedgerUnavailableError);
      }
      proxy.restore();
      const again = await ledger.authorizeMany(mail('m1'), [person(2), person(3)], { now: T0 });
      expect(again.map(({ decision }) => decision.verdict)).toEqual(['allow', 'allow']);
      const usage = await ledger.usage({ now: T0 });
      expect(usage).toBeDefined();
    } finally {
      await proxied.end();
      await proxy.close();
    }
  });
});

/** A TCP proxy on 127.0.0.1 to the server: `cut` drops every connection and refuses new ones until `restore`. */
async function tcpProxy(target: URL): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let up = true;
  const server: Server = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 5432), target.hostname === 'localhost' ? '127.0.0.1' : target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() {
      up = false;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      up = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
