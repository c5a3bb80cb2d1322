/**
 * What the store process tests and their worker processes share: the charter with small
 * limits, how a worker opens its own connection, and the job a worker runs.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { LedgerStore } from '../../../src/index.js';
import { postgresStore } from '../../../src/stores/postgres.js';
import { sqliteStore } from '../../../src/stores/sqlite.js';
import { charterWith, quota } from '../../ledger/fixtures.js';

/** The limits the race must never exceed. */
export const LIMITS = { mailings: 3, perRecipient: 2, reach: 4000 } as const;

/** Four mailings from candidate c1; at most 3 mailings, 2 per recipient, 4,000 deliveries in all. */
export function raceCharter() {
  return charterWith([
    quota({ id: 'mailings', count: 'messages', limit: LIMITS.mailings, per: ['candidate'] }),
    quota({ id: 'per-recipient', count: 'deliveries', limit: LIMITS.perRecipient, per: ['recipient'] }),
    quota({ id: 'reach', count: 'deliveries', limit: LIMITS.reach, per: ['candidate'] }),
  ]);
}

/** Where a worker's store lives. */
export type StoreSpec = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };

/** Opens a store on its own connection. */
export function openStore(spec: StoreSpec): { store: LedgerStore; close(): Promise<void> } {
  if (spec.kind === 'sqlite') {
    const db = new Database(spec.file, { timeout: 20_000 });
    return { store: sqliteStore(db), close: async () => void db.close() };
  }
  const pool = new pg.Pool({ connectionString: spec.url, max: 2 });
  pool.on('error', () => undefined);
  return { store: postgresStore(pool, { schema: spec.schema }), close: () => pool.end() };
}

/** The job of one worker process. */
export interface WorkerJob {
  store: StoreSpec;
  /** (mailing number, person number) pairs, in the order to authorize them. */
  pairs: [number, number][];
  now: number;
  ttl: number;
  /** Recipients per authorizeMany call; 1 means single `authorize` calls. */
  batch: number;
  /** Commit each allowed send (a worker that sends), or hold the reservations (a worker about to die). */
  commit: boolean;
  /** Pause after each batch, in ms (to be killed between batches). */
  pause?: number;
}

/** A line a worker prints: after each batch, and once at the end. */
export type WorkerLine =
  | { type: 'batch'; allowed: string[] }
  | { type: 'done'; allowed: number; denied: Record<string, number> }
  | { type: 'error'; name: string; message: string };
