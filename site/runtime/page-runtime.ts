/**
 * A lesson page's runtime, on the page's side: starts the sandbox worker and the eval worker
 * (on the first Run, so a page that is only read loads neither), runs blocks with the
 * curriculum's semantics (earlier blocks first, one scope per page), ends an eval worker that
 * stops answering (a runaway loop) and starts a fresh one, and resets to the lesson's start.
 */
import type { TranscriptEntry } from '../../src/protocol/transcript';
import type { LessonStartState } from '../../src/tutor/lesson';
import type { Progress } from '../../src/tutor/progress';
import type { EvalEvent, EvalRequest, GoalVerdict, SandboxEvent, SandboxRequest, SeedFacts } from './worker-messages';

/** How long running code may keep the eval worker from answering before the page ends it (as the REPL's 5 s watchdog). */
export const STALL_LIMIT_MS = 5_000;

/** Where the workers' scripts are, relative to the site's base (written by scripts/docs/build-runtime.ts). */
export interface RuntimeAssets {
  evalWorker: string;
  sandboxWorker: string;
  /** The seed folder (sandbox-server/seed), ending in `/`. */
  seed: string;
}

/** What the page shows, told as it happens. */
export interface RuntimeListener {
  output(run: number, text: string): void;
  entry(entry: TranscriptEntry): void;
  goals(goals: GoalVerdict[], completedNow: boolean, mistake: string | undefined): void;
  progress(progress: Progress): void;
  /** The eval worker was ended (a runaway loop): the scope is fresh, mailboxes and log kept. */
  stopped(): void;
}

/** How a run ended. */
export interface RunResult {
  errored: boolean;
  refused: boolean;
  rawOpen: boolean;
}

/** Options of {@link startLessonRuntime}. */
export interface LessonRuntimeOptions {
  lessonId: string;
  lessonNumber: number;
  start: LessonStartState | undefined;
  /** The site's base URL path, e.g. `/` or `/pop3/`. */
  base: string;
  assets: RuntimeAssets;
  progress: () => Progress;
  trace: boolean;
  listener: RuntimeListener;
}

interface Pending {
  resolve(result: RunResult): void;
}

/** A page's two workers, and the runs that go through them. */
export class LessonRuntime {
  readonly #options: LessonRuntimeOptions;
  readonly #sandbox: Worker;
  #eval!: Worker;
  #accounts: { name: string; password: string }[] = [];
  #seed: SeedFacts = { messages: {}, sizes: {} };
  #ready!: Promise<void>;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #hints = new Map<number, (hint: Extract<EvalEvent, { type: 'hint' }>) => void>();
  #lastAlive = 0;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #trace: boolean;

