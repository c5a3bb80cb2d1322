import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createLedger, LedgerUnavailableError } from '../../src/index.js';
import { SQLITE_SCHEMA_VERSION, sqliteStore } from '../../src/stores/sqlite.js';
import { mail, person, SECRET, T0 } from '../ledger/fixtures.js';
import { testStore } from '../ledger/store-conformance.js';
import { processContract } from './process-contract.js';
import { sqliteProbe } from './running-sums.js';
import { raceCharter } from './workers/race-setup.js';

const folder = mkdtempSync(join(tmpdir(), 'charterguard-sqlite-'));
const opened: Database.Database[] = [];
let files = 0;

/** A fresh database file in the temp folder. */
function open(): Database.Database {
  const db = new Database(join(folder, `ledger-${++files}.db`), { timeout: 5_000 });
  opened.push(db);
  return db;
}

afterAll(() => {
  for (const db of opened) if (db.open) db.close();
  rmSync(folder, { recursive: true, force: true });
});

testStore('sqliteStore (file)', () => sqliteStore(open()), { durable: true });

describe('sqliteStore', () => {
  it('turns on WAL mode and records its schema version', async () => {
    const db = open();
    await sqliteStore(db).migrate();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare("SELECT value FROM charterguard_meta WHERE key = 'schema_version'").get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
    expect(SQLITE_SCHEMA_VERSION).toBe(3);
  });

  it('migrates idempotently: twice, and from a second connection to the same file', async () => {
    const db = open();
    await sqliteStore(db).migrate();
    await sqliteStore(db).migrate();
    const other = new Database(db.name);
    opened.push(other);
    await sqliteStore(other).migrate();
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'charterguard_%' ORDER BY name").all();
    expect(tables.map((row) => (row as { name: string }).name)).toEqual([
      'charterguard_counter_mailings',
      'charterguard_counters',
      'charterguard_events',
      'charterguard_meta',
      'charterguard_reservations',
      'charterguard_suppressions',
      'charterguard_units',
    ]);
  });

  it('never reuses a reservation row id, even after the newest reservations were deleted', async () => {
    const db = open();
    const ledger = createLedger({ charter: raceCharter(), store: sqliteStore(db), secret: SECRET });
    for (const n of [1, 2]) await (await ledger.authorize(mail('m1'), person(n), { now: T0 })).reservation!.release({ now: T0 });
    const rids = () => db.prepare('SELECT rid FROM charterguard_reservations ORDER BY rid').all().map((row) => (row as { rid: number }).rid);
    expect(rids()).toEqual([1, 2]);
    // Retention: released reservations hold nothing and may be deleted.
    db.exec("DELETE FROM charterguard_reservations WHERE state = 'released'");
    await ledger.authorize(mail('m1'), person(3), { now: T0 });
    expect(rids()).toEqual([3]);
  });

  it('keeps stores with different table prefixes apart in one file', async () => {
    const db = open();
    const a = sqliteStore(db, { tablePrefix: 'a_' });
    const b = sqliteStore(db, { tablePrefix: 'b_' });
    await a.append([{ type: 'opted-in', at: new Date(0).toISOString(), recipient: 'x', channel: 'all' }]);
    expect(await b.counters(0)).toEqual([]);
    const events = [];
    for await (const event of b.events()) events.push(event);
    expect(events).toEqual([]);
    expect(() => sqliteStore(db, { tablePrefix: 'x; DROP TABLE y' })).toThrow(/tablePrefix/);
  });

  it('looks a batch up in one statement however long it is: 12,000 deliveries, more than SQLite binds variables in one', async () => {
    const db = open();
    const store = sqliteStore(db);
    const N = 12_000;
    const at = new Date(T0).toISOString();
    const batch = (prefix: string) =>
      Array.from({ length: N }, (_, n) => ({
        id: `${prefix}-${n}`,
        messageId: 'm1',
        recipient: `who-${n}`,
        deliveryKey: `m1|who-${n}`,
        units: [{ ruleId: 'per-recipient', key: `who-${n}`, count: 'deliveries' as const, limit: 1 }],
        event: { type: 'authorized' as const, at, reservationId: `${prefix}-${n}` },
      }));
    const taken = batch('a');
    const ok = Array.from({ length: N }, () => ({ ok: true }));
    expect(await store.reserve({ now: T0, expiresAt: T0 + 60_000, reservations: taken, events: [] })).toEqual(ok);
    const events = async () => {
      let count = 0;
      for await (const _ of store.events()) count++;
      return count;
    };
    expect(await events()).toBe(N);
    // A retry of the same reservations is ok again, and logs nothing new.
    expect(await store.reserve({ now: T0, expiresAt: T0 + 60_000, reservations: taken, events: [] })).toEqual(ok);
    expect(await events()).toBe(N);
    // Other reservations for the same deliveries are duplicates, the first and the last alike.
    const again = await store.reserve({ now: T0, expiresAt: T0 + 60_000, reservations: batch('b'), events: [] });
    expect(new Set(again.map((outcome) => JSON.stringify(outcome)))).toEqual(new Set([JSON.stringify({ ok: false, conflict: { kind: 'duplicate' } })]));
    const snapshot = await store.snapshot({ now: T0, messageId: 'm1', counters: [], deliveries: taken.map((r) => r.deliveryKey), contacts: [], channel: 'email' });
    expect(snapshot.deliveries.size).toBe(N);
  });

  it('reads suppressions alike for a short list of contacts and a long one', async () => {
    const store = sqliteStore(open());
    const entry = (contact: string, channel: string, action: 'opt-out' | 'opt-in', at: number) => ({ contact, channel, action, at });
    await store.suppress(
      [
        entry('who-5', 'email', 'opt-out', T0 - 2),
        entry('who-7', 'all', 'opt-out', T0 - 2),
        entry('who-7', 'email', 'opt-in', T0 - 1),
        entry('who-8', 'email', 'opt-in', T0 - 2),
        entry('who-8', 'all', 'opt-out', T0 - 1),
        entry('who-9', 'sms', 'opt-out', T0 - 2),
        entry('who-11', 'email', 'opt-out', T0 + 1),
      ],
      [],
    );
    const suppressed = async (contacts: string[]) =>
      [...(await store.snapshot({ now: T0, messageId: 'm1', counters: [], deliveries: [], contacts, channel: 'email' })).suppressed].sort();
    expect(await suppressed(['who-5', 'who-7'])).toEqual(['who-5']);
    expect(await suppressed(['who-8'])).toEqual(['who-8']);
    const many = Array.from({ length: 2_000 }, (_, n) => `who-${n}`);
    expect(await suppressed(many)).toEqual(['who-5', 'who-8']);
    expect(await suppressed([...many, 'who-5'])).toEqual(['who-5', 'who-8']);
  });

  it('refuses tables written by a newer schema version', async () => {
    const db = open();
    await sqliteStore(db).migrate();
    db.prepare("UPDATE charterguard_meta SET value = '99' WHERE key = 'schema_version'").run();
    await expect(sqliteStore(db).migrate()).rejects.toThrow(/schema version 99/);
  });
});

