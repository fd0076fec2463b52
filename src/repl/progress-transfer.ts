import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { LessonSession } from '../tutor/lesson-session';
import { ProgressFileError } from '../tutor/progress';
import type { Progress } from '../tutor/progress';
import type { ProgressStore } from '../tutor/progress-store';
import { FileProgressStore, PROGRESS_FILE, readProgress, writeProgress } from '../tutor/node/progress-file';

/** What an export or import moved: lessons done and lessons known. */
export interface TransferSummary {
  done: number;
  lessons: number;
}

function summarize(progress: Readonly<Progress>): TransferSummary {
  const lessons = Object.values(progress.lessons);
  return { done: lessons.filter((l) => l.status === 'done').length, lessons: lessons.length };
}

/**
 * Writes `progress` to `file` (progress format 2, docs/lesson-format.md), to carry home and
 * import there (`npm start -- --import FILE`). Written atomically.
 */
export function exportProgress(progress: Readonly<Progress>, file: string): TransferSummary {
  writeProgress(file, progress as Progress);
  return summarize(progress);
}

/**
 * Merges progress from `file` into the store: done wins, the earliest completion time and the
 * highest hint tier stay (the store's merging save), so importing twice, or an older file,
 * loses nothing.
 * @throws ProgressFileError naming the file when it is missing or not progress.
 */
export function importProgress(store: ProgressStore, file: string): TransferSummary {
  // readProgress takes a missing file for empty progress; importing one is a mistake to report.
  if (!existsSync(file)) throw new ProgressFileError(file, 'no such file');
  const imported = readProgress(file);
  return summarize(store.save(imported));
}

/** `.progress export FILE`: writes the session's progress and says what to do with it, or why it could not. */
export function exportProgressLine(session: LessonSession, file: string): string {
  const dest = path.resolve(file);
  try {
    const { done, lessons } = exportProgress(session.progress, dest);
    return `Progress written to ${dest} (${done} of ${lessons} lesson${lessons === 1 ? '' : 's'} done). To carry on elsewhere: npm start -- --import ${dest}`;
  } catch (error) {
    return `Could not write ${dest}: ${(error as Error).message}`;
  }
}

/**
 * `npm start -- --import FILE`: merges exported progress into the state dir's progress file
 * before the REPL starts, and says what it did (or why not). Returns false when it failed.
 */
export function importAtStart(stateDir: string, file: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream): boolean {
  const target = path.join(stateDir, PROGRESS_FILE);
  try {
    const { done, lessons } = importProgress(new FileProgressStore(target), file);
    out.write(`Imported ${file}: ${done} of ${lessons} lesson${lessons === 1 ? '' : 's'} done, merged into ${target}.\n`);
    return true;
  } catch (error) {
    err.write(`Could not import progress: ${(error as Error).message}\n`);
    return false;
  }
}
