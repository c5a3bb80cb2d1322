import type { Rule, RuleKind } from '../../charter/schema.js';
import type { CompiledCharter, CompiledRule } from '../compile.js';
import { compileConsent } from './consent.js';
import { compileContent } from './content.js';
import { compileForbid } from './forbid.js';
import { compilePermit } from './permit.js';
import { compileQuietHours } from './quiet-hours.js';
import { compileQuota } from './quota.js';

type Compilers = { [Kind in RuleKind]: (rule: Extract<Rule, { kind: Kind }>, charter: CompiledCharter) => CompiledRule };

/** One compiler per rule kind; shared code goes through this table, never a switch on kinds. */
const COMPILERS: Compilers = {
  permit: compilePermit,
  forbid: compileForbid,
  quota: compileQuota,
  consent: compileConsent,
  quietHours: compileQuietHours,
  content: compileContent,
};

/** Compiles one rule with the evaluator of its kind. */
export function compileRule(rule: Rule, charter: CompiledCharter): CompiledRule {
  return (COMPILERS[rule.kind] as (rule: Rule, charter: CompiledCharter) => CompiledRule)(rule, charter);
}
