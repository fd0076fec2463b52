import type { TranscriptEntry } from '../protocol/transcript';
import { createFacts } from './facts';
import type { ErrorFact, Facts } from './facts';
import { allGoalsMet, evaluateGoals, findMistake, goalDone, nextHint, solutionView } from './goals';
import type { GoalResult, NextHint, SolutionView } from './goals';
import { isReadingOnly } from './lesson';
import type { Lesson, MistakeDefinition } from './lesson';
import { emptyProgress, lessonProgress, markDone, recordGoalVerdicts, recordHintShown } from './progress';
import type { Progress } from './progress';
import type { ProgressStore } from './progress-store';
import type { SeedLookup } from './seed-facts';
import type { CallRecord, ShownValue } from './seen';

/** How many evaluated values `facts.values` keeps (the newest). */
export const MAX_VALUES_KEPT = 50;

/** How many shown values and call results a lesson's facts keep, together (the newest). */
export const MAX_SEEN_KEPT = 500;

/** A shown value or a call result, kept in the order they happened. */
type SeenEntry = { kind: 'shown'; record: ShownValue } | { kind: 'call'; record: CallRecord };

/** What changed when the goals were evaluated again. */
export interface CheckOutcome {
  results: GoalResult[];
  /** True when some goal flipped since the last evaluation. */
  changed: boolean;
  /** The goals that flipped, as they are now. */
  moved: GoalResult[];
  /** True the first time every goal is met (the lesson was just completed). */
  completedNow: boolean;
  /** A common mistake to point out, shown once per lesson visit. */
  mistake?: MistakeDefinition;
}

/** Lesson status for the menu. */
export type LessonStatus = 'done' | 'current' | 'pending';

/** Options of {@link LessonSession}. */
export interface LessonSessionOptions {
  /** The lessons, in order. */
  lessons: readonly Lesson[];
  /** Where progress is kept. */
  store: ProgressStore;
  /** The seed messages `facts.seed(name)` knows. */
  seed?: SeedLookup;
  /** The clock for completion and first-met times. */
  now?: () => Date;
}

/**
 * One learner's way through the lessons: which lesson is current, the facts collected since it
 * started, goal verdicts, hints and solution, and progress kept in a {@link ProgressStore}. It
 * prints nothing and knows no front end: the REPL (or another) feeds it facts and shows what
 * it returns.
 */
export class LessonSession {
  readonly lessons: readonly Lesson[];
  readonly #store: ProgressStore;
  #progress: Progress;
  #index = 0;
  #transcript: TranscriptEntry[] = [];
  #values: unknown[] = [];
  /** Shown values and call results, in order, the newest {@link MAX_SEEN_KEPT}. */
  #seen: SeenEntry[] = [];
  #seq = 0;
  #traceIntervals: { from: number; to?: number }[] = [];
  #errors: ErrorFact[] = [];
  #rawLines: string[] = [];
  #rawSessions = 0;
  #clients = 0;
  #trace = false;
  #results: GoalResult[] = [];
  #mistakesShown = new Set<string>();
  readonly #seed: SeedLookup | undefined;
  readonly #now: () => Date;
  /** Set when stored progress could not be read; progress then lives in memory only. */
  readonly progressProblem: string | undefined;

  constructor(options: LessonSessionOptions) {
    this.lessons = options.lessons;
    this.#store = options.store;
    this.#seed = options.seed;
    this.#now = options.now ?? (() => new Date());
    let problem: string | undefined;
    try {
      this.#progress = this.#store.load();
    } catch (error) {
      problem = (error as Error).message;
      this.#progress = emptyProgress();
    }
    this.progressProblem = problem;
    this.#index = this.#resumeIndex();
  }

  /** Where progress is kept, as the learner is told. */
  get progressLocation(): string {
    return this.#store.location;
  }

  /**
   * The lesson to resume at: the saved current one, or, when that one is done, the next
   * lesson after it not done yet; without a saved one, the first not done.
   */
  #resumeIndex(): number {
    const notDone = (l: Lesson): boolean => this.#progress.lessons[l.id]?.status !== 'done';
    const saved = this.lessons.findIndex((l) => l.id === this.#progress.current);
    if (saved >= 0) {
      if (notDone(this.lessons[saved]!)) return saved;
      const later = this.lessons.findIndex((l, i) => i > saved && notDone(l));
      return later >= 0 ? later : saved;
    }
    const pending = this.lessons.findIndex(notDone);
    return pending >= 0 ? pending : 0;
  }

