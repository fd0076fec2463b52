import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { CodedError } from '../protocol/errors';

/** A learner's exercise file that would not compile, or threw while it loaded. */
export class ExerciseLoadError extends CodedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EXERCISE_LOAD', message, options);
  }
}

/** Options of {@link loadExerciseModule}. */
export interface LoadExerciseOptions {
  /** Modules importable by bare name, e.g. `{ 'pop3-playground': clientModule }`. */
  modules?: Readonly<Record<string, unknown>>;
  /** Where packages that are not beside the file are looked up (the project, for `mailparser`). */
  fallbackDir?: string;
}

const EXTENSIONS = ['.ts', '.js', '.json'];

/**
 * Loads a learner's TypeScript file afresh on every call (edits between two `.check` runs are
 * seen): TypeScript's transpiler turns it into CommonJS, which runs in this process. Bare names
 * in `modules` resolve to the objects given, so the file shares this process's client; relative
 * imports of other `.ts` files load the same way; anything else goes to Node's `require`
 * (beside the file first, then from `fallbackDir`).
 * @throws ExerciseLoadError naming the file, line and column of a syntax error, or what the
 *   file threw while loading.
 */
export function loadExerciseModule(file: string, options: LoadExerciseOptions = {}): Record<string, unknown> {
  const cache = new Map<string, { exports: unknown }>();
  const fallbackRequire = options.fallbackDir ? createRequire(path.join(options.fallbackDir, 'noop.js')) : undefined;
  const modules = options.modules ?? {};

  function load(filename: string): unknown {
    const cached = cache.get(filename);
    if (cached) return cached.exports;
    const module = { exports: {} as unknown };
    cache.set(filename, module);
    if (filename.endsWith('.json')) {
      module.exports = JSON.parse(readFileSync(filename, 'utf8'));
      return module.exports;
    }
    const js = compile(filename);
    const localRequire = (specifier: string): unknown => {
      if (Object.prototype.hasOwnProperty.call(modules, specifier)) return modules[specifier];
      if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
        const resolved = resolveLocal(path.resolve(path.dirname(filename), specifier));
        if (resolved) return load(resolved);
      }
      try {
        return createRequire(filename)(specifier);
      } catch (error) {
        if (!fallbackRequire || (error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
        return fallbackRequire(specifier);
      }
    };
    const wrapper = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {${js}\n})`, { filename }) as (
      exports: unknown,
      require: (specifier: string) => unknown,
      module: { exports: unknown },
      filename: string,
      dirname: string,
    ) => void;
    wrapper.call(module.exports, module.exports, localRequire, module, filename, path.dirname(filename));
    return module.exports;
  }

  try {
    const exports = load(file);
    return (typeof exports === 'object' && exports !== null ? exports : { default: exports }) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ExerciseLoadError) throw error;
    throw new ExerciseLoadError(`${path.basename(file)} threw while loading: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
}

function resolveLocal(base: string): string | undefined {
  if (isFile(base)) return base;
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext;
  for (const ext of EXTENSIONS) if (isFile(path.join(base, `index${ext}`))) return path.join(base, `index${ext}`);
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Transpiles one file to CommonJS; a syntax error becomes an ExerciseLoadError with its position. */
function compile(filename: string): string {
  if (!existsSync(filename)) throw new ExerciseLoadError(`${filename} does not exist`);
  const source = readFileSync(filename, 'utf8');
  if (!/\.[cm]?ts$/.test(filename)) return source;
  const ts = require('typescript') as typeof import('typescript');
  const output = ts.transpileModule(source, {
    fileName: filename,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  const first = errors[0];
  if (first) {
    const where = first.file && first.start !== undefined ? first.file.getLineAndCharacterOfPosition(first.start) : undefined;
    const at = where ? `:${where.line + 1}:${where.character + 1}` : '';
    throw new ExerciseLoadError(`${path.basename(filename)}${at}: ${ts.flattenDiagnosticMessageText(first.messageText, '\n')}`);
  }
  return output.outputText;
}
