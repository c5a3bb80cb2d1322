import type { CompiledCharter } from './compile.js';
import { minuteKey } from './time-key.js';
import { builtinReason, freezeReasons, messagesVersion } from './reasons.js';
import type { EvalEnv } from './rules/evaluator.js';
import type { SendFacts } from './send-facts.js';
import type { Reason, Verdict } from './types.js';

/** What the charter's default policy says when no permit applies, with the near misses. */
export interface Unlisted {
  readonly verdict: Verdict;
  readonly reasons: readonly Reason[];
  readonly timeBlocked: boolean;
  readonly timeNext: number | undefined;
}

/**
 * The default policy's answer for a send no permit applies to. Near misses read the instant,
 * the channel and what the permits' selectors name (sender role or id, relay, audiences,
 * source, relationship): sends alike in those get the same answer. Answers are kept (reasons
 * frozen, shared) in maps nested by language, instant, then each of those values in turn, so
 * a look-up compares the send's own strings and builds none; dropped whole when full, and
 * when `setDefaultMessages` changes a sentence.
 */
export function unlisted(compiled: CompiledCharter, facts: SendFacts, env: EvalEnv): Unlisted {
  if (compiled.unlisted === 'allow') return unlistedNow(compiled, facts, env);
  const memo = compiled.unlistedAnswers;
  const version = messagesVersion();
  if (memo.version !== version || memo.size >= MAX_UNLISTED_ANSWERS) {
    memo.roots.clear();
    memo.version = version;
    memo.size = 0;
  }
  const voice = env.silent ? '' : env.locale;
  let byInstant = memo.roots.get(voice);
  if (byInstant === undefined) memo.roots.set(voice, (byInstant = new Map()));
  // Sends within one minute read the same phases and local time: one answer serves them.
  const at = minuteKey(facts.now, compiled.minuteAligned);
  let level = byInstant.get(at) as Map<unknown, unknown> | undefined;
  if (level === undefined) byInstant.set(at, (level = new Map()));
  const keys = keysOf(compiled, facts);
  // One level per key; the last holds the answer.
  const last = keys.length - 1;
  for (let i = 0; i < last; i++) {
    let next = level.get(keys[i]) as Map<unknown, unknown> | undefined;
    if (next === undefined) level.set(keys[i], (next = new Map()));
    level = next;
  }
  const known = level.get(keys[last]) as Unlisted | undefined;
  if (known !== undefined) return known;
  const answer = share(unlistedNow(compiled, facts, env));
  level.set(keys[last], answer);
  memo.size++;
  return answer;
}

// Filled anew by each look-up (decisions are synchronous): no array per decision.
const scratch: unknown[] = [];

/**
 * The send's values a near miss may read, in a fixed order: the channel, then each part the
 * permits select on. The audiences are their count, then each name: no two sends that differ
 * in what is read have the same sequence.
 */
function keysOf(compiled: CompiledCharter, facts: SendFacts): readonly unknown[] {
  const parts = unlistedParts(compiled);
  scratch.length = 0;
  scratch.push(facts.channel);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part !== 'audiences') {
      scratch.push(partOf(part, facts));
      continue;
    }
    const audiences = facts.audiences;
    scratch.push(audiences.length);
    for (let k = 0; k < audiences.length; k++) scratch.push(audiences[k]);
  }
  return scratch;
}

const MAX_UNLISTED_ANSWERS = 4096;

/** A value of the send a near miss may read, besides the instant and the channel. */
type UnlistedPart = 'role' | 'senderId' | 'candidate' | 'audiences' | 'via' | 'source' | 'relationship';

const partsOf = new WeakMap<CompiledCharter, readonly UnlistedPart[]>();

/** The parts the charter's permits select on (`when` or `unless`), found once per charter. */
function unlistedParts(compiled: CompiledCharter): readonly UnlistedPart[] {
  let parts = partsOf.get(compiled);
  if (parts !== undefined) return parts;
  const named = new Set<UnlistedPart>();
  for (const { rule, nearMiss } of compiled.rules) {
    if (nearMiss === undefined) continue;
    for (const selector of [rule.when, rule.unless]) {
      if (selector === undefined) continue;
      if (selector.senders !== undefined) named.add('role');
      if (selector.candidates !== undefined) {
        named.add('senderId');
        named.add('candidate');
      }
      if (selector.audiences !== undefined) named.add('audiences');
      if (selector.via !== undefined) named.add('via');
      if (selector.sources !== undefined) named.add('source');
      if (selector.relationships !== undefined) named.add('relationship');
    }
  }
  parts = [...named];
  partsOf.set(compiled, parts);
  return parts;
}

/** One part of the send other than its audiences. */
function partOf(part: Exclude<UnlistedPart, 'audiences'>, facts: SendFacts): string | undefined {
  switch (part) {
    case 'role':
      return facts.role;
    case 'senderId':
      return facts.senderId;
    case 'candidate':
      return facts.candidate;
    case 'via':
      return facts.via;
    case 'source':
      return facts.source;
    case 'relationship':
      return facts.relationship;
  }
}

/** The answer with its reasons and their facts frozen, to be given to many decisions. */
function share(answer: Unlisted): Unlisted {
  freezeReasons(answer.reasons);
  return Object.freeze(answer);
}

function unlistedNow(compiled: CompiledCharter, facts: SendFacts, env: EvalEnv): Unlisted {
  const verdict = compiled.unlisted;
  if (verdict === 'allow') {
    return { verdict, reasons: [builtinReason('ALLOWED_BY_DEFAULT', 'allow', { channel: facts.channel }, env)], timeBlocked: false, timeNext: undefined };
  }
  const reasons: Reason[] = [];
  let timeBlocked = false;
  let timeNext: number | undefined;
  for (const rule of compiled.rules) {
    const miss = rule.nearMiss?.(facts, env);
    if (!miss) continue;
    // Near misses are told as refusals; a copy only when the default policy says review.
    reasons.push(miss.reason.verdict === verdict ? miss.reason : { ...miss.reason, verdict });
    if (miss.reason.code === 'OUTSIDE_PHASE') {
      timeBlocked = true;
      if (miss.next !== undefined) timeNext = Math.min(timeNext ?? Infinity, miss.next);
    }
  }
  if (reasons.length === 0) {
    const code = compiled.mentionedChannels.has(facts.channel) ? 'NOT_PERMITTED' : 'CHANNEL_NOT_COVERED';
    reasons.push(builtinReason(code, verdict, { channel: facts.channel }, env));
  }
  return { verdict, reasons, timeBlocked, timeNext };
}

