/**
 * TypeScript to JavaScript, one input at a time: TypeScript's own transpiler, or swc alone in
 * fast mode. Each input becomes a script of its own (imports turned into `require`s first, see
 * ./input-source), run in V8's REPL mode.
 */
import type * as TS from 'typescript';
import { asScript, typescript } from './input-source';
import { TsDiagnosticError } from './ts-error';

/** How inputs are compiled: checked and transpiled by TypeScript, transpiled only, or by swc. */
export type CompileMode = 'typecheck' | 'transpile' | 'swc';

/** Turns one input into the JavaScript the runner runs. */
export type Transpile = (code: string) => string;

/**
 * swc's options for REPL input: what the project's tsconfig asks for (es2022, strict), without
 * the source map, which nothing reads. Inputs hold no imports by now, so they stay scripts.
 */
const SWC_OPTIONS = {
  swcrc: false,
  sourceMaps: false,
  module: { type: 'commonjs', noInterop: false, strictMode: true, ignoreDynamic: true },
  jsc: {
    parser: { syntax: 'typescript', tsx: false, dynamicImport: true, importAssertions: true },
    target: 'es2022',
    transform: { legacyDecorator: true, useDefineForClassFields: true },
    keepClassNames: true,
    experimental: { keepImportAttributes: true, emitAssertForImportAttributes: true },
  },
} as const;

/**
 * What every input runs as: strict, like the compiled module it replaces, and `void 0` first so
 * an input of declarations only evaluates to undefined rather than to the directive's string.
 */
const SCRIPT_PROLOGUE = '"use strict"; void 0;\n';

/** The project's compiler options, read from its tsconfig. */
export function projectOptions(ts: typeof TS, project: string): TS.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(project, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  return parsed?.options ?? {};
}

/**
 * A transpiler for `mode`: swc when asked and it loads (undefined when it does not, so the
 * caller can fall back to TypeScript), else TypeScript's transpileModule with the project's
 * options. `reportSyntax` makes TypeScript's syntax errors throw (transpile-only mode, where no
 * checker ran first).
 * @throws TsDiagnosticError (TypeScript) or swc's error, for an input that does not parse.
 */
export function createTranspiler(mode: CompileMode, project: string): Transpile | undefined {
  if (mode === 'swc') {
    const swc = loadSwc();
    if (!swc) return undefined;
    return (code) => withPrologue(swc.transformSync(asScript(code), { ...SWC_OPTIONS, filename: '<repl>.ts' }).code);
  }
  const ts = typescript();
  const compilerOptions: TS.CompilerOptions = {
    ...projectOptions(ts, project),
    module: ts.ModuleKind.CommonJS,
    noEmit: false,
    sourceMap: false,
    inlineSourceMap: false,
    declaration: false,
  };
  return (code) => {
    const output = ts.transpileModule(asScript(code), { compilerOptions, reportDiagnostics: mode === 'transpile', fileName: '<repl>.ts' });
    const errors = (output.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
      const text = ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => '', getNewLine: () => '\n' });
      throw new TsDiagnosticError(
        text,
        errors.map((d) => ({ code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n'), ...(d.start !== undefined ? { start: d.start, length: d.length ?? 0 } : {}) })),
        code,
      );
    }
    return withPrologue(output.outputText);
  };
}

function withPrologue(js: string): string {
  return SCRIPT_PROLOGUE + js.replace(/^\s*["']use strict["'];?\s*/, '').replace(/\/\/# ?sourceMappingURL=\S+\s*$/, '');
}

/** True when @swc/core is installed (its native binding is not loaded to find out). */
export function swcInstalled(): boolean {
  try {
    require.resolve('@swc/core');
    return true;
  } catch {
    return false;
  }
}

/** swc, or undefined when its native binding does not load on this platform. */
function loadSwc(): typeof import('@swc/core') | undefined {
  try {
    return require('@swc/core') as typeof import('@swc/core');
  } catch {
    return undefined;
  }
}
