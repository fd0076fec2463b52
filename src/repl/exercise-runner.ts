import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as playground from '../index';
import { CodedError } from '../protocol/errors';
import type { FaultSpec } from '../protocol/faults';
import type { TranscriptEntry } from '../protocol/transcript';
import { CHECK_RUNS_DIR, PLAYGROUND_MODULE } from '../tutor';
import { loadExerciseCheck } from '../tutor/node/exercise-check';
import type { ExerciseContext, ExerciseDefinition, ExerciseFacts, ExercisePaths, LessonStartState } from '../tutor';
import { loadExerciseModule } from './exercise-module';
import type { PlaygroundTarget } from './target';

/** How long one `.check` of a file exercise may run before it is stopped. */
export const EXERCISE_TIMEOUT_MS = 60_000;

/** The project root, where packages the exercise imports are found when not beside it. */
const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** The modules an exercise file imports by name: the client, as `pop3-playground`. */
export const DEFAULT_EXERCISE_MODULES: Readonly<Record<string, unknown>> = Object.freeze({ [PLAYGROUND_MODULE]: playground });

/** Options of {@link runExercise}. */
export interface RunExerciseOptions {
  exercise: ExerciseDefinition;
  paths: ExercisePaths;
  target: PlaygroundTarget;
  /** The lesson's start state, put back once the run is over. */
  start: LessonStartState | undefined;
  /** Cancels the run (Ctrl-C). */
  signal?: AbortSignal;
  timeoutMs?: number;
  modules?: Readonly<Record<string, unknown>>;
}

/** What a run found, and the lines it asked to show. */
export interface ExerciseRunOutcome {
  facts: ExerciseFacts;
  reports: string[];
}

/**
 * Runs a lesson's exercise check over the learner's file: the `run` of the lesson's check module
 * drives it against the server. Never throws: a failure becomes `facts.error`. Afterwards the sandbox is put
 * back in the lesson's start state.
 */
export async function runExercise(options: RunExerciseOptions): Promise<ExerciseRunOutcome> {
  const { exercise, paths, target } = options;
  const reports: string[] = [];
  if (!target.applyState || !target.setFaults) {
    // The check arranges mailboxes and faults, which only the embedded sandbox lets it do.
    const message = 'this check needs the sandbox the playground starts itself (it arranges mailboxes and faults): start without --server';
    return { facts: { file: paths.file, error: { code: 'EXERCISE_NEEDS_SANDBOX', message } }, reports };
  }
  const entries: TranscriptEntry[] = [];
  const onEntry = (entry: TranscriptEntry): void => {
    entries.push(entry);
  };
  target.log?.on('entry', onEntry);
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? EXERCISE_TIMEOUT_MS;
  const stop = (reason: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onAbort = (): void => stop(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => stop(new ExerciseTimeoutError(timeoutMs)), timeoutMs);
  timer.unref?.();

  const runsDir = path.join(paths.workspace, CHECK_RUNS_DIR);
  rmSync(runsDir, { recursive: true, force: true });
  const modules = options.modules ?? DEFAULT_EXERCISE_MODULES;
  // A run stopped by Ctrl-C or the time limit may still be going: it must not touch the sandbox
  // or the workspace once the REPL has moved on.
  const guard = (): void => {
    if (controller.signal.aborted) throw controller.signal.reason;
  };
  const context: ExerciseContext = {
    file: paths.file,
    load: async () => {
      guard();
      return loadExerciseModule(paths.file, { modules, fallbackDir: PROJECT_ROOT });
    },
    modules,
    server: target.connection,
    makeDir(name) {
      guard();
      const dir = path.join(runsDir, name.replace(/[^\w.-]+/g, '-'));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    applyState: async (state) => {
      guard();
      await target.applyState?.(state);
    },
    setFaults(faults: FaultSpec | undefined) {
      guard();
      target.setFaults?.(faults);
    },
    settle: async () => {
      await target.settle?.();
    },
    transcript: () => [...entries],
    report(line) {
      reports.push(line);
    },
    signal: controller.signal,
  };

  const facts: ExerciseFacts = { file: paths.file };
  try {
    const aborted = new Promise<never>((_, reject) => {
      if (controller.signal.aborted) reject(controller.signal.reason);
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    const check = await loadExerciseCheck(paths.lessonDir, exercise);
    facts.result = await Promise.race([check(context), aborted]);
  } catch (error) {
    facts.error = {
      code: typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : (error as Error)?.name ?? 'Error',
      message: (error as Error)?.message ?? String(error),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    stop(new Error('the check is over'));
    target.log?.off('entry', onEntry);
    try {
      await target.settle?.();
      await target.applyState?.(options.start);
    } catch {
      // The REPL reports trouble with the lesson's state when the lesson starts again.
    }
  }
  return { facts, reports };
}

/** The check ran longer than its limit (a learner's program that never finishes). */
export class ExerciseTimeoutError extends CodedError {
  constructor(timeoutMs: number) {
    super('EXERCISE_TIMEOUT', `the check was stopped after ${timeoutMs / 1000} s: does the program wait for something that never comes?`);
  }
}
