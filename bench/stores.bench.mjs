// The durable stores (issue 5): authorizeMany of one mailing to 10,000 recipients, and
// authorize throughput with 1 and 4 workers (worker threads, each with its own connection),
// on SQLite (a file), PGlite (in process) and a real PostgreSQL server when
// CHARTERGUARD_PG_URL is set. Targets: PostgreSQL ≥ 10,000 deliveries/s with 4 workers via
// authorizeMany; SQLite ≥ 20,000/s. Misses are printed, never fatal.
// CHARTERGUARD_BENCH_STORES=sqlite,pglite,server runs only the stores named.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createLedger, defineCharter, memoryStore } from '../dist/index.js';
import { int, out } from './lib/report.mjs';

const N = 10_000;
const SINGLE = 1_000;
const NOW = Date.parse('2013-05-20T10:00:00+02:00');
const charter = defineCharter({
  id: 'stores-bench',
  title: 'Stores benchmark',
  locale: 'en',
  timezone: 'Europe/Paris',
  defaultCountry: 'FR',
  defaults: { unlisted: 'deny' },
  audiences: { members: { label: 'members' } },
  rules: [
    { id: 'permit', kind: 'permit', when: { channels: ['email'] } },
    { id: 'mailings', kind: 'quota', limit: 100, count: 'messages', per: ['candidate'], window: 'charter' },
    { id: 'per-recipient', kind: 'quota', limit: 50, count: 'deliveries', per: ['recipient'], window: 'charter' },
  ],
});
const mail = (id) => ({ id, channel: 'email', sender: { id: 's1', role: 'candidate', candidate: 'c1', name: 'Jean Dupont' } });
const person = (n) => ({ id: `r${n}`, email: `person.${n}@example.org`, audiences: ['members'] });

async function openStore(spec) {
  // The reference: a ledger whose store costs (almost) nothing, each worker on its own, to
  // show how much of a delivery is the ledger and canSend rather than the durable store.
  if (spec.kind === 'memory') return { store: memoryStore(), close: async () => undefined };
  if (spec.kind === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const { sqliteStore } = await import('../dist/sqlite.js');
    const db = new Database(spec.file, { timeout: 30_000 });
    return { store: sqliteStore(db), close: async () => db.close() };
  }
  const { postgresStore } = await import('../dist/postgres.js');
  if (spec.kind === 'pglite') return { store: postgresStore(spec.db, { schema: spec.schema }), close: async () => undefined };
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: spec.url, max: 2 });
  return { store: postgresStore(pool, { schema: spec.schema }), close: () => pool.end() };
}

/** The store with the time spent in its calls added up (lock waits included): the store's share of a delivery. */
function timed(inner) {
  const spent = { ms: 0 };
  const wrap = (name) => async (...args) => {
    const start = performance.now();
    try {
      return await inner[name](...args);
    } finally {
      spent.ms += performance.now() - start;
    }
  };
  const store = { durable: inner.durable, events: () => inner.events() };
  for (const name of ['snapshot', 'reserve', 'settle', 'expire', 'suppress', 'append', 'counters']) store[name] = wrap(name);
  return { store, spent };
}

/** One worker's share: `mode` many (batches of `batch` recipients of one mailing) or single authorizes. */
async function work({ spec, worker, mode, count, batch }) {
  const opened = await openStore(spec);
  const { store, spent } = timed(opened.store);
  const close = opened.close;
  const ledger = createLedger({ charter, store, secret: 'bench-secret' });
  await ledger.usage({ now: NOW });
  spent.ms = 0;
  const start = performance.now();
  let allowed = 0;
  const offset = worker * 1_000_000;
  if (mode === 'many') {
    for (let first = 0; first < count; first += batch) {
      const recipients = Array.from({ length: Math.min(batch, count - first) }, (_, i) => person(offset + first + i));
      const results = await ledger.authorizeMany(mail(`w${worker}`), recipients, { now: NOW });
      allowed += results.filter((result) => result.reservation).length;
    }
  } else {
    for (let i = 0; i < count; i++) if ((await ledger.authorize(mail(`w${worker}`), person(offset + i), { now: NOW })).reservation) allowed++;
  }
  const ms = performance.now() - start;
  await close();
  return { ms, allowed, storeMs: spent.ms };
}

