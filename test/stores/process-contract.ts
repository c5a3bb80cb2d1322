/**
 * Tests with real processes, for a store that several processes share: four workers, each
 * with its own connection, racing for 10,000 deliveries under small limits; a worker killed
 * with SIGKILL in the middle of its batches. Registered by each shared store's test file.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { CounterUsage } from '../../src/index.js';
import { MINUTE, T0 } from '../ledger/fixtures.js';
import { seededRandom } from '../ledger/store-wrappers.js';
import { expectSumsMatchRows, type SumsProbe } from './running-sums.js';
import { LIMITS, openStore, type StoreSpec, type WorkerJob, type WorkerLine } from './workers/race-setup.js';

const WORKER = fileURLToPath(new URL('./workers/ledger-worker.ts', import.meta.url));
const TTL = 15 * MINUTE;
const PEOPLE = 2_500;

/** A running worker process and what it reported. */
interface Worker {
  lines: WorkerLine[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

function startWorker(job: WorkerJob, onLine: (line: WorkerLine, worker: Worker) => void = () => undefined): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let buffered = '';
  const worker: Worker = {
    lines: [],
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr }))),
    kill: () => child.kill('SIGKILL'),
  };
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline)) as WorkerLine;
      buffered = buffered.slice(newline + 1);
      worker.lines.push(line);
      onLine(line, worker);
    }
  });
  return worker;
}

/** Every (mailing, person) pair of mailings m1..m4 to people 1..2,500, shuffled with a fixed seed. */
function allPairs(seed: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let mailing = 1; mailing <= 4; mailing++) for (let n = 1; n <= PEOPLE; n++) pairs.push([mailing, n]);
  const random = seededRandom(seed);
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  return pairs;
}

/** Sorts a worker's pairs by mailing (keeping the shuffled order within), so batches hold one mailing. */
const byMailing = (pairs: [number, number][]) => [...pairs].sort((a, b) => a[0] - b[0]);

function allowedIds(workers: readonly Worker[]): string[] {
  return workers.flatMap((worker) => worker.lines.flatMap((line) => (line.type === 'batch' ? line.allowed : [])));
}

/** Checks every limit on the live units, and returns the number of `reach` units. */
function expectWithinLimits(counters: readonly CounterUsage[]): number {
  let reach = 0;
  for (const counter of counters) {
    if (counter.ruleId === 'mailings') expect(new Set(counter.units.map((unit) => unit.messageId)).size).toBeLessThanOrEqual(LIMITS.mailings);
    if (counter.ruleId === 'per-recipient') expect(counter.units.length).toBeLessThanOrEqual(LIMITS.perRecipient);
    if (counter.ruleId === 'reach') reach += counter.units.length;
  }
  expect(reach).toBeLessThanOrEqual(LIMITS.reach);
  return reach;
}

async function expectExited(worker: Worker): Promise<void> {
  const exit = await worker.exited;
  expect(exit.code, exit.stderr || JSON.stringify(worker.lines.at(-1))).toBe(0);
}

/**
 * Registers the process tests for a store.
 *
 * @param fresh - makes the spec of a fresh, empty store, a clean-up for it, and a probe of
 * its running sums, checked against its unit rows once the processes are done.
 */
