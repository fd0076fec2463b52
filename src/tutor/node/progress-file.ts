import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { emptyProgress, formatProgress, parseProgress, ProgressFileError } from '../progress';
import type { Progress } from '../progress';

/** The progress file's name inside the state directory. */
export const PROGRESS_FILE = 'progress.json';

/**
 * Reads the progress file; a missing file is empty progress.
 * @throws ProgressFileError when the file is not valid progress JSON (it is left untouched).
 */
export function readProgress(file: string): Progress {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyProgress();
    throw new ProgressFileError(file, (error as Error).message);
  }
  return parseProgress(text, file);
}

/** Writes the progress file atomically (a temp file renamed over it), creating the directory. */
export function writeProgress(file: string, progress: Progress): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, formatProgress(progress), 'utf8');
  renameSync(temp, file);
}
