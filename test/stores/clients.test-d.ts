import type { PGlite } from '@electric-sql/pglite';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { expectTypeOf, test } from 'vitest';
import type { LedgerStore } from '../../src/index.js';
import type { PostgresClient, PostgresLedgerStore } from '../../src/stores/postgres.js';
import type { SqliteDatabase, SqliteLedgerStore } from '../../src/stores/sqlite.js';

test('the stores take the clients users open, typed structurally', () => {
  expectTypeOf<Database.Database>().toExtend<SqliteDatabase>();
  expectTypeOf<pg.Pool>().toExtend<PostgresClient>();
  expectTypeOf<pg.Client>().toExtend<PostgresClient>();
  expectTypeOf<PGlite>().toExtend<PostgresClient>();
  expectTypeOf<SqliteLedgerStore>().toExtend<LedgerStore>();
  expectTypeOf<PostgresLedgerStore>().toExtend<LedgerStore>();
});
