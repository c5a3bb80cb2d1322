/**
 * The storage contract of the ledger. Every store (memory, SQLite, PostgreSQL) implements
 * it, and one conformance suite checks them all. Contacts only ever reach a store as keyed
 * hashes; times are epoch milliseconds compared with the caller's `now`, never timers.
 */

/** A quota counter a decision reads or consumes. */
export interface QuotaCounter {
  /** The quota rule. */
  readonly ruleId: string;
  /** The counter key (recipient parts already hashed by the ledger). */
  readonly key: string;
  /** Whether the rule counts distinct mailings or deliveries. */
  readonly count: 'messages' | 'deliveries';
  /** For rolling windows: only units at or after this instant count. */
  readonly since?: number;
}

/** What deciding a batch of deliveries of one mailing needs to read, in one round trip. */
export interface SnapshotRequest {
  readonly now: number;
  /** The mailing being sent: is it already counted under each counter? */
  readonly messageId: string;
  readonly counters: readonly QuotaCounter[];
  /** Delivery keys (mailing × recipient hash) to look for among live reservations. */
  readonly deliveries: readonly string[];
  /** Contact hashes to look up in the suppression list, for `channel`. */
  readonly contacts: readonly string[];
  readonly channel: string;
}

/** A counter's state at `now`. */
export interface CounterState {
  /** Live units under the counter: distinct mailings or deliveries, per its `count`. */
  readonly used: number;
  /** Whether the request's mailing is among them. */
  readonly counted: boolean;
}

/** The answer to a {@link SnapshotRequest}. */
export interface Snapshot {
  /** One entry per requested counter, in the same order. */
  readonly counters: readonly CounterState[];
  /** The requested delivery keys that are already reserved or committed. */
  readonly deliveries: ReadonlySet<string>;
  /** The requested contact hashes that are suppressed for the channel at `now`. */
  readonly suppressed: ReadonlySet<string>;
}

/** One quota unit a reservation takes. */
export interface ReservedUnit extends QuotaCounter {
  /** The limit to enforce atomically; `Infinity` when a reviewer approved going over (SQL stores pass it as NULL). */
  readonly limit: number;
}

/** One delivery to reserve: all its units, or none. */
export interface ReservationRequest {
  readonly id: string;
  readonly messageId: string;
  /** The recipient's keyed hash. */
  readonly recipient: string;
  /** Mailing × recipient hash: at most one live reservation per key. */
  readonly deliveryKey: string;
  readonly units: readonly ReservedUnit[];
  /** Appended to the audit log, in the same transaction, when the reservation is taken. */
  readonly event: AuditEvent;
}

/** Why a reservation could not be taken. */
export type ReservationConflict =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'quota'; readonly ruleId: string; readonly key: string; readonly used: number };

/** The outcome of one reservation of a batch. */
export type ReservationOutcome = { readonly ok: true } | { readonly ok: false; readonly conflict: ReservationConflict };

/** A batch of reservations, taken in order, each atomically. */
export interface ReserveRequest {
  readonly now: number;
  /** When uncommitted reservations of this batch stop counting. */
  readonly expiresAt: number;
  readonly reservations: readonly ReservationRequest[];
  /** Appended to the audit log whatever the outcome (refusals, reviews). */
  readonly events: readonly AuditEvent[];
}

/** A reservation to commit or release, with the audit event to append if its state changes. */
export interface SettleRequest {
  readonly id: string;
  readonly event: AuditEvent;
}

/** What became of a reservation asked to commit or release. */
export type SettleOutcome = 'committed' | 'released' | 'already-committed' | 'already-released' | 'expired' | 'unknown';

/** A reservation that expired uncommitted. The store logs an `expired` event for it when it sweeps. */
export interface ExpiredReservation {
  readonly id: string;
  readonly messageId: string;
  readonly recipient: string;
  readonly expiredAt: number;
}

/** An opt-out or opt-in of a contact, as the suppression list keeps it. */
export interface SuppressionEntry {
  /** The contact's keyed hash. */
  readonly contact: string;
  /** A channel, or `'all'`. */
  readonly channel: string;
  readonly action: 'opt-out' | 'opt-in';
  readonly at: number;
}

/** One entry of the append-only audit log. */
export interface AuditEvent {
  /** Position in the log, assigned by the store. */
  readonly seq?: number;
  readonly type: 'authorized' | 'denied' | 'reviewed' | 'approved' | 'committed' | 'released' | 'expired' | 'opted-out' | 'opted-in';
  /** ISO 8601 instant. */
  readonly at: string;
  readonly messageId?: string;
  /** The recipient's keyed hash; never a phone number or email. */
  readonly recipient?: string;
  readonly channel?: string;
  readonly reservationId?: string;
  readonly verdict?: 'allow' | 'deny' | 'review';
  readonly ruleIds?: readonly string[];
  readonly codes?: readonly string[];
  /** For approvals: who approved and why. */
  readonly by?: string;
  readonly reason?: string;
}

/** Live units of one counter, for usage reports. */
export interface CounterUsage {
  readonly ruleId: string;
  readonly key: string;
  /** Each live unit: its mailing and when it was reserved. */
  readonly units: readonly { readonly messageId: string; readonly at: number }[];
}

/** Where a ledger keeps its state. */
export interface LedgerStore {
  /** Whether the state outlives the process (then the ledger needs a fixed `secret`). */
  readonly durable: boolean;
  /** Reads counters, existing deliveries and suppressions in one round trip. */
  snapshot(request: SnapshotRequest): Promise<Snapshot>;
  /**
   * Takes reservations in order, each atomically: all its units within their limits, or nothing.
   * Idempotent per reservation: a reservation whose id already holds its delivery key is `ok`
   * again, with no second event, so a retry after a lost answer does not block the send.
   * Live units are the committed ones and the pending ones whose `expiresAt` is after `now`.
   */
  reserve(request: ReserveRequest): Promise<readonly ReservationOutcome[]>;
  /** Commits or releases reservations; a reservation past its expiry cannot be committed. */
  settle(requests: readonly SettleRequest[], action: 'commit' | 'release', now: number): Promise<readonly SettleOutcome[]>;
  /**
   * Marks reservations whose time is up as expired, logging one `expired` event for each.
   * Counting never depends on it: every other operation ignores pending reservations past
   * their expiry, and may mark them itself (the memory store does; the SQL stores leave it
   * to this call, which the ledger makes at most once a minute of `now`).
   */
  expire(now: number): Promise<readonly ExpiredReservation[]>;
  /** Records opt-outs or opt-ins and their audit events, in one transaction. */
  suppress(entries: readonly SuppressionEntry[], events: readonly AuditEvent[]): Promise<void>;
  /** Appends events to the audit log. */
  append(events: readonly AuditEvent[]): Promise<void>;
  /** The audit log, oldest first. */
  events(): AsyncIterable<AuditEvent>;
  /** Every counter with live units at `now`, each unit listed (a report reads it all). */
  counters(now: number): Promise<readonly CounterUsage[]>;
}
