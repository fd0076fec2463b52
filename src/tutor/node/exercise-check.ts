import * as path from 'node:path';
import { CodedError } from '../../protocol/errors';
import type { ExerciseCheck, ExerciseDefinition } from '../exercise';

/** A lesson's check module that would not load, or does not export `run`. */
export class ExerciseCheckError extends CodedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EXERCISE_CHECK', message, options);
  }
}

/**
 * Loads the check module a file exercise names (docs/lesson-format.md, "File exercises"), at
 * `.check` time: it may use Node's modules, so the lesson never imports it.
 * @throws ExerciseCheckError when it does not load or has no `run` function.
 */
export async function loadExerciseCheck(lessonDir: string, exercise: Pick<ExerciseDefinition, 'check'>): Promise<ExerciseCheck> {
  let loaded: unknown;
  try {
    loaded = await import(path.join(lessonDir, exercise.check));
  } catch (error) {
    throw new ExerciseCheckError(`the lesson's check module ${exercise.check} did not load: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  const run = (loaded as { run?: unknown } | null)?.run;
  if (typeof run !== 'function') throw new ExerciseCheckError(`the lesson's check module ${exercise.check} does not export a function run(context)`);
  return run as ExerciseCheck;
}
