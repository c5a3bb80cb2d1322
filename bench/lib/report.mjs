// Printing: aligned tables of timings, ratio lines with PASS/MISS against the targets.
// A miss is reported, never turned into a failing exit code (benchmarks vary by machine).

const out = (line = '') => process.stdout.write(`${line}\n`);
export { out };

/** µs with 2 significant decimals below 10, fewer above. */
export function us(ns) {
  if (!Number.isFinite(ns)) return '—';
  const value = ns / 1000;
  return value < 1 ? value.toFixed(3) : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0);
}

/** Decisions per second from ns per decision, grouped by thousands. */
export function perSecond(ns) {
  return Number.isFinite(ns) && ns > 0 ? Math.round(1e9 / ns).toLocaleString('en-US') : '—';
}

export const int = (n) => n.toLocaleString('en-US');
export const pct = (part, whole) => `${((100 * part) / whole).toFixed(1)}%`;

/**
 * Rows as an aligned table: `typical` is the headline figure per decision (for the decision
 * bench the median over batches of wall time / decisions, GC included), `p50`/`p95` come
 * from timing calls one by one, and the rate is 1 / typical.
 * @param {{ name: string, typical: number, p50?: number, p95?: number, samples: string, note?: string }[]} rows
 */
export function table(rows, { typical = 'µs/decision', rate = 'decisions/s' } = {}) {
  const show = (ns) => (ns === undefined ? '—' : us(ns));
  const cells = rows.map((row) => [row.name, show(row.typical), show(row.p50), show(row.p95), perSecond(row.typical), row.samples, row.note ?? '']);
  const head = ['', typical, 'call p50', 'call p95', rate, 'samples', ''];
  const widths = head.map((_, c) => Math.max(head[c].length, ...cells.map((row) => row[c].length)));
  const line = (row) => row.map((cell, c) => (c === 0 || c >= 5 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  out(`  ${line(head)}`);
  for (const row of cells) out(`  ${line(row)}`);
}

/**
 * A ratio of headline figures against a target, `at most` (ratio ≤ target passes) or `at
 * least`; the same ratio of per-call medians is shown beside it.
 * @returns {boolean} whether the target was met
 */
export function ratio(label, value, target, direction, ofMedians) {
  const met = direction === 'at most' ? value <= target : value >= target;
  const x = (v) => `${v.toFixed(v < 10 ? 2 : 1)}×`;
  out(`  ${label.padEnd(50)} ${x(value).padStart(7)}   target ${direction} ${String(target).padStart(2)}×  ${met ? 'PASS' : 'MISS'}   (call p50s: ${x(ofMedians)})`);
  return met;
}
