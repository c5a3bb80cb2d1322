import { describe, expect, expectTypeOf, it } from 'vitest';
import '../../src/vitest/index.js';
import type { Charter } from '../../src/index.js';
import type { MatcherOptions } from '../../src/vitest/index.js';

declare const charter: Charter;

describe('matcher types', () => {
  it('adds toComplyWith and toBeAllowedBy to expect', () => {
    expectTypeOf(expect({}).toComplyWith).parameters.toEqualTypeOf<[Charter, MatcherOptions?]>();
    expectTypeOf(expect({}).not.toBeAllowedBy).parameters.toEqualTypeOf<[Charter, MatcherOptions?]>();
    expectTypeOf(expect.toComplyWith).parameters.toEqualTypeOf<[Charter, MatcherOptions?]>();
    expectTypeOf(expect.not.toBeAllowedBy).parameters.toEqualTypeOf<[Charter, MatcherOptions?]>();
    expectTypeOf(expect.poll(() => ({})).toComplyWith(charter)).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error: a charter is required
    expect({}).toComplyWith();
  });
});
