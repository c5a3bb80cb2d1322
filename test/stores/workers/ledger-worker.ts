/**
 * A worker process: opens its own connection to the store, authorizes its pairs in batches,
 * commits (or holds) what is allowed, and reports each batch on stdout as a JSON line.
 * Run as `node --import tsx test/stores/workers/ledger-worker.ts '<job json>'`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createLedger } from '../../../src/index.js';
import { mail, person, SECRET } from '../../ledger/fixtures.js';
import { openStore, raceCharter, type WorkerJob, type WorkerLine } from './race-setup.js';

const job = JSON.parse(process.argv[2]!) as WorkerJob;
const say = (line: WorkerLine) => process.stdout.write(`${JSON.stringify(line)}\n`);
const { store, close } = openStore(job.store);
const ledger = createLedger({ charter: raceCharter(), store, secret: SECRET, ttl: job.ttl });
const denied: Record<string, number> = {};
let allowed = 0;

try {
  // Consecutive pairs of the same mailing go in one batch.
  for (let start = 0; start < job.pairs.length; ) {
    const mailing = job.pairs[start]![0];
    let end = start;
    while (end < job.pairs.length && end - start < job.batch && job.pairs[end]![0] === mailing) end++;
    const recipients = job.pairs.slice(start, end).map(([, n]) => person(n));
    const results = job.batch === 1
      ? [await ledger.authorize(mail(`m${mailing}`), recipients[0]!, { now: job.now })]
      : await ledger.authorizeMany(mail(`m${mailing}`), recipients, { now: job.now });
    const ids: string[] = [];
    for (const { decision, reservation } of results) {
      if (reservation) {
        if (job.commit) await reservation.commit({ now: job.now });
        ids.push(reservation.id);
        allowed++;
      } else {
        const code = decision.reasons[0]?.code ?? 'NONE';
        denied[code] = (denied[code] ?? 0) + 1;
      }
    }
    say({ type: 'batch', allowed: ids });
    if (job.pause) await sleep(job.pause);
    start = end;
  }
  say({ type: 'done', allowed, denied });
} catch (error) {
  say({ type: 'error', name: (error as Error).name, message: (error as Error).message });
  process.exitCode = 1;
} finally {
  await close();
}
