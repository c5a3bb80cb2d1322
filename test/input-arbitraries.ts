// Inputs of canSend and of plans for property tests: valid messages and recipients, built
// from names and texts that include the usual ones and arbitrary strings.
import fc from 'fast-check';

type Json = Record<string, unknown>;
/** Where a value sits in an input: property names and indices from the root. */
export type Path = (string | number)[];

export const nameArb = fc.oneof(fc.constantFrom('a', 'email', 'sms', 'all', 'csp', ' ', 'électeurs', 'x-1', 'r-1'), fc.string({ minLength: 1, maxLength: 6 }));
export const textArb = fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }));
export const validInstantArb = fc
  .tuple(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }),
    fc.constantFrom('Z', '+02:00', '-05:30', '+00:00', '+14:00'),
    fc.constantFrom('', '.5', '.123', '.123456'),
  )
  .map(([ms, offset, fraction]) => `${new Date(ms).toISOString().slice(0, 19)}${fraction}${offset}`);

export const validMessageArb: fc.Arbitrary<Json> = fc.record(
  {
    id: nameArb,
    channel: nameArb,
    sender: fc.record({ id: nameArb, role: nameArb, candidate: nameArb, name: nameArb }, { requiredKeys: ['id', 'role'] }),
    via: nameArb,
    audience: nameArb,
    content: fc.record({ subject: textArb, text: textArb }, { requiredKeys: [] }),
  },
  { requiredKeys: ['id', 'channel', 'sender'] },
);

export const validRecipientArb: fc.Arbitrary<Json> = fc.record(
  {
    id: nameArb,
    phone: textArb,
    email: textArb,
    country: fc.constantFrom('FR', 'US', 'ZZ'),
    timezone: nameArb,
    audiences: fc.array(nameArb, { maxLength: 3 }),
    source: nameArb,
    relationship: fc.constantFrom('member', 'regular', 'occasional', 'prospect'),
    consents: fc.array(fc.record({ channel: nameArb, at: validInstantArb, source: nameArb }, { requiredKeys: ['channel', 'at'] }), { maxLength: 2 }),
    optOuts: fc.array(fc.record({ channel: nameArb, at: validInstantArb }), { maxLength: 2 }),
  },
  { requiredKeys: ['id'] },
);

/** Values that are almost right for some field: empty or blank strings, wrong types, lists with holes or nulls. */
export const ODD_VALUES: readonly unknown[] = ['', ' ', 'x', 0, null, undefined, true, {}, [], ['a'], ['', 'a'], [undefined], [null]];

/** Every path of the value: the root, then each property and element at any depth. */
export function pathsOf(value: unknown, path: Path = []): Path[] {
  const paths: Path[] = [path];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...path, index])));
  else if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) paths.push(...pathsOf((value as Json)[key], [...path, key]));
  }
  return paths;
}

/** Writes an own, enumerable property, even `__proto__`. */
export function put(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A change to an input: delete the value at a path, replace it, or add a key (or element) to it. */
export type Edit = { readonly op: 'delete' | 'set' | 'add'; readonly key: string; readonly value: unknown };

/** Applies `edit` at `path` of `root` (in place); returns the new root, which `set` at the root replaces. */
export function applyEdit(root: Json, path: Path, mutation: Edit): unknown {
  if (path.length === 0) {
    if (mutation.op === 'set') return mutation.value;
    if (mutation.op === 'add') put(root, mutation.key, mutation.value);
    return root;
  }
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) parent = (parent as Json)[segment];
  const last = path[path.length - 1]!;
  const target = (parent as Json)[last];
  if (mutation.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete (parent as Json)[last];
  } else if (mutation.op === 'set') {
    put(parent as object, last, mutation.value);
  } else if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
    put(target, mutation.key, mutation.value);
  } else if (Array.isArray(target)) {
    target.push(mutation.value);
  } else {
    put(parent as object, last, mutation.value);
  }
  return root;
}
