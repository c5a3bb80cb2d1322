import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A file the CLI could not read, with a message for the terminal. */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * Loads a JSON file, or the default export (else the export named `name`) of a JavaScript
 * or TypeScript module. TypeScript runs through Node's own type stripping where the
 * runtime has it, else through `tsx` when installed.
 */
export async function loadValue(path: string, name: string): Promise<unknown> {
  const file = resolve(path);
  const extension = extname(file).toLowerCase();
  if (extension === '.json') {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new InputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new InputError(`${path} is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (!['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'].includes(extension)) {
    throw new InputError(`${path}: expected a .json, .js, .mjs or .ts file`);
  }
  const module = await importModule(file, path, extension.endsWith('ts'));
  const value = module['default'] ?? module[name];
  if (value === undefined) throw new InputError(`${path} exports neither a default export nor \`${name}\``);
  return value;
}

async function importModule(file: string, path: string, typescript: boolean): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!typescript || (code !== 'ERR_UNKNOWN_FILE_EXTENSION' && !(error instanceof SyntaxError))) {
      const where = error instanceof SyntaxError && !typescript ? syntaxLocation(file, path) : undefined;
      throw new InputError(where === undefined ? `cannot load ${path}: ${(error as Error).message}` : `cannot load ${where.at}: ${(error as Error).message}\n${where.excerpt}`);
    }
  }
  // This Node cannot strip types: fall back on tsx, found from the charter's own project.
  let api: string;
  try {
    const manifest = createRequire(file).resolve('tsx/package.json');
    const exports = (JSON.parse(await readFile(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
    api = pathToFileURL(resolve(dirname(manifest), exports['./esm/api']!.import.default)).href;
  } catch {
    throw new InputError(`${path}: this Node.js (${process.version}) cannot run TypeScript itself; use Node.js ≥ 22.18, install tsx (npm i -D tsx), or pass a .json or .js file`);
  }
  const { tsImport } = (await import(api)) as { tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>> };
  try {
    return await tsImport(url, import.meta.url);
  } catch (error) {
    throw new InputError(`cannot load ${path}: ${(error as Error).message}`);
  }
}

/**
 * Where a JavaScript file's syntax error is: Node's import error does not say (20.x), but its
 * syntax check does, as `file:line`, the line, and a caret under the spot.
 */
function syntaxLocation(file: string, path: string): { at: string; excerpt: string } | undefined {
  const result = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  const lines = (result.stderr ?? '').split('\n');
  const head = lines.findIndex((line) => line.startsWith(`${file}:`));
  const line = head < 0 ? undefined : /:(\d+)$/.exec(lines[head]!)?.[1];
  if (line === undefined) return undefined;
  return { at: `${path}:${line}`, excerpt: lines.slice(head + 1, head + 3).map((text) => `  ${text}`).join('\n') };
}
