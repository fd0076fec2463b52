import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { Recoverable } from 'node:repl';
import * as vm from 'node:vm';
import { CodedError } from '../protocol/errors';

/**
 * Evaluation behind a small interface, so ts-node (near its end of life) can later give way
 * to another checker or stripper without touching the REPL.
 */
export interface Evaluator {
  /**
   * Compiles and runs one input, awaiting top-level `await`.
   * @throws Recoverable (node:repl) when the input is incomplete, a TypeScript diagnostic
   *   error (`TSError`, with `diagnosticCodes`), or whatever the code threw.
   */
  evalCode(code: string, options?: EvalOptions): Promise<EvalResult>;
  /** Completions for the end of `line`: [candidates, the fragment they complete]. */
  complete(line: string): [string[], string];
  /** The type of an expression as the checker sees it (undefined in fast mode). */
  typeOf(expression: string): string | undefined;
  /** Drops every declaration, value and injected name: a fresh, empty context. */
  reset(): void;
  /** Puts a name in scope, non-configurable and read-only, declared to the checker with `type`. */
  inject(name: string, type: string, value: unknown): void;
  /** Reads a name from the context (undefined when it is not declared). Never runs learner code. */
  lookup(name: string): unknown;
  /** Compiles once so the first real evaluation is quick (the checker's first run costs ~0.8 s). */
  warm(): void;
  /** True when the checker runs (not --fast). */
  readonly typeChecked: boolean;
  /** How it compiles: `typecheck`, `transpile` or `swc`. */
  readonly mode: 'typecheck' | 'transpile' | 'swc';
}

/** What an evaluation produced, boxed so a promise value stays a promise (a forgotten `await` shows). */
export interface EvalResult {
  value: unknown;
}

/** Options for one evaluation. */
export interface EvalOptions {
  /** Aborting rejects the evaluation at once with the signal's reason. */
  signal?: AbortSignal;
}

/** Options for {@link createEvaluator}. */
export interface EvaluatorOptions {
  /** The tsconfig the REPL compiles with (loaded explicitly so the learner's cwd cannot change it). */
  project: string;
  /** Transpile only, with swc when it loads. */
  fast?: boolean;
  /**
   * Synchronous run limit in ms (a runaway loop); 0 for none. This watchdog is what stops a
   * loop at a terminal: Ctrl-C there is a keypress the blocked event loop cannot read, and
   * letting the terminal raise SIGINT instead (raw mode off during runs) proved unreliable,
   * since node:vm's breakOnSigint lost or mishandled terminal signals in about a third of runs
   * on Node 20. A SIGINT from outside (kill -INT, or Ctrl-C with piped input) still breaks it.
   */
  timeoutMs?: number;
  /** Where `console` in the context writes. */
  console?: Console;
  /** Directory `require` and relative imports resolve from. */
  cwd?: string;
}

/** The code of a runaway evaluation stopped by the watchdog or Ctrl-C. */
export const EVAL_INTERRUPTED = 'EVAL_INTERRUPTED';

/** A synchronous evaluation was stopped (timeout or Ctrl-C). */
export class EvalInterruptedError extends CodedError {
  constructor(why: 'timeout' | 'sigint', timeoutMs?: number) {
    super(EVAL_INTERRUPTED, why === 'timeout' ? `stopped after ${timeoutMs} ms (the evaluation limit)` : 'interrupted by Ctrl-C');
  }
}

// Diagnostics ts-node also hides in a REPL: duplicate function (2393), unused (6133),
// implicit-any return (7027), and top-level await outside modules (1375, 1378, 1431, 1432).
const IGNORED_DIAGNOSTICS = [2393, 6133, 7027, 1375, 1378, 1431, 1432];

// Diagnostics that mean "the input is not finished yet" (after ts-node's RECOVERY_CODES).
const RECOVERY_CODES = new Map<number, ReadonlySet<number> | null>([
  [1003, null], [1005, null], [1109, null], [1126, null], [1136, new Set([1005])],
  [1160, null], [1161, null], [2355, null], [2391, null], [7010, new Set([1005])],
]);

interface TsErrorLike extends Error {
  diagnosticCodes: number[];
  diagnosticText: string;
}

interface TsService {
  compile(code: string, fileName: string, lineOffset?: number): string;
  getTypeInfo(code: string, fileName: string, position: number): { name: string; comment: string };
  addDiagnosticFilter(filter: { appliesToAllFiles: boolean; filenamesAbsolute: string[]; diagnosticsIgnored: number[] }): void;
}

