/**
 * Upgrading a ledger written by schema 1 (the stores' first version: usage counted from unit rows) to
 * schema 2 (running sums) and on (SQLite schema 3: reservations found by an index on their id): the
 * rows schema 1 left behind, in every state, keep their meaning.
 * Schema 1 is created with its own migration and filled as its code left it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { LedgerStore, QuotaCounter, ReservationRequest } from '../../src/index.js';
import { postgresMigration } from '../../src/stores/postgres-schema.js';
import { POSTGRES_SCHEMA_VERSION, postgresStore, type PostgresClient } from '../../src/stores/postgres.js';
import { sqliteMigrations, sqliteTables } from '../../src/stores/sqlite-schema.js';
import { SQLITE_SCHEMA_VERSION, sqliteStore } from '../../src/stores/sqlite.js';
import { collect, hashOf, HOUR, iso, MINUTE, T0 } from '../ledger/fixtures.js';
import { expectSumsMatchRows, postgresProbe, sqliteProbe, type SumsProbe } from './running-sums.js';

const NOW = T0 + 5 * MINUTE;
const [alice, bob, carol, dave, erin] = ['alice', 'bob', 'carol', 'dave', 'erin'].map(hashOf) as [string, string, string, string, string];
const ids = { r1: '00000000-0000-4000-8000-000000000001', r2: '00000000-0000-4000-8000-000000000002', r3: '00000000-0000-4000-8000-000000000003', r4: '00000000-0000-4000-8000-000000000004', r5: '00000000-0000-4000-8000-000000000005', r6: '00000000-0000-4000-8000-000000000006', r7: '00000000-0000-4000-8000-000000000007' };
const MAILINGS = { ruleId: 'mailings', key: 'candidate=c1|charter' };

/** Schema 1 rows: a reservation, its state, and its units (rule, key) while it held them. */
interface OldReservation {
  id: string;
  messageId: string;
  recipient: string;
  at: number;
  expiresAt: number;
  state: 'pending' | 'committed' | 'released' | 'expired';
  units: { ruleId: string; key: string }[];
  /** Whether it still holds its delivery key row (schema 1 cleared it on release and expiry). */
  holds: boolean;
}

/** What schema 1 left: committed, pending, due but not swept, released and expired reservations. */
const OLD: OldReservation[] = [
  { id: ids.r1, messageId: 'm1', recipient: alice, at: T0, expiresAt: T0 + 15 * MINUTE, state: 'committed', holds: true, units: [MAILINGS, { ruleId: 'per-recipient', key: `recipient=#${alice}|charter` }, { ruleId: 'rolling', key: `recipient=#${alice}|rolling=1h` }] },
  { id: ids.r2, messageId: 'm1', recipient: bob, at: T0 + MINUTE, expiresAt: T0 + 16 * MINUTE, state: 'pending', holds: true, units: [MAILINGS, { ruleId: 'per-recipient', key: `recipient=#${bob}|charter` }] },
  { id: ids.r3, messageId: 'm2', recipient: carol, at: T0 - 14 * MINUTE, expiresAt: T0 + MINUTE, state: 'pending', holds: true, units: [MAILINGS, { ruleId: 'per-recipient', key: `recipient=#${carol}|charter` }] },
  { id: ids.r4, messageId: 'm2', recipient: alice, at: T0, expiresAt: T0 + 15 * MINUTE, state: 'released', holds: false, units: [] },
  { id: ids.r5, messageId: 'm3', recipient: dave, at: T0 - 30 * MINUTE, expiresAt: T0 - 15 * MINUTE, state: 'expired', holds: false, units: [] },
];

