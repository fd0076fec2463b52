import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { emptyProgress, formatProgress, parseProgress, ProgressFileError } from '../progress';
import type { Progress } from '../progress';
import { mergeProgress } from '../progress-merge';
import type { ProgressStore } from '../progress-store';
import { withFileLock } from './file-lock';
import type { FileLockOptions } from './file-lock';

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

/**
 * Progress in a file (`progress.json`), safe with several writers: each save reads the file,
 * merges, and writes it atomically, under a lock file beside it (`progress.json.lock`).
 */
export class FileProgressStore implements ProgressStore {
  readonly location: string;
  readonly #lockFile: string;
  readonly #lockOptions: FileLockOptions;

  constructor(file: string, lockOptions: FileLockOptions = {}) {
    this.location = file;
    this.#lockFile = `${file}.lock`;
    this.#lockOptions = lockOptions;
  }

  load(): Progress {
    return readProgress(this.location);
  }

  save(progress: Progress): Progress {
    return this.#locked(() => {
      const merged = mergeProgress(readProgress(this.location), progress);
      writeProgress(this.location, merged);
      return merged;
    });
  }

  replace(progress: Progress): void {
    this.#locked(() => writeProgress(this.location, progress));
  }

  #locked<T>(work: () => T): T {
    mkdirSync(path.dirname(this.location), { recursive: true });
    return withFileLock(this.#lockFile, work, this.#lockOptions);
  }
}
