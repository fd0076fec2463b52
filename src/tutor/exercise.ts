import type { FaultSpec } from '../protocol/faults';
import type { TranscriptEntry } from '../protocol/transcript';
import type { LessonStartState } from './lesson';

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

/**
 * A file exercise: the learner writes a program in their workspace, and `.check` runs it
 * (docs/lesson-format.md, "File exercises").
 */
export interface ExerciseDefinition {
  /** The file's name in the workspace, e.g. `fetcher.ts`. */
  file: string;
  /** Where the learner starts, relative to the lesson folder: copied in when the file is missing. */
  template: string;
  /** The official solution, relative to the lesson folder. */
  solution: string;
  /**
   * The check module, relative to the lesson folder (e.g. `check.ts`): it exports
   * {@link ExerciseCheck} `run`, which `.check` calls. The lesson names it and never imports it,
   * since it reads what the learner's program wrote with Node's modules; the Node front end
   * loads it when `.check` runs.
   */
  check: string;
}

/**
 * What a check module exports as `run`: runs the learner's file when `.check` runs, in a worker
 * thread of its own (docs/lesson-format.md, "File exercises"); what it resolves with (plain
 * data: it is copied out of the worker) becomes `facts.exercise.result`, which the goals judge.
 * What it throws is caught and becomes `facts.exercise.error`.
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

/** Where a lesson's exercise lives, in the lesson folder and in the learner's workspace. */
export interface ExercisePaths {
  /** `<state-dir>/workspace`. */
  workspace: string;
  /** The learner's file in the workspace. */
  file: string;
  template: string;
  solution: string;
  /** The lesson folder. */
  lessonDir: string;
}

/** The TypeScript type of the `exercise` name the REPL puts in scope for a file exercise. */
export const EXERCISE_SCOPE_TYPE =
  '{ readonly file: string; readonly workspace: string; readonly template: string; readonly solution: string; readonly lessonDir: string }';
