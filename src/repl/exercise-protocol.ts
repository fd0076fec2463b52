/**
 * The messages between the REPL and the worker thread a file exercise's check runs in
 * (docs/lesson-format.md, "File exercises"): the worker asks the REPL to act on its sandbox,
 * streams report lines, and ends with what it found. Everything crosses by structured clone.
 */
import type { FaultSpec } from '../protocol/faults';
import type { TranscriptEntry } from '../protocol/transcript';
import type { ExerciseFacts, ExercisePaths, ExerciseServer } from '../tutor/exercise';
import type { LessonStartState } from '../tutor/lesson';

/** What the worker is started with. */
export interface ExerciseWorkerData {
  paths: ExercisePaths;
  server: ExerciseServer;
  /** Where packages the learner's file imports are found when not beside it. */
  projectRoot: string;
  /** Type-check the learner's file before the run. */
  typecheck: boolean;
}

/** A call the worker makes on the REPL's sandbox. */
export type SandboxCall =
  | { method: 'applyState'; state: LessonStartState | undefined }
  | { method: 'setFaults'; faults: FaultSpec | undefined }
  | { method: 'settle' }
  | { method: 'transcript' };

/** From the worker. */
export type WorkerMessage =
  | { type: 'call'; id: number; call: SandboxCall }
  | { type: 'report'; line: string }
  | { type: 'done'; facts: Omit<ExerciseFacts, 'file'> };

/** From the REPL: the answer to a call. */
export type ReplMessage = { type: 'answer'; id: number; value?: readonly TranscriptEntry[]; error?: string };
