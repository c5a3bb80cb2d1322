/**
 * The running sums of the SQL stores (`counter_mailings`) against the unit rows they stand
 * for, on every store: along random sequences (compared with the memory store), when a batch
 * fails half-way (nothing of it stays, sums included), and over expiry of what a dead worker
 * held.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { LedgerStore, ReservationRequest } from '../../src/index.js';
import { postgresStore, type PostgresClient } from '../../src/stores/postgres.js';
import { sqliteStore } from '../../src/stores/sqlite.js';
import { hashOf, iso, MINUTE, T0 } from '../ledger/fixtures.js';
import { checkAgainstMemory, expectSumsMatchRows, postgresProbe, sqliteProbe, type SumsProbe } from './running-sums.js';

const folder = mkdtempSync(join(tmpdir(), 'charterguard-sums-'));
const opened: Database.Database[] = [];
const pglite = new PGlite();
const url = process.env.CHARTERGUARD_PG_URL;
const pool = url ? new pg.Pool({ connectionString: url, max: 2 }) : undefined;
const schemas: string[] = [];
let count = 0;

afterAll(async () => {
  for (const db of opened) if (db.open) db.close();
  rmSync(folder, { recursive: true, force: true });
  await pglite.close();
  if (pool) {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  }
});

/** A store kind: a fresh store, a probe of its tables, a way to make its next event insert fail. */
interface Kind {
  fresh(): Promise<{ store: LedgerStore; probe: SumsProbe; breakEvents(): Promise<void>; mendEvents(): Promise<void> }>;
}

const sqlite: Kind = {
  async fresh() {
    const db = new Database(join(folder, `sums-${++count}.db`));
    opened.push(db);
    const store = sqliteStore(db);
    await store.migrate();
    const probe = sqliteProbe(db);
    return {
      store,
      probe,
      breakEvents: async () => void db.exec("CREATE TRIGGER fail_events BEFORE INSERT ON charterguard_events BEGIN SELECT RAISE(ABORT, 'disk gone'); END"),
      mendEvents: async () => void db.exec('DROP TRIGGER fail_events'),
    };
  },
};

function postgresKind(client: PostgresClient): Kind {
  return {
    async fresh() {
      const schema = `cg_sums_${process.pid}_${++count}`;
      schemas.push(schema);
      const store = postgresStore(client, { schema });
      await store.migrate();
      const probe = postgresProbe(client, schema);
      return {
        store,
        probe,
        breakEvents: async () => {
          await client.query(`CREATE FUNCTION ${schema}.fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk gone'; END $$`);
          await client.query(`CREATE TRIGGER fail_events BEFORE INSERT ON ${schema}.events FOR EACH ROW EXECUTE FUNCTION ${schema}.fail()`);
        },
        mendEvents: async () => void (await client.query(`DROP TRIGGER fail_events ON ${schema}.events`)),
      };
    },
  };
}

const kinds: [string, Kind, number][] = [
  ['sqliteStore', sqlite, 40],
  ['postgresStore (PGlite)', postgresKind(pglite), 20],
];
if (pool) kinds.push(['postgresStore (server)', postgresKind(pool), 20]);

