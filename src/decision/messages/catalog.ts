import { masked } from '../masked-text.js';
import type { ReasonCode } from '../types.js';

/** What a message template knows of the rule behind a reason. */
export interface RuleLabel {
  readonly id?: string | undefined;
  readonly title?: string | undefined;
  readonly article?: string | undefined;
}

/** One function per reason code, turning facts into a sentence. */
export type Catalog = Readonly<Record<ReasonCode, (facts: Readonly<Record<string, unknown>>, rule: RuleLabel) => string>>;

/**
 * Renders a fact (or a charter text) for a sentence, contacts masked: facts and charter texts
 * can carry what someone typed (a sender name, a recipient id that is an email, a label), so
 * every value a template quotes goes through here, and the sentence needs no scan of its own.
 */
export function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(text).join(', ');
  return masked(typeof value === 'string' ? value : String(value));
}

/** Renders a list as `a, b or c` (or with another last joiner). */
export function list(value: unknown, last: string): string {
  const items = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(text);
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}
