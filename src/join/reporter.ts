import type { Progress } from '../tutor/progress';
import type { ProgressStore } from '../tutor/progress-store';
import type { ClassroomLink } from './classroom-link';

/** Reports are gathered this long before they are sent (a REPL evaluates in bursts). */
const BATCH_MS = 1_000;
/** Retries of a report that did not get through: quick at first, then every 10 s. */
const RETRY_MS = [1_000, 2_000, 5_000, 10_000] as const;

/**
 * Reports a learner's progress and activity to the classroom (HTTP POST), and keeps them while
 * it is out of reach: progress is saved locally first (the progress file stays the learner's
 * own), and the newest merged progress is sent when the classroom answers again. Progress
 * merging is idempotent (docs/lesson-format.md, "Progress"), so sending it twice is harmless.
 */
export class ClassroomReporter {
  readonly #link: ClassroomLink;
  #progress: Progress | undefined;
  #evaluations = 0;
  #mistakes: string[] = [];
  #errors: string[] = [];
  #lesson: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #sending: Promise<void> | undefined;
  #closed = false;

  constructor(link: ClassroomLink) {
    this.#link = link;
  }

  /** True while something waits to be sent. */
  get pending(): boolean {
    return this.#progress !== undefined || this.#evaluations > 0 || this.#mistakes.length > 0 || this.#errors.length > 0;
  }

  /** A progress store that saves to `local` and reports what it saved. */
  wrap(local: ProgressStore): ProgressStore {
    return {
      location: local.location,
      load: () => local.load(),
      save: (progress) => {
        const merged = local.save(progress);
        this.#progress = merged;
        this.#schedule(BATCH_MS);
        return merged;
      },
      replace: (progress) => {
        local.replace(progress);
        this.#progress = progress;
        this.#schedule(BATCH_MS);
      },
    };
  }

  /** One evaluation in `lesson`, with the mistake hint it earned and the errors it met. */
  evaluated(lesson: string | undefined, mistake: string | undefined, errors: readonly string[]): void {
    if (lesson !== this.#lesson && this.#evaluations > 0) this.#schedule(0);
    this.#lesson = lesson;
    this.#evaluations++;
    if (mistake) this.#mistakes.push(mistake);
    this.#errors.push(...errors);
    this.#schedule(BATCH_MS);
  }

  /** Sends what waits now (the classroom came back). */
  flush(): Promise<void> {
    this.#schedule(0);
    return this.#sending ?? Promise.resolve();
  }

  /** Stops sending; what waits stays in the local progress file. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    if (this.#timer && ms > 0) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sending ??= this.#send().finally(() => {
        this.#sending = undefined;
      });
    }, ms);
    this.#timer.unref();
  }

  async #send(): Promise<void> {
    const progress = this.#progress;
    const activity = { lesson: this.#lesson, evaluations: this.#evaluations, mistakes: this.#mistakes, errors: this.#errors };
    this.#progress = undefined;
    this.#evaluations = 0;
    this.#mistakes = [];
    this.#errors = [];
    try {
      if (progress) await this.#link.request('POST', 'progress', { progress });
      if (activity.evaluations > 0 || activity.mistakes.length > 0 || activity.errors.length > 0) await this.#link.request('POST', 'activity', activity);
      this.#failures = 0;
    } catch {
      // Put it back (newer progress wins; activity adds up) and try again later.
      this.#progress ??= progress;
      this.#evaluations += activity.evaluations;
      this.#mistakes.unshift(...activity.mistakes);
      this.#errors.unshift(...activity.errors);
      this.#schedule(RETRY_MS[Math.min(this.#failures++, RETRY_MS.length - 1)]!);
    }
  }
}
