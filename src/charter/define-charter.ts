import { charterSchema, type CharterData, type CharterInput } from './schema.js';
import { CharterError, fromZodIssues, make, type CharterIssue, type NonEmptyArray } from './issues.js';
import { checkReferences } from './references.js';

/** Makes every property of a type, at every depth, read-only. */
export type DeepReadonly<T> = T extends string | number | boolean | bigint | symbol | null | undefined
  ? T
  : T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer Item)[]
    ? readonly DeepReadonly<Item>[]
    : T extends object
      ? { readonly [Key in keyof T]: DeepReadonly<T[Key]> }
      : T;

/** A validated, immutable charter, as returned by {@link defineCharter} and {@link parseCharter}. */
export type Charter = DeepReadonly<CharterData>;

/** The result of {@link parseCharter}: the charter, or every problem found. */
export type ParseCharterResult =
  | { readonly ok: true; readonly charter: Charter }
  | { readonly ok: false; readonly issues: NonEmptyArray<CharterIssue> };

const validated = new WeakSet<object>();

/**
 * Validates a charter written as a TypeScript object and returns it frozen, with defaults
 * filled in. Checks the shape of every rule, unknown options, references between parts
 * (phases, audiences, relays, sources, channels, roles), duplicate rule ids, the time
 * zone, and that every date-time exists in that zone.
 *
 * @param input - the charter as written.
 * @returns the validated charter, deeply frozen.
 * @throws {@link CharterError} listing every problem, each with its path.
 * @example
 * ```ts
 * const charter = defineCharter({
 *   id: 'club-2026', title: 'Club election', timezone: 'Europe/Paris',
 *   rules: [{ id: 'email', kind: 'permit', when: { channels: ['email'] } }],
 * });
 * ```
 */
export function defineCharter(input: CharterInput): Charter {
  const result = parseCharter(input);
  if (!result.ok) throw new CharterError(result.issues);
  return result.charter;
}

/**
 * Validates any value, such as the contents of a `charter.json` file, as a charter.
 * Never throws.
 *
 * @param input - any value.
 * @returns `{ ok: true, charter }`, or `{ ok: false, issues }` with every problem found.
 * @example
 * ```ts
 * const result = parseCharter(JSON.parse(await readFile('charter.json', 'utf8')));
 * if (!result.ok) for (const issue of result.issues) console.error(issue.path, issue.message);
 * ```
 */
export function parseCharter(input: unknown): ParseCharterResult {
  try {
    const parsed = charterSchema.safeParse(input);
    const issues = [
      ...(parsed.success ? [] : fromZodIssues(parsed.error.issues, charterSchema, input)),
      ...checkReferences(input),
    ];
    if (isNonEmpty(issues)) return { ok: false, issues: dedupe(issues) };
    if (!parsed.success) throw new Error('schema failed without issues');
    const charter = deepFreeze(parsed.data) as Charter;
    validated.add(charter);
    return { ok: true, charter };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [make('invalid_value', [], `the charter could not be read: ${reason}`)] };
  }
}

/** Whether `value` came out of {@link defineCharter} or {@link parseCharter}. */
export function isCharter(value: unknown): value is Charter {
  return typeof value === 'object' && value !== null && validated.has(value);
}

function isNonEmpty<T>(items: T[]): items is [T, ...T[]] {
  return items.length > 0;
}

function dedupe(issues: NonEmptyArray<CharterIssue>): NonEmptyArray<CharterIssue> {
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    const key = `${issue.code}\u0000${issue.path.join('\u0000')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique as unknown as NonEmptyArray<CharterIssue>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
