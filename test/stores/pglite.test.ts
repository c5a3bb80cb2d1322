import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../src/stores/postgres.js';
import { testStore } from '../ledger/store-conformance.js';

// One in-process PostgreSQL for the file; each store gets its own schema.
const db = new PGlite();
let schemas = 0;
const fresh = () => `cg_test_${process.pid}_${++schemas}`;

afterAll(async () => {
  await db.close();
});

testStore('postgresStore (PGlite)', () => postgresStore(db, { schema: fresh() }), { durable: true, timeout: 30_000 });

describe('postgresStore on PGlite', () => {
  it('migrates idempotently and records its schema version', async () => {
    const schema = fresh();
    await postgresStore(db, { schema }).migrate();
    await postgresStore(db, { schema }).migrate();
    await Promise.all([postgresStore(db, { schema }).migrate(), postgresStore(db, { schema }).migrate()]);
    const { rows } = await db.query<{ value: string }>(`SELECT value FROM ${schema}.meta WHERE key = 'schema_version'`);
    expect(rows).toEqual([{ value: '1' }]);
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => postgresStore(db, { schema: 'x; DROP SCHEMA public' })).toThrow(/schema/);
  });

  it('refuses tables written by a newer schema version', async () => {
    const schema = fresh();
    await postgresStore(db, { schema }).migrate();
    await db.query(`UPDATE ${schema}.meta SET value = '99' WHERE key = 'schema_version'`);
    await expect(postgresStore(db, { schema }).migrate()).rejects.toThrow(/schema version 99/);
  });
});
