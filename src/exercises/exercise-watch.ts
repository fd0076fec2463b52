import type { ExerciseUnit } from '../tutor/exercise';
import type { ExerciseTrack, VerifyOutcome } from './exercise-track';
import { verifyLines } from './exercise-text';
import { watchSavedFile } from './file-watcher';
import type { FileWatch } from './file-watcher';

/** Options of {@link ExerciseWatch}. */
export interface ExerciseWatchOptions {
  track: ExerciseTrack;
  unit: ExerciseUnit;
  /** Shows lines: a run's report lines as they come, then its verdict. */
  print(lines: readonly string[]): void;
  /** `poll` where file-system events do not arrive. */
  mode?: 'auto' | 'poll';
  /** After each verify (tests, and a front end that wants the outcome). */
  onVerified?(outcome: VerifyOutcome): void;
}

/**
 * Watch mode for one exercise (rustlings' `watch`): checks the learner's file at once, then
 * again after every save. One check runs at a time; saves during a check make one more check
 * after it. Whatever a check meets (a syntax or type error, a hang, an endless loop) is
 * reported by the check itself, and the watch goes on.
 */
export class ExerciseWatch {
  readonly unit: ExerciseUnit;
  readonly #options: ExerciseWatchOptions;
  readonly #watch: FileWatch;
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(options: ExerciseWatchOptions) {
    this.unit = options.unit;
    this.#options = options;
    const paths = options.track.prepare(options.unit);
    this.#watch = watchSavedFile({ file: paths.file, onSave: () => this.recheck(), ...(options.mode ? { mode: options.mode } : {}) });
  }

  /** How the file is watched: file-system events, or polling. */
  get mode(): 'events' | 'poll' {
    return this.#watch.mode;
  }

  /** Checks the file now (or right after the check in progress). */
  recheck(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves when no check is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops watching; a check in progress is stopped too. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#watch.close();
    this.#abort.abort();
    await this.idle();
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      const { track, unit, print } = this.#options;
      try {
        const outcome = await track.verify(unit, (line) => print([`  ${line}`]), this.#abort.signal);
        if (this.#closed) return;
        print(verifyLines(outcome));
        this.#options.onVerified?.(outcome);
      } catch (error) {
        // Progress that cannot be saved, say: reported, and the watch goes on.
        print([`✘ the check could not run: ${(error as Error)?.message ?? String(error)}`]);
      }
    } while (this.#again && !this.#closed);
  }
}
