import type { TranscriptEntry } from '../src/protocol';
import { readJsonFile, writeFileAtomic, writeFileAtomicAsync } from './files';
import type { LearnerActivity, LearnerRuntime } from './learner';
import { ACTIVITY_SAVE_MS } from './limits';

/** How often something happened in a lesson, and to whom. */
export interface Tally {
  count: number;
  learners: string[];
}

/** Per lesson id, per error or mistake: a {@link Tally}. */
export type TallyByLesson = Record<string, Record<string, Tally>>;

/**
 * The room's activity book: each learner's activity (last activity, hand, attempts, mistakes,
 * errors) and the room's tallies of `-ERR` replies and mistakes per lesson, kept in
 * `activity.json` (rewritten atomically at most every couple of seconds), so a restart keeps them.
 */
export class ActivityBook {
  readonly errs: TallyByLesson = {};
  readonly mistakes: TallyByLesson = {};
  readonly #file: string;
  #timer: NodeJS.Timeout | undefined;
  #pending: Iterable<LearnerRuntime> | undefined;
  /** The save in progress (written off the event loop); the next waits for it. */
  #writing: Promise<void> = Promise.resolve();

  constructor(file: string) {
    this.#file = file;
  }

  /** Reads the file: each learner's activity by id (the tallies are loaded into this book). */
  load(): Map<string, LearnerActivity> {
    const raw = readJsonFile(this.#file) as { formatVersion?: number; learners?: Record<string, LearnerActivity>; errs?: TallyByLesson; mistakes?: TallyByLesson } | undefined;
    if (raw?.formatVersion !== 1) return new Map();
    Object.assign(this.errs, raw.errs ?? {});
    Object.assign(this.mistakes, raw.mistakes ?? {});
    const out = new Map<string, LearnerActivity>();
    for (const [id, activity] of Object.entries(raw.learners ?? {})) {
      out.set(id, {
        lastActivity: Number(activity.lastActivity) || 0,
        ...(activity.hand ? { hand: activity.hand } : {}),
        attempts: activity.attempts ?? {},
        mistakes: activity.mistakes ?? {},
        errors: Array.isArray(activity.errors) ? activity.errors : [],
      });
    }
    return out;
  }

  /**
   * Counts a `-ERR` reply in a lesson. Numbers are blanked, so "only 12 messages" and "only 3
   * messages" count as one mistake.
   */
  countErr(lesson: string, entry: TranscriptEntry, learner: string): void {
    tally(this.errs, lesson, `${entry.keyword}: ${entry.text.replace(/\d+/g, 'N')}`, learner);
  }

  /** Counts a mistake hint shown in a lesson. */
  countMistake(lesson: string, mistake: string, learner: string): void {
    tally(this.mistakes, lesson, mistake, learner);
  }

  /** Saves soon (once per {@link ACTIVITY_SAVE_MS} at most). */
  dirty(learners: Iterable<LearnerRuntime>): void {
    this.#pending = learners;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const learners = this.#pending;
      this.#pending = undefined;
      if (!learners) return;
      const text = this.#serialize(learners);
      // Off the event loop: a learner's POP3 reply never waits for this file to reach the disk.
      this.#writing = this.#writing.then(() => writeFileAtomicAsync(this.#file, text)).catch(() => undefined);
    }, ACTIVITY_SAVE_MS).unref();
  }

  /** Saves now (on close), after any save in progress. */
  async saveNow(learners: Iterable<LearnerRuntime>): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
    await this.#writing;
    writeFileAtomic(this.#file, this.#serialize(learners));
  }

  #serialize(learners: Iterable<LearnerRuntime>): string {
    const byId: Record<string, LearnerActivity> = {};
    for (const learner of learners) byId[learner.id] = learner.activity;
    return `${JSON.stringify({ formatVersion: 1, learners: byId, errs: this.errs, mistakes: this.mistakes }, null, 2)}\n`;
  }
}

function tally(book: TallyByLesson, lesson: string, key: string, learner: string): void {
  const entries = (book[lesson] ??= {});
  const entry = (entries[key] ??= { count: 0, learners: [] });
  entry.count++;
  if (!entry.learners.includes(learner)) entry.learners.push(learner);
}
