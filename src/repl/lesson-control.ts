import { copyFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { EXERCISE_SCOPE_TYPE } from '../tutor';
import type { ExercisePaths, Lesson, LessonSession } from '../tutor';
import { exercisePaths, prepareExerciseFile } from '../tutor/node';
import type { ClientTracker, ReplClient, TrackedConnectOptions } from './client-tracker';
import type { Evaluator } from './evaluator';
import type { RawMode } from './raw-mode';
import type { Screen } from './screen';
import { frozenConnection, SANDBOX_SCOPE_TYPE } from './target';
import type { PlaygroundTarget } from './target';

/** What moving between lessons works with. */
export interface LessonControlOptions<C extends ReplClient, O extends object> {
  session: LessonSession;
  screen: Screen;
  evaluator: Evaluator;
  tracker: ClientTracker<C, O>;
  raw: RawMode<C, O>;
  target: PlaygroundTarget;
  /** Absolute path of the client module: the checker's types for `connect` and client exports in a lesson's scope, and their values. */
  clientModule: string;
  /** Where the exercise workspace lives. */
  stateDir: string;
  /** The project root, which the workspace's tsconfig points `pop3-playground` at. */
  projectRoot: string;
  /** How long `.check` may run a file exercise, ms. */
  exerciseTimeoutMs?: number;
}

/**
 * Moves the REPL between lessons and back to a lesson's start: closes the sessions the REPL
 * opened, enters the lesson in the session, gives the prompt the lesson's scope, puts the
 * mailboxes in the lesson's start state and prepares a file exercise's workspace.
 */
export class LessonControl<C extends ReplClient, O extends object> {
  readonly #options: LessonControlOptions<C, O>;
  readonly #sandbox: unknown;
  #client: Promise<Record<string, unknown>> | undefined;

  constructor(options: LessonControlOptions<C, O>) {
    this.#options = options;
    this.#sandbox = frozenConnection(options.target.connection);
  }

  /** Goes to `lesson`: the REPL's sessions closed, then {@link enter}, and the lesson shown when `announce`. */
  async start(lesson: Lesson, announce = true): Promise<void> {
    await this.closeSessions();
    await this.enter(lesson);
    if (announce) this.show(lesson);
  }

  /** Makes `lesson` current with a fresh scope, its mailboxes in their start state and its exercise file ready. */
  async enter(lesson: Lesson): Promise<void> {
    this.#options.session.enter(lesson);
    await this.injectScope(lesson);
    await this.applyState(lesson);
    this.#prepareExercise(lesson);
  }

  /** Prints the lesson: heading, prose, the learner's file, goals. */
  show(lesson: Lesson): void {
    this.#options.screen.lesson(this.#options.session, lesson, this.exercisePaths(lesson)?.file);
  }

  /**
   * A fresh scope for the prompt: `connect`, `sandbox`, the lesson's own names and its exercise.
   * Client exports the lesson names come from the client module, loaded the first time one is.
   */
  async injectScope(lesson: Lesson | undefined): Promise<void> {
    const { evaluator, tracker, clientModule } = this.#options;
    const scope = lesson?.definition.scope ?? [];
    const client = scope.some((entry) => 'clientExport' in entry) ? await this.#loadClient() : {};
    const clientType = (name: string): string => `typeof import(${JSON.stringify(clientModule)}).${name}`;
    evaluator.reset();
    const connect = (connectOptions: O & TrackedConnectOptions): Promise<C> => tracker.connect(connectOptions, 'prompt');
    evaluator.inject('connect', clientType('connect'), connect);
    evaluator.inject('sandbox', SANDBOX_SCOPE_TYPE, this.#sandbox);
    for (const entry of scope) {
      if ('clientExport' in entry) evaluator.inject(entry.name, clientType(entry.clientExport), tracker.recordedExport(entry.clientExport, client[entry.clientExport]));
      else evaluator.inject(entry.name, entry.type, entry.value);
    }
    const paths = this.exercisePaths(lesson);
    if (paths) evaluator.inject('exercise', EXERCISE_SCOPE_TYPE, Object.freeze({ ...paths }));
  }

  /** Puts the mailboxes and faults in the lesson's start state, where the server allows it. */
  async applyState(lesson: Lesson): Promise<void> {
    const { target, screen } = this.#options;
    if (!target.applyState) return;
    try {
      await target.applyState(lesson.definition.start);
    } catch (error) {
      screen.mailboxNotPrepared(error);
    }
  }

  /** Closes raw mode and every client the REPL opened, and waits for the server to let go. */
  async closeSessions(): Promise<void> {
    const { raw, tracker, screen, target } = this.#options;
    if (raw.active) raw.leave(false);
    screen.sessionsClosed(tracker.closeAll());
    await target.settle?.();
  }

  /** Where a lesson's exercise lives, for this state directory (undefined without one). */
  exercisePaths(lesson: Lesson | undefined): ExercisePaths | undefined {
    const exercise = lesson?.definition.exercise;
    return lesson && exercise ? exercisePaths(lesson.dir, exercise, this.#options.stateDir) : undefined;
  }

  /**
   * Runs the learner's file through the lesson's exercise check, in a worker thread; its report
   * lines are shown as they come, and its findings become facts.
   */
  async runExerciseCheck(lesson: Lesson): Promise<void> {
    const { session, screen, tracker, target } = this.#options;
    const exercise = lesson.definition.exercise;
    const paths = this.exercisePaths(lesson);
    if (!exercise || !paths) return;
    await this.closeSessions();
    screen.exercise.running(paths.file);
    // Loaded here, at the first check of a file exercise.
    const { runExercise } = await import('./exercise-runner');
    const facts = await runExercise({
      exercise,
      paths,
      target,
      start: lesson.definition.start,
      signal: tracker.signal,
      onReport: (line) => screen.exercise.report(line),
      ...(this.#options.exerciseTimeoutMs ? { timeoutMs: this.#options.exerciseTimeoutMs } : {}),
    });
    screen.exercise.ran(facts.error);
    session.recordExercise(facts);
  }

  /**
   * Writes the official solution of a file exercise beside the learner's file, as
   * `<file>.solution.ts` (never over the learner's own); returns its path.
   */
  writeSolutionFile(lesson: Lesson): string | undefined {
    const paths = this.exercisePaths(lesson);
    if (!paths) return undefined;
    const target = paths.file.replace(/\.ts$/, '.solution.ts');
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(paths.solution, target);
    return target;
  }

  /** The client module's exports (loaded once; the prompt's `connect` does not need it loaded). */
  #loadClient(): Promise<Record<string, unknown>> {
    this.#client ??= import(this.#options.clientModule) as Promise<Record<string, unknown>>;
    return this.#client;
  }

  /** Copies the template into the workspace when the learner's file is missing; never overwrites it. */
  #prepareExercise(lesson: Lesson): void {
    const paths = this.exercisePaths(lesson);
    if (!paths) return;
    try {
      prepareExerciseFile(paths, this.#options.projectRoot);
    } catch (error) {
      this.#options.screen.exercise.notPrepared(paths.file, error);
    }
  }
}
