import type { CounterState, QuotaCounter } from './store.js';

/** A live unit of a counter: its mailing and when it was reserved. */
export interface MemoryUnit {
  readonly messageId: string;
  readonly at: number;
}

/**
 * The live units of one quota counter of the memory store. Fixed windows read two sizes;
 * a rolling window reads its time index, built on its first read and kept up to date after:
 * a binary search for deliveries, one look per mailing for mailings. A scan of every unit
 * per read made a batch on a busy rolling counter quadratic.
 */
export class Counter {
  /** Reservation id → its mailing and time. */
  readonly units = new Map<string, MemoryUnit>();
  /** Mailing → number of its live units here. */
  private readonly messages = new Map<string, number>();
  /** For rolling windows: every live unit's time, and each mailing's, in order. */
  private rolling: { readonly all: SortedTimes; readonly byMailing: Map<string, SortedTimes> } | undefined;

  /** Adds a unit; the store passes its reservation record, which holds the mailing and time. */
  add(id: string, unit: MemoryUnit): void {
    this.units.set(id, unit);
    this.messages.set(unit.messageId, (this.messages.get(unit.messageId) ?? 0) + 1);
    if (this.rolling !== undefined) addTime(this.rolling, unit.messageId, unit.at);
  }

  remove(id: string): void {
    const unit = this.units.get(id);
    if (!unit) return;
    this.units.delete(id);
    const left = (this.messages.get(unit.messageId) ?? 1) - 1;
    if (left === 0) this.messages.delete(unit.messageId);
    else this.messages.set(unit.messageId, left);
    if (this.rolling !== undefined) {
      this.rolling.all.remove(unit.at);
      const times = this.rolling.byMailing.get(unit.messageId);
      times?.remove(unit.at);
      if (times?.size === 0) this.rolling.byMailing.delete(unit.messageId);
    }
  }

  state(counter: QuotaCounter, messageId: string): CounterState {
    const since = counter.since;
    if (since === undefined) {
      return { used: counter.count === 'messages' ? this.messages.size : this.units.size, counted: this.messages.has(messageId) };
    }
    // Rolling window: only units at or after `since` count.
    const rolling = this.rollingIndex();
    const counted = (rolling.byMailing.get(messageId)?.last ?? -Infinity) >= since;
    if (counter.count === 'deliveries') return { used: rolling.all.countFrom(since), counted };
    let mailings = 0;
    for (const times of rolling.byMailing.values()) if (times.last >= since) mailings++;
    return { used: mailings, counted };
  }

  private rollingIndex() {
    if (this.rolling === undefined) {
      this.rolling = { all: new SortedTimes(), byMailing: new Map() };
      for (const unit of this.units.values()) addTime(this.rolling, unit.messageId, unit.at);
    }
    return this.rolling;
  }
}

function addTime(rolling: { readonly all: SortedTimes; readonly byMailing: Map<string, SortedTimes> }, messageId: string, at: number): void {
  rolling.all.add(at);
  let times = rolling.byMailing.get(messageId);
  if (times === undefined) {
    times = new SortedTimes();
    rolling.byMailing.set(messageId, times);
  }
  times.add(at);
}

/**
 * A multiset of instants in ascending order. Units mostly arrive newest last and leave oldest
 * first (expiry), so both ends are O(1); anything else is a binary search and a splice.
 */
export class SortedTimes {
  private items: number[] = [];
  /** Index of the first live item: the oldest leave by moving it, not by shifting the array. */
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  /** The latest instant; -Infinity when empty. */
  get last(): number {
    return this.size === 0 ? -Infinity : this.items[this.items.length - 1]!;
  }

  add(time: number): void {
    if (this.size === 0 || time >= this.items[this.items.length - 1]!) this.items.push(time);
    else this.items.splice(this.firstAbove(time), 0, time);
  }

  /** Removes one occurrence of `time`, if any. */
  remove(time: number): void {
    if (this.size === 0) return;
    if (this.items[this.head] === time) {
      this.head++;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head > 64 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return;
    }
    const at = this.firstAtOrAbove(time);
    if (at < this.items.length && this.items[at] === time) this.items.splice(at, 1);
  }

  /** How many instants are at or after `since`. */
  countFrom(since: number): number {
    return this.items.length - this.firstAtOrAbove(since);
  }

  private firstAtOrAbove(time: number): number {
    let low = this.head;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.items[middle]! < time) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private firstAbove(time: number): number {
    let low = this.head;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.items[middle]! <= time) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
