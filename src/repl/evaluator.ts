import * as path from 'node:path';
import { declaredNames as namesInSource, memberNames } from './completion';
import { declaredNames } from './input-source';
import { UNGUARDED } from './interrupt-watcher';
import type { RunGuard } from './interrupt-watcher';
import { guardLoops } from './loop-guard';
import { recoverableOr } from './recoverable';
import { TsDiagnosticError } from './ts-error';
import { ReplContext } from './repl-context';
import { startCheckerThread } from './checker-thread';
import type { CheckerThread } from './checker-thread';
import { createTranspiler, swcInstalled } from './transpile';
import type { CompileMode, Transpile } from './transpile';

export { EVAL_INTERRUPTED, EvalInterruptedError } from './repl-context';

/**
 * Evaluation behind a small interface, so the compiler and the runtime can change without
 * touching the REPL (docs/architecture.md, "The evaluator").
 */
export interface Evaluator {
  /**
   * Compiles and runs one input, awaiting top-level `await`.
   * @throws Recoverable (node:repl) when the input is incomplete, a TsDiagnosticError
   *   (`diagnosticCodes`), an EvalInterruptedError, or whatever the code threw.
   */
  evalCode(code: string, options?: EvalOptions): Promise<EvalResult>;
  /** Completions for the end of `line`: [candidates, the fragment they complete]. */
  complete(line: string): [string[], string];
  /** The type of an expression as the checker sees it (undefined in fast mode). */
  typeOf(expression: string): Promise<string | undefined>;
  /** Drops every declaration, value and injected name: a fresh, empty context. */
  reset(): void;
  /** Puts a name in scope, non-configurable and read-only, declared to the checker with `type`. */
  inject(name: string, type: string, value: unknown): void;
  /** Reads a name from the context (undefined when it is not declared). Never runs learner code. */
  lookup(name: string): unknown;
  /**
   * Loads the compiler and starts the checker's thread, so the first real evaluation is quick;
   * resolves once the checker has built its program (about a second), at once in fast mode.
   */
  warm(): Promise<void>;
  /** Ends the checker's thread. */
  close(): void;
  /** True when the checker runs (not --fast). */
  readonly typeChecked: boolean;
  /** How it compiles: `typecheck`, `transpile` or `swc`. */
  readonly mode: CompileMode;
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
   * Synchronous run limit in ms (a runaway loop); 0 for none. With piped input or no terminal,
   * this watchdog and a SIGINT from outside are what stop a loop; at a terminal, the interrupt
   * watcher (./interrupt-watcher) raises SIGINT on Ctrl-C, with raw mode left on (turning it
   * off during runs, so the terminal raised SIGINT itself, proved unreliable).
   */
  timeoutMs?: number;
  /** Tells the interrupt watcher what runs: the learner's code, or the checker's and compiler's work. */
  guard?: RunGuard;
  /** Where `console` in the context writes. */
  console?: Console;
  /** Directory `require` and relative imports resolve from. */
  cwd?: string;
  /**
   * Where type errors go of an input that ran before the checker was ready: with this option,
   * such an input runs at once (transpiled, its syntax checked) and is checked once the checker
   * is; without it, the input waits for the checker. A learner at a terminal gets an answer
   * instead of a second's wait; piped input keeps the strict order.
   */
  onLateErrors?: (error: TsDiagnosticError) => void;
}

/**
 * Creates the evaluator: each input is checked against the ones before it (the checker, unless
 * fast), transpiled on its own (TypeScript, or swc in fast mode) and run in V8's REPL mode in
 * a context of its own. The compiler loads on first use (or {@link Evaluator.warm}).
 */
