import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { CodedError } from '../protocol/errors';
import { addedChunks } from './added-chunks';
import { declaredNames, memberNames } from './completion';
import { recoverableOr } from './recoverable';
import { createSwcService, createTsNodeService, loadSwc, swcInstalled } from './ts-service';
import type { TsService } from './ts-service';

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
    service = createTsNodeService(options.project, mode !== 'typecheck', virtualPath, {
      readFile: (p: string) => (p === virtualPath ? prelude + input : readIfExists(p)),
      fileExists: (p: string) => p === virtualPath || isFile(p),
    });
    return service;
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

function defineInjected(ctx: vm.Context, name: string, value: unknown): void {
  // Non-configurable and read-only, so `sandbox = 1` cannot lose the sandbox by accident.
  Object.defineProperty(ctx, name, { value, writable: false, enumerable: true, configurable: false });
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
