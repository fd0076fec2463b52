import type { Facts } from './facts';
import { solutionLines, solutionSteps } from './lesson';
import type { CheckResult, Lesson, MistakeDefinition } from './lesson';

/** The verdict on one goal. */
export interface GoalResult {
  id: string;
  text: string;
  /** Met by what happened in this visit to the lesson. */
  met: boolean;
  /** Not met now, but met before (an earlier visit, or before a reset): progress keeps it. */
  metBefore?: boolean;
  /** Why it is not met, when its check says. */
  why?: string;
  /** What did happen on the way, when its check says. */
  seen?: string;
  /** Set when the check threw: the goal counts as not met, and the author should know why. */
  error?: unknown;
}

/** True when the goal is done: met now, or before. */
export const goalDone = (result: GoalResult): boolean => result.met || result.metBefore === true;

/**
 * Runs every goal's check over the facts. A check that throws counts as not met (its error
 * is kept for `--debug`), so one broken check never stops the others.
 */
export function evaluateGoals(lesson: Lesson, facts: Facts): GoalResult[] {
  return (lesson.definition.goals ?? []).map((goal) => {
    try {
      return { id: goal.id, text: goal.text, ...verdict(goal.check(facts)) };
    } catch (error) {
      return { id: goal.id, text: goal.text, met: false, error };
    }
  });
}

function verdict(result: CheckResult): { met: boolean; why?: string; seen?: string } {
  if (typeof result !== 'object' || result === null) return { met: result === true };
  if (result.met === true) return { met: true };
  return { met: false, ...(result.why ? { why: result.why } : {}), ...(result.seen ? { seen: result.seen } : {}) };
}

/** True when every goal is done, now or before (a reading-only lesson is always complete). */
export function allGoalsMet(results: readonly GoalResult[]): boolean {
  return results.every(goalDone);
}

/**
 * The first common mistake whose predicate holds now, whose hint has not been shown yet, and
 * whose goal (when it names one) is not done. Predicates that throw are skipped.
 */
export function findMistake(lesson: Lesson, facts: Facts, alreadyShown: ReadonlySet<string>, results: readonly GoalResult[] = []): MistakeDefinition | undefined {
  const done = new Set(results.filter(goalDone).map((r) => r.id));
  for (const mistake of lesson.definition.mistakes ?? []) {
    if (alreadyShown.has(mistake.id) || (mistake.goal !== undefined && done.has(mistake.goal))) continue;
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
 * Picks the next hint: for the first goal not done, the tier after those already shown.
 * Returns undefined when every goal is done or the goal has no more hints.
 */
export function nextHint(lesson: Lesson, results: readonly GoalResult[], shown: Readonly<Record<string, number>>): NextHint | undefined {
  const unmet = results.find((r) => !goalDone(r));
  if (!unmet) return undefined;
  const hints = (lesson.definition.goals ?? []).find((g) => g.id === unmet.id)?.hints ?? [];
  const already = shown[unmet.id] ?? 0;
  const text = hints[already];
  if (text === undefined) return undefined;
  return { goalId: unmet.id, goalText: unmet.text, tier: already + 1, tiers: hints.length, text };
}

/** The solution lines the learner may see now, and why not more. */
export interface SolutionView {
  lines: readonly string[];
  /** Lines of the whole solution. */
  total: number;
  passed: boolean;
  failedChecks: number;
  /** A grouped solution before a pass: the first goal not done, whose lines these are (or will be). */
  goal?: { id: string; text: string };
  /** Hint tiers of that goal still to see before its lines open. */
  hintsLeft?: number;
}

/**
 * How much of the solution to show: all of it after a pass. Before that, a grouped solution
 * opens the lines of the first goal not done once every hint tier of that goal was shown; a
 * flat one opens one more line per failed `.check` beyond the first.
 */
export function solutionView(lesson: Lesson, results: readonly GoalResult[], progress: { passed: boolean; failedChecks: number; hints: Readonly<Record<string, number>> }): SolutionView {
  const all = solutionLines(lesson.definition);
  const base = { total: all.length, passed: progress.passed, failedChecks: progress.failedChecks };
  if (progress.passed) return { ...base, lines: all };
  const steps = solutionSteps(lesson.definition);
  if (!steps) return { ...base, lines: all.slice(0, Math.max(0, Math.min(all.length, progress.failedChecks - 1))) };
  const unmet = results.find((r) => !goalDone(r));
  if (!unmet) return { ...base, lines: [] };
  const tiers = (lesson.definition.goals ?? []).find((g) => g.id === unmet.id)?.hints?.length ?? 0;
  const hintsLeft = Math.max(0, tiers - (progress.hints[unmet.id] ?? 0));
  const lines = hintsLeft > 0 ? [] : steps.filter((s) => s.goal === unmet.id).flatMap((s) => s.lines);
  return { ...base, lines, goal: { id: unmet.id, text: unmet.text }, hintsLeft };
}
