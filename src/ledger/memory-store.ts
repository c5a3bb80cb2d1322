import type {
  AuditEvent,
  CounterState,
  CounterUsage,
  ExpiredReservation,
  LedgerStore,
  QuotaCounter,
  ReservationOutcome,
  ReservedUnit,
  ReserveRequest,
  SettleOutcome,
  SettleRequest,
  Snapshot,
  SnapshotRequest,
  SuppressionEntry,
} from './store.js';
import { Counter } from './memory-counter.js';

/**
 * A ledger store in memory: zero set-up, the default of `createLedger`. Every operation
 * runs without awaiting in between, so each reservation is atomic within the process.
 * Its state is lost with the process; use the SQLite or PostgreSQL store to keep it or
 * to share it between workers. Audit events handed to it are kept as they are, frozen.
 *
 * @returns a fresh, empty store.
 * @example
 * ```ts
 * const ledger = createLedger({ charter, store: memoryStore() });
 * ```
 */
export function memoryStore(): LedgerStore {
  return new MemoryStore();
}

interface Reservation {
  readonly id: string;
  readonly messageId: string;
  readonly recipient: string;
  readonly deliveryKey: string;
  /** The counters holding its units. */
  readonly counters: readonly Counter[];
  readonly at: number;
  readonly expiresAt: number;
  state: 'pending' | 'committed' | 'released' | 'expired';
}

class MemoryStore implements LedgerStore {
  readonly durable = false;
  private readonly reservations = new Map<string, Reservation>();
  private readonly counters_ = new Map<string, Counter>();
  private readonly deliveries = new Map<string, string>();
  private readonly suppressions = new Map<string, SuppressionEntry[]>();
  private readonly log: AuditEvent[] = [];
  /** Pending reservations ordered by expiry, for the sweep. */
  private readonly pending = new ExpiryHeap();

  async snapshot(request: SnapshotRequest): Promise<Snapshot> {
    this.sweep(request.now);
    const counters = new Array<CounterState>(request.counters.length);
    for (let c = 0; c < counters.length; c++) counters[c] = this.counterState(request.counters[c]!, request.messageId);
    let deliveries: Set<string> | undefined;
    for (const key of request.deliveries) if (this.deliveries.has(key)) (deliveries ??= new Set()).add(key);
    let suppressed: Set<string> | undefined;
    if (this.suppressions.size > 0) {
      for (const contact of request.contacts) if (this.isSuppressed(contact, request.channel, request.now)) (suppressed ??= new Set()).add(contact);
    }
    return { counters, deliveries: deliveries ?? NONE, suppressed: suppressed ?? NONE };
  }

  async reserve(request: ReserveRequest): Promise<readonly ReservationOutcome[]> {
    this.sweep(request.now);
    const outcomes = new Array<ReservationOutcome>(request.reservations.length);
    // The deliveries of a mailing mostly take the same units (the ledger shares the list):
    // the counters found for the last list serve again, without rebuilding their ids.
    let lastUnits: readonly ReservedUnit[] | undefined;
    let lastCounters: readonly Counter[] = [];
    for (let r = 0; r < request.reservations.length; r++) {
      const reservation = request.reservations[r]!;
      const holder = this.deliveries.get(reservation.deliveryKey);
      // The same reservation asked again (a retry after a lost answer): already taken, nothing more to do.
      if (holder !== undefined && holder === reservation.id) {
        outcomes[r] = TAKEN;
        continue;
      }
      if (holder !== undefined || this.reservations.has(reservation.id)) {
        outcomes[r] = DUPLICATE;
        continue;
      }
      const units = reservation.units;
      const shared = units === lastUnits;
      const counters = shared ? lastCounters : new Array<Counter>(units.length);
      let conflict: ReservationOutcome | undefined;
      for (let u = 0; u < units.length; u++) {
        const unit = units[u]!;
        const counter = shared ? counters[u]! : ((counters as Counter[])[u] = this.counter(counterId(unit.ruleId, unit.key)));
        const state = counter.state(unit, reservation.messageId);
        // A unit of a mailing already counted takes nothing, even over the limit (after an approval).
        if (unit.count === 'messages' && state.counted) continue;
        if (state.used + 1 > unit.limit) {
          conflict = { ok: false, conflict: { kind: 'quota', ruleId: unit.ruleId, key: unit.key, used: state.used } };
          break;
        }
      }
      if (conflict !== undefined) {
        outcomes[r] = conflict;
        continue;
      }
      // Only a list whose every counter was found (no conflict stopped the loop) is reused.
      lastUnits = units;
      lastCounters = counters;
      const record: Reservation = {
        id: reservation.id,
        messageId: reservation.messageId,
        recipient: reservation.recipient,
        deliveryKey: reservation.deliveryKey,
        counters,
        at: request.now,
        expiresAt: request.expiresAt,
        state: 'pending',
      };
      // The record is also the unit each counter keeps: one object per reservation, not one per unit.
      for (const counter of counters) counter.add(reservation.id, record);
      this.reservations.set(reservation.id, record);
      this.deliveries.set(reservation.deliveryKey, reservation.id);
      this.pending.push(request.expiresAt, reservation.id);
      this.record(reservation.event);
      outcomes[r] = TAKEN;
    }
    for (const event of request.events) this.record(event);
    return outcomes;
  }