export function processContract(fresh: () => Promise<{ spec: StoreSpec; cleanup(): Promise<void>; probe: () => SumsProbe }>, timeout = 120_000): void {
  it('4 worker processes racing for 10,000 deliveries never exceed a limit, nor count a send twice', { timeout }, async () => {
    const { spec, cleanup, probe } = await fresh();
    try {
      const pairs = allPairs(1);
      // Each worker has a quarter of the pairs, and 250 of another's, to race on duplicates too.
      const jobs = [0, 1, 2, 3].map((w): WorkerJob => {
        const own = pairs.filter((_, index) => index % 4 === w);
        const stolen = pairs.filter((_, index) => index % 4 === (w + 1) % 4).slice(0, 250);
        return { store: spec, pairs: byMailing([...own, ...stolen]), now: T0, ttl: TTL, batch: w === 3 ? 1 : 50, commit: true };
      });
      // One worker sends one by one with `authorize`: keep its share small enough for the time limit.
      jobs[3]!.pairs = jobs[3]!.pairs.slice(0, 600);
      const workers = jobs.map((job) => startWorker(job));
      for (const worker of workers) await expectExited(worker);
      const ids = allowedIds(workers);
      expect(new Set(ids).size).toBe(ids.length);
      const { store, close } = openStore(spec);
      try {
        const reach = expectWithinLimits(await store.counters(T0));
        // Every allowed send counted once: as many `reach` units as reservations granted.
        expect(reach).toBe(ids.length);
        expect(ids.length).toBeGreaterThan(3_000);
        await expectSumsMatchRows(probe());
      } finally {
        await close();
      }
    } finally {
      await cleanup();
    }
  });

  it('a worker killed with SIGKILL mid-run: its reservations expire after the ttl, nothing lost or counted twice, the others carry on', { timeout }, async () => {
    const { spec, cleanup, probe } = await fresh();
    try {
      const pairs = byMailing(allPairs(2));
      const victimPairs = pairs.filter(([mailing]) => mailing === 1).slice(0, 1_500);
      const victims: Worker[] = [];
      const started = new Promise<void>((resolve) => {
        const victim = startWorker({ store: spec, pairs: victimPairs, now: T0, ttl: TTL, batch: 100, commit: false, pause: 50 }, (line, worker) => {
          // The others start once the victim holds its first batch; it dies in the middle of its run.
          if (worker.lines.length === 1) resolve();
          if (worker.lines.length === 3 && line.type === 'batch') worker.kill();
        });
        victims.push(victim);
      });
      await started;
      const victim = victims[0]!;
      const others = [2, 3, 4].map((mailing) =>
        startWorker({ store: spec, pairs: pairs.filter(([m, n]) => m === mailing && n <= 1_000), now: T0, ttl: TTL, batch: 100, commit: true }),
      );
      const killed = await victim.exited;
      expect(killed.signal).toBe('SIGKILL');
      for (const worker of others) await expectExited(worker);
      const held = allowedIds([victim]).length;
      const committed = allowedIds(others).length;
      expect(held).toBeGreaterThanOrEqual(200);
      const { store, close } = openStore(spec);
      try {
        const before = expectWithinLimits(await store.counters(T0));
        // What the killed worker left behind (in the middle of a batch) is whole: sums and rows agree.
        await expectSumsMatchRows(probe());
        // The victim's pending units still count until their expiry (a batch may have gone unreported).
        expect(before - committed).toBeGreaterThanOrEqual(held);
        expect(before - committed).toBeLessThanOrEqual(held + 100);
        // Past the ttl (a later `now`, no waiting), exactly the victim's reservations expire.
        const later = T0 + TTL;
        const expired = await store.expire(later);
        expect(expired.length).toBe(before - committed);
        expect(new Set(expired.map((item) => item.id))).toEqual(new Set([...allowedIds([victim]), ...expired.map((item) => item.id)]));
        expect(expectWithinLimits(await store.counters(later))).toBe(committed);
        // A new worker picks up the victim's pairs: they can be sent now, within every limit.
        const heir = startWorker({ store: spec, pairs: victimPairs, now: later + MINUTE, ttl: TTL, batch: 100, commit: true });
        await expectExited(heir);
        const after = expectWithinLimits(await store.counters(later + MINUTE));
        expect(after).toBe(committed + allowedIds([heir]).length);
        expect(allowedIds([heir]).length).toBeGreaterThan(0);
        await expectSumsMatchRows(probe());
      } finally {
        await close();
      }
    } finally {
      await cleanup();
    }
  });
}
