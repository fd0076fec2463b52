import { existsSync } from 'node:fs';
import { ProgressFileError } from '../tutor/progress';
import type { Progress } from '../tutor/progress';
import type { ProgressStore } from '../tutor/progress-store';
import { readProgress, writeProgress } from '../tutor/node/progress-file';

/** What an export or import moved: lessons done and lessons known. */
export interface TransferSummary {
  done: number;
  lessons: number;
}

function summarize(progress: Progress): TransferSummary {
  const lessons = Object.values(progress.lessons);
  return { done: lessons.filter((l) => l.status === 'done').length, lessons: lessons.length };
}

/**
 * Writes the learner's progress to `file` (progress format 2, docs/lesson-format.md), to carry
 * home and import there (`npm start -- --import FILE`). Written atomically.
 */
export function exportProgress(store: ProgressStore, file: string): TransferSummary {
  const progress = store.load();
  writeProgress(file, progress);
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