  async settle(requests: readonly SettleRequest[], action: 'commit' | 'release', now: number): Promise<readonly SettleOutcome[]> {
    this.sweep(now);
    return requests.map(({ id, event }): SettleOutcome => {
      const reservation = this.reservations.get(id);
      if (!reservation) return 'unknown';
      if (reservation.state === 'expired') return 'expired';
      if (reservation.state === 'committed') return 'already-committed';
      if (reservation.state === 'released') return 'already-released';
      this.record(event);
      if (action === 'commit') {
        reservation.state = 'committed';
        return 'committed';
      }
      this.drop(reservation, 'released');
      return 'released';
    });
  }

  async expire(now: number): Promise<readonly ExpiredReservation[]> {
    return this.sweep(now);
  }

  async suppress(entries: readonly SuppressionEntry[], events: readonly AuditEvent[]): Promise<void> {
    for (const entry of entries) {
      const list = this.suppressions.get(entry.contact) ?? [];
      list.push(entry);
      this.suppressions.set(entry.contact, list);
    }
    for (const event of events) this.record(event);
  }

  async append(events: readonly AuditEvent[]): Promise<void> {
    for (const event of events) this.record(event);
  }

  async *events(): AsyncIterable<AuditEvent> {
    // A copy of the length: events appended while iterating are not visited.
    const length = this.log.length;
    for (let i = 0; i < length; i++) yield Object.freeze({ ...this.log[i]!, seq: i + 1 });
  }

  async counters(now: number): Promise<readonly CounterUsage[]> {
    this.sweep(now);
    const usage: CounterUsage[] = [];
    for (const [id, counter] of this.counters_) {
      if (counter.units.size === 0) continue;
      const [ruleId, key] = splitCounterId(id);
      usage.push({ ruleId, key, units: [...counter.units.values()].map((unit) => ({ messageId: unit.messageId, at: unit.at })) });
    }
    return usage;
  }

  /**
   * Appends an event. The log keeps the caller's object, frozen so it cannot change later;
   * its `seq` is its position, added when the log is read. A copy per event here cost more
   * than the rest of a reservation.
   */
  private record(event: AuditEvent): void {
    this.log.push(Object.freeze(event));
  }

  private counterState(counter: QuotaCounter, messageId: string): CounterState {
    const found = this.counters_.get(counterId(counter.ruleId, counter.key));
    return found ? found.state(counter, messageId) : { used: 0, counted: false };
  }

  private counter(id: string): Counter {
    let counter = this.counters_.get(id);
    if (!counter) {
      counter = new Counter();
      this.counters_.set(id, counter);
    }
    return counter;
  }

  private isSuppressed(contact: string, channel: string, now: number): boolean {
    let optOut = -Infinity;
    let optIn = -Infinity;
    for (const entry of this.suppressions.get(contact) ?? []) {
      if (entry.at > now || (entry.channel !== channel && entry.channel !== 'all')) continue;
      if (entry.action === 'opt-out') optOut = Math.max(optOut, entry.at);
      else optIn = Math.max(optIn, entry.at);
    }
    return optOut > -Infinity && optIn < optOut;
  }

  /** Expires the pending reservations whose time is up at `now`. */
  private sweep(now: number): ExpiredReservation[] {
    const expired: ExpiredReservation[] = [];
    while (this.pending.size > 0 && this.pending.peek()! <= now) {
      const id = this.pending.pop()!;
      const reservation = this.reservations.get(id);
      if (!reservation || reservation.state !== 'pending') continue;
      this.drop(reservation, 'expired');
      const at = reservation.expiresAt;
      expired.push({ id, messageId: reservation.messageId, recipient: reservation.recipient, expiredAt: at });
      this.record({ type: 'expired', at: new Date(at).toISOString(), messageId: reservation.messageId, recipient: reservation.recipient, reservationId: id });
    }
    return expired;
  }

  private drop(reservation: Reservation, state: 'released' | 'expired'): void {
    reservation.state = state;
    for (const counter of reservation.counters) counter.remove(reservation.id);
    if (this.deliveries.get(reservation.deliveryKey) === reservation.id) this.deliveries.delete(reservation.deliveryKey);
  }
}

const NONE: ReadonlySet<string> = new Set();
const TAKEN: ReservationOutcome = Object.freeze({ ok: true });
const DUPLICATE: ReservationOutcome = Object.freeze({ ok: false, conflict: Object.freeze({ kind: 'duplicate' }) });

function counterId(ruleId: string, key: string): string {
  return `${ruleId}\u0000${key}`;
}

function splitCounterId(id: string): [string, string] {
  const at = id.indexOf('\u0000');
  return [id.slice(0, at), id.slice(at + 1)];
}

/** A binary min-heap of (expiry, reservation id). */
class ExpiryHeap {
  private readonly times: number[] = [];
  private readonly ids: string[] = [];

  get size(): number {
    return this.times.length;
  }

  peek(): number | undefined {
    return this.times[0];
  }

  push(time: number, id: string): void {
    let index = this.times.length;
    this.times.push(time);
    this.ids.push(id);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.times[parent]! <= time) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  pop(): string | undefined {
    if (this.times.length === 0) return undefined;
    const top = this.ids[0];
    const lastTime = this.times.pop()!;
    const lastId = this.ids.pop()!;
    if (this.times.length > 0) {
      this.times[0] = lastTime;
      this.ids[0] = lastId;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < this.times.length && this.times[left]! < this.times[smallest]!) smallest = left;
        if (right < this.times.length && this.times[right]! < this.times[smallest]!) smallest = right;
        if (smallest === index) break;
        this.swap(index, smallest);
        index = smallest;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.ids[a], this.ids[b]] = [this.ids[b]!, this.ids[a]!];
  }
}
