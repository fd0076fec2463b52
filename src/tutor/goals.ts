import type { Facts } from './facts';
import type { Lesson, MistakeDefinition } from './lesson';

/** The verdict on one goal. */
export interface GoalResult {
  id: string;
  text: string;
  met: boolean;
  /** Set when the check threw: the goal counts as not met, and the author should know why. */
  error?: unknown;
}

/**
 * Runs every goal's check over the facts. A check that throws counts as not met (its error
 * is kept for `--debug`), so one broken check never stops the others.
 */
export function evaluateGoals(lesson: Lesson, facts: Facts): GoalResult[] {
  return (lesson.definition.goals ?? []).map((goal) => {
    try {
      return { id: goal.id, text: goal.text, met: goal.check(facts) === true };
    } catch (error) {
      return { id: goal.id, text: goal.text, met: false, error };
    }
  });
}

/** True when every goal is met (a reading-only lesson is always complete). */
export function allGoalsMet(results: readonly GoalResult[]): boolean {
  return results.every((r) => r.met);
}

/**
 * The first common mistake whose predicate holds and whose hint has not been shown yet.
 * Predicates that throw are skipped.
 */
export function findMistake(lesson: Lesson, facts: Facts, alreadyShown: ReadonlySet<string>): MistakeDefinition | undefined {
  for (const mistake of lesson.definition.mistakes ?? []) {
    if (alreadyShown.has(mistake.id)) continue;
    try {
      if (mistake.when(facts)) return mistake;
    } catch {
      // A broken predicate must not break the lesson.
    }
  }
  return undefined;
}

/** What `.hint` shows next: the goal it is about and the hint text, or nothing left. */
export interface NextHint {
  goalId: string;
  goalText: string;
  /** 1-based tier of this hint, and how many the goal has. */
  tier: number;
  tiers: number;
  text: string;
}

/**
 * Picks the next hint: for the first unmet goal, the tier after those already shown.
 * Returns undefined when every goal is met or the goal has no more hints.
 */
export function nextHint(lesson: Lesson, results: readonly GoalResult[], shown: Readonly<Record<string, number>>): NextHint | undefined {
  const unmet = results.find((r) => !r.met);
  if (!unmet) return undefined;
  const goal = (lesson.definition.goals ?? []).find((g) => g.id === unmet.id);
  const hints = goal?.hints ?? [];
  const already = shown[unmet.id] ?? 0;
  const text = hints[already];
  if (text === undefined) return undefined;
  return { goalId: unmet.id, goalText: unmet.text, tier: already + 1, tiers: hints.length, text };
}

/**
 * How much of the solution to show: all of it after a pass; before that, one more line per
 * failed `.check` beyond the first, so the answer unfolds gradually.
 */
export function solutionLinesAllowed(lesson: Lesson, passed: boolean, failedChecks: number): number {
  const total = (lesson.definition.solution ?? []).length;
  if (passed) return total;
  return Math.max(0, Math.min(total, failedChecks - 1));
}
