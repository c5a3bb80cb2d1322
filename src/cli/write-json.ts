import type { Writable } from 'node:stream';

/** Options of {@link writeJson}. */
export interface WriteJsonOptions {
  /** Text gathered before each write to the stream, in UTF-16 code units; 64 KiB by default. */
  chunkSize?: number;
}

/**
 * Writes `value` as `JSON.stringify(value, null, 2)` followed by a newline, byte for byte,
 * but in chunks: the top-level object and the containers directly inside it are opened and
 * their entries serialised one by one, so a report whose JSON exceeds the longest string V8
 * can hold (hundreds of thousands of violations) still gets written. It waits for `drain`
 * whenever the stream's buffer is full, so memory stays bounded by one chunk.
 *
 * @param out - the stream, usually `process.stdout`.
 * @param value - what to write; a value with a `toJSON` method is serialised whole.
 * @param options - the size of the chunks.
 * @returns true once everything is written; false when the stream closed first (the reader
 *   went away), in which case the rest is dropped.
 * @example
 * ```ts
 * await writeJson(process.stdout, report);
 * ```
 */
export async function writeJson(out: Writable, value: unknown, options: WriteJsonOptions = {}): Promise<boolean> {
  const chunkSize = options.chunkSize ?? 65_536;
  let buffer = '';
  let empty = true;
  for (const piece of pieces(value, '', 0)) {
    buffer += piece;
    empty = false;
    if (buffer.length >= chunkSize) {
      if (!(await write(out, buffer))) return false;
      buffer = '';
    }
  }
  // A value with no JSON at all comes out as a template literal writes it, `undefined`.
  return write(out, `${empty ? 'undefined' : buffer}\n`);
}

/** Containers at this depth or deeper are serialised whole: the depth of one violation of a report. */
const OPENED_DEPTH = 2;

/**
 * The JSON text of `value` at `indent`, as JSON.stringify with two spaces writes it, in
 * pieces; nothing when JSON.stringify would leave the value out (undefined, a function).
 */
function* pieces(value: unknown, indent: string, depth: number): Generator<string> {
  if (depth >= OPENED_DEPTH || !isOpenable(value)) {
    const text = JSON.stringify(value, null, 2) as string | undefined;
    // JSON.stringify never leaves a raw line break inside a string, so every one is layout.
    if (text !== undefined) yield indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  let first = true;
  const open = Array.isArray(value) ? '[' : '{';
  const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
  for (const [key, item] of entries) {
    const head = `${first ? open : ','}\n${inner}${typeof key === 'number' ? '' : `${JSON.stringify(key)}: `}`;
    let wrote = false;
    for (const piece of pieces(item, inner, depth + 1)) {
      if (!wrote) yield head;
      yield piece;
      wrote = true;
    }
    // Inside an array, what JSON.stringify leaves out of an object is written as null.
    if (!wrote && typeof key === 'number') yield `${head}null`;
    first &&= !(wrote || typeof key === 'number');
  }
  if (first) yield open === '[' ? '[]' : '{}';
  else yield `\n${indent}${open === '[' ? ']' : '}'}`;
}

/** A plain array or object, which JSON.stringify would write member by member. */
function isOpenable(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Writes one chunk; when the buffer is full, resolves on `drain`, or false once the stream is gone. */
function write(out: Writable, chunk: string): Promise<boolean> {
  if (out.destroyed) return Promise.resolve(false);
  if (out.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (written: boolean) => () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onClose);
      resolve(written);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onClose);
    // The stream may have failed during the write itself.
    if (out.destroyed) onClose();
  });
}
