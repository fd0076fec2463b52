import { PROGRESS_FORMAT_VERSION } from './progress';
import type { GoalProgress, LessonProgress, Progress } from './progress';

/**
 * Merges two copies of progress, so that two writers (the REPL and a second tool) never lose
 * each other's updates: per lesson, done wins, the earliest completedAt and firstMetAt are
 * kept, counts and hint tiers take the highest, and `met` stays true once true. Lessons only
 * one side knows are kept; `current` is `mine` when it has one. Fields this version does not
 * know are kept, `stored`'s where both have them.
 */
export function mergeProgress(stored: Progress, mine: Progress): Progress {
  const lessons: Record<string, LessonProgress> = { ...stored.lessons };
  for (const [id, lesson] of Object.entries(mine.lessons)) {
    const other = stored.lessons[id];
    lessons[id] = other ? mergeLesson(other, lesson) : lesson;
  }
  const current = mine.current ?? stored.current;
  return { ...mine, ...stored, formatVersion: PROGRESS_FORMAT_VERSION, ...(current !== undefined ? { current } : {}), lessons };
}

function mergeLesson(stored: LessonProgress, mine: LessonProgress): LessonProgress {
  const goals: Record<string, GoalProgress> = { ...stored.goals };
  for (const [id, goal] of Object.entries(mine.goals)) {
    const other = stored.goals[id];
    goals[id] = other ? mergeGoal(other, goal) : goal;
  }
  const completedAt = earliest(stored.completedAt, mine.completedAt);
  return {
    ...mine,
    ...stored,
    status: stored.status === 'done' || mine.status === 'done' ? 'done' : 'started',
    ...(completedAt !== undefined ? { completedAt } : {}),
    hints: highest(stored.hints, mine.hints),
    failedChecks: Math.max(stored.failedChecks, mine.failedChecks),
    goals,
  };
}

function mergeGoal(stored: GoalProgress, mine: GoalProgress): GoalProgress {
  const firstMetAt = earliest(stored.firstMetAt, mine.firstMetAt);
  return {
    ...mine,
    ...stored,
    met: stored.met || mine.met,
    ...(firstMetAt !== undefined ? { firstMetAt } : {}),
    checks: Math.max(stored.checks, mine.checks),
    hintsShown: Math.max(stored.hintsShown, mine.hintsShown),
  };
}

/** The earlier of two ISO times (compared as times; one that does not parse loses). */
function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta)) return b;
  if (Number.isNaN(tb)) return a;
  return tb < ta ? b : a;
}

/** Per key, the higher of two counts. */
function highest(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [key, n] of Object.entries(b)) out[key] = Math.max(out[key] ?? 0, n);
  return out;
}
