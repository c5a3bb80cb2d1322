import { closest } from '../util/closest.js';
import { InputError } from './load.js';

/** A command of the CLI: its usage line, how many operands it takes, and the options that apply to it. */
interface Command {
  readonly usage: string;
  readonly operands: number;
  readonly options: readonly string[];
}

const COMMANDS: Readonly<Record<string, Command>> = {
  check: { usage: 'charterguard check <charter> <plan>', operands: 2, options: ['format', 'locale', 'no-color'] },
  explain: { usage: 'charterguard explain <charter> <send.json>', operands: 2, options: ['locale'] },
  schema: { usage: 'charterguard schema', operands: 0, options: [] },
};

/** Every option, with the values it takes (empty for a switch); --help and --version go with any command. */
const OPTIONS: Readonly<Record<string, string>> = {
  help: '',
  version: '',
  format: 'text, markdown or json',
  locale: 'fr or en',
  'no-color': '',
};

/** A command line read and checked against what its command accepts. */
export interface Args {
  /** The command, or undefined when none was given. */
  readonly command: string | undefined;
  /** The operands after the command (file paths). */
  readonly operands: readonly string[];
  /** The options given, by name without dashes; a switch has the value ''. */
  readonly options: ReadonlyMap<string, string>;
}

/**
 * Reads the CLI's arguments, refusing what it would otherwise ignore: an unknown option
 * (naming the closest known one), an option that does not apply to the command, an
 * operand too many. `--` ends the options.
 *
 * @param argv - the arguments after node and the script.
 * @returns the command, its operands and options.
 * @throws InputError with a message for the terminal, for usage mistakes.
 */
export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const options = new Map<string, string>();
  let ended = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (ended || arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (arg === '--') {
      ended = true;
      continue;
    }
    const equals = arg.indexOf('=');
    // The two short forms every CLI user tries.
    const name = arg === '-h' ? 'help' : arg === '-v' ? 'version' : arg.startsWith('--') ? arg.slice(2, equals < 0 ? undefined : equals) : undefined;
    const values = name === undefined ? undefined : OPTIONS[name];
    if (name === undefined || values === undefined || !Object.hasOwn(OPTIONS, name)) {
      const spelled = equals < 0 ? arg : arg.slice(0, equals);
      const near = closest(spelled.replace(/^-+/, ''), Object.keys(OPTIONS));
      throw new InputError(`unknown option ${spelled}${near === undefined ? '; try --help' : ` — did you mean --${near}?`}`);
    }
    // Given twice, one would silently win: a mistake in a script, said as such.
    if (options.has(name)) throw new InputError(`--${name} is given twice`);
    if (values === '') {
      if (equals >= 0) throw new InputError(`--${name} takes no value`);
      options.set(name, '');
      continue;
    }
    const value = equals >= 0 ? arg.slice(equals + 1) : argv[i + 1];
    if (value === undefined || value === '' || (equals < 0 && value.startsWith('--'))) throw new InputError(`--${name} needs a value: ${values}`);
    if (equals < 0) i++;
    options.set(name, value);
  }
  const [command, ...operands] = positional;
  if (command !== undefined && !options.has('help') && !options.has('version')) checkCommand(command, operands, options);
  return { command, operands, options };
}

/** The usage line of a known command. */
export function usage(command: string): string {
  return COMMANDS[command]?.usage ?? 'charterguard --help';
}

function checkCommand(command: string, operands: readonly string[], options: ReadonlyMap<string, string>): void {
  const known = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (known === undefined) {
    const near = closest(command, Object.keys(COMMANDS));
    throw new InputError(`unknown command '${command}'${near === undefined ? '; try --help' : ` — did you mean '${near}'?`}`);
  }
  for (const name of options.keys()) {
    if (!known.options.includes(name)) throw new InputError(`--${name} does not apply to ${command}`);
  }
  const extra = operands[known.operands];
  if (extra !== undefined) throw new InputError(`unexpected argument '${extra}'; usage: ${known.usage}`);
  if (operands.length < known.operands) throw new InputError(`usage: ${known.usage}`);
}