/** PostgreSQL's schema 1 did not sweep in reserve: a due reservation whose key a later one took. */
const OLD_POSTGRES: OldReservation[] = [
  { id: ids.r6, messageId: 'm4', recipient: erin, at: T0 - 20 * MINUTE, expiresAt: T0 - 5 * MINUTE, state: 'pending', holds: false, units: [{ ruleId: 'per-recipient', key: `recipient=#${erin}|charter` }] },
  { id: ids.r7, messageId: 'm4', recipient: erin, at: T0 - 4 * MINUTE, expiresAt: T0 + 11 * MINUTE, state: 'pending', holds: true, units: [{ ruleId: 'per-recipient', key: `recipient=#${erin}|charter` }] },
];

const OLD_EVENTS = [
  { type: 'authorized', at: iso(T0), messageId: 'm1', recipient: alice, channel: 'email', reservationId: ids.r1, verdict: 'allow', ruleIds: ['permit-all'], codes: ['PERMITTED'] },
  { type: 'committed', at: iso(T0 + MINUTE), messageId: 'm1', recipient: alice, reservationId: ids.r1 },
  { type: 'opted-out', at: iso(T0 - HOUR), recipient: dave, channel: 'sms' },
];

const liveUnits = (old: OldReservation) => old.state === 'committed' || old.state === 'pending';
const counter = (ruleId: string, key: string, since?: number): QuotaCounter =>
  since === undefined ? { ruleId, key, count: ruleId === 'mailings' ? 'messages' : 'deliveries' } : { ruleId, key, count: 'deliveries', since };

/** The checks every store must pass once upgraded. */
async function expectUpgraded(store: LedgerStore, probe: SumsProbe, postgres: boolean): Promise<void> {
  await expectSumsMatchRows(probe);
  const read = (messageId: string) =>
    store.snapshot({
      now: NOW,
      messageId,
      counters: [
        counter(MAILINGS.ruleId, MAILINGS.key),
        ...[alice, bob, carol].map((who) => counter('per-recipient', `recipient=#${who}|charter`)),
        counter('rolling', `recipient=#${alice}|rolling=1h`, NOW - HOUR),
      ],
      deliveries: [`m1|${alice}`, `m1|${bob}`, `m2|${carol}`, `m2|${alice}`, `m3|${dave}`],
      contacts: [dave],
      channel: 'sms',
    });
  const m1 = await read('m1');
  // The committed and the live pending count; the due one (carol) no longer does.
  expect(m1.counters).toEqual([
    { used: 1, counted: true },
    { used: 1, counted: true },
    { used: 1, counted: true },
    { used: 0, counted: false },
    { used: 1, counted: true },
  ]);
  expect((await read('m2')).counters[0]).toEqual({ used: 1, counted: false });
  expect([...m1.deliveries].sort()).toEqual([`m1|${alice}`, `m1|${bob}`].sort());
  expect([...m1.suppressed]).toEqual([dave]);
  // The log goes on after the old events, in order.
  const before = await collect(store.events());
  expect(before.map(({ seq: _, ...event }) => event)).toEqual(OLD_EVENTS);
  // Each old reservation settles as its state says.
  const settle = (id: string, action: 'commit' | 'release', now = NOW) =>
    store.settle([{ id, event: { type: action === 'commit' ? 'committed' : 'released', at: iso(now), reservationId: id } }], action, now).then(([outcome]) => outcome);
  expect(await settle(ids.r1, 'release')).toBe('already-committed');
  expect(await settle(ids.r4, 'commit')).toBe('already-released');
  expect(await settle(ids.r5, 'commit')).toBe('expired');
  expect(await settle(ids.r3, 'commit')).toBe('expired');
  if (postgres) {
    // Its key was taken after its expiry: a late commit by a clock behind is still refused.
    expect(await settle(ids.r6, 'commit', T0 - 6 * MINUTE)).toBe('expired');
    expect(await settle(ids.r7, 'commit')).toBe('committed');
  }
  expect(await settle(ids.r2, 'commit')).toBe('committed');
  // The due reservation expires once, with its event.
  expect(await store.expire(NOW)).toEqual([
    ...(postgres ? [{ id: ids.r6, messageId: 'm4', recipient: erin, expiredAt: T0 - 5 * MINUTE }] : []),
    { id: ids.r3, messageId: 'm2', recipient: carol, expiredAt: T0 + MINUTE },
  ]);
  expect(await store.expire(NOW)).toEqual([]);
  await expectSumsMatchRows(probe);
  // New reservations count on top of the old ones: a second mailing fits a limit of 2, a third does not.
  const take = (messageId: string, who: string): ReservationRequest => {
    const id = `${messageId}-${who.slice(0, 8)}`;
    return { id, messageId, recipient: who, deliveryKey: `${messageId}|${who}`, units: [{ ...MAILINGS, count: 'messages', limit: 2 }], event: { type: 'authorized', at: iso(NOW), reservationId: id } };
  };
  expect(await store.reserve({ now: NOW, expiresAt: NOW + 15 * MINUTE, reservations: [take('m1', alice), take('m2', carol), take('m5', carol)], events: [] })).toEqual([
    { ok: false, conflict: { kind: 'duplicate' } },
    { ok: true },
    { ok: false, conflict: { kind: 'quota', ruleId: MAILINGS.ruleId, key: MAILINGS.key, used: 2 } },
  ]);
  const after = await collect(store.events());
  expect(after.slice(0, before.length)).toEqual(before);
  expect(after.length).toBeGreaterThan(before.length);
  await expectSumsMatchRows(probe);
}