  /** The lesson the learner is in (undefined when no lesson loaded). */
  get current(): Lesson | undefined {
    return this.lessons[this.#index];
  }

  /** The current lesson's place in {@link lessons}, from 0. */
  get index(): number {
    return this.#index;
  }

  /** Progress as last loaded or saved (with what other writers had saved by then). */
  get progress(): Readonly<Progress> {
    return this.#progress;
  }

  /** Status of each lesson for the menu. */
  status(lesson: Lesson): LessonStatus {
    if (lesson === this.current) return 'current';
    return this.#progress.lessons[lesson.id]?.status === 'done' ? 'done' : 'pending';
  }

  /** True once the lesson was passed (in this visit or before). */
  isDone(lesson: Lesson): boolean {
    return this.#progress.lessons[lesson.id]?.status === 'done';
  }

  /** Finds a lesson by number, folder name, name without its number, or a word of its title. */
  find(query: string): Lesson | undefined {
    const q = query.trim().toLowerCase();
    if (q === '') return undefined;
    if (/^\d+$/.test(q)) return this.lessons.find((l) => l.number === Number(q));
    return (
      this.lessons.find((l) => l.id.toLowerCase() === q) ??
      this.lessons.find((l) => l.id.toLowerCase().replace(/^\d+-/, '') === q) ??
      this.lessons.find((l) => l.definition.title.toLowerCase().includes(q))
    );
  }

  /** Makes `lesson` current and forgets the facts collected so far. Saves progress. */
  enter(lesson: Lesson): void {
    const i = this.lessons.indexOf(lesson);
    if (i < 0) return;
    this.#index = i;
    this.#progress.current = lesson.id;
    lessonProgress(this.#progress, lesson.id);
    // A reading lesson has nothing to check: showing it is doing it.
    if (isReadingOnly(lesson)) markDone(this.#progress, lesson.id, this.#now());
    this.clearFacts();
    this.save();
  }

  /** Forgets the facts of the current visit (a lesson start or reset). */
  clearFacts(): void {
    this.#transcript = [];
    this.#values = [];
    this.#seen = [];
    this.#traceIntervals = this.#trace ? [{ from: this.#now().getTime() }] : [];
    this.#errors = [];
    this.#rawLines = [];
    this.#rawSessions = 0;
    this.#clients = 0;
    this.#mistakesShown = new Set();
    this.#results = this.current ? this.#withProgress(this.current, evaluateGoals(this.current, this.facts())) : [];
  }

  /** Marks the goals not met now that progress says were met before. */
  #withProgress(lesson: Lesson, results: GoalResult[]): GoalResult[] {
    const goals = this.#progress.lessons[lesson.id]?.goals ?? {};
    return results.map((r) => (!r.met && goals[r.id]?.met ? { ...r, metBefore: true } : r));
  }

  /** A transcript entry: the server's session log, or the client's trace with another server. */
  recordEntry(entry: TranscriptEntry): void {
    this.#transcript.push(entry);
  }

  /** A value an evaluation produced, and so showed (the newest {@link MAX_VALUES_KEPT} are kept as `values`). */
  recordValue(value: unknown): void {
    this.#values.push(value);
    if (this.#values.length > MAX_VALUES_KEPT) this.#values.shift();
    this.recordShown(value, 'value');
  }

  /** A value shown to the learner another way: an argument of a `console` call, or an error printed at the prompt. */
  recordShown(value: unknown, via: ShownValue['via']): void {
    this.#keep({ kind: 'shown', record: { seq: ++this.#seq, value, via } });
  }

  /** Numbers the start of a client call; give the number to {@link recordCall} once it settles. */
  startCall(): number {
    return ++this.#seq;
  }

  /** What a client call resolved or rejected with (its `seq` from {@link startCall}). */
  recordCall(record: CallRecord): void {
    this.#keep({ kind: 'call', record });
  }

  #keep(entry: SeenEntry): void {
    this.#seen.push(entry);
    if (this.#seen.length > MAX_SEEN_KEPT) this.#seen.shift();
  }

  /** An error the learner met, by its stable codes. */
  recordError(fact: ErrorFact): void {
    this.#errors.push(fact);
  }

  /** A line typed in raw mode, secrets already redacted. */
  recordRawLine(line: string): void {
    this.#rawLines.push(line);
  }

  /** A raw-mode session opened. */
  recordRawSession(): void {
    this.#rawSessions++;
  }

  /** A client the learner's `connect` created. */
  recordClient(): void {
    this.#clients++;
  }

  /** Records that `.trace` is on or off (it stays so across lessons). */
  setTrace(on: boolean): void {
    if (on === this.#trace) return;
    this.#trace = on;
    const now = this.#now().getTime();
    if (on) this.#traceIntervals.push({ from: now });
    else {
      const last = this.#traceIntervals[this.#traceIntervals.length - 1];
      if (last) last.to = now;
    }
  }

  /** True while `.trace on` is in force. */
  get trace(): boolean {
    return this.#trace;
  }

  /** The facts of the current visit, as checks see them. */
  facts(): Facts {
    return createFacts({
      transcript: [...this.#transcript],
      values: [...this.#values],
      shown: this.#seen.flatMap((e) => (e.kind === 'shown' ? [e.record] : [])),
      calls: this.#seen.flatMap((e) => (e.kind === 'call' ? [e.record] : [])),
      repl: {
        rawSessions: this.#rawSessions,
        rawLines: [...this.#rawLines],
        clients: this.#clients,
        trace: this.#trace,
        traceIntervals: this.#traceIntervals.map((i) => ({ ...i })),
        errors: [...this.#errors],
      },
      ...(this.#seed ? { seed: this.#seed } : {}),
    });
  }

  /** The last verdicts, without evaluating again. */
  get results(): readonly GoalResult[] {
    return this.#results;
  }

  /**
   * Evaluates the goals again and records the verdicts in progress (per goal: met, and with
   * `explicit`, a `.check`, one more check that found it unmet). An explicit check that fails
   * counts a failed check, which unlocks the solution gradually.
   */
  check(explicit = false): CheckOutcome {
    const lesson = this.current;
    if (!lesson || isReadingOnly(lesson)) return { results: [], changed: false, moved: [], completedNow: false };
    const facts = this.facts();
    const fresh = evaluateGoals(lesson, facts);
    const now = this.#now();
    const entry = lessonProgress(this.#progress, lesson.id);
    // A goal met before counts as checked already: a .check does not count it again.
    let dirty = recordGoalVerdicts(entry, fresh.map((r) => ({ id: r.id, met: r.met || entry.goals[r.id]?.met === true })), explicit, now);
    const results = this.#withProgress(lesson, fresh);
    const moved = results.filter((r, i) => goalDone(r) !== (this.#results[i] ? goalDone(this.#results[i]) : false) || r.met !== this.#results[i]?.met);
    const changed = moved.length > 0;
    this.#results = results;
    const met = allGoalsMet(results);
    let completedNow = false;
    if (met && !this.isDone(lesson)) {
      markDone(this.#progress, lesson.id, now);
      completedNow = true;
      dirty = true;
    } else if (!met && explicit) {
      entry.failedChecks++;
      dirty = true;
    }
    if (dirty) this.save();
    const mistake = met ? undefined : findMistake(lesson, facts, this.#mistakesShown, results);
    if (mistake) this.#mistakesShown.add(mistake.id);
    return { results, changed, moved, completedNow, ...(mistake ? { mistake } : {}) };
  }

  /** The next hint tier for the first unmet goal, recorded as shown. */
  takeHint(): NextHint | undefined {
    const lesson = this.current;
    if (!lesson) return undefined;
    const entry = lessonProgress(this.#progress, lesson.id);
    const hint = nextHint(lesson, this.#results, entry.hints);
    if (hint) {
      recordHintShown(entry, hint.goalId, hint.tier);
      this.save();
    }
    return hint;
  }

  /** The solution lines the learner may see now, and how many there are in all. */
  solution(): SolutionView {
    const lesson = this.current;
    if (!lesson) return { lines: [], total: 0, passed: false, failedChecks: 0 };
    const entry = this.#progress.lessons[lesson.id];
    return solutionView(lesson, this.#results, { passed: this.isDone(lesson), failedChecks: entry?.failedChecks ?? 0, hints: entry?.hints ?? {} });
  }

  /** Forgets all progress (after confirmation), in the store too, and goes back to the first lesson. */
  forgetAll(): void {
    this.#progress = emptyProgress();
    this.#index = 0;
    const first = this.lessons[0];
    if (first) this.#progress.current = first.id;
    this.clearFacts();
    if (this.progressProblem) return;
    try {
      this.#store.replace(this.#progress);
    } catch {
      // Forgotten in memory at least; the store is as it was.
    }
  }

  /**
   * Saves progress, merged with what other writers saved meanwhile (which it then holds too).
   * A failure leaves progress in memory: a read-only state directory must not stop the lesson.
   */
  save(): void {
    if (this.progressProblem) return;
    try {
      this.#progress = this.#store.save(this.#progress);
    } catch {
      // Kept in memory; the next save tries again.
    }
  }
}
