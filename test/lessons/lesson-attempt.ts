import * as path from 'node:path';
import type { EmbeddedTarget } from '../../src/cli';
import { isReadingOnly } from '../../src/tutor';
import { loadLessons, readManifest } from '../../src/tutor/node';
import type { GoalResult, Lesson, LoadedLessons } from '../../src/tutor';
import { ROOT, startReplDriver } from './repl-driver';

/** The shipped curriculum's folder. */
export const LESSONS_DIR = path.join(ROOT, 'lessons');

/** The lesson folders in manifest order, read synchronously so tests can be named after them. */
export const COURSE_ORDER: readonly string[] = readManifest(path.join(LESSONS_DIR, 'manifest.json')).order;

/** The shipped curriculum (lessons/), loaded once per test file. */
export function loadCourse(): Promise<LoadedLessons> {
  return loadLessons(LESSONS_DIR);
}

/** A loaded lesson by folder name; throws when it did not load (the format test says why). */
export function lessonById(course: LoadedLessons, id: string): Lesson {
  const lesson = course.lessons.find((l) => l.id === id);
  if (!lesson) throw new Error(`${id} did not load: ${course.problems.map((p) => `${p.path}: ${p.reason}`).join('; ') || 'not in the manifest'}`);
  return lesson;
}

/** Lessons with something to check (reading lessons are done once shown). */
export const withGoals = (lessons: readonly Lesson[]): Lesson[] => lessons.filter((l) => !isReadingOnly(l));

/** What an attempt at a lesson came to. */
export interface AttemptResult {
  /** The goal verdicts after the last line. */
  results: GoalResult[];
  /** The progress file says the lesson is done. */
  done: boolean;
  /** Everything the REPL printed after its start. */
  output: string;
  /** The attempt ran with the type checker. */
  typeChecked: boolean;
}

/** Options of {@link attemptLesson}. */
export interface AttemptOptions {
  embedded: EmbeddedTarget;
  lessons: readonly Lesson[];
  typeCheck?: boolean;
  /** Resolves true to stop early (after any line), e.g. once a hint has shown. */
  until?: (printedSoFar: string) => boolean;
}

/**
 * Types `lines` into a fresh REPL (piped mode, fresh state directory) that resumes at `lesson`
 * with the lesson's start state, and returns the goal verdicts and what was printed.
 */
export async function attemptLesson(lesson: Lesson, lines: readonly string[], options: AttemptOptions): Promise<AttemptResult> {
  const driver = await startReplDriver({ embedded: options.embedded, lessons: options.lessons, startAt: lesson, fast: !options.typeCheck });
  const since = driver.output().length;
  try {
    for (const line of lines) {
      await driver.run(line, 60_000);
      if (options.until?.(driver.output().slice(since))) break;
    }
    const runner = driver.repl.runner;
    return {
      results: [...runner.results],
      done: runner.isDone(lesson),
      output: driver.output().slice(since),
      typeChecked: options.typeCheck ?? false,
    };
  } finally {
    await driver.close();
    await options.embedded.target.settle?.();
  }
}

/** The line the REPL prints for a mistake's hint, without colour (`**bold**` loses its stars). */
export function mistakeHintLine(hint: string): string {
  return `Hint: ${hint.replace(/\*\*([^*]+)\*\*/g, '$1')}`;
}

/** Goal ids not met, for readable failures. */
export const unmet = (results: readonly GoalResult[]): string[] => results.filter((r) => !r.met).map((r) => r.id);
/** Goal ids met. */
export const met = (results: readonly GoalResult[]): string[] => results.filter((r) => r.met).map((r) => r.id);
