import type { Progress } from './progress';

/**
 * Where progress is kept, as the lesson session sees it: a file for the terminal REPL, and
 * whatever the classroom server or a web page keeps it in. Saving merges (see
 * {@link mergeProgress}), so two writers of the same progress never lose each other's updates.
 */
export interface ProgressStore {
  /** Where it lives, as the learner is told (`.progress`), e.g. the file's path. */
  readonly location: string;
  /**
   * The stored progress; empty when there is none yet.
   * @throws ProgressFileError when stored progress exists but cannot be read (it is left as it is).
   */
  load(): Progress;
  /**
   * Merges `progress` into what is stored and returns the merged progress, which now includes
   * what other writers saved meanwhile.
   * @throws ProgressFileError, or the storage's own error, when it cannot be saved.
   */
  save(progress: Progress): Progress;
  /** Replaces what is stored with `progress`, forgetting the rest (`.reset all confirm`). */
  replace(progress: Progress): void;
}
