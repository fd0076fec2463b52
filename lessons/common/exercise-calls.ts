/**
 * What file exercises built on calling the learner's functions share: calling an export with
 * given arguments and keeping what it returned or threw as plain data (a run's result), and
 * judging those calls, the first wrong one as expected vs actual (docs/lesson-format.md, "File
 * exercises"). Pure: the calls happen in the exercise's `run`, on Node; the goals read data.
 */
import type { CheckVerdict, ExerciseContext, Facts } from '../../src/tutor';
import { verdict } from './checks';

/** One call of the learner's function: what went in, what should come out, what did. */
export interface ExerciseCall {
  /** How the call reads, e.g. `apopDigest('+OK ready <1.2@x>', 'secret')`. */
  label: string;
  expected: unknown;
  /** What it returned (awaited), when it returned. */
  actual?: unknown;
  /** What it threw, when it threw. */
  threw?: string;
}

/** A run's result that may say why the learner's file could not be used at all. */
export interface ExerciseCallsResult {
  problem?: string;
}

/**
 * The learner's exported functions, loaded afresh, or why they cannot be called (the file does
 * not compile, throws while loading, or lacks one of them).
 */
export async function loadFunctions(context: ExerciseContext, names: readonly string[]): Promise<Record<string, (...args: unknown[]) => unknown> | string> {
  let exports: Record<string, unknown>;
  try {
    exports = await context.load();
  } catch (error) {
    return (error as Error)?.message ?? String(error);
  }
  const missing = names.filter((name) => typeof exports[name] !== 'function');
  if (missing.length > 0) return `${missing.map((n) => `${n}()`).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not exported yet`;
  return exports as Record<string, (...args: unknown[]) => unknown>;
}

/** Calls `fn(...args)` and keeps what it gave; never throws. */
export async function callOnce(fn: (...args: unknown[]) => unknown, args: readonly unknown[], label: string, expected: unknown): Promise<ExerciseCall> {
  try {
    return { label, expected, actual: await fn(...args) };
  } catch (error) {
    return { label, expected, threw: `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}` };
  }
}

/** Two plain values alike (as JSON, so `1` and `'1'` differ). */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A value as it reads in a verdict: JSON, shortened. */
export function shown(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** The run's result when the run got to call the learner's code, else undefined. */
export function callsResult<T extends ExerciseCallsResult>(f: Facts): T | undefined {
  const result = f.exercise?.result as T | undefined;
  return result && result.problem === undefined ? result : undefined;
}

/** Why nothing can be judged yet (no run, a run that failed, a file that cannot be called), or undefined. */
export function notJudgeable(f: Facts): CheckVerdict | undefined {
  if (!f.exercise) return verdict(false, 'your file to run', 'it has not run yet');
  const problem = f.exercise.error?.message ?? (f.exercise.result as ExerciseCallsResult | undefined)?.problem;
  return problem === undefined ? undefined : verdict(false, 'your functions to be called', problem);
}

/** Met when every call gave what it should; else the first that did not, as expected vs actual. */
export function callsVerdict<T extends ExerciseCallsResult>(f: Facts, pick: (result: T) => readonly ExerciseCall[] | undefined): CheckVerdict {
  const waiting = notJudgeable(f);
  if (waiting) return waiting;
  const result = callsResult<T>(f);
  const list = (result && pick(result)) ?? [];
  const wrong = list.find((c) => c.threw !== undefined || !same(c.actual, c.expected));
  if (list.length === 0) return verdict(false, 'the calls to be made', 'none was made');
  if (!wrong) return { met: true };
  return verdict(false, `${wrong.label} to give ${shown(wrong.expected)}`, wrong.threw !== undefined ? `it threw ${wrong.threw}` : `it gave ${shown(wrong.actual)}`);
}
