import { isCharter, parseCharter, type Charter } from '../charter/define-charter.js';
import { CharterError } from '../charter/issues.js';
import type { Channel } from '../charter/schema.js';
import { canSend } from '../decision/can-send.js';
import { compileCharter } from '../decision/compile.js';
import type { Message, Recipient } from '../decision/inputs.js';
import type { Decision, ReasonCode, UsageView } from '../decision/types.js';
import { isMessage } from '../decision/validate-input.js';
import { CharterguardError, LedgerUnavailableError } from '../errors.js';
import { ContactKeys, randomSecret } from './contact-keys.js';
import { auditEvent, conflictDecision, decideBatch } from './decide-batch.js';
import { planBatch } from './plan-batch.js';
import { memoryStore } from './memory-store.js';
import { makeReservation, reservationIds, type Reservation } from './reservation.js';
import type { AuditEvent, LedgerStore, ReservationOutcome, ReservationRequest, Snapshot } from './store.js';
import { isoInstant, readInstant, UNREADABLE_INSTANT } from './instant.js';
import { usageView } from './usage-view.js';

/** Options of {@link createLedger}. */
export interface LedgerOptions {
  /** The charter whose quotas the ledger counts. */
  charter: Charter;
  /** Where the state lives; defaults to {@link memoryStore}. */
  store?: LedgerStore;
  /** The key of the contact hashes; required for a durable store, random otherwise. */
  secret?: string | Uint8Array;
  /** How long a reservation counts before it must be committed, in ms; default 15 minutes. */
  ttl?: number;
}

/** A reviewer's approval of a `review` verdict. It never lifts a `deny`. */
export interface ReviewOverride {
  /** Approves reasons with this code. */
  code?: ReasonCode;
  /** Approves reasons given by this rule. */
  ruleId?: string;
  /** Who approved, for the audit log. */
  by: string;
  /** Why, for the audit log. */
  reason: string;
}

/** Options of {@link Ledger.authorize}. */
export interface AuthorizeOptions {
  /** The instant of the send; defaults to the current time. */
  now?: Date | string | number;
  /** Approvals that turn a `review` into an `allow` when they cover every reason. */
  overrides?: readonly ReviewOverride[];
}

/** The result of an authorization: the decision and, when allowed, the units reserved for it. */
export interface Authorization {
  /** The decision, including the ledger's own checks (duplicates, suppression list). */
  decision: Decision;
  /** Present when the send is allowed: commit it once sent, release it if not. */
  reservation?: Reservation;
}

/** A contact to put on (or take off) the suppression list. */
export interface SuppressionRequest {
  /** A phone number in any format. */
  phone?: string;
  /** An email address. */
  email?: string;
  /** For numbers written without +country code; defaults to the charter's. */
  country?: string;
  /** The channel, or `'all'` (the default). */
  channel?: Channel | 'all';
  /** When; defaults to now. */
  at?: Date | string | number;
}

/** The durable memory of what was sent: quotas, reservations, suppression list, audit log. */
export interface Ledger {
  /** The charter the ledger enforces. */
  readonly charter: Charter;
  /** Decides one send with the ledger's usage and atomically reserves what it consumes. */
  authorize(message: Message, recipient: Recipient, options?: AuthorizeOptions): Promise<Authorization>;
  /** The same for every recipient of one mailing, in order, in one batch. */
  authorizeMany(message: Message, recipients: readonly Recipient[], options?: AuthorizeOptions): Promise<Authorization[]>;
  /** Quota usage now (or at `now`), for `canSend` or a report. */
  usage(options?: { now?: Date | string | number }): Promise<UsageView>;
  /** Adds a contact to the suppression list. */
  optOut(request: SuppressionRequest): Promise<void>;
  /** Lifts an earlier opt-out of the contact, for the channel. */
  optIn(request: SuppressionRequest): Promise<void>;
  /** Expires the reservations whose time is up; returns how many. */
  expire(options?: { now?: Date | string | number }): Promise<number>;
  /** The audit log, oldest first. */
  audit(): AsyncIterable<AuditEvent>;
  /** Writes the audit log as JSON Lines to `sink`; returns the number of events. */
  exportAudit(sink: { write(chunk: string): unknown }): Promise<number>;
}

const DEFAULT_TTL = 15 * 60_000;
// Each lost race means another delivery took the units; a few fresh reads settle any realistic contention.
const MAX_ATTEMPTS = 8;
/** The ledger expires due reservations at most this often, in ms of `now`. */
const SWEEP_EVERY = 60_000;

