import type { Reason } from '../decision/types.js';

/** How many distinct reason lists a plan shares; past it, new ones are kept as they come. */
const POOL_LIMIT = 100_000;
/** How many of the lists found last the pool tries before walking its tree. */
const RECENT = 4;

/**
 * Shares equal reason lists between violations. A plan's refusals repeat (every recipient of a
 * text sent at night, every member missing from a mailing's phase): a report of a million
 * deliveries would otherwise hold a million copies of a few thousand lists, and the garbage
 * collector would walk them all, again and again, while the replay runs.
 */
export class ReasonPool {
  // Lists by their sentences, one level per reason: each sentence is hashed once, never joined
  // to the others nor compared again (the map found it equal); facts and the rest are compared.
  readonly #root: PoolNode = { lists: undefined, next: undefined };
  #size = 0;

  // A send's recipients get a few refusals, mixed (no phone, not a member, opted out…): the
  // lists found last are tried first, most recent first, before the pool is walked.
  readonly #recent: (readonly Reason[] | undefined)[] = new Array<readonly Reason[] | undefined>(RECENT).fill(undefined);
  #next = 0;

  /** An equal list already kept, or `reasons`, kept from now on. */
  share(reasons: readonly Reason[]): readonly Reason[] {
    // A frozen list is one the engine shares already (a kept result's): nothing to pool.
    if (Object.isFrozen(reasons)) return reasons;
    const recent = this.#recent;
    for (let k = 0, i = this.#next; k < RECENT; k++) {
      i = i === 0 ? RECENT - 1 : i - 1;
      const known = recent[i];
      if (known === undefined) break;
      if (sameReasons(known, reasons)) return known;
    }
    const found = this.#find(reasons);
    recent[this.#next] = found;
    this.#next = this.#next === RECENT - 1 ? 0 : this.#next + 1;
    return found;
  }

  #find(reasons: readonly Reason[]): readonly Reason[] {
    let node: PoolNode | undefined = this.#root;
    for (let i = 0; node !== undefined && i < reasons.length; i++) node = node.next?.get(poolKey(reasons[i]!));
    const candidates = node?.lists;
    if (candidates !== undefined) for (const known of candidates) if (sameReasons(known, reasons, false)) return known;
    if (this.#size < POOL_LIMIT) {
      this.#size++;
      node = this.#root;
      for (const reason of reasons) {
        const next: Map<string | Reason, PoolNode> = (node.next ??= new Map());
        const key = poolKey(reason);
        let child = next.get(key);
        if (child === undefined) next.set(key, (child = { lists: undefined, next: undefined }));
        node = child;
      }
      (node.lists ??= []).push(reasons);
    }
    return reasons;
  }
}

/**
 * How the pool files a reason: a frozen one is shared by the decisions that give it (the
 * engine keeps those), so it is found by identity, without hashing its sentence; any other
 * by its sentence. An equal reason filed both ways only costs a second kept list.
 */
function poolKey(reason: Reason): string | Reason {
  return Object.isFrozen(reason) ? reason : reason.message;
}

/** The lists of a pool whose reasons (see `poolKey`) are the path to the node; its children by the next one. */
interface PoolNode {
  lists: (readonly Reason[])[] | undefined;
  next: Map<string | Reason, PoolNode> | undefined;
}

/** Whether two reason lists are equal; their sentences aside when the caller knows they are. */
function sameReasons(a: readonly Reason[], b: readonly Reason[], messages = true): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    // Shared reasons are the same object: equal without a look inside.
    if (x === y) continue;
    if (x.code !== y.code || x.verdict !== y.verdict || x.ruleId !== y.ruleId || x.article !== y.article || x.title !== y.title || x.law !== y.law) return false;
    if ((messages && x.message !== y.message) || x.approval !== undefined || y.approval !== undefined || !sameData(x.facts, y.facts)) return false;
  }
  return true;
}

/** Whether two JSON-like values are equal: primitives, arrays and plain objects, compared in depth. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let count = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key)) continue;
    count++;
    if (!Object.hasOwn(y, key) || !sameData(x[key], y[key])) return false;
  }
  for (const key in y) if (Object.hasOwn(y, key)) count--;
  return count === 0;
}
