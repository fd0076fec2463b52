/**
 * The file exercises as a learner works through them, whichever front end drives them (`npm
 * run exercises` or `.exercise` in the REPL): their files in the workspace, a verify that runs
 * one in its worker against the target and judges it, hints, reset, the solution once it may
 * be seen, and each exercise's own progress entry, saved through the progress store's locked,
 * merging writes so two front ends at once lose nothing (docs/lesson-format.md, "File exercises").
 */
import { copyFileSync, existsSync } from 'node:fs';
import { runExercise } from '../repl/exercise-runner';
import type { ExerciseRun } from '../repl/exercise-runner';
import type { PlaygroundTarget } from '../repl/target';
import { exerciseFacts, exerciseProgressKey, judgeExercise, nextExerciseHint, solutionOpen } from '../tutor';
import type { ExerciseJudgement, ExercisePaths, ExerciseUnit, LessonProgress, LessonStartState, NextHint, ProgressStore } from '../tutor';
import { lessonProgress, markDone, recordGoalVerdicts, recordHintShown } from '../tutor/progress';
import { exercisePaths, prepareExerciseFile, resetExerciseFile, solutionCopyPath } from '../tutor/node/exercise-files';
import { findExercise } from '../tutor/node/exercise-units';

/** Options of {@link ExerciseTrack}. */
export interface ExerciseTrackOptions {
  exercises: readonly ExerciseUnit[];
  /** The server runs go to: the embedded sandbox, or a classroom's (it must arrange mailboxes and faults). */
  target: PlaygroundTarget;
  /** Where the workspace lives (`<state-dir>/workspace`). */
  stateDir: string;
  /** The project root, which the workspace's tsconfig points `pop3-playground` at. */
  projectRoot: string;
  store: ProgressStore;
  /** The sandbox state put back after each run (the REPL's lesson's); undefined: every account's seed. */
  start?: () => LessonStartState | undefined;
  /** Overrides every exercise's time limit (tests). */
  timeoutMs?: number;
  /** Type-check the learner's file before each run (default true). */
  typecheck?: boolean;
  now?: () => Date;
}

/** Where one exercise stands, for `list`. */
export interface ExerciseStatus {
  unit: ExerciseUnit;
  paths: ExercisePaths;
  status: 'done' | 'started' | 'pending';
}

/** What a verify found. */
export interface VerifyOutcome {
  unit: ExerciseUnit;
  paths: ExercisePaths;
  run: ExerciseRun;
  judgement: ExerciseJudgement;
  /** Passed for the first time now. */
  completedNow: boolean;
  /** The hint to show with a failed run: the mistake's, else the latest tier of the first goal not done. */
  hint?: string;
  /** The official solution, written beside the learner's file after a pass. */
  solutionFile?: string;
  /** How long the run took, ms. */
  ms: number;
}

/** What `hint` gives. */
export interface HintOutcome {
  hint?: NextHint;
  /** Why there is none: every goal is done, or every hint was shown. */
  none?: 'passed' | 'no-more';
  /** The solution, once every hint of the goal was shown. */
  solutionFile?: string;
}

/** The file exercises of one learner (one state directory). */
export class ExerciseTrack {
  readonly exercises: readonly ExerciseUnit[];
  readonly #options: ExerciseTrackOptions;
  /** The last verdict per exercise in this process, for hints between runs. */
  readonly #last = new Map<string, ExerciseJudgement>();

  constructor(options: ExerciseTrackOptions) {
    this.exercises = options.exercises;
    this.#options = options;
  }

  /** Where the progress is kept (the file's path). */
  get progressLocation(): string {
    return this.#options.store.location;
  }

  /** The exercise a number, id or file name names (`3`, `apop-digest`, `apop-digest.ts`). */
  find(query: string): ExerciseUnit | undefined {
    return findExercise(this.exercises, query);
  }