/**
 * Creates a ledger: the single point where quotas are counted and reserved when many
 * workers send at once.
 *
 * @param options - the charter, the store (default: in memory), the hashing secret, the reservation ttl.
 * @returns the ledger.
 * @throws {@link CharterError} when the charter is not valid; {@link CharterguardError} when a durable store has no secret.
 * @example
 * ```ts
 * const ledger = createLedger({ charter, secret: process.env.LEDGER_SECRET });
 * const { decision, reservation } = await ledger.authorize(message, recipient);
 * if (reservation) {
 *   try { await send(message, recipient); await reservation.commit(); }
 *   catch (error) { await reservation.release(); throw error; }
 * }
 * ```
 */
export function createLedger(options: LedgerOptions): Ledger {
  let charter = options.charter;
  if (!isCharter(charter)) {
    const parsed = parseCharter(charter);
    if (!parsed.ok) throw new CharterError(parsed.issues);
    charter = parsed.charter;
  }
  const compiledResult = compileCharter(charter);
  if (!compiledResult.ok) throw new CharterError(compiledResult.issues as never);
  const compiled = compiledResult.compiled;
  const store = options.store ?? memoryStore();
  if (store.durable && options.secret === undefined) {
    throw new CharterguardError('a durable ledger store needs a `secret`: without a fixed key, contact hashes cannot be matched after a restart');
  }
  const ttl = options.ttl ?? DEFAULT_TTL;
  if (!(ttl > 0)) throw new CharterguardError(`ttl must be a positive number of milliseconds, got ${String(ttl)}`);
  const keys = new ContactKeys(options.secret ?? randomSecret());
  const countsChannel = quotaChannels(charter);
  const nextId = reservationIds();
  const guarded = <T>(operation: () => Promise<T>) => guard(operation);
  // Stores count only live units whatever is marked; the sweep logs the `expired` events and tidies up.
  let sweptAt = -Infinity;
  // Not async: a call that has nothing to sweep costs no promise.
  const sweep = (now: number): Promise<unknown> | undefined => {
    if (now < sweptAt + SWEEP_EVERY) return undefined;
    sweptAt = now;
    return guarded(() => store.expire(now));
  };

  const authorizeMany = async (message: Message, recipients: readonly Recipient[], authorizeOptions: AuthorizeOptions = {}) => {
    const now = readInstant(authorizeOptions.now);
    const overrides = authorizeOptions.overrides ?? [];
    if (now === undefined || !isMessage(message)) {
      // Nothing to count: let the engine say what is wrong with the input, and log the refusals.
      const refused = recipients.map((recipient) => ({ decision: canSend(message, recipient, { charter, now: authorizeOptions.now as never }) }));
      const at = isoInstant(now ?? Date.now());
      await guarded(() => store.append(refused.map(({ decision }) => auditEvent(decision, message, undefined, at))));
      return refused;
    }
    const sweeping = sweep(now);
    if (sweeping !== undefined) await sweeping;
    const at = isoInstant(now);
    const expiresAt = now + ttl;
    const expiresAtIso = isoInstant(expiresAt);
    const results: (Authorization | undefined)[] = new Array(recipients.length);
    // The recipients still to decide: all of them, then those whose reservation lost a race.
    let pending: readonly number[] | undefined;
    for (let attempt = 1; pending === undefined || pending.length > 0; attempt++) {
      const batch = planBatch(compiled, keys, message, recipients, pending, now, countsChannel(message.channel));
      // The store calls of the loop are guarded inline: no closure and no extra promise per call.
      let snapshot: Snapshot;
      try {
        snapshot = await store.snapshot({ now, messageId: message.id, counters: batch.counters, deliveries: batch.deliveries, contacts: batch.contacts, channel: message.channel });
      } catch (error) {
        throw unavailable(error);
      }
      const decided = decideBatch({ charter, compiled, message, batch, snapshot, now, at, overrides, keys, nextId });
      const reservations: ReservationRequest[] = [];
      const events: AuditEvent[] = [];
      // Refusals that count on an earlier reservation of this batch: final only once it is taken.
      const held: boolean[] = new Array(decided.length).fill(false);
      for (let position = 0; position < decided.length; position++) {
        const item = decided[position]!;
        if (item.reservation) reservations.push(item.reservation);
        else if (reservations.length > 0 && restsOnBatch(item.decision)) held[position] = true;
        else if (item.event !== undefined) events.push(item.event);
      }
      let outcomes: readonly ReservationOutcome[];
      try {
        outcomes = await store.reserve({ now, expiresAt, reservations, events });
      } catch (error) {
        throw unavailable(error);
      }
      const retry: number[] = [];
      const late: AuditEvent[] = [];
      let lost = false;
      let next = 0;
      for (let position = 0; position < decided.length; position++) {
        const item = decided[position]!;
        const index = pending === undefined ? position : pending[position]!;
        if (!item.reservation) {
          if (held[position]) {
            // An earlier delivery lost its race: the units this refusal counted on were never taken.
            if (lost && attempt < MAX_ATTEMPTS) {
              retry.push(index);
              continue;
            }
            if (item.event !== undefined) late.push(item.event);
          }
          results[index] = { decision: item.decision };
          continue;
        }
        const outcome = outcomes[next++];
        if (outcome?.ok) {
          results[index] = { decision: item.decision, reservation: makeReservation(store, item.reservation, expiresAtIso, guarded) };
          continue;
        }
        lost = true;
        if (attempt < MAX_ATTEMPTS) {
          // Another worker took the units between our read and our reservation: decide again.
          retry.push(index);
        } else {
          const refused = conflictDecision(item.decision, outcome?.conflict, charter);
          results[index] = { decision: refused };
          late.push(auditEvent(refused, message, item.reservation.recipient, at));
        }
      }
      if (late.length > 0) await guarded(() => store.append(late));
      pending = retry;
    }
    return results as Authorization[];
  };

  return {
    charter,
    authorize: async (message, recipient, authorizeOptions) => (await authorizeMany(message, [recipient], authorizeOptions))[0]!,
    authorizeMany,
    usage: async (usageOptions = {}) => {
      const now = requireNow(usageOptions.now, 'now');
      return usageView(await guarded(() => store.counters(now)), keys);
    },
    optOut: (request) => suppress(request, 'opt-out'),
    optIn: (request) => suppress(request, 'opt-in'),
    expire: async (expireOptions = {}) => {
      const now = requireNow(expireOptions.now, 'now');
      return (await guarded(() => store.expire(now))).length;
    },
    audit: () => guardedEvents(store),
    exportAudit: async (sink) => {
      let count = 0;
      for await (const event of guardedEvents(store)) {
        sink.write(`${JSON.stringify(event)}\n`);
        count++;
      }
      return count;
    },
  };

  async function suppress(request: SuppressionRequest, action: 'opt-out' | 'opt-in'): Promise<void> {
    const at = requireNow(request.at, 'at');
    const channel = request.channel ?? 'all';
    if (channel !== 'all' && !compiled.channels.has(channel)) throw new CharterguardError(`unknown channel '${channel}'`);
    const country = request.country ?? compiled.defaultCountry;
    const contacts: string[] = [];
    if (request.phone !== undefined) {
      const hash = keys.phone(request.phone, country);
      if (hash === undefined) throw new CharterguardError('the phone number to suppress is not a valid number');
      contacts.push(hash);
    }
    if (request.email !== undefined) {
      const hash = keys.email(request.email);
      if (hash === undefined) throw new CharterguardError('the email address to suppress is not valid');
      contacts.push(hash);
    }
    if (contacts.length === 0) throw new CharterguardError('give a `phone` or an `email` to suppress');
    const type = action === 'opt-out' ? 'opted-out' : 'opted-in';
    await guarded(() =>
      store.suppress(
        contacts.map((contact) => ({ contact, channel, action, at })),
        contacts.map((contact) => ({ type, at: new Date(at).toISOString(), recipient: contact, channel })),
      ),
    );
  }
}