/** True for ts-node's compile error. */
export function isTsError(error: unknown): error is TsErrorLike {
  return error instanceof Error && Array.isArray((error as Partial<TsErrorLike>).diagnosticCodes);
}

const SOURCE_MAP_COMMENT = /\/\/# ?sourceMappingURL=\S+[\s\r\n]*$/;

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
function createSwcService(swc: typeof import('@swc/core')): TsService {
  return {
    compile: (code, fileName) => swc.transformSync(code, { ...SWC_OPTIONS, filename: fileName }).code,
    getTypeInfo: () => ({ name: '', comment: '' }),
    addDiagnosticFilter: () => {},
  };
}

/**
 * Creates the evaluator: ts-node with the type checker, or in fast mode swc directly (ts-node
 * transpiling when swc does not load). The compiler loads on first use (or {@link Evaluator.warm}).
 */
export function createEvaluator(options: EvaluatorOptions): Evaluator {
  const cwd = options.cwd ?? process.cwd();
  const virtualPath = path.join(cwd, '<repl>.ts');
  let service: TsService | undefined;
  // Whether swc's native binding loads is learnt on first use, after the prompt (~25 ms).
  let mode: Evaluator['mode'] = options.fast ? (swcInstalled() ? 'swc' : 'transpile') : 'typecheck';
  // The virtual file: the prelude of declarations plus every accepted input.
  let prelude = '';
  let input = '';
  let output = '';
  const injected = new Map<string, { type: string; value: unknown }>();
  let context = createContext();

  function ensureService(): TsService {
    if (service) return service;
    if (mode === 'swc') {
      const swc = loadSwc();
      if (swc) {
        service = createSwcService(swc);
        return service;
      }
      mode = 'transpile';
    }
    const tsNode = require('ts-node') as typeof import('ts-node');
    const host = {
      readFile: (p: string) => (p === virtualPath ? prelude + input : readIfExists(p)),
      fileExists: (p: string) => p === virtualPath || isFile(p),
    };
    const created = tsNode.create({
      project: options.project,
      transpileOnly: mode !== 'typecheck',
      // Plain diagnostics: ts-node colours them on a terminal, and the REPL formats them itself.
      pretty: false,
      // The REPL's own rules beat the project's (its tsconfig asks for transpile-only).
      compilerOptions: { sourceMap: true, inlineSourceMap: false },
      ...host,
    }) as unknown as TsService;
    created.addDiagnosticFilter({ appliesToAllFiles: false, filenamesAbsolute: [virtualPath], diagnosticsIgnored: IGNORED_DIAGNOSTICS });
    service = created;
    return created;
  }

  function createContext(): vm.Context {
    const sandbox: Record<string, unknown> = {};
    const ctx = vm.createContext(sandbox, { name: 'pop3-playground REPL' });
    // Like node:repl's own context: every host global the new realm lacks, by descriptor.
    const own = vm.runInContext('Object.getOwnPropertyNames(globalThis)', ctx) as string[];
    for (const name of Object.getOwnPropertyNames(globalThis)) {
      if (own.includes(name) || name === 'global' || name === 'console') continue;
      const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
      if (descriptor) Object.defineProperty(ctx, name, descriptor);
    }
    const localRequire = createRequire(path.join(cwd, '<repl>'));
    const module = { exports: {}, require: localRequire, id: '<repl>', filename: virtualPath, loaded: true, paths: [] };
    Object.assign(ctx, { global: ctx, require: localRequire, module, exports: module.exports, __filename: virtualPath, __dirname: cwd });
    if (options.console) ctx.console = options.console;
    for (const [name, { value }] of injected) defineInjected(ctx, name, value);
    return ctx;
  }

  function run(code: string): unknown {
    // Strict like the compiled module (an assignment to an injected name throws); `void 0`
    // keeps the directive from becoming the value of a declaration-only input.
    const script = new vm.Script(`"use strict"; void 0; ${code}`, { filename: virtualPath });
    try {
      return script.runInContext(context, {
        breakOnSigint: true,
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      });
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new EvalInterruptedError('timeout', options.timeoutMs);
      if (code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') throw new EvalInterruptedError('sigint');
      throw error;
    }
  }

  /** Compiles `prelude + input + code`; returns the new JavaScript to run. Keeps state only when `commit`. */
  function compileAppended(code: string, commit: boolean): string[] {
    const svc = ensureService();
    const before = input;
    input += code;
    let js: string;
    try {
      js = svc.compile(prelude + input, virtualPath, 0);
    } catch (error) {
      input = before;
      throw error;
    }
    const chunks = addedChunks(output, js);
    if (commit) {
      output = js;
      // A semicolon keeps this input from running on into the next (`2` then `+ 2`).
      input = input.replace(/([^\n\s])([\n\s]*)$/, (all, last: string, ws: string) => (last === ';' ? all : `${last};${ws}`));
    } else {
      input = before;
    }
    return chunks;
  }

  async function evalCode(source: string, evalOptions: EvalOptions = {}): Promise<EvalResult> {
    let code = source.endsWith('\n') ? source : `${source}\n`;
    let chunks: string[];
    // `{ a: 1 }` reads better as an object than as a block (node:repl does the same).
    const wrap = /^\s*{/.test(code) && !/;\s*$/.test(code);
    try {
      chunks = compileAppended(wrap ? `(${code.trim()})\n` : code, true);
    } catch (error) {
      if (!wrap) throw recoverableOr(error, code);
      try {
        chunks = compileAppended(code, true);
      } catch (second) {
        throw recoverableOr(second, code);
      }
    }
    let value: unknown;
    for (const chunk of chunks) {
      const awaited = chunk.includes('await') ? wrapTopLevelAwait(chunk) : null;
      if (awaited === null) {
        value = run(chunk);
        continue;
      }
      value = await raceSignal(run(awaited) as Promise<unknown>, evalOptions.signal);
    }
    return { value };
  }

  function complete(line: string): [string[], string] {
    const match = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.([\w$]*)$/.exec(line);
    if (match) {
      const [, chain = '', fragment = ''] = match;
      const target = lookupChain(chain);
      if (target === undefined || target === null) return [[], fragment];
      const names = memberNames(target).filter((n) => n.startsWith(fragment));
      return [names.map((n) => `${n}`), fragment];
    }
    const word = /([A-Za-z_$][\w$]*)$/.exec(line)?.[1] ?? '';
    if (word === '' && line.trim() !== '') return [[], ''];
    const names = new Set<string>([...injected.keys(), ...declaredNames(input)]);
    for (const name of Object.keys(context)) if (!name.startsWith('_')) names.add(name);
    return [[...names].filter((n) => n.startsWith(word)).sort(), word];
  }

  function lookupChain(chain: string): unknown {
    const [head = '', ...rest] = chain.split('.');
    let value = lookup(head);
    for (const part of rest) {
      if (value === undefined || value === null) return undefined;
      try {
        value = (value as Record<string, unknown>)[part];
      } catch {
        return undefined;
      }
    }
    return value;
  }

  function lookup(name: string): unknown {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
    try {
      // A bare identifier read: block-scoped names live in the context's script scope.
      return new vm.Script(`typeof ${name} === 'undefined' ? undefined : ${name}`).runInContext(context, { timeout: 100 });
    } catch {
      return undefined;
    }
  }

  function typeOf(expression: string): string | undefined {
    if (mode !== 'typecheck') return undefined;
    const svc = ensureService();
    const text = `${prelude}${input}\n;${expression}`;
    try {
      const info = svc.getTypeInfo(text, virtualPath, text.length);
      return info.name || undefined;
    } catch {
      return undefined;
    }
  }

  function reset(): void {
    input = '';
    output = '';
    injected.clear();
    rebuildPrelude();
    context = createContext();
  }

  function rebuildPrelude(): void {
    // `export {}` makes the virtual file a module, so learner names never clash with globals.
    prelude = 'export {};\n';
    for (const [name, { type }] of injected) prelude += `declare const ${name}: ${type};\n`;
    if (service) output = safeCompile(prelude) ?? '';
  }

  function safeCompile(text: string): string | undefined {
    try {
      return ensureService().compile(text, virtualPath, 0);
    } catch {
      return undefined;
    }
  }

  function inject(name: string, type: string, value: unknown): void {
    injected.set(name, { type, value });
    defineInjected(context, name, value);
    const before = prelude;
    rebuildPrelude();
    // A prelude change shifts the output; rebase the diff so earlier input never re-runs.
    if (service && before !== prelude) output = safeCompile(prelude + input) ?? output;
  }

  function warm(): void {
    try {
      const svc = ensureService();
      svc.compile(`${prelude}${input}void 0;\n`, virtualPath, 0);
      if (!output) output = safeCompile(prelude + input) ?? '';
    } catch {
      // Warming is best effort; the real evaluation reports any problem.
    }
  }

  rebuildPrelude();
  return {
    evalCode,
    complete,
    typeOf,
    reset,
    inject,
    lookup,
    warm,
    get typeChecked() {
      return mode === 'typecheck';
    },
    get mode() {
      return mode;
    },
  };

}

/** True when @swc/core is installed (its native binding is not loaded to find out). */
function swcInstalled(): boolean {
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

function defineInjected(ctx: vm.Context, name: string, value: unknown): void {
  // Non-configurable and read-only, so `sandbox = 1` cannot lose the sandbox by accident.
  Object.defineProperty(ctx, name, { value, writable: false, enumerable: true, configurable: false });
}

/**
 * The JavaScript added between two compilations of the growing virtual file: a line diff
 * (common prefix and suffix trimmed, then a longest-common-subsequence over the rest), so
 * earlier input never runs twice even when the compiler rewrites an earlier line.
 */
export function addedChunks(previous: string, next: string): string[] {
  const a = previous.replace(SOURCE_MAP_COMMENT, '').split('\n');
  const b = next.replace(SOURCE_MAP_COMMENT, '').split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  // lcs[i][j]: length of the longest common subsequence of midA[i..] and midB[j..].
  const lcs: number[][] = Array.from({ length: midA.length + 1 }, () => new Array<number>(midB.length + 1).fill(0));
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const chunks: string[] = [];
  let current: string[] = [];
  const flush = (): void => {
    if (current.join('').trim() !== '') chunks.push(`${current.join('\n')}\n`);
    current = [];
  };
  let i = 0;
  let j = 0;
  while (j < midB.length) {
    if (i < midA.length && midA[i] === midB[j]) {
      flush();
      i++;
      j++;
    } else if (i < midA.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      i++;
    } else {
      current.push(midB[j]!);
      j++;
    }
  }
  flush();
  return chunks;
}

let processTopLevelAwait: ((src: string) => string | null) | undefined;

/** Wraps top-level `await` code in an async function, hoisting its declarations (node:repl's transform, via ts-node). */
function wrapTopLevelAwait(code: string): string | null {
  if (!processTopLevelAwait) {
    const file = path.join(path.dirname(require.resolve('ts-node')), '..', 'dist-raw', 'node-internal-repl-await.js');
    processTopLevelAwait = (require(file) as { processTopLevelAwait: (src: string) => string | null }).processTopLevelAwait;
  }
  return processTopLevelAwait(code);
}

function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function recoverableOr(error: unknown, code: string): unknown {
  if (isTsError(error)) {
    const codes = error.diagnosticCodes;
    const recoverable = codes.every((c) => {
      const deps = RECOVERY_CODES.get(c);
      return deps === null || (deps !== undefined && codes.some((d) => deps.has(d)));
    });
    return recoverable ? new Recoverable(error) : error;
  }
  // swc reports syntax errors as plain errors; an input that ends too early is unfinished.
  if (error instanceof Error && /<eof>|Unexpected eof|Unterminated/i.test(error.message) && looksUnfinished(code)) {
    return new Recoverable(error);
  }
  return error;
}

/** True when brackets opened in the input are not closed yet (strings and comments skipped roughly). */
export function looksUnfinished(code: string): boolean {
  let depth = 0;
  const stripped = code.replace(/\/\/.*$/gm, '').replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, '""');
  for (const ch of stripped) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
  }
  return depth > 0;
}

/** Names declared at the top level of the input so far (for completion). */
function declaredNames(source: string): string[] {
  const names: string[] = [];
  const re = /(?:^|[;\n])\s*(?:export\s+)?(?:const|let|var|function\*?|class|async\s+function)\s+([A-Za-z_$][\w$]*)/g;
  for (const m of source.matchAll(re)) if (m[1]) names.push(m[1]);
  return names;
}

const NOISE = new Set(['constructor', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', '__proto__']);

/** Own and inherited member names, without Object.prototype, private-looking or symbol keys. */
function memberNames(target: unknown): string[] {
  const names = new Set<string>();
  let obj: unknown = typeof target === 'object' || typeof target === 'function' ? target : Object(target);
  while (obj && obj !== Object.prototype && obj !== Function.prototype) {
    // Objects from the REPL's realm have their own Object.prototype.
    if (Object.getPrototypeOf(obj) === null && Object.prototype.hasOwnProperty.call(obj, 'hasOwnProperty')) break;
    for (const name of Object.getOwnPropertyNames(obj)) {
      if (!NOISE.has(name) && !name.startsWith('_')) names.add(name);
    }
    obj = Object.getPrototypeOf(obj);
  }
  return [...names].sort();
}

function readIfExists(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

function isFile(p: string): boolean {
  try {
    const st = statSync(p);
    return st.isFile() || st.isFIFO();
  } catch {
    return false;
  }
}
