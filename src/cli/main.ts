import { readFileSync } from 'node:fs';
import {
  canSend,
  charterJsonSchema,
  checkPlan,
  CharterError,
  explain,
  formatReport,
  isCharter,
  parseCharter,
  PlanError,
  type Charter,
  type Locale,
} from 'charterguard';
import { InputError, loadValue } from './load.js';
import { progressBar } from './progress.js';

const HELP = `charterguard — check campaign sends against a communications charter

Usage:
  charterguard check <charter> <plan> [--format text|markdown|json] [--locale fr|en] [--no-color]
      Replays the plan through the charter. Exit 0: every delivery allowed; 1: violations; 2: bad input.
  charterguard explain <charter> <send.json> [--locale fr|en]
      Decides one send ({ message, recipient, now }) and explains it. Exit 0: allowed; 1: not.
  charterguard schema
      Prints the JSON Schema of the charter format.

Charters and plans load from .json, .js, .mjs or .ts files (default export, or one named
\`charter\` / \`plan\`). Options: --help, --version.`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  if (flags.has('version')) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (flags.has('help') || positional.length === 0) {
    (flags.has('help') ? process.stdout : process.stderr).write(`${HELP}\n`);
    return flags.has('help') ? 0 : 2;
  }
  const locale = flags.get('locale');
  if (locale !== undefined && locale !== 'fr' && locale !== 'en') return fail(`--locale must be fr or en, got ${locale}`);
  try {
    switch (positional[0]) {
      case 'schema':
        process.stdout.write(`${JSON.stringify(charterJsonSchema(), null, 2)}\n`);
        return 0;
      case 'check':
        return await check(positional, flags, locale as Locale | undefined);
      case 'explain':
        return await explainSend(positional, locale as Locale | undefined);
      default:
        return fail(`unknown command '${positional[0]}'; try --help`);
    }
  } catch (error) {
    if (error instanceof InputError || error instanceof CharterError || error instanceof PlanError) return fail(error.message);
    throw error;
  }
}

async function check(positional: readonly string[], flags: Map<string, string>, locale: Locale | undefined): Promise<number> {
  const [, charterPath, planPath] = positional;
  if (charterPath === undefined || planPath === undefined) return fail('usage: charterguard check <charter> <plan>');
  const format = flags.get('format') ?? 'text';
  if (format !== 'text' && format !== 'markdown' && format !== 'json') return fail(`--format must be text, markdown or json, got ${format}`);
  const charter = await loadCharter(charterPath);
  const plan = await loadValue(planPath, 'plan');
  const bar = process.stderr.isTTY ? progressBar(process.stderr) : undefined;
  const report = await checkPlan(plan, { charter, ...(locale ? { locale } : {}), ...(bar ? { onProgress: bar } : {}) });
  const color = format === 'text' && process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined && !flags.has('no-color');
  process.stdout.write(formatReport(report, { format, color, ...(locale ? { locale } : {}) }));
  return report.ok ? 0 : 1;
}

async function explainSend(positional: readonly string[], locale: Locale | undefined): Promise<number> {
  const [, charterPath, sendPath] = positional;
  if (charterPath === undefined || sendPath === undefined) return fail('usage: charterguard explain <charter> <send.json>');
  const charter = await loadCharter(charterPath);
  const send = (await loadValue(sendPath, 'send')) as { message?: unknown; recipient?: unknown; now?: string } | null;
  if (typeof send !== 'object' || send === null) throw new InputError(`${sendPath}: expected { message, recipient, now }`);
  const decision = canSend(send.message as never, send.recipient as never, { charter, ...(send.now === undefined ? {} : { now: send.now }), ...(locale ? { locale } : {}) });
  process.stdout.write(`${explain(decision, { charter, ...(locale ? { locale } : {}) })}\n`);
  return decision.allowed ? 0 : 1;
}

async function loadCharter(path: string): Promise<Charter> {
  const value = await loadValue(path, 'charter');
  if (isCharter(value)) return value;
  const parsed = parseCharter(value);
  if (!parsed.ok) throw new CharterError(parsed.issues);
  return parsed.charter;
}

function parseArgs(argv: readonly string[]) {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const takesValue = name === 'format' || name === 'locale';
    flags.set(name, inline ?? (takesValue ? (argv[++i] ?? '') : ''));
  }
  return { positional, flags };
}

function fail(message: string): number {
  process.stderr.write(`charterguard: ${message}\n`);
  return 2;
}

function version(): string {
  const url = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`charterguard: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