export function createEvaluator(options: EvaluatorOptions): Evaluator {
  const cwd = options.cwd ?? process.cwd();
  const virtualPath = path.join(cwd, '<repl>.ts');
  // Whether swc's native binding loads is learnt on first use, after the prompt (~25 ms).
  let mode: CompileMode = options.fast ? (swcInstalled() ? 'swc' : 'transpile') : 'typecheck';
  let transpile: Transpile | undefined;
  let checker: CheckerThread | undefined;
  /** In typecheck mode, the transpiler of an input that runs before the checker is ready. */
  let early: Transpile | undefined;
  /** Every accepted input as typed, for completing the names it declared. */
  let typed = '';
  const injected = new Map<string, { type: string; value: unknown }>();
  const guard = options.guard ?? UNGUARDED;
  let context = newContext();

  function newContext(): ReplContext {
    const ctx = new ReplContext({ cwd, guard, timeoutMs: options.timeoutMs ?? 0, ...(options.console ? { console: options.console } : {}) });
    for (const [name, { value }] of injected) ctx.define(name, value);
    return ctx;
  }

  function ensureTranspiler(): Transpile {
    transpile ??= createTranspiler(mode, options.project);
    if (!transpile) {
      // swc's native binding did not load on this platform: TypeScript transpiles instead.
      mode = 'transpile';
      transpile = createTranspiler(mode, options.project)!;
    }
    return transpile;
  }

  function ensureChecker(): CheckerThread | undefined {
    if (mode !== 'typecheck') return undefined;
    if (!checker) {
      checker = startCheckerThread(options.project, virtualPath);
      checker.setPrelude(prelude());
    }
    return checker;
  }

  function prelude(): string {
    // `export {}` makes the virtual file a module, so learner names never clash with globals.
    return `export {};\n${[...injected].map(([name, { type }]) => `declare const ${name}: ${type};\n`).join('')}`;
  }

  const transpiled = (code: string, transpile: () => Transpile): string =>
    guard.own(() => {
      const js = transpile()(code);
      return guard.watching ? guardLoops(js) : js;
    });

  /**
   * Checks and compiles one input; the returned function accepts it into the checker's file.
   * The checker's thread does both. Before it is ready, and when late errors have somewhere to
   * go, the input is compiled here (swc, syntax only), runs, and is checked afterwards.
   */
  async function compile(code: string): Promise<{ js: string; accept: () => void }> {
    const thread = ensureChecker();
    if (!thread) {
      const accept = guard.own(() => refuseInjectedNames(code));
      return { js: transpiled(code, ensureTranspiler), accept };
    }
    const { onLateErrors } = options;
    if (thread.ready || !onLateErrors) return thread.check(code, guard.watching);
    const js = transpiled(code, ensureEarlyTranspiler);
    const accept = (): void => {
      thread.admit(code).then((error) => error && onLateErrors(error), () => {});
    };
    return { js, accept };
  }

  /** swc when it loads (~30 ms, where TypeScript's compiler takes ~300 ms), else TypeScript; both report syntax errors. */
  function ensureEarlyTranspiler(): Transpile {
    early ??= createTranspiler('swc', options.project) ?? createTranspiler('transpile', options.project)!;
    return early;
  }

  /**
   * Without the checker, an input that declares an injected name again would shadow it (REPL
   * mode allows that); refused as the checker would (TS2451). Parsed only when it may.
   */
  function refuseInjectedNames(code: string): () => void {
    const mentioned = [...injected.keys()].filter((name) => new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`).test(code));
    if (mentioned.length > 0 && /\b(?:const|let|var|class|function|import)\b/.test(code)) {
      const taken = declaredNames(code).find((name) => injected.has(name));
      if (taken !== undefined) {
        const message = `Cannot redeclare block-scoped variable '${taken}'.`;
        throw new TsDiagnosticError(`<repl>.ts: error TS2451: ${message}`, [{ code: 2451, message }], code);
      }
    }
    return () => {};
  }

  async function evalCode(source: string, evalOptions: EvalOptions = {}): Promise<EvalResult> {
    const code = source.endsWith('\n') ? source : `${source}\n`;
    let compiled: { js: string; accept: () => void };
    // `{ a: 1 }` reads better as an object than as a block (node:repl does the same).
    const wrap = /^\s*{/.test(code) && !/;\s*$/.test(code);
    try {
      compiled = await compile(wrap ? `(${code.trim()})\n` : code);
    } catch (error) {
      if (!wrap) throw recoverableOr(error, code);
      try {
        compiled = await compile(code);
      } catch (second) {
        throw recoverableOr(second, code);
      }
    }
    compiled.accept();
    typed += code;
    const { value } = await raceSignal(context.run(compiled.js), evalOptions.signal);
    return { value };
  }

  function complete(line: string): [string[], string] {
    const match = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\.([\w$]*)$/.exec(line);
    if (match) {
      const [, chain = '', fragment = ''] = match;
      const target = lookupChain(chain);
      if (target === undefined || target === null) return [[], fragment];
      return [memberNames(target).filter((n) => n.startsWith(fragment)), fragment];
    }
    const word = /([A-Za-z_$][\w$]*)$/.exec(line)?.[1] ?? '';
    if (word === '' && line.trim() !== '') return [[], ''];
    const names = new Set<string>([...injected.keys(), ...namesInSource(typed)]);
    for (const name of context.globals()) if (!name.startsWith('_')) names.add(name);
    return [[...names].filter((n) => n.startsWith(word)).sort(), word];
  }

  function lookupChain(chain: string): unknown {
    const [head = '', ...rest] = chain.split('.');
    let value = context.lookup(head);
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

  return {
    evalCode,
    complete,
    async typeOf(expression) {
      try {
        return await ensureChecker()?.typeOf(expression);
      } catch {
        return undefined;
      }
    },
    reset() {
      typed = '';
      injected.clear();
      checker?.reset();
      checker?.setPrelude(prelude());
      context = newContext();
    },
    inject(name, type, value) {
      injected.set(name, { type, value });
      context.define(name, value);
      checker?.setPrelude(prelude());
    },
    lookup: (name) => context.lookup(name),
    async warm() {
      // The checker's thread starts first: it builds its program while this one loads swc.
      const thread = ensureChecker();
      try {
        guard.own(() => {
          if (!thread) ensureTranspiler()('void 0');
          else if (options.onLateErrors) ensureEarlyTranspiler()('void 0');
        });
      } catch {
        // Warming is best effort; the real evaluation reports any problem.
      }
      await thread?.whenReady;
    },
    close() {
      checker?.close();
    },
    get typeChecked() {
      return mode === 'typecheck';
    },
    get mode() {
      return mode;
    },
  };
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
