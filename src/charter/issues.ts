import type * as z from 'zod';
import { CharterguardError } from '../errors.js';
import { didYouMean } from '../util/closest.js';

/** What is wrong with one place of a charter. */
export type CharterIssueCode =
  | 'missing'
  | 'invalid_type'
  | 'invalid_value'
  | 'invalid_format'
  | 'too_small'
  | 'unknown_key'
  | 'unknown_kind'
  | 'unknown_reference'
  | 'duplicate_id'
  | 'duplicate_value'
  | 'invalid_timezone'
  | 'invalid_country'
  | 'invalid_datetime'
  | 'invalid_range'
  | 'empty_rule';

/** A location inside a charter: object keys and array indexes, from the root. */
export type IssuePath = readonly (string | number)[];

/** One problem found in a charter, with where it is and how to fix it. */
export interface CharterIssue {
  /** What kind of problem this is. */
  readonly code: CharterIssueCode;
  /** Where it is, e.g. `['rules', 3, 'when', 'phases', 0]`. */
  readonly path: IssuePath;
  /** A sentence naming the bad value and, when one is close, the name that was probably meant. */
  readonly message: string;
  /** The closest known name, when the problem looks like a typo. */
  readonly suggestion?: string;
}

/** A list that always holds at least one item. */
export type NonEmptyArray<T> = readonly [T, ...T[]];

/**
 * Thrown by {@link defineCharter} when a charter is not valid. Its `issues` list every
 * problem at once, each with its path, so a charter can be fixed in one pass.
 */
export class CharterError extends CharterguardError {
  override name = 'CharterError';
  /** Every problem found, in document order. */
  readonly issues: NonEmptyArray<CharterIssue>;

  /** @param issues - the problems found; the message lists them one per line. */
  constructor(issues: NonEmptyArray<CharterIssue>) {
    const lines = issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
    super(`Invalid charter (${issues.length} ${issues.length === 1 ? 'issue' : 'issues'}):\n${lines.join('\n')}`);
    this.issues = issues;
  }
}

/**
 * Formats a path as a JavaScript-like accessor: `rules[3].when.phases[0]`.
 *
 * @param path - the path to format.
 * @returns the accessor, or `(charter)` for the root.
 */
export function formatPath(path: IssuePath): string {
  let out = '';
  for (const segment of path) {
    out += typeof segment === 'number' ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(root)' : out;
}

/** Turns zod's issues into charter issues with our codes and messages. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, input: unknown): CharterIssue[] {
  return issues.flatMap((issue) => fromZodIssue(issue, [], schema, input));
}

function fromZodIssue(
  issue: z.core.$ZodIssue,
  prefix: readonly PropertyKey[],
  schema: z.ZodType,
  input: unknown,
): CharterIssue[] {
  const path = toPath([...prefix, ...issue.path]);
  const last = path[path.length - 1];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, path, input);
      return issue.keys.map((key) => {
        const { suggestion, hint } = didYouMean(key, known);
        return make('unknown_key', [...path, key], `unknown option '${key}'${hint}`, suggestion);
      });
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
        const value = valueAt(input, path);
        if (value === undefined) {
          return [make('missing', path, `missing '${String(last)}': one of ${options.join(', ')}`)];
        }
        const { suggestion, hint } = didYouMean(String(value), options);
        return [
          make('unknown_kind', path, `unknown ${String(last)} '${String(value)}'${hint} (expected one of ${options.join(', ')})`, suggestion),
        ];
      }
      // Report the branch the author evidently meant: the only one whose root type matched.
      const plausible = issue.errors.filter((branch) => !branch.some((inner) => inner.path.length === 0));
      if (plausible.length === 1) {
        return plausible[0]!.flatMap((inner) => fromZodIssue(inner, path, schema, input));
      }
      return [make('invalid_type', path, issue.message)];
    }
    case 'invalid_type': {
      const value = valueAt(input, path);
      if (value === undefined) return [make('missing', path, `'${String(last)}' is required`)];
      const expected = issue.expected === 'int' ? 'an integer' : `${article(issue.expected)} ${issue.expected}`;
      return [make('invalid_type', path, `expected ${expected}, got ${describe(value)}`)];
    }
    case 'invalid_value': {
      const value = valueAt(input, path);
      const options = issue.values.map(String);
      const { suggestion, hint } = didYouMean(String(value), options);
      const list = options.map((option) => `'${option}'`).join(', ');
      return [make('invalid_value', path, `${describe(value)} is not one of ${list}${hint}`, suggestion)];
    }
    case 'too_small': {
      const message =
        issue.origin === 'array' && Number(issue.minimum) === 1 ? 'must not be empty'
        : issue.origin === 'number' ? `must be at least ${String(issue.minimum)}, got ${describe(valueAt(input, path))}`
        : issue.message;
      return [make('too_small', path, message)];
    }
    case 'invalid_format':
      return [make('invalid_format', path, `${describe(valueAt(input, path))}: ${issue.message}`)];
    default:
      return [make('invalid_value', path, issue.message)];
  }
}

/** Builds an issue, leaving `suggestion` out when there is none. */
export function make(code: CharterIssueCode, path: IssuePath, message: string, suggestion?: string): CharterIssue {
  return suggestion === undefined ? { code, path, message } : { code, path, message, suggestion };
}

/** A short, safe rendering of a value for messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function toPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

function valueAt(input: unknown, path: IssuePath): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
}

/** The option names of the object schema found at `path`, following the input through unions. */
function knownKeysAt(schema: z.ZodType, path: IssuePath, input: unknown): string[] {
  let current: z.ZodType | undefined = schema;
  let value = input;
  for (let depth = 0; current !== undefined; ) {
    const def: SchemaDef = (current as unknown as { _zod: { def: SchemaDef } })._zod.def;
    if (def.innerType) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else if (def.type === 'union' && def.options) {
      current = pickOption(def, value);
    } else if (depth === path.length) {
      return def.shape ? Object.keys(def.shape) : [];
    } else {
      const segment = path[depth++]!;
      value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[segment] : undefined;
      current = def.shape?.[String(segment)] ?? def.element ?? def.valueType;
    }
  }
  return [];
}

function pickOption(def: SchemaDef, value: unknown): z.ZodType | undefined {
  const options = def.options ?? [];
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const shapeOf = (option: z.ZodType) => (option as unknown as { _zod: { def: SchemaDef } })._zod.def.shape ?? {};
  if (def.discriminator) {
    return options.find((option) => {
      const literal = shapeOf(option)[def.discriminator!] as unknown as { _zod: { def: { values?: unknown[] } } } | undefined;
      return literal?._zod.def.values?.includes(record[def.discriminator!]);
    });
  }
  // Without a discriminator, the object option sharing most keys with the input is the one meant.
  let best: z.ZodType | undefined;
  let bestScore = -1;
  for (const option of options) {
    const keys = Object.keys(shapeOf(option));
    const score = keys.filter((key) => key in record).length;
    if (keys.length > 0 && score > bestScore) {
      best = option;
      bestScore = score;
    }
  }
  return best;
}
