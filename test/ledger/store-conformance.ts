/**
 * The conformance suite every `LedgerStore` runs: the store's own contract (each method,
 * called directly) and the ledger's behaviour end to end on that store. A store's test
 * file does its own set-up and calls `testStore` with a factory of fresh, empty stores:
 *
 * ```ts
 * testStore('memoryStore', () => memoryStore());
 * testStore('sqliteStore', () => sqliteStore(new Database(':memory:')), { durable: true });
 * ```
 */
import { describe } from 'vitest';
import type { LedgerStore } from '../../src/index.js';
import { ledgerContract } from './conformance/ledger-contract.js';
import { storeContract } from './conformance/store-contract.js';

/** Makes a fresh, empty store; called once per test (twice for tests comparing two ledgers). */
export type StoreFactory = () => Promise<LedgerStore> | LedgerStore;

/** What the suite should know about the store under test. */
export interface TestStoreOptions {
  /** The `durable` flag the store must report, when the caller knows it. */
  durable?: boolean;
  /** Per-test timeout in ms, for stores behind a network round trip. */
  timeout?: number;
}

/**
 * Registers the conformance suite for one store.
 *
 * @param name - the store's name, shown in the test report.
 * @param factory - makes a fresh, empty store for each test.
 * @param options - what the suite should expect of the store.
 */
export function testStore(name: string, factory: StoreFactory, options: TestStoreOptions = {}): void {
  describe(`LedgerStore conformance: ${name}`, { timeout: options.timeout ?? 20_000 }, () => {
    describe('store contract', () => storeContract(factory, options));
    describe('ledger on the store', () => ledgerContract(factory));
  });
}
