import type { FaultSpec } from '../protocol/faults';
import type { TranscriptEntry } from '../protocol/transcript';
import type { GoalDefinition, LessonStartState, MistakeDefinition } from './lesson';

/** The folder under the state directory where exercise files live. */
export const WORKSPACE_DIR = 'workspace';

/** The folder inside the workspace where `.check` leaves what the runs produced, for a look. */
export const CHECK_RUNS_DIR = 'check-runs';

/** The module name exercise files import the client by (`import { connect } from 'pop3-playground'`). */
export const PLAYGROUND_MODULE = 'pop3-playground';

/** The server an exercise runs against: what `sandbox` is at the prompt. */
export interface ExerciseServer {
  readonly host: string;
  readonly port: number;
  readonly ca?: string;
  readonly tlsPort?: number;
  readonly accounts: readonly { readonly name: string; readonly password?: string }[];
}

/** What a lesson's exercise `run` may use while `.check` runs the learner's file. */
export interface ExerciseContext {
  /** The learner's file (absolute path). */
  readonly file: string;
  /**
   * Compiles the file afresh (TypeScript, transpile only, so type errors do not stop it) and
   * runs it; resolves with its exports.
   * @throws ExerciseLoadError (`EXERCISE_LOAD`) when it does not compile or throws while loading.
   */
  load(): Promise<Record<string, unknown>>;
  /** The modules the file can import by name (`pop3-playground`: the client); a check may use them too. */
  readonly modules: Readonly<Record<string, unknown>>;
  readonly server: ExerciseServer;
  /**
   * A new, empty directory for one run (`<workspace>/check-runs/<name>`); kept until the next
   * `.check`, so the learner can look at what their program wrote.
   */
  makeDir(name: string): string;
  /**
   * Puts the sandbox's mailboxes and faults in this state; a mailbox set afresh gets fresh
   * unique-ids. Like every call to the sandbox, a message to the REPL, which runs it.
   */
  applyState(state: LessonStartState | undefined): Promise<void>;
  /** Switches faults on (for every account) or off, leaving the mailboxes as they are. */
  setFaults(faults: FaultSpec | undefined): Promise<void>;
  /** Resolves once the server has let go of every session, so the next login meets no lock. */
  settle(): Promise<void>;
  /** Transcript entries the server logged since `.check` began, oldest first. */
  transcript(): Promise<readonly TranscriptEntry[]>;
  /**
   * Closes every session opened through `modules['pop3-playground']` that is still open (the
   * learner's program left it, without QUIT), so its maildrop lock does not outlive the run;
   * resolves with how many there were.
   */
  closeSessions(): Promise<number>;
  /** A line to show the learner under the check at once (plain text, shown sanitised). */
  report(line: string): void;
  /** Aborted when the check is over (stopped, or finished). */
  readonly signal: AbortSignal;
}

/** The version of the exercise unit format (docs/lesson-format.md, "File exercises"). */
export const EXERCISE_FORMAT_VERSION = 1;

/** The folder inside a lesson folder that holds its file exercises, one folder each. */
export const EXERCISES_DIR = 'exercises';

/** The files of an exercise's folder: its definition, where the learner starts, the official solution. */
export const EXERCISE_FILES = { definition: 'exercise.ts', template: 'template.ts', solution: 'solution.ts' } as const;

/**
 * A file exercise, the default export of `lessons/NN-name/exercises/<id>/exercise.ts`: the
 * learner writes a program in their own editor, and `verify` (or watch mode) runs it against
 * the sandbox through `run`, then judges the goals on what `run` resolved with and on what the
 * server saw (docs/lesson-format.md, "File exercises"). Loaded on Node only, so `run` may use
 * Node's modules; project code reaches it through its context.
 */
export interface ExerciseUnitDefinition {
  formatVersion: 1;
  title: string;
  /** One line for `list`. */
  summary?: string;
  rfc?: readonly string[];
  /** The learner's file name in the workspace, e.g. `apop-digest.ts`: unique among the exercises. */
  file: string;
  /**
   * What the learner's program must do, judged over facts whose `exercise` is the last run
   * (`exercise.result`: what `run` resolved with) and whose `transcript` is what the server saw
   * during it. A verdict's `why` reads as what was expected, its `seen` as what happened.
   */
  goals: readonly GoalDefinition[];
  /** Common mistakes, each with its hint; an `example` is not used here (the tests write the mistaken file). */
  mistakes?: readonly MistakeDefinition[];
  /** How long one run may take before it is stopped (default {@link EXERCISE_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Runs the learner's file; what it resolves with (plain data) is judged by the goals. */
  run: ExerciseCheck;
}

/** How long one run of a file exercise may take unless its definition says otherwise. */
export const EXERCISE_TIMEOUT_MS = 60_000;

/** A loaded file exercise. */
export interface ExerciseUnit {
  /** Its folder name, unique among the exercises (`fetcher`). */
  id: string;
  /** Its position over every exercise, in lesson order, from 1. */
  number: number;
  /** The lesson folder it sits in. */
  lessonId: string;
  /** Its folder (absolute). */
  dir: string;
  definition: ExerciseUnitDefinition;
}

/** The key of an exercise's own entry in progress (`13-capstone-fetcher/fetcher`): never a lesson folder's name. */
export const exerciseProgressKey = (unit: Pick<ExerciseUnit, 'lessonId' | 'id'>): string => `${unit.lessonId}/${unit.id}`;

/**
 * What a check's `run` is: runs the learner's file in a worker thread of its own
 * (docs/lesson-format.md, "File exercises"); what it resolves with (plain data: it is copied
 * out of the worker) becomes `facts.exercise.result`, which the goals judge. What it throws is
 * caught and becomes `facts.exercise.error`.
 */
export type ExerciseCheck = (context: ExerciseContext) => Promise<unknown>;

/** What the last `.check` found when it ran the learner's file. */
export interface ExerciseFacts {
  /** The learner's file. */
  file: string;
  /** Type errors in it, as `file:line:col TSnnnn message` (the run went ahead regardless). */
  typeErrors?: readonly string[];
  /** What the check module's `run` resolved with. */
  result?: unknown;
  /** Why the run did not finish: the file would not load, the run threw, or it timed out. */
  error?: { code: string; message: string };
}

/** Where an exercise lives, in its folder and in the learner's workspace (absolute paths). */
export interface ExercisePaths {
  /** `<state-dir>/workspace`. */
  workspace: string;
  /** The learner's file in the workspace. */
  file: string;
  template: string;
  solution: string;
  /** The module whose default export holds `run` (`exercise.ts`). */
  definition: string;
}
