// The benchmarked charter: the paris-2013 example plus the CNIL SMS layer, as the issue asks.
//
// The example charters are TypeScript that imports 'charterguard'. Rather than copying their
// rules here (and letting the copy drift), esbuild bundles the two example files in memory
// with 'charterguard' pointed at the built dist, and we import the result from a data: URL.
// So the charter data has one source (examples/), and the only library code that runs is
// ../../dist/index.js, the same module instance the bench imports: nothing goes through tsx.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { defineCharter } from '../../dist/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = new URL('../../dist/index.js', import.meta.url).href;

const bundled = await build({
  stdin: {
    contents:
      "export { charterInput } from './examples/paris-2013/charter.ts';\n" +
      "export { cnilSmsRules } from './examples/fr-cnil-sms/charter.ts';\n",
    resolveDir: ROOT,
    sourcefile: 'bench-charter-entry.ts',
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  logLevel: 'silent',
  plugins: [
    {
      name: 'charterguard-is-dist',
      setup(b) {
        b.onResolve({ filter: /^charterguard$/ }, () => ({ path: DIST, external: true }));
      },
    },
  ],
});
const source = bundled.outputFiles[0].text;
const examples = await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);

/** The permit the issue adds so SMS to members is allowed, hence goes through consent, content and quiet hours. */
export const SMS_PERMIT = {
  id: 'sms-adherents',
  kind: 'permit',
  title: 'Pendant la campagne interne, SMS aux adhérents',
  when: { channels: ['sms'], senders: ['candidate'], audiences: ['members'], phases: ['campaign'] },
};

/** paris-2013 + CNIL SMS layer + the SMS permit, validated and compiled by dist's defineCharter. */
export const charter = defineCharter({
  ...examples.charterInput,
  id: 'ump-paris-2013-cnil-sms',
  rules: [...examples.charterInput.rules, SMS_PERMIT, ...examples.cnilSmsRules],
});

/** The rule objects, for the bench to print what it encodes. */
export const ruleIds = charter.rules.map((rule) => `${rule.id} (${rule.kind})`);
