import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { CodedError } from '../protocol/errors';
import { UNGUARDED } from './interrupt-watcher';
import { LOOP_CHECK } from './loop-guard';
import type { RunGuard } from './interrupt-watcher';

/** The code of a runaway evaluation stopped by the watchdog or Ctrl-C. */
export const EVAL_INTERRUPTED = 'EVAL_INTERRUPTED';

/** A synchronous evaluation was stopped (timeout or Ctrl-C). */
export class EvalInterruptedError extends CodedError {
  constructor(why: 'timeout' | 'sigint', timeoutMs?: number) {
    super(EVAL_INTERRUPTED, why === 'timeout' ? `stopped after ${timeoutMs} ms (the evaluation limit)` : 'interrupted by Ctrl-C');
  }
}

/** Options of {@link ReplContext}. */
export interface ReplContextOptions {
  /** Directory `require` and relative imports resolve from. */
  cwd: string;
  /** Where `console` in the context writes. */
  console?: Console;
  /** Synchronous run limit in ms (a runaway loop); 0 for none. */
  timeoutMs: number;
  /** Marks the synchronous part of each run, so a Ctrl-C at a terminal raises SIGINT then. */
  guard?: RunGuard;
}

/** What the inspector protocol hands back for a value (Runtime.RemoteObject). */
interface RemoteObject {
  type: string;
  value?: unknown;
  unserializableValue?: string;
  objectId?: string;
  description?: string;
}

interface EvaluateResult {
  result: RemoteObject;
  exceptionDetails?: { exception?: RemoteObject; text?: string };
}

// Hidden entry points in the context, keyed by registered symbols (shared by every realm).
const RUN = Symbol.for('pop3-playground.run');
const TAKE = Symbol.for('pop3-playground.take');
const OBJECT_GROUP = 'pop3-playground';
/** The one line the watchdog runs: it calls into the inspector, which runs the input in REPL mode. */
const RUNNER = new vm.Script('globalThis[Symbol.for("pop3-playground.run")]()', { filename: 'pop3-playground-runner' });

let contexts = 0;
let runs = 0;
let inspector: Session | undefined;

/** One inspector session for the process: it runs inputs in V8's REPL mode (Runtime.evaluate, replMode). */
function session(): Session {
  if (!inspector) {
    inspector = new Session();
    inspector.connect();
  }
  return inspector;
}

/**
 * The realm learner code runs in, and how it runs there: each input is a script evaluated in
 * V8's REPL mode through the inspector (`Runtime.evaluate` with `replMode`), which lets a later
 * input declare a top-level `const`, `let` or `class` again (the new binding replaces the old
 * one for every later input and every closure), awaits top-level `await`, and leaves no name
 * in the temporal dead zone when its declaration threw. The evaluation is started from inside a
 * one-line `vm.Script` run with the watchdog's `timeout` and `breakOnSigint`, so a runaway loop
 * is stopped as before (docs/architecture.md, "The evaluator").
 */
export class ReplContext {
  readonly context: vm.Context;
  readonly #options: ReplContextOptions;
  readonly #id: number;
  #taken: unknown;