  paths(unit: ExerciseUnit): ExercisePaths {
    return exercisePaths(unit, this.#options.stateDir);
  }

  /** Every exercise with its status and file; their files are put in the workspace first (never over the learner's). */
  list(): ExerciseStatus[] {
    const progress = this.#options.store.load();
    return this.exercises.map((unit) => {
      const paths = this.prepare(unit);
      const entry = progress.lessons[exerciseProgressKey(unit)];
      return { unit, paths, status: entry?.status ?? 'pending' };
    });
  }

  /** The first exercise not done (the last one when all are). */
  current(): ExerciseUnit | undefined {
    const progress = this.#options.store.load();
    return this.exercises.find((unit) => progress.lessons[exerciseProgressKey(unit)]?.status !== 'done') ?? this.exercises.at(-1);
  }

  /** Copies the template into the workspace when the learner's file is missing; returns the paths. */
  prepare(unit: ExerciseUnit): ExercisePaths {
    const paths = this.paths(unit);
    prepareExerciseFile(paths, this.#options.projectRoot);
    return paths;
  }

  /**
   * Runs the learner's file of `unit` and judges it, records the verdicts in the exercise's
   * progress entry, and writes the solution beside the file after a pass. Report lines of the
   * run come through `onReport` as they happen.
   */
  async verify(unit: ExerciseUnit, onReport: (line: string) => void, signal?: AbortSignal): Promise<VerifyOutcome> {
    const paths = this.prepare(unit);
    const started = Date.now();
    const run = await runExercise({
      paths,
      target: this.#options.target,
      start: this.#options.start?.(),
      timeoutMs: this.#options.timeoutMs ?? unit.definition.timeoutMs,
      typecheck: this.#options.typecheck ?? true,
      onReport,
      ...(signal ? { signal } : {}),
    });
    const ms = Date.now() - started;
    let completedNow = false;
    let judgement!: ExerciseJudgement;
    this.#update(unit, (progress, e) => {
      judgement = judgeExercise(unit, exerciseFacts(run.facts, run.transcript), e);
      recordGoalVerdicts(e, judgement.results, true, this.#now());
      if (!judgement.passedNow) e.failedChecks++;
      if (judgement.passed && e.status !== 'done') {
        markDone(progress, exerciseProgressKey(unit), this.#now());
        completedNow = true;
      }
    });
    this.#last.set(unit.id, judgement);
    const entry = this.#entry(unit);
    let hint: string | undefined;
    if (!judgement.passedNow) hint = judgement.mistake?.hint ?? this.#standingHint(unit, judgement, entry);
    const solutionFile = judgement.passedNow ? this.#writeSolution(paths) : undefined;
    return { unit, paths, run, judgement, completedNow, ms, ...(hint ? { hint } : {}), ...(solutionFile ? { solutionFile } : {}) };
  }

  /** The next hint tier for the first goal not done, by the last verdict in this process (or none yet: the first goal). */
  hint(unit: ExerciseUnit): HintOutcome {
    const entry = this.#entry(unit);
    const results = this.#last.get(unit.id)?.results ?? unit.definition.goals.map((g) => ({ id: g.id, text: g.text, met: false, ...(entry.goals[g.id]?.met ? { metBefore: true } : {}) }));
    const hint = nextExerciseHint(unit, results, entry);
    if (hint) this.#update(unit, (_, e) => recordHintShown(e, hint.goalId, hint.tier));
    const after = this.#entry(unit);
    const solutionFile = solutionOpen(unit, results, after) ? this.#writeSolution(this.paths(unit)) : undefined;
    const none = hint ? undefined : results.every((r) => r.met || r.metBefore) ? 'passed' : 'no-more';
    return { ...(hint ? { hint } : {}), ...(none ? { none } : {}), ...(solutionFile ? { solutionFile } : {}) };
  }

  /** Starts `unit` over from its template; the learner's file is kept as `<file>.bak`. Returns the backup's path. */
  reset(unit: ExerciseUnit): string | undefined {
    this.#last.delete(unit.id);
    return resetExerciseFile(this.paths(unit), this.#options.projectRoot);
  }

  /** The hint a failed run shows when no mistake matched: the latest tier shown of the first goal not done (at least its first). */
  #standingHint(unit: ExerciseUnit, judgement: ExerciseJudgement, entry: LessonProgress): string | undefined {
    const goal = judgement.results.find((r) => !(r.met || r.metBefore));
    const hints = unit.definition.goals.find((g) => g.id === goal?.id)?.hints ?? [];
    if (!goal || hints.length === 0) return undefined;
    const tier = Math.max(1, entry.hints[goal.id] ?? 0);
    if ((entry.hints[goal.id] ?? 0) < tier) this.#update(unit, (_, e) => recordHintShown(e, goal.id, tier));
    return hints[Math.min(tier, hints.length) - 1];
  }

  #writeSolution(paths: ExercisePaths): string | undefined {
    if (!existsSync(paths.solution)) return undefined;
    const file = solutionCopyPath(paths);
    copyFileSync(paths.solution, file);
    return file;
  }

  #entry(unit: ExerciseUnit): LessonProgress {
    return this.#options.store.load().lessons[exerciseProgressKey(unit)] ?? { status: 'started', hints: {}, failedChecks: 0, goals: {} };
  }

  /** Changes the exercise's progress entry and saves it (merged with what others saved). */
  #update(unit: ExerciseUnit, change: (progress: ReturnType<ProgressStore['load']>, entry: LessonProgress) => void): void {
    const progress = this.#options.store.load();
    change(progress, lessonProgress(progress, exerciseProgressKey(unit)));
    this.#options.store.save(progress);
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }
}