describe.each(kinds)('running sums of %s', (_, kind, runs) => {
  it('equal the unit rows after every step, and the store answers like the memory store', { timeout: 240_000 }, async () => {
    await checkAgainstMemory(async () => await kind.fresh(), runs);
  });

  it('keep nothing of a batch that fails half-way, and count it once when it is retried', { timeout: 30_000 }, async () => {
    const { store, probe, breakEvents, mendEvents } = await kind.fresh();
    const units = (person: string) => [
      { ruleId: 'mailings', key: 'candidate=c1|charter', count: 'messages' as const, limit: 3 },
      { ruleId: 'per-recipient', key: `recipient=#${person}|charter`, count: 'deliveries' as const, limit: 2 },
    ];
    const delivery = (name: string, messageId: string): ReservationRequest => {
      const id = randomUUID();
      const person = hashOf(name);
      return { id, messageId, recipient: person, deliveryKey: `${messageId}|${person}`, units: units(person), event: { type: 'authorized', at: iso(T0), messageId, recipient: person, reservationId: id } };
    };
    const first = [delivery('alice', 'm1'), delivery('bob', 'm1')];
    await store.reserve({ now: T0, expiresAt: T0 + 15 * MINUTE, reservations: first, events: [] });
    const before = await store.counters(T0);
    // The audit log cannot be written: the batch fails after its reservations, units and sums.
    await breakEvents();
    const second = [delivery('carol', 'm2'), delivery('alice', 'm2')];
    await expect(store.reserve({ now: T0, expiresAt: T0 + 15 * MINUTE, reservations: second, events: [] })).rejects.toThrow(/disk gone/);
    expect(await store.counters(T0)).toEqual(before);
    await expectSumsMatchRows(probe);
    await mendEvents();
    expect(await store.reserve({ now: T0, expiresAt: T0 + 15 * MINUTE, reservations: second, events: [] })).toEqual([{ ok: true }, { ok: true }]);
    const snapshot = await store.snapshot({
      now: T0,
      messageId: 'm2',
      counters: [{ ruleId: 'mailings', key: 'candidate=c1|charter', count: 'messages' }, { ruleId: 'per-recipient', key: `recipient=#${hashOf('alice')}|charter`, count: 'deliveries' }],
      deliveries: [],
      contacts: [],
      channel: 'email',
    });
    expect(snapshot.counters).toEqual([{ used: 2, counted: true }, { used: 2, counted: true }]);
    await expectSumsMatchRows(probe);
  });

  it('give back what expired reservations held, read as given back before the sweep, and once after it', { timeout: 30_000 }, async () => {
    const { store, probe } = await kind.fresh();
    const person = hashOf('dave');
    const reach = { ruleId: 'reach', key: 'candidate=c1|charter', count: 'deliveries' as const };
    const mailings = { ruleId: 'mailings', key: 'candidate=c1|charter', count: 'messages' as const };
    const held = ['m1', 'm2'].map((messageId): ReservationRequest => {
      const id = randomUUID();
      return {
        id,
        messageId,
        recipient: person,
        deliveryKey: `${messageId}|${person}`,
        units: [{ ...reach, limit: 10 }, { ...mailings, limit: 10 }],
        event: { type: 'authorized', at: iso(T0), messageId, recipient: person, reservationId: id },
      };
    });
    // A worker takes two deliveries and dies: nobody commits or releases them.
    await store.reserve({ now: T0, expiresAt: T0 + MINUTE, reservations: held.slice(0, 1), events: [] });
    await store.reserve({ now: T0 + 30_000, expiresAt: T0 + 10 * MINUTE, reservations: held.slice(1), events: [] });
    const read = async (now: number, messageId: string) =>
      (await store.snapshot({ now, messageId, counters: [reach, mailings], deliveries: [], contacts: [], channel: 'email' })).counters;
    expect(await read(T0 + 30_000, 'm1')).toEqual([{ used: 2, counted: true }, { used: 2, counted: true }]);
    // The first has expired, not swept yet: the sums still hold it, the reads do not.
    expect(await read(T0 + 2 * MINUTE, 'm1')).toEqual([{ used: 1, counted: false }, { used: 1, counted: false }]);
    expect(await read(T0 + 2 * MINUTE, 'm2')).toEqual([{ used: 1, counted: true }, { used: 1, counted: true }]);
    await expectSumsMatchRows(probe);
    expect((await store.expire(T0 + 2 * MINUTE)).map((expired) => expired.id)).toEqual([held[0]!.id]);
    expect(await read(T0 + 2 * MINUTE, 'm2')).toEqual([{ used: 1, counted: true }, { used: 1, counted: true }]);
    await expectSumsMatchRows(probe);
    expect((await store.expire(T0 + 11 * MINUTE)).map((expired) => expired.id)).toEqual([held[1]!.id]);
    expect(await read(T0 + 11 * MINUTE, 'm2')).toEqual([{ used: 0, counted: false }, { used: 0, counted: false }]);
    await expectSumsMatchRows(probe);
    expect(await probe.sums()).toEqual([]);
  });
});
