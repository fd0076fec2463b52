/**
 * A file exercise as a unit of its own (docs/lesson-format.md, "File exercises"): its format's
 * rules, and its goals judged over one run with the lesson engine's own goal evaluation, so
 * verdicts, mistakes, hint tiers and the solution's gate work exactly as in a lesson.
 */
import type { ExerciseFacts, ExerciseUnit, ExerciseUnitDefinition } from './exercise';
import { EXERCISE_FORMAT_VERSION } from './exercise';
import { createFacts } from './facts';
import type { Facts } from './facts';
import { allGoalsMet, evaluateGoals, findMistake, goalDone, nextHint } from './goals';
import type { GoalResult, NextHint } from './goals';
import type { Lesson, MistakeDefinition } from './lesson';
import { LessonFormatError, validateLessonDefinition } from './lesson-format';
import type { LessonProgress } from './progress';
import type { TranscriptEntry } from '../protocol/transcript';

const UNIT_KEYS = new Set(['formatVersion', 'title', 'summary', 'rfc', 'file', 'goals', 'mistakes', 'timeoutMs', 'run']);

/**
 * Checks an exercise definition against the format: the goals and mistakes by the lesson
 * format's own rules, plus a file name, at least one goal, hints for every goal and a `run`.
 * @throws LessonFormatError naming the first field at fault.
 */
export function validateExerciseDefinition(value: unknown): asserts value is ExerciseUnitDefinition {
  const fail = (detail: string): never => {
    throw new LessonFormatError(detail);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('the default export must be an exercise object (export default exercise)');
  const unit = value as Record<string, unknown>;
  for (const key of Object.keys(unit)) if (!UNIT_KEYS.has(key)) fail(`unknown field "${key}"`);
  if (unit.formatVersion !== EXERCISE_FORMAT_VERSION) fail(`formatVersion must be ${EXERCISE_FORMAT_VERSION}, got ${JSON.stringify(unit.formatVersion)}`);
  const { file, run, timeoutMs, ...lessonLike } = unit;
  validateLessonDefinition(lessonLike);
  // A plain file name: the learner's files all live directly in the workspace folder.
  if (typeof file !== 'string' || !/^[\w.-]+\.ts$/.test(file) || file.endsWith('.solution.ts')) fail('file must be a file name ending in .ts, e.g. "apop-digest.ts"');
  if (typeof run !== 'function') fail('run must be a function (context) => Promise<result>');
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs > 0))) fail('timeoutMs must be a positive number of milliseconds');
  const goals = (unit.goals ?? []) as readonly { id: string; hints?: readonly string[] }[];
  if (goals.length === 0) fail('goals must list at least one goal');
  for (const goal of goals) if ((goal.hints ?? []).length === 0) fail(`goal "${goal.id}" needs at least one hint`);
}

/** The exercise as the lesson engine's goal functions see a lesson (goals and mistakes only). */
function asLesson(unit: ExerciseUnit): Lesson {
  const { title, goals, mistakes } = unit.definition;
  return { id: unit.id, number: unit.number, dir: unit.dir, markdown: '', definition: { formatVersion: 1, title, goals, ...(mistakes ? { mistakes } : {}) } };
}

/** The facts an exercise's goals judge: the run (`exercise`) and what the server saw during it (`transcript`). */
export function exerciseFacts(run: ExerciseFacts | undefined, transcript: readonly TranscriptEntry[] = []): Facts {
  return createFacts({ transcript, values: [], ...(run ? { exercise: run } : {}) });
}

/** The verdict on one run of an exercise. */
export interface ExerciseJudgement {
  results: GoalResult[];
  /** Every goal done, in this run or an earlier one. */
  passed: boolean;
  /** Every goal met by this run itself. */
  passedNow: boolean;
  /** The first goal not met by this run, with its expected (`why`) and actual (`seen`) clauses. */
  divergence?: GoalResult;
  /** The common mistake this run made, if one (its hint). */
  mistake?: MistakeDefinition;
}

/**
 * Judges one run: every goal, the first divergence, and the first common mistake whose goal
 * is not done. `progress` (the exercise's entry) says which goals were met before.
 */
export function judgeExercise(unit: ExerciseUnit, facts: Facts, progress: LessonProgress | undefined): ExerciseJudgement {
  const lesson = asLesson(unit);
  const results = evaluateGoals(lesson, facts).map((r) => (!r.met && progress?.goals[r.id]?.met ? { ...r, metBefore: true } : r));
  const divergence = results.find((r) => !r.met);
  const mistake = findMistake(lesson, facts, new Set(), results);
  return {
    results,
    passed: allGoalsMet(results),
    passedNow: divergence === undefined,
    ...(divergence ? { divergence } : {}),
    ...(mistake ? { mistake } : {}),
  };
}

/** The next hint for the first goal not done, after the tiers `progress` has shown; undefined when none is left. */
export function nextExerciseHint(unit: ExerciseUnit, results: readonly GoalResult[], progress: LessonProgress | undefined): NextHint | undefined {
  return nextHint(asLesson(unit), results, progress?.hints ?? {});
}

/**
 * Whether the official solution may be shown: after a pass, or once every hint of the first
 * goal not done was shown (as a lesson's grouped solution opens).
 */
export function solutionOpen(unit: ExerciseUnit, results: readonly GoalResult[], progress: LessonProgress | undefined): boolean {
  if (progress?.status === 'done') return true;
  const unmet = results.find((r) => !goalDone(r));
  if (!unmet) return results.length > 0;
  const tiers = unit.definition.goals.find((g) => g.id === unmet.id)?.hints?.length ?? 0;
  return (progress?.hints[unmet.id] ?? 0) >= tiers;
}