  constructor(options: LessonRuntimeOptions, sandbox: Worker, sandboxReady: Promise<Extract<SandboxEvent, { type: 'ready' }>>) {
    this.#options = options;
    this.#sandbox = sandbox;
    this.#trace = options.trace;
    this.#ready = sandboxReady.then(({ accounts, seed }) => {
      this.#accounts = accounts;
      this.#seed = seed;
      return this.#startEval();
    });
  }

  #url(path: string): string {
    return `${this.#options.base}${path}`;
  }

  /** A fresh eval worker, attached to the sandbox by a new control channel. */
  #startEval(): Promise<void> {
    const channel = new MessageChannel();
    this.#sandbox.postMessage({ type: 'attach' } satisfies SandboxRequest, [channel.port1]);
    const worker = new Worker(this.#url(this.#options.assets.evalWorker), { type: 'module', name: 'eval' });
    this.#eval = worker;
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = ({ data }: MessageEvent<EvalEvent>) => {
        if (data.type === 'ready') resolve();
        else if (data.type === 'failed' && this.#pending.size === 0) reject(new Error(data.message));
        this.#onEval(data);
      };
      worker.onerror = (event) => reject(new Error(event.message));
    });
    const init: EvalRequest = { type: 'init', lessonId: this.#options.lessonId, lessonNumber: this.#options.lessonNumber, accounts: this.#accounts, seed: this.#seed, progress: this.#options.progress(), trace: this.#trace };
    worker.postMessage(init, [channel.port2]);
    return ready;
  }

  #onEval(event: EvalEvent): void {
    const { listener } = this.#options;
    this.#lastAlive = Date.now();
    switch (event.type) {
      case 'output':
        listener.output(event.id, event.text);
        break;
      case 'done':
        this.#finish(event.id, { errored: event.errored, refused: event.refused, rawOpen: event.rawOpen });
        break;
      case 'goals':
        listener.goals(event.goals, event.completedNow, event.mistake);
        break;
      case 'progress':
        listener.progress(event.progress);
        break;
      case 'hint':
        this.#hints.get(event.id)?.(event);
        this.#hints.delete(event.id);
        break;
      case 'failed':
        for (const id of this.#pending.keys()) {
          listener.output(id, `✘ ${event.message}\n`);
          this.#finish(id, { errored: true, refused: false, rawOpen: false });
        }
        break;
      default:
        break;
    }
  }

  #finish(id: number, result: RunResult): void {
    this.#pending.get(id)?.resolve(result);
    this.#pending.delete(id);
    if (this.#pending.size === 0 && this.#watchdog !== undefined) {
      clearInterval(this.#watchdog);
      this.#watchdog = undefined;
    }
  }

  /** Ends an eval worker that has not answered for {@link STALL_LIMIT_MS}, and starts a fresh one. */
  #watch(): void {
    this.#lastAlive = Date.now();
    this.#watchdog ??= setInterval(() => {
      if (Date.now() - this.#lastAlive < STALL_LIMIT_MS) return;
      this.#eval.terminate();
      for (const id of this.#pending.keys()) {
        this.#options.listener.output(
          id,
          `✘ stopped after ${STALL_LIMIT_MS} ms without a pause (an endless loop?): the page ended the code. Variables are gone; the mailboxes and the session log are kept.\n  Hint: Loops that never end need a way out (a \`break\` or a counter). Run again, or Reset to start the lesson over.\n`,
        );
        this.#finish(id, { errored: true, refused: false, rawOpen: false });
      }
      this.#options.listener.stopped();
      this.#ready = this.#startEval();
    }, 250);
  }

  async #request(request: (id: number) => EvalRequest): Promise<RunResult> {
    const id = ++this.#nextId;
    try {
      await this.#ready;
    } catch (error) {
      // Said where the reader looks: request(id) routes this run's output to its block.
      request(id);
      this.#options.listener.output(id, `✘ The page's sandbox and evaluator did not start: ${(error as Error).message}\n`);
      return { errored: true, refused: false, rawOpen: false };
    }
    const done = new Promise<RunResult>((resolve) => this.#pending.set(id, { resolve }));
    this.#eval.postMessage(request(id));
    this.#watch();
    return done;
  }

  /** Runs a block's lines: REPL input for ```ts, raw lines for ```pop3. */
  run(language: 'ts' | 'pop3', lines: readonly string[], onId?: (id: number) => void): Promise<RunResult> {
    return this.#request((id) => {
      onId?.(id);
      return { type: 'run', id, language, lines: [...lines] };
    });
  }

  /** A line typed in the raw-mode panel (`.raw` opens and closes the session). */
  raw(line: string, onId?: (id: number) => void): Promise<RunResult> {
    return this.#request((id) => {
      onId?.(id);
      return { type: 'raw', id, line };
    });
  }

  setTrace(on: boolean): void {
    this.#trace = on;
    void this.#ready.then(() => this.#eval.postMessage({ type: 'trace', on } satisfies EvalRequest));
  }

  /** Judges the goals now, as `.check` does. */
  check(): void {
    void this.#ready.then(() => this.#eval.postMessage({ type: 'check' } satisfies EvalRequest));
  }

  /** The next hint, as `.hint` gives it. */
  async hint(): Promise<Extract<EvalEvent, { type: 'hint' }>> {
    await this.#ready;
    const id = ++this.#nextId;
    return new Promise((resolve) => {
      this.#hints.set(id, resolve);
      this.#eval.postMessage({ type: 'hint', id } satisfies EvalRequest);
    });
  }

  /** A fresh scope and a fresh sandbox in the lesson's start state (as `.reset`). */
  async reset(): Promise<void> {
    await this.#ready.catch(() => {});
    this.#eval.terminate();
    for (const id of this.#pending.keys()) this.#finish(id, { errored: true, refused: false, rawOpen: false });
    const sandboxReset = new Promise<void>((resolve) => {
      const onMessage = ({ data }: MessageEvent<SandboxEvent>): void => {
        if (data.type !== 'reset-done') return;
        this.#sandbox.removeEventListener('message', onMessage);
        resolve();
      };
      this.#sandbox.addEventListener('message', onMessage);
    });
    this.#sandbox.postMessage({ type: 'reset', start: this.#options.start } satisfies SandboxRequest);
    await sandboxReset;
    this.#ready = this.#startEval();
    await this.#ready;
  }

  /** Ends both workers (the page is left). */
  dispose(): void {
    if (this.#watchdog !== undefined) clearInterval(this.#watchdog);
    this.#eval?.terminate();
    this.#sandbox.terminate();
  }
}

/** Starts the sandbox worker and, once it has its seed, the eval worker. */
export function startLessonRuntime(options: LessonRuntimeOptions): LessonRuntime {
  const sandbox = new Worker(`${options.base}${options.assets.sandboxWorker}`, { type: 'module', name: 'sandbox' });
  const ready = new Promise<Extract<SandboxEvent, { type: 'ready' }>>((resolve, reject) => {
    sandbox.addEventListener('message', ({ data }: MessageEvent<SandboxEvent>) => {
      if (data.type === 'ready') resolve(data);
      else if (data.type === 'failed') reject(new Error(data.message));
      else if (data.type === 'entry') options.listener.entry(data.entry);
    });
    sandbox.addEventListener('error', (event) => reject(new Error(event.message)));
  });
  sandbox.postMessage({ type: 'init', seedBase: `${options.base}${options.assets.seed}`, start: options.start } satisfies SandboxRequest);
  return new LessonRuntime(options, sandbox, ready);
}
