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

/** A dot-command's work, named after its command. */
type Work = { task: () => void | Promise<void>; name: string | undefined };
/** One piece of the REPL's work: an input for node:repl's eval, or a dot-command's work. */
type Job = { code: string; callback: EvalCallback } | Work;

/**
 * Puts the REPL's work in order. Lines that arrive while an evaluation is pending (a paste at
 * a terminal) are handed over by node:repl at once, so `const pop = await connect(sandbox)`
 * followed by `pop.user(...)` would run before `pop` exists; node:repl also runs a
 * dot-command's action as soon as its line arrives. Both wait here and run in the order they
 * were typed (a pasted `.raw` and the POP3 lines after it included); Ctrl-C drops what waits.
 * {@link busy} is what the line gate and Ctrl-C ask.
 */
export class EvalQueue {
  readonly #options: EvalQueueOptions;
  readonly #waiting: Job[] = [];
  #busy = false;
  /** The name of the command whose work is running. */
  #running: string | undefined;

  constructor(options: EvalQueueOptions) {
    this.#options = options;
  }

  /** Inputs and commands waiting behind the one running (a paste at a terminal). */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** True while an evaluation or a command's work is running. */
  get busy(): boolean {
    return this.#busy;
  }

  /** node:repl's `eval`: runs `code` now, or after the work before it. */
  readonly eval = (code: string, _context: unknown, _file: string, callback: EvalCallback): void => {
    this.#waiting.push({ code, callback });
    this.#next();
  };

  /** Runs a dot-command's work with the REPL busy (after the work before it), then lets the prompt show. */
  work(task: () => void | Promise<void>, name?: string): void {
    this.#waiting.push({ task, name });
    this.#next();
  }

  /** True while the work of the command `name` runs or waits its turn (a pasted `.raw`). */
  has(name: string): boolean {
    return this.#running === name || this.#waiting.some((job) => 'name' in job && job.name === name);
  }

  /** Forgets what is still waiting (Ctrl-C): each input is answered as done, with nothing. */
  dropWaiting(): void {
    for (const job of this.#waiting.splice(0)) if ('callback' in job) job.callback(null);
  }

  /** Starts the next job unless one is running; after each, the one behind it gets a turn. */
  #next(): void {
    if (this.#busy) return;
    const job = this.#waiting.shift();
    if (!job) return;
    const done = (): void => {
      if (this.#waiting.length > 0) setImmediate(() => this.#next());
    };
    if ('task' in job) this.#work(job, done);
    else this.#evaluate(job.code, (error, result) => {
      job.callback(error, result);
      done();
    });
  }

  #work({ task, name }: Work, done: () => void): void {
    this.#busy = true;
    this.#running = name;
    Promise.resolve()
      .then(task)
      .catch((error: unknown) => this.#options.reportError(error))
      .finally(() => {
        this.#busy = false;
        this.#running = undefined;
        this.#options.afterWork();
        this.#options.idle();
        done();
      });
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