if (!isMainThread) {
  parentPort.postMessage(await work(workerData));
} else {
  out('# Stores benchmark (issue 5): dist/sqlite.js, dist/postgres.js');
  const folder = mkdtempSync(join(tmpdir(), 'charterguard-bench-'));
  const url = process.env.CHARTERGUARD_PG_URL;
  const targets = { sqlite: 20_000, server: 10_000 };
  let files = 0;
  let pgliteDb;
  const admin = url ? new (await import('pg')).default.Pool({ connectionString: url }) : undefined;
  const schemas = [];
  const fresh = async (kind) => {
    if (kind === 'memory') return { kind };
    if (kind === 'sqlite') return { kind, file: join(folder, `bench-${++files}.db`) };
    const schema = `cg_bench_${process.pid}_${++files}`;
    schemas.push(schema);
    if (kind === 'pglite') {
      pgliteDb ??= new (await import('@electric-sql/pglite')).PGlite();
      return { kind, db: pgliteDb, schema };
    }
    return { kind, url, schema };
  };
  const run = async (kind, workers, mode, count, batch) => {
    const spec = await fresh(kind);
    // Migrate once up front, as a deploy would.
    const { store, close } = await openStore(spec);
    await store.migrate?.();
    await close();
    const start = performance.now();
    let results;
    if (kind === 'pglite') {
      // PGlite lives in this thread: its "workers" are concurrent ledgers on the one instance.
      results = await Promise.all(Array.from({ length: workers }, (_, worker) => work({ spec, worker, mode, count, batch })));
    } else {
      results = await Promise.all(
        Array.from({ length: workers }, (_, worker) =>
          new Promise((resolve, reject) => {
            const thread = new Worker(new URL(import.meta.url), { workerData: { spec, worker, mode, count, batch } });
            thread.once('message', resolve);
            thread.once('error', reject);
          }),
        ),
      );
    }
    const seconds = (performance.now() - start) / 1000;
    const allowed = results.reduce((sum, result) => sum + result.allowed, 0);
    // Per delivery, per worker: wall time, and the part of it spent in store calls.
    const perDelivery = results.reduce((sum, result) => sum + result.ms, 0) / (workers * count);
    const inStore = results.reduce((sum, result) => sum + result.storeMs, 0) / (workers * count);
    return { rate: (workers * count) / seconds, seconds, allowed, perDelivery, inStore };
  };
  const only = process.env.CHARTERGUARD_BENCH_STORES?.split(',');
  const kinds = ['memory', 'sqlite', 'pglite', ...(url ? ['server'] : [])].filter((kind) => !only || only.includes(kind));
  if (!url) out('  (CHARTERGUARD_PG_URL not set: the real PostgreSQL server is skipped)');
  const rows = [];
  for (const kind of kinds) {
    const many1 = await run(kind, 1, 'many', N, N);
    const many4 = await run(kind, 4, 'many', N, 1_000);
    const single1 = await run(kind, 1, 'single', SINGLE);
    const single4 = await run(kind, 4, 'single', SINGLE);
    rows.push({ kind, many1, many4, single1, single4 });
    const line = (label, result) =>
      out(
        `  ${kind.padEnd(7)} ${label.padEnd(44)} ${int(Math.round(result.rate)).padStart(8)} deliveries/s  (${result.seconds.toFixed(2)} s, ${int(result.allowed)} allowed; ` +
          `${(result.perDelivery * 1000).toFixed(0)} µs a delivery per worker, ${(result.inStore * 1000).toFixed(0)} in store calls)`,
      );
    line(`authorizeMany: 1 mailing × ${int(N)}, one batch`, many1);
    line(`authorizeMany: 4 workers × ${int(N)}, batches of 1,000`, many4);
    line(`authorize: 1 worker × ${int(SINGLE)}`, single1);
    line(`authorize: 4 workers × ${int(SINGLE)}`, single4);
  }
  out('  (µs a delivery per worker = wall time of a worker / its deliveries; "in store calls" = the part of it inside the');
  out('  store, lock waits included; the rest is canSend and the ledger. The memory line is that rest with no durable store,');
  out('  each worker on its own in-memory store.)');
  for (const { kind, many4 } of rows) {
    const target = kind === 'sqlite' ? targets.sqlite : kind === 'server' ? targets.server : undefined;
    if (target) out(`  target ${kind} ≥ ${int(target)}/s with 4 workers via authorizeMany: ${int(Math.round(many4.rate))}/s ${many4.rate >= target ? 'PASS' : 'MISS'}`);
  }
  if (admin) {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
  await pgliteDb?.close();
  rmSync(folder, { recursive: true, force: true });
}