  constructor(options: ReplContextOptions) {
    this.#options = options;
    const name = `pop3-playground REPL ${++contexts}`;
    this.context = createSandbox(name, options);
    Object.defineProperty(this.context, TAKE, { value: (v: unknown) => (this.#taken = v), enumerable: false });
    // Every turn of a guarded loop (./loop-guard): throws once a Ctrl-C asked code to stop.
    const guard = options.guard ?? UNGUARDED;
    Object.defineProperty(this.context, LOOP_CHECK, {
      value: () => {
        if (guard.interrupted()) throw new EvalInterruptedError('sigint');
      },
      enumerable: false,
    });
    this.#id = contextId(name);
  }

  /** Puts a name in scope, non-configurable and read-only, so `sandbox = 1` cannot lose it. */
  define(name: string, value: unknown): void {
    Object.defineProperty(this.context, name, { value, writable: false, enumerable: true, configurable: false });
  }

  /**
   * Runs one script (see ./transpile) and resolves with its completion value, boxed so a
   * promise value stays a promise; rejects with what it threw.
   * @throws EvalInterruptedError when the watchdog or a SIGINT stopped its synchronous part.
   */
  run(js: string): Promise<{ value: unknown }> {
    return new Promise((resolve, reject) => {
      // A group per run: a run still awaiting must keep its objects while a later one lets go of its own.
      const objectGroup = `${OBJECT_GROUP}-${++runs}`;
      const finish = (error: Error | null, result: EvaluateResult | undefined): void => {
        const release = (): void => session().post('Runtime.releaseObjectGroup', { objectGroup });
        if (error || !result) reject(error ?? new Error('the evaluation gave no result'));
        else if (result.exceptionDetails) this.#take(result.exceptionDetails.exception ?? result.result).then((box) => reject(box.value), reject).finally(release);
        else this.#take(result.result).then(resolve, reject).finally(release);
      };
      // The inspector may answer while the runner is still on the stack (a termination): settle after it.
      let early: { error: Error | null; result: EvaluateResult | undefined } | undefined;
      let started = false;
      const callback = (error: Error | null, result?: object): void => {
        if (started) finish(error, result as EvaluateResult | undefined);
        else early = { error, result: result as EvaluateResult | undefined };
      };
      Object.defineProperty(this.context, RUN, {
        configurable: true,
        value: () => session().post('Runtime.evaluate', { expression: js, contextId: this.#id, replMode: true, objectGroup }, callback),
      });
      const { timeoutMs, guard = UNGUARDED } = this.#options;
      try {
        guard.sync(() => RUNNER.runInContext(this.context, { breakOnSigint: true, ...(timeoutMs ? { timeout: timeoutMs } : {}) }));
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') reject(new EvalInterruptedError('timeout', timeoutMs));
        else if (code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') reject(new EvalInterruptedError('sigint'));
        else reject(error);
        return;
      }
      started = true;
      if (early) finish(early.error, early.result);
    });
  }

  /** Reads a name (undefined when it is not declared). Never runs learner code. */
  lookup(name: string): unknown {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
    try {
      // A bare identifier read: block-scoped names live in the context's script scope.
      return new vm.Script(`typeof ${name} === 'undefined' ? undefined : ${name}`).runInContext(this.context, { timeout: 100 });
    } catch {
      return undefined;
    }
  }

  /** The context's own global names (for completion). */
  globals(): string[] {
    return Object.keys(this.context);
  }

  /**
   * The actual value behind a remote object, boxed (a promise must not be adopted): primitives
   * from the protocol, objects handed over by the context itself.
   */
  async #take(remote: RemoteObject): Promise<{ value: unknown }> {
    if (remote.type === 'undefined') return { value: undefined };
    if (remote.objectId === undefined) {
      const special = remote.unserializableValue;
      if (special === undefined) return { value: remote.value };
      return { value: remote.type === 'bigint' ? BigInt(special.replace(/n$/, '')) : Number(special) };
    }
    this.#taken = undefined;
    await new Promise<void>((resolve) =>
      session().post(
        'Runtime.callFunctionOn',
        { objectId: remote.objectId, functionDeclaration: 'function () { "use strict"; globalThis[Symbol.for("pop3-playground.take")](this); }', silent: true },
        () => resolve(),
      ),
    );
    return { value: this.#taken };
  }
}

/** The inspector's id of the context named `name`, learnt from the event Runtime.enable sends for each context. */
function contextId(name: string): number {
  let id: number | undefined;
  const onContext = (message: { params: { context: { id: number; name: string } } }): void => {
    if (message.params.context.name === name) id = message.params.context.id;
  };
  const s = session();
  s.on('Runtime.executionContextCreated', onContext);
  // Enabled just long enough to hear about the contexts (synchronously, in this session).
  s.post('Runtime.enable');
  s.post('Runtime.disable');
  s.off('Runtime.executionContextCreated', onContext);
  if (id === undefined) throw new Error(`the inspector did not report the REPL's context (${name})`);
  return id;
}

/** A new realm with node:repl's globals: every host global it lacks, `require`, `module`, `console`. */
function createSandbox(name: string, options: ReplContextOptions): vm.Context {
  const ctx = vm.createContext({}, { name });
  const own = vm.runInContext('Object.getOwnPropertyNames(globalThis)', ctx) as string[];
  for (const key of Object.getOwnPropertyNames(globalThis)) {
    if (own.includes(key) || key === 'global' || key === 'console') continue;
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
    if (descriptor) Object.defineProperty(ctx, key, descriptor);
  }
  const file = path.join(options.cwd, '<repl>.ts');
  const localRequire = createRequire(path.join(options.cwd, '<repl>'));
  const module = { exports: {}, require: localRequire, id: '<repl>', filename: file, loaded: true, paths: [] };
  Object.assign(ctx, { global: ctx, require: localRequire, module, exports: module.exports, __filename: file, __dirname: options.cwd });
  if (options.console) ctx.console = options.console;
  return ctx;
}
