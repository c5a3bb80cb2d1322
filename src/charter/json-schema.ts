import * as z from 'zod';
import { charterSchema } from './schema.js';

/**
 * The JSON Schema (draft 2020-12) of the charter format, for editors to complete and
 * check `charter.json` files. The package also ships it as `schema/charter.schema.json`.
 * It checks shapes only; references between parts are checked by {@link parseCharter}.
 *
 * @returns a fresh JSON Schema object.
 * @example
 * ```ts
 * await writeFile('charter.schema.json', JSON.stringify(charterJsonSchema(), null, 2));
 * ```
 */
export function charterJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(charterSchema, { io: 'input', target: 'draft-2020-12' }),
    title: 'charterguard charter',
  };
}