describe('sqliteStore upgrading schema 1', () => {
  const folder = mkdtempSync(join(tmpdir(), 'charterguard-upgrade-'));
  const opened: Database.Database[] = [];
  afterAll(() => {
    for (const db of opened) if (db.open) db.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** A database at schema 1, filled as its code left it. */
  const schema1 = (file: string) => {
    const db = new Database(join(folder, file));
    opened.push(db);
    const t = sqliteTables('charterguard_');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`CREATE TABLE ${t.meta} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    sqliteMigrations(t)[0]!(db);
    db.prepare(`INSERT INTO ${t.meta} (key, value) VALUES ('schema_version', '1')`).run();
    for (const old of OLD) {
      db.prepare(`INSERT INTO ${t.reservations} (id, message_id, recipient, delivery_key, at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
        old.id, old.messageId, old.recipient, `${old.messageId}|${old.recipient}`, old.at, old.expiresAt, old.state,
      );
      const expiresAt = old.state === 'committed' ? null : old.expiresAt;
      if (liveUnits(old)) for (const unit of old.units) db.prepare(`INSERT INTO ${t.units} (rule_id, key, at, message_id, expires_at, reservation_id) VALUES (?, ?, ?, ?, ?, ?)`).run(unit.ruleId, unit.key, old.at, old.messageId, expiresAt, old.id);
      if (old.holds) db.prepare(`INSERT INTO ${t.deliveries} (delivery_key, reservation_id, expires_at) VALUES (?, ?, ?)`).run(`${old.messageId}|${old.recipient}`, old.id, expiresAt);
    }
    for (const event of OLD_EVENTS) db.prepare(`INSERT INTO ${t.events} (data) VALUES (?)`).run(JSON.stringify(event));
    db.prepare(`INSERT INTO ${t.suppressions} (contact, channel, action, at) VALUES (?, 'sms', 'opt-out', ?)`).run(dave, T0 - HOUR);
    return { db, t };
  };

  it('carries every reservation, unit, event and opt-out over, and computes the running sums from them', async () => {
    const { db, t } = schema1('v1.db');
    const store = sqliteStore(db);
    await store.migrate();
    expect(db.prepare(`SELECT value FROM ${t.meta} WHERE key = 'schema_version'`).get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
    await expectUpgraded(store, sqliteProbe(db), false);
  });

  it('from schema 2, finds reservations by an index on their id instead of its hash, and keeps every row', async () => {
    const { db, t } = schema1('v2.db');
    db.exec('BEGIN IMMEDIATE');
    sqliteMigrations(t)[1]!(db);
    db.prepare(`UPDATE ${t.meta} SET value = '2' WHERE key = 'schema_version'`).run();
    db.exec('COMMIT');
    const columns = () => (db.prepare(`SELECT name FROM pragma_table_info('${t.reservations}')`).all() as { name: string }[]).map(({ name }) => name);
    expect(columns()).toContain('id_hash');
    const rows = db.prepare(`SELECT count(*) AS n FROM ${t.reservations}`).get();
    const store = sqliteStore(db);
    await store.migrate();
    expect(db.prepare(`SELECT value FROM ${t.meta} WHERE key = 'schema_version'`).get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
    expect(columns()).not.toContain('id_hash');
    expect(db.prepare(`SELECT name FROM pragma_index_info('${t.reservations}_id')`).all()).toEqual([{ name: 'id' }]);
    expect(db.prepare(`SELECT count(*) AS n FROM ${t.reservations}`).get()).toEqual(rows);
    await expectUpgraded(store, sqliteProbe(db), false);
  });
});

function postgresUpgrade(name: string, client: () => PostgresClient, schema: () => string) {
  it(`${name}: carries every reservation, unit, event and opt-out over, and computes the running sums from them`, { timeout: 30_000 }, async () => {
    const c = client();
    const s = schema();
    await c.query(postgresMigration(s, 1));
    const all = [...OLD, ...OLD_POSTGRES];
    for (const old of all) {
      await c.query(`INSERT INTO ${s}.reservations (id, message_id, recipient, delivery_key, at, expires_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        old.id, old.messageId, old.recipient, `${old.messageId}|${old.recipient}`, old.at, old.expiresAt, old.state,
      ]);
      const expiresAt = old.state === 'committed' ? null : old.expiresAt;
      for (const unit of old.units) {
        await c.query(`INSERT INTO ${s}.counters (rule_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [unit.ruleId, unit.key]);
        if (liveUnits(old)) await c.query(`INSERT INTO ${s}.units (rule_id, key, at, message_id, expires_at, reservation_id) VALUES ($1, $2, $3, $4, $5, $6)`, [unit.ruleId, unit.key, old.at, old.messageId, expiresAt, old.id]);
      }
      // Schema 1 kept a row per key, its holder cleared on release and expiry.
      await c.query(`INSERT INTO ${s}.deliveries (delivery_key, reservation_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (delivery_key) DO UPDATE SET reservation_id = excluded.reservation_id, expires_at = excluded.expires_at`, [
        `${old.messageId}|${old.recipient}`, old.holds ? old.id : null, old.holds ? expiresAt : null,
      ]);
    }
    for (const event of OLD_EVENTS) await c.query(`INSERT INTO ${s}.events (data) VALUES ($1::jsonb)`, [JSON.stringify(event)]);
    await c.query(`INSERT INTO ${s}.suppressions (contact, channel, action, at) VALUES ($1, 'sms', 'opt-out', $2)`, [dave, T0 - HOUR]);

    const store = postgresStore(c, { schema: s });
    await store.migrate();
    expect((await c.query(`SELECT value FROM ${s}.meta WHERE key = 'schema_version'`)).rows).toEqual([{ value: String(POSTGRES_SCHEMA_VERSION) }]);
    await expectUpgraded(store, postgresProbe(c, s), true);
  });
}

describe('postgresStore upgrading schema 1', () => {
  const db = new PGlite();
  let n = 0;
  afterAll(async () => {
    await db.close();
  });
  postgresUpgrade('PGlite', () => db, () => `cg_upgrade_${process.pid}_${++n}`);
});

describe.skipIf(!process.env.CHARTERGUARD_PG_URL)('postgresStore upgrading schema 1 on a server', () => {
  const pool = new pg.Pool({ connectionString: process.env.CHARTERGUARD_PG_URL, max: 2 });
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });
  postgresUpgrade('server', () => pool, () => {
    const schema = `cg_upgrade_${process.pid}_${schemas.length + 1}`;
    schemas.push(schema);
    return schema;
  });
});