describe('sqliteStore shared by processes', () => {
  processContract(async () => {
    const file = join(folder, `shared-${++files}.db`);
    return {
      spec: { kind: 'sqlite', file },
      cleanup: async () => undefined,
      probe: () => {
        const db = new Database(file, { timeout: 5_000 });
        opened.push(db);
        return sqliteProbe(db);
      },
    };
  });
});

describe('sqliteStore when the database is unavailable', () => {
  it('rejects with LedgerUnavailableError while another process holds the file locked, never allows, and resumes after', async () => {
    const file = join(folder, `locked-${++files}.db`);
    const db = new Database(file, { timeout: 50 });
    opened.push(db);
    const ledger = createLedger({ charter: raceCharter(), store: sqliteStore(db), secret: SECRET });
    await ledger.authorize(mail('m1'), person(1), { now: T0 });
    const locker = new Database(file);
    opened.push(locker);
    locker.exec('BEGIN EXCLUSIVE');
    const outcome = await ledger.authorize(mail('m1'), person(2), { now: T0 }).then(
      () => 'allowed',
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(LedgerUnavailableError);
    expect(db.inTransaction).toBe(false);
    locker.exec('COMMIT');
    const again = await ledger.authorizeMany(mail('m1'), [person(2), person(3)], { now: T0 });
    expect(again.map(({ decision }) => decision.verdict)).toEqual(['allow', 'allow']);
  });

  it('rejects with LedgerUnavailableError once the connection is closed', async () => {
    const db = open();
    const ledger = createLedger({ charter: raceCharter(), store: sqliteStore(db), secret: SECRET });
    db.close();
    await expect(ledger.authorize(mail('m1'), person(1), { now: T0 })).rejects.toBeInstanceOf(LedgerUnavailableError);
  });
});

