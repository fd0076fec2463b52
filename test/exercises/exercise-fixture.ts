import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startEmbeddedTarget } from '../../src/cli';
import type { EmbeddedTarget } from '../../src/cli';
import { ExerciseTrack } from '../../src/exercises/exercise-track';
import type { VerifyOutcome } from '../../src/exercises/exercise-track';
import { exerciseProgressKey } from '../../src/tutor';
import type { ExerciseUnit } from '../../src/tutor';
import { FileProgressStore, loadExercises, PROGRESS_FILE } from '../../src/tutor/node';
import { loadCourse } from '../lessons/lesson-attempt';
import { makeStateDir, ROOT } from '../helpers/repl-streams';

export { makeStateDir, ROOT };

/** Where the other correct solutions and the mistaken files of each exercise live: `<dir>/<exercise id>/<name>.ts`. */
export const ALTERNATIVES_DIR = path.join(__dirname, 'alternatives');
export const MISTAKES_DIR = path.join(__dirname, 'mistakes');

/** The `.ts` files of `<dir>/<id>/`, by name without the extension. */
export function filesOf(dir: string, id: string): { name: string; file: string }[] {
  try {
    return readdirSync(path.join(dir, id))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => ({ name: f.replace(/\.ts$/, ''), file: path.join(dir, id, f) }));
  } catch {
    return [];
  }
}

/** The shipped exercises. */
export async function loadShippedExercises(): Promise<ExerciseUnit[]> {
  const course = await loadCourse();
  const { exercises, problems } = await loadExercises(course.lessons);
  if (problems.length > 0) throw new Error(problems.map((p) => `${p.path}: ${p.reason}`).join('\n'));
  return exercises;
}

/** A track on a fresh embedded sandbox and a fresh state directory. */
export interface TrackFixture {
  embedded: EmbeddedTarget;
  track: ExerciseTrack;
  stateDir: string;
  /**
   * Writes `source` as the learner's file of `unit`, verifies it, and returns what was found
   * (report lines too); with `fresh` (the default) the exercise's progress is forgotten first,
   * as a goal met before silences its mistakes' hints.
   */
  verifyWith(unit: ExerciseUnit, source: string, fresh?: boolean): Promise<VerifyOutcome & { reports: string[] }>;
  close(): Promise<void>;
}

export async function startTrack(exercises: readonly ExerciseUnit[], options: { typecheck?: boolean; timeoutMs?: number; stateDir?: string; embedded?: EmbeddedTarget } = {}): Promise<TrackFixture> {
  const embedded = options.embedded ?? (await startEmbeddedTarget());
  const stateDir = options.stateDir ?? makeStateDir();
  const store = new FileProgressStore(path.join(stateDir, PROGRESS_FILE));
  const track = new ExerciseTrack({
    exercises,
    target: embedded.target,
    stateDir,
    projectRoot: ROOT,
    store,
    typecheck: options.typecheck ?? false,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return {
    embedded,
    track,
    stateDir,
    async verifyWith(unit, source, fresh = true) {
      if (fresh) {
        const progress = store.load();
        delete progress.lessons[exerciseProgressKey(unit)];
        store.replace(progress);
      }
      writeFileSync(track.prepare(unit).file, source);
      const reports: string[] = [];
      const outcome = await track.verify(unit, (line) => reports.push(line));
      return { ...outcome, reports };
    },
    close: () => (options.embedded ? Promise.resolve() : embedded.close()),
  };
}
