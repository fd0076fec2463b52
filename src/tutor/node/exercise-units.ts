import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { EXERCISE_FILES, EXERCISES_DIR } from '../exercise';
import type { ExerciseUnit } from '../exercise';
import { validateExerciseDefinition } from '../exercise-unit';
import type { Lesson } from '../lesson';
import type { LessonProblem } from '../lesson-format';
import { defaultExport, exerciseImportRule } from './lesson-folders';
import { checkLessonImports, LessonImportError } from './lesson-imports';

/** What loading the exercises found: those that loaded, in lesson order, and the problems with the others. */
export interface LoadedExercises {
  exercises: ExerciseUnit[];
  problems: LessonProblem[];
}

/**
 * Loads every file exercise beside the lessons (`<lesson>/exercises/<id>/exercise.ts`), in
 * lesson order and by folder name within a lesson, numbered from 1. A broken exercise is
 * reported in `problems` with its path and the reason, and the others still load.
 */
export async function loadExercises(lessons: readonly Pick<Lesson, 'id' | 'dir'>[]): Promise<LoadedExercises> {
  const exercises: ExerciseUnit[] = [];
  const problems: LessonProblem[] = [];
  const files = new Map<string, string>();
  const ids = new Set<string>();
  const checked = new Set<string>();
  for (const lesson of lessons) {
    const root = path.join(lesson.dir, EXERCISES_DIR);
    for (const id of subfolders(root)) {
      const dir = path.join(root, id);
      const modulePath = path.join(dir, EXERCISE_FILES.definition);
      try {
        if (!/^[\w-]+$/.test(id)) throw new UnitError(dir, 'an exercise folder name must be a word (letters, digits, - or _)');
        if (ids.has(id)) throw new UnitError(dir, `another exercise is called "${id}" too: exercise folder names are unique`);
        for (const name of Object.values(EXERCISE_FILES)) {
          if (!existsSync(path.join(dir, name))) throw new UnitError(path.join(dir, name), `is missing (an exercise folder holds ${Object.values(EXERCISE_FILES).join(', ')})`);
        }
        // Checked before importing, like a lesson: an exercise that breaks the rule never runs.
        const realDir = realpathSync(dir);
        checkLessonImports(path.join(realDir, EXERCISE_FILES.definition), exerciseImportRule(realDir, path.dirname(realpathSync(lesson.dir))), checked);
        let loaded: unknown;
        try {
          loaded = await import(modulePath);
        } catch (error) {
          throw new UnitError(modulePath, `cannot be loaded: ${describe(error)}`);
        }
        const definition = defaultExport(loaded);
        try {
          validateExerciseDefinition(definition);
        } catch (error) {
          throw new UnitError(modulePath, describe(error));
        }
        const other = files.get(definition.file);
        if (other) throw new UnitError(modulePath, `file "${definition.file}" is the file of exercise "${other}" too: the learner's files share one workspace`);
        files.set(definition.file, id);
        ids.add(id);
        exercises.push({ id, number: exercises.length + 1, lessonId: lesson.id, dir, definition });
      } catch (error) {
        const at = error instanceof UnitError || error instanceof LessonImportError ? error.file : dir;
        problems.push({ path: at, reason: describe(error) });
      }
    }
  }
  return { exercises, problems };
}

/**
 * Finds an exercise by number (`3`), id (`apop-digest`) or learner's file name (`apop-digest.ts`);
 * undefined when none matches.
 */
export function findExercise(exercises: readonly ExerciseUnit[], query: string): ExerciseUnit | undefined {
  const q = query.trim().toLowerCase();
  if (/^\d+$/.test(q)) return exercises.find((e) => e.number === Number(q));
  return exercises.find((e) => e.id.toLowerCase() === q || e.definition.file.toLowerCase() === q);
}

class UnitError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.file = file;
  }
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => statSync(path.join(dir, name)).isDirectory())
      .sort();
  } catch {
    return [];
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
