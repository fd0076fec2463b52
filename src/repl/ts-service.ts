/**
 * The compilers the evaluator can use, behind one small interface: ts-node with or without the
 * type checker, or swc alone (`--fast`).
 */

/** What the evaluator asks of a compiler. */
export interface TsService {
  compile(code: string, fileName: string, lineOffset?: number): string;
  getTypeInfo(code: string, fileName: string, position: number): { name: string; comment: string };
  addDiagnosticFilter(filter: { appliesToAllFiles: boolean; filenamesAbsolute: string[]; diagnosticsIgnored: number[] }): void;
}

/** Where ts-node reads the files it compiles: the REPL's virtual file is served from memory. */
export interface VirtualFileHost {
  readFile(path: string): string | undefined;
  fileExists(path: string): boolean;
}

// Diagnostics ts-node also hides in a REPL: duplicate function (2393), unused (6133),
// implicit-any return (7027), and top-level await outside modules (1375, 1378, 1431, 1432).
const IGNORED_DIAGNOSTICS = [2393, 6133, 7027, 1375, 1378, 1431, 1432];

/**
 * swc's options for REPL input: what ts-node derives from the project's tsconfig (es2022,
 * commonjs with esModuleInterop, strict), without the source map, which nothing reads: each
 * input runs as its own script.
 */
const SWC_OPTIONS = {
  swcrc: false,
  sourceMaps: false,
  module: { type: 'commonjs', noInterop: false, strictMode: true, ignoreDynamic: false },
  jsc: {
    parser: { syntax: 'typescript', tsx: false, dynamicImport: true, importAssertions: true },
    target: 'es2022',
    transform: { legacyDecorator: true, useDefineForClassFields: true },
    keepClassNames: true,
    experimental: { keepImportAttributes: true, emitAssertForImportAttributes: true },
  },
} as const;

/** The fast mode's compiler: swc alone, with no ts-node and no TypeScript compiler to load (~0.3 s). */
export function createSwcService(swc: typeof import('@swc/core')): TsService {
  return {
    compile: (code, fileName) => swc.transformSync(code, { ...SWC_OPTIONS, filename: fileName }).code,
    getTypeInfo: () => ({ name: '', comment: '' }),
    addDiagnosticFilter: () => {},
  };
}

/**
 * ts-node over the project's tsconfig, type-checking unless `transpileOnly`; the diagnostics a
 * REPL should not show are filtered for `virtualPath`.
 */
export function createTsNodeService(project: string, transpileOnly: boolean, virtualPath: string, host: VirtualFileHost): TsService {
  const tsNode = require('ts-node') as typeof import('ts-node');
  const created = tsNode.create({
    project,
    transpileOnly,
    // Plain diagnostics: ts-node colours them on a terminal, and the REPL formats them itself.
    pretty: false,
    // The REPL's own rules beat the project's (its tsconfig asks for transpile-only).
    compilerOptions: { sourceMap: true, inlineSourceMap: false },
    ...host,
  }) as unknown as TsService;
  created.addDiagnosticFilter({ appliesToAllFiles: false, filenamesAbsolute: [virtualPath], diagnosticsIgnored: IGNORED_DIAGNOSTICS });
  return created;
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
export function loadSwc(): typeof import('@swc/core') | undefined {
  try {
    return require('@swc/core') as typeof import('@swc/core');
  } catch {
    return undefined;
  }
}
