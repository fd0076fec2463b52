/**
 * Progress in the browser: the terminal playground's progress format (format 2, the tutor's
 * parseProgress/formatProgress), kept in localStorage, merged on every save with the tutor's
 * mergeProgress (done wins, earliest times, highest counts, met is sticky), and exported to /
 * imported from a file the terminal reads and writes (`progress.json`).
 */
import { emptyProgress, formatProgress, parseProgress } from '../../src/tutor/progress';
import type { Progress } from '../../src/tutor/progress';
import { mergeProgress } from '../../src/tutor/progress-merge';

/** The localStorage key. */
export const PROGRESS_KEY = 'pop3-playground:progress';

/** The storage the page keeps progress in (localStorage, or a stand-in). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The stored progress, or empty progress when there is none or it cannot be read. */
export function loadProgress(storage: KeyValueStorage): Progress {
  const text = storage.getItem(PROGRESS_KEY);
  if (text === null) return emptyProgress();
  try {
    return parseProgress(text, 'progress in this browser');
  } catch {
    return emptyProgress();
  }
}

/** Merges `progress` into what is stored, stores the result and returns it. */
export function saveProgress(storage: KeyValueStorage, progress: Progress): Progress {
  const merged = mergeProgress(loadProgress(storage), progress);
  storage.setItem(PROGRESS_KEY, formatProgress(merged));
  return merged;
}

/** The file to give the terminal (`progress.json` in its state directory). */
export function exportProgress(storage: KeyValueStorage): string {
  return formatProgress(loadProgress(storage));
}

/**
 * Merges a progress file (from the terminal, or another browser) into what is stored.
 * @throws ProgressFileError when the text is not progress.
 */
export function importProgress(storage: KeyValueStorage, text: string, source: string): Progress {
  return saveProgress(storage, parseProgress(text, source));
}