/** Whether some quota rule of the charter may select sends on a channel (a `when` without `channels` selects all). */
function quotaChannels(charter: Charter): (channel: string) => boolean {
  const quotas = charter.rules.filter((rule) => rule.kind === 'quota');
  if (quotas.some((rule) => rule.when?.channels === undefined)) return () => true;
  const channels = new Set<string>(quotas.flatMap((rule) => rule.when?.channels ?? []));
  return (channel) => channels.has(channel);
}

/** Whether a refusal may come from the batch's own earlier deliveries (their quota units or delivery keys). */
function restsOnBatch(decision: Decision): boolean {
  // Indexed: the list may be a frozen shared one, which for…of walks through an iterator object.
  const reasons = decision.reasons;
  for (let i = 0; i < reasons.length; i++) if (reasons[i]!.code === 'QUOTA_EXCEEDED' || reasons[i]!.code === 'DUPLICATE_DELIVERY') return true;
  return false;
}

async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw unavailable(error);
  }
}

/** The store's audit log, its failures reported as {@link LedgerUnavailableError} like every other call. */
async function* guardedEvents(store: LedgerStore): AsyncIterable<AuditEvent> {
  try {
    yield* store.events();
  } catch (error) {
    throw unavailable(error);
  }
}

function unavailable(error: unknown): Error {
  if (error instanceof CharterguardError) return error;
  return new LedgerUnavailableError(`the ledger store failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}

/** The instant of a call that needs one: reads it, or throws saying which option is wrong. */
function requireNow(value: Date | string | number | undefined, name: string): number {
  const time = readInstant(value);
  if (time === undefined) throw new CharterguardError(`\`${name}\` ${UNREADABLE_INSTANT}`);
  return time;
}
