import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../src/stores/postgres-arrays.js';
import { POSTGRES_SCHEMA_VERSION, postgresStore } from '../../src/stores/postgres.js';
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
    expect(rows).toEqual([{ value: String(POSTGRES_SCHEMA_VERSION) }]);
  });

  it('passes lists to its functions unchanged, whatever the characters in ids and keys', async () => {
    const texts = ['plain', 'say "hi"', 'back\\slash\\', '{braces},commas', 'NULL', 'null', '', ' spaced ', 'é€漢字🙂', '\\"', '{"k":"v\\"w"}'];
    const controls = [...texts, 'new\nline', 'tab\there', '\u0000x'.slice(1), 'lone \ud800 surrogate'];
    const { rows } = await db.query<{ t: string[]; n: (number | null)[]; b: boolean[] }>('SELECT $1::text[] AS t, $2::bigint[] AS n, $3::boolean[] AS b', [
      arrayLiteral(texts),
      arrayLiteral([0, -1, 2 ** 52, null]),
      arrayLiteral([true, false]),
    ]);
    expect(rows[0]).toEqual({ t: texts, n: [0, -1, 2 ** 52, null], b: [true, false] });
    // Characters JSON would escape differently from an array literal take the careful path.
    const careful = await db.query<{ t: string[] }>('SELECT $1::text[] AS t', [arrayLiteral(controls)]);
    expect(careful.rows[0]!.t).toEqual(controls.map((text) => text.replace('\ud800', '\ufffd')));
    const empty = await db.query<{ t: string[] }>('SELECT $1::text[] AS t', [arrayLiteral([])]);
    expect(empty.rows[0]!.t).toEqual([]);
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
