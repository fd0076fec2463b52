import { CodedError } from '../protocol/errors';

/** The version of the progress format this engine writes (docs/lesson-format.md, "Progress"). */
export const PROGRESS_FORMAT_VERSION = 2;

/** The versions it reads: 1 is upgraded in memory and written as 2 on the next save. */
const READABLE_VERSIONS: readonly unknown[] = [1, PROGRESS_FORMAT_VERSION];

/** Where one goal of a lesson stands. */
export interface GoalProgress {
  /** Met at least once; it stays true (progress is never taken back). */
  met: boolean;
  /** ISO time the goal was first seen met. */
  firstMetAt?: string;
  /** `.check` runs that judged this goal unmet. */
  checks: number;
  /** Hint tiers shown for it. */
  hintsShown: number;
}

/** Where one lesson stands. */
export interface LessonProgress {
  status: 'started' | 'done';
  /** ISO time the lesson was first passed. */
  completedAt?: string;
  /** Hint tiers already shown, per goal id. */
  hints: Record<string, number>;
  /** `.check` runs that found unmet goals (unlocks the solution gradually). */
  failedChecks: number;
  /** Per goal id: met, checks that found it unmet, hints shown. */
  goals: Record<string, GoalProgress>;
}

/**
 * The whole progress: small, human-readable JSON that can be copied between machines. Unknown
 * lessons and fields in it are kept (they ride along on the objects), so switching lesson
 * packs, or a newer version of the playground, loses nothing.
 */
export interface Progress {
  formatVersion: 2;
  /** The lesson to resume at (a folder name). */
  current?: string;
  lessons: Record<string, LessonProgress>;
}

/** Thrown when stored progress exists but cannot be read as progress. */
export class ProgressFileError extends CodedError {
  constructor(source: string, detail: string) {
    super('PROGRESS_FILE', `${source}: ${detail}`);
  }
}

/** A fresh, empty progress value. */
export function emptyProgress(): Progress {
  return { formatVersion: PROGRESS_FORMAT_VERSION, lessons: {} };
}

/**
 * Reads progress from its JSON text, format 1 or 2 (1 is upgraded: each hinted goal gets an
 * entry, met when the lesson is done). Malformed entries are dropped rather than failing;
 * fields this version does not know are kept.
 * @throws ProgressFileError (naming `source`) when the text is not progress.
 */
export function parseProgress(text: string, source: string): Progress {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ProgressFileError(source, `not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw new ProgressFileError(source, 'expected a JSON object');
  const { formatVersion, current, lessons, ...extra } = parsed;
  if (!READABLE_VERSIONS.includes(formatVersion)) throw new ProgressFileError(source, `formatVersion must be 1 or ${PROGRESS_FORMAT_VERSION}`);
  const progress: Progress = { ...extra, formatVersion: PROGRESS_FORMAT_VERSION, ...(typeof current === 'string' ? { current } : {}), lessons: {} };
  for (const [id, raw] of Object.entries(isRecord(lessons) ? lessons : {})) {
    if (isRecord(raw)) progress.lessons[id] = parseLesson(raw);
  }
  return progress;
}

function parseLesson(raw: Record<string, unknown>): LessonProgress {
  const { status, completedAt, hints, failedChecks, goals, ...extra } = raw;
  const done = status === 'done';
  const tiers: Record<string, number> = {};
  for (const [goal, n] of Object.entries(isRecord(hints) ? hints : {})) {
    const tier = count(n);
    if (tier !== undefined) tiers[goal] = tier;
  }
  const goalEntries: Record<string, GoalProgress> = {};
  if (isRecord(goals)) {
    for (const [id, g] of Object.entries(goals)) if (isRecord(g)) goalEntries[id] = parseGoal(g);
  } else {
    // Format 1 had no goals: its hint tiers are what is known of them.
    for (const [id, tier] of Object.entries(tiers)) goalEntries[id] = { met: done, checks: 0, hintsShown: tier };
  }
  return {
    ...extra,
    status: done ? 'done' : 'started',
    ...(typeof completedAt === 'string' ? { completedAt } : {}),
    hints: tiers,
    failedChecks: count(failedChecks) ?? 0,
    goals: goalEntries,
  };
}

function parseGoal(raw: Record<string, unknown>): GoalProgress {
  const { met, firstMetAt, checks, hintsShown, ...extra } = raw;
  return {
    ...extra,
    met: met === true,
    ...(typeof firstMetAt === 'string' ? { firstMetAt } : {}),
    checks: count(checks) ?? 0,
    hintsShown: count(hintsShown) ?? 0,
  };
}

/** A whole, non-negative number, or undefined. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 ? Math.floor(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Progress as the JSON text it is stored in. */
export function formatProgress(progress: Progress): string {
  return `${JSON.stringify(progress, null, 2)}\n`;
}

/** The entry for a lesson, created as `started` when missing. */
export function lessonProgress(progress: Progress, id: string): LessonProgress {
  let entry = progress.lessons[id];
  if (!entry) {
    entry = { status: 'started', hints: {}, failedChecks: 0, goals: {} };
    progress.lessons[id] = entry;
  }
  return entry;
}

/** The entry for a goal of a lesson, created (not met, nothing counted) when missing. */
export function goalProgress(lesson: LessonProgress, goalId: string): GoalProgress {
  let entry = lesson.goals[goalId];
  if (!entry) {
    entry = { met: false, checks: 0, hintsShown: 0 };
    lesson.goals[goalId] = entry;
  }
  return entry;
}

/** Marks a lesson done (once; the first completion time is kept). */
export function markDone(progress: Progress, id: string, now: Date = new Date()): void {
  const entry = lessonProgress(progress, id);
  if (entry.status !== 'done') {
    entry.status = 'done';
    entry.completedAt = now.toISOString();
  }
}

/**
 * Records the verdicts of one evaluation of a lesson's goals: a goal met for the first time
 * gets `met` and `firstMetAt`; with `explicit` (a `.check`), each unmet goal counts one more
 * check. Returns true when anything changed.
 */
export function recordGoalVerdicts(lesson: LessonProgress, verdicts: readonly { id: string; met: boolean }[], explicit: boolean, now: Date = new Date()): boolean {
  let changed = false;
  for (const verdict of verdicts) {
    if (verdict.met) {
      const known = lesson.goals[verdict.id];
      if (known?.met) continue;
      const goal = known ?? goalProgress(lesson, verdict.id);
      goal.met = true;
      goal.firstMetAt = now.toISOString();
      changed = true;
    } else if (explicit) {
      goalProgress(lesson, verdict.id).checks++;
      changed = true;
    }
  }
  return changed;
}

/** Records that hint tier `tier` of a goal was shown (tiers only go up). */
export function recordHintShown(lesson: LessonProgress, goalId: string, tier: number): void {
  lesson.hints[goalId] = Math.max(lesson.hints[goalId] ?? 0, tier);
  const goal = goalProgress(lesson, goalId);
  goal.hintsShown = Math.max(goal.hintsShown, tier);
}
