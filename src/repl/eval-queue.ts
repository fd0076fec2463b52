/** node:repl's eval callback: an error (a Recoverable asks for more lines) or the result. */
export type EvalCallback = (error: Error | null, result?: unknown) => void;

/** Options of {@link EvalQueue}. */
export interface EvalQueueOptions {
  /**
   * Runs one input and reports its own errors; resolves with node:repl's Recoverable when the
   * input needs more lines. Undefined when there was nothing to do (an empty line).
   */
  evaluate(code: string): Promise<Error | undefined> | undefined;
  /** Reports what a dot-command's work threw. */
  reportError(error: unknown): void;
  /** Called once a dot-command's work is over (node:repl shows no prompt after a command's action). */
  afterWork(): void;
  /** Called whenever the REPL has just fallen idle (the line gate may let the next piped line in). */
  idle(): void;
}

/**
 * Puts the REPL's work in order. Lines that arrive while an evaluation is pending (a paste at
 * a terminal) are handed over by node:repl at once, so `const pop = await connect(sandbox)`
 * followed by `pop.user(...)` would run before `pop` exists: they wait here and run in order;
 * Ctrl-C drops them. Dot-commands' work marks the REPL busy the same way, and {@link busy}
 * is what the line gate and Ctrl-C ask.
 */
export class EvalQueue {
  readonly #options: EvalQueueOptions;
  readonly #waiting: { code: string; callback: EvalCallback }[] = [];
  #busy = false;

  constructor(options: EvalQueueOptions) {
    this.#options = options;
  }

  /** Inputs waiting behind the one running (a paste at a terminal). */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** True while an evaluation or a command's work is running. */
  get busy(): boolean {
    return this.#busy;
  }

  /** node:repl's `eval`: runs `code` now, or after the inputs before it. */
  readonly eval = (code: string, _context: unknown, _file: string, callback: EvalCallback): void => {
    if (this.#busy || this.#waiting.length > 0) {
      this.#waiting.push({ code, callback });
      return;
    }
    const run = (line: string, done: EvalCallback): void =>
      this.#evaluate(line, (error, result) => {
        done(error, result);
        const next = this.#waiting.shift();
        if (next) setImmediate(() => run(next.code, next.callback));
      });
    run(code, callback);
  };

  /** Runs a dot-command's work with the REPL busy, then lets the prompt show. */
  work(task: () => void | Promise<void>): void {
    this.#busy = true;
    Promise.resolve()
      .then(task)
      .catch((error: unknown) => this.#options.reportError(error))
      .finally(() => {
        this.#busy = false;
        this.#options.afterWork();
        this.#options.idle();
      });
  }

  /** Forgets the inputs still waiting (Ctrl-C): each is answered as done, with nothing. */
  dropWaiting(): void {
    for (const line of this.#waiting.splice(0)) line.callback(null);
  }

  #evaluate(code: string, callback: EvalCallback): void {
    const pending = this.#options.evaluate(code);
    if (!pending) {
      callback(null);
      return;
    }
    this.#busy = true;
    void pending
      .catch((error: unknown) => {
        this.#options.reportError(error);
        return undefined;
      })
      .then((recoverable) => {
        this.#busy = false;
        callback(recoverable ?? null);
        this.#options.idle();
      });
  }
}
