import { readFileSync } from 'node:fs';
import {
  canSend,
  charterJsonSchema,
  checkPlan,
  CharterError,
  explain,
  formatPath,
  formatReport,
  isCharter,
  parseCharter,
  PlanError,
  type CanSendContext,
  type Charter,
  type Locale,
} from 'charterguard';
import { readTime } from '../time/read-time.js';
import { closest } from '../util/closest.js';
import { parseArgs, usage } from './args.js';
import { InputError, loadValue } from './load.js';
import { progressBar } from './progress.js';
import { writeJson } from './write-json.js';

const HELP = `charterguard — check campaign sends against a communications charter

Usage:
  charterguard check <charter> <plan> [--format text|markdown|json] [--locale fr|en] [--no-color]
      Replays the plan through the charter. Exit 0: every delivery allowed; 1: violations; 2: bad input.
  charterguard explain <charter> <send.json> [--locale fr|en]
      Decides one send ({ message, recipient, now }) and explains it. Exit 0: allowed; 1: not;
      2: bad input. \`now\` is an instant with an offset, or a local date-time in the charter's zone.
  charterguard schema
      Prints the JSON Schema of the charter format.

Charters and plans load from .json, .js, .mjs or .ts files (default export, or one named
\`charter\` / \`plan\`). Options: --help, --version.`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    throw error;
  }
  const { command, operands, options } = args;
  if (options.has('version')) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (options.has('help') || command === undefined) {
    (options.has('help') ? process.stdout : process.stderr).write(`${HELP}\n`);
    return options.has('help') ? 0 : 2;
  }
  const locale = options.get('locale');
  if (locale !== undefined && locale !== 'fr' && locale !== 'en') return fail(`--locale must be fr or en, got ${locale}`);
  try {
    switch (command) {
      case 'schema':
        process.stdout.write(`${JSON.stringify(charterJsonSchema(), null, 2)}\n`);
        return 0;
      case 'check':
        return await check(operands, options, locale);
      case 'explain':
        return await explainSend(operands, locale);
      default:
        return fail(`usage: ${usage(command)}`);
    }
  } catch (error) {
    if (error instanceof InputError || error instanceof CharterError || error instanceof PlanError) return fail(error.message);
    throw error;
  }
}

async function check(operands: readonly string[], options: ReadonlyMap<string, string>, locale: Locale | undefined): Promise<number> {
  const [charterPath, planPath] = operands as [string, string];
  const format = options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'markdown' && format !== 'json') return fail(`--format must be text, markdown or json, got ${format}`);
  const charter = await loadCharter(charterPath);
  const plan = await loadValue(planPath, 'plan');
  const bar = process.stderr.isTTY ? progressBar(process.stderr) : undefined;
  const report = await checkPlan(plan, { charter, ...(locale ? { locale } : {}), ...(bar ? { onProgress: bar } : {}) });
  // The JSON of a large report outgrows the longest string V8 can build: it goes out in chunks.
  if (format === 'json') await writeJson(process.stdout, report);
  else {
    const color = format === 'text' && process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined && !options.has('no-color');
    process.stdout.write(formatReport(report, { format, color, ...(locale ? { locale } : {}) }));
  }
  return report.ok ? 0 : 1;
}

const SEND_FIELDS = ['message', 'recipient', 'now'];

async function explainSend(operands: readonly string[], locale: Locale | undefined): Promise<number> {
  const [charterPath, sendPath] = operands as [string, string];
  const charter = await loadCharter(charterPath);
  const send = await loadValue(sendPath, 'send');
  if (typeof send !== 'object' || send === null || Array.isArray(send)) throw new InputError(`${sendPath}: expected an object { message, recipient, now? }`);
  const { message, recipient, now } = send as Record<string, unknown>;
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (message === undefined) issues.push({ path: ['message'], message: 'missing' });
  if (recipient === undefined) issues.push({ path: ['recipient'], message: 'missing' });
  for (const key of Object.keys(send)) {
    if (SEND_FIELDS.includes(key)) continue;
    const near = closest(key, SEND_FIELDS);
    issues.push({ path: [key], message: `unknown field${near === undefined ? '' : ` — did you mean '${near}'?`}` });
  }
  // The same time forms as a plan's `at`: a local date-time is read in the charter's zone.
  const time = typeof now === 'string' ? readTime(now, charter.timezone) : now;
  if (typeof time === 'string') issues.push({ path: ['now'], message: time });
  if (issues.length > 0) throw sendError(sendPath, issues);
  const context = { charter, ...(time === undefined ? {} : { now: time as NonNullable<CanSendContext['now']> }), ...(locale ? { locale } : {}) };
  const decision = canSend(message as never, recipient as never, context);
  // Malformed input is a mistake in the file, not a refusal by the charter.
  const invalid = decision.reasons.find((reason) => reason.code === 'INVALID_INPUT');
  if (invalid !== undefined) {
    const reported = (invalid.facts['issues'] ?? []) as { path: (string | number)[]; message: string }[];
    throw sendError(sendPath, reported.map((issue) => ({ path: issue.path[0] === 'context' ? issue.path.slice(1) : issue.path, message: issue.message })));
  }
  process.stdout.write(`${explain(decision, { charter, ...(locale ? { locale } : {}) })}\n`);
  return decision.allowed ? 0 : 1;
}

/** What is wrong with a send file: one line for one issue, a list for several. */
function sendError(path: string, issues: readonly { path: readonly (string | number)[]; message: string }[]): InputError {
  const [only] = issues;
  if (issues.length === 1 && only !== undefined) return new InputError(`${path}: ${formatPath(only.path)}: ${only.message}`);
  return new InputError(`${path} (${issues.length} issues):\n${issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`).join('\n')}`);
}

async function loadCharter(path: string): Promise<Charter> {
  const value = await loadValue(path, 'charter');
  if (isCharter(value)) return value;
  const parsed = parseCharter(value);
  // Named by its file: `check` reads two, and an invalid plan reads much like an invalid charter.
  if (!parsed.ok) throw new InputError(`${path}: ${new CharterError(parsed.issues).message}`);
  return parsed.charter;
}

function fail(message: string): number {
  process.stderr.write(`charterguard: ${message}\n`);
  return 2;
}

function version(): string {
  const url = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

let stdoutFailed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // The reader went away (`| head`): the rest is not wanted, and the exit code stands.
  if (error.code === 'EPIPE' || stdoutFailed) return;
  stdoutFailed = true;
  process.stderr.write(`charterguard: cannot write to stdout: ${error.code ?? error.message}\n`);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = stdoutFailed ? 2 : code;
  },
  (error: unknown) => {
    process.stderr.write(`charterguard: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
