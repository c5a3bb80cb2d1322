import { Writable } from 'node:stream';
import { checkPlanSync, formatReport } from 'charterguard';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { charter } from '../../examples/paris-2013/charter.js';
import { writeJson } from '../../src/cli/write-json.js';

/** A stream that keeps what it is given, taking `delay` turns of the event loop per chunk. */
function collector(options: { highWaterMark?: number; slow?: boolean } = {}) {
  const chunks: string[] = [];
  let mostBuffered = 0;
  const stream = new Writable({
    decodeStrings: false,
    highWaterMark: options.highWaterMark ?? 16_384,
    write(chunk: string, _encoding, callback) {
      chunks.push(chunk);
      if (options.slow) setImmediate(callback);
      else callback();
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string) => {
    const accepted = write(chunk);
    mostBuffered = Math.max(mostBuffered, stream.writableLength);
    return accepted;
  }) as typeof stream.write;
  return { stream, chunks, text: () => chunks.join(''), mostBuffered: () => mostBuffered };
}

/** JSON values with some that JSON.stringify leaves out (undefined, functions) or writes as null. */
const values = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(undefined, () => 1, Number.NaN, -0, Number.POSITIVE_INFINITY),
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 6 }),
  ),
})).value;

describe('writeJson', () => {
  it('writes the bytes of JSON.stringify(value, null, 2) and a newline, in chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string(), values, { maxKeys: 8 }), fc.integer({ min: 1, max: 200 }), async (value, chunkSize) => {
        const out = collector();
        expect(await writeJson(out.stream, value, { chunkSize })).toBe(true);
        expect(out.text()).toBe(`${JSON.stringify(value, null, 2)}\n`);
      }),
    );
  });

  it('writes a report of 20,000 violations as formatReport does, waiting for the stream to drain', async () => {
    const recipients = Array.from({ length: 20_000 }, (_, i) => ({ id: `member-${i}`, phone: '06 12 34 56 78' }));
    const message = { id: 'sms', channel: 'sms', sender: { id: 'candidate-a', role: 'candidate' } };
    const report = checkPlanSync({ recipients, sends: [{ at: '2013-05-20T10:00', message, to: recipients.map((recipient) => recipient.id) }] }, { charter });
    expect(report.violations).toHaveLength(20_000);
    const expected = formatReport(report, { format: 'json' });
    const out = collector({ highWaterMark: 16_384, slow: true });
    expect(await writeJson(out.stream, report, { chunkSize: 32_768 })).toBe(true);
    expect(out.text() === expected).toBe(true);
    expect(out.chunks.length).toBeGreaterThan(expected.length / 65_536);
    // Without waiting for 'drain' the whole report (megabytes) would sit in the stream's buffer.
    expect(out.mostBuffered()).toBeLessThan(65_536);
    expect(expected.length).toBeGreaterThan(1_000_000);
  });

  it('stops, without throwing, when the stream is destroyed part way', async () => {
    const out = collector({ highWaterMark: 1024, slow: true });
    const value = { list: Array.from({ length: 10_000 }, (_, i) => ({ i })) };
    setImmediate(() => out.stream.destroy());
    expect(await writeJson(out.stream, value, { chunkSize: 1024 })).toBe(false);
    expect(out.text().length).toBeLessThan(JSON.stringify(value, null, 2).length);
  });
});
