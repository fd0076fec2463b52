import { CodedError } from '../../protocol/errors';
import type { ExerciseCheck } from '../exercise';
import { defaultExport } from './lesson-folders';

/** An exercise's definition module that would not load, or has no `run`. */
export class ExerciseCheckError extends CodedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EXERCISE_CHECK', message, options);
  }
}

/**
 * Loads the `run` of an exercise's definition module (`exercise.ts`, its default export) at
 * verify time, on Node (docs/lesson-format.md, "File exercises").
 * @throws ExerciseCheckError when it does not load or has no `run` function.
 */
export async function loadExerciseCheck(definitionFile: string): Promise<ExerciseCheck> {
  let loaded: unknown;
  try {
    loaded = await import(definitionFile);
  } catch (error) {
    throw new ExerciseCheckError(`the exercise's ${definitionFile} did not load: ${(error as Error)?.message ?? String(error)}`, { cause: error });
  }
  const run = (defaultExport(loaded) as { run?: unknown } | null)?.run;
  if (typeof run !== 'function') throw new ExerciseCheckError(`the exercise's ${definitionFile} has no function run(context) in its default export`);
  return run as ExerciseCheck;
}
