import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EmbeddedTarget } from '../../src/cli';
import { PROGRESS_FORMAT_VERSION } from '../../src/tutor';
import { PROGRESS_FILE } from '../../src/tutor/node';
import type { Lesson } from '../../src/tutor';
import { makeStateDir, startStreamedRepl } from '../helpers/repl-streams';
import type { StreamedRepl } from '../helpers/repl-streams';

export { makeStateDir, ROOT } from '../helpers/repl-streams';

/** A guided REPL in piped mode (no terminal, no colour), resumed at a lesson, driven one line at a time. */
export interface ReplDriver extends StreamedRepl {
  readonly stateDir: string;
}

/** Options of {@link startReplDriver}. */
export interface ReplDriverOptions {
  embedded: EmbeddedTarget;
  /** The lessons the REPL knows, in order. */
  lessons: readonly Lesson[];
  /** Where to start: the REPL resumes at this lesson (default: the first). */
  startAt?: Lesson;
  /** Record `startAt` as done already, so meeting its goals prints no "complete" line. */
  startDone?: boolean;
  /** Transpile only (no type checking). Default true. */
  fast?: boolean;
  stateDir?: string;
  evalTimeoutMs?: number;
  /** How long `.check` may run a file exercise (default: the REPL's). */
  exerciseTimeoutMs?: number;
}

/** Starts the guided REPL at a lesson of the curriculum, as a learner coming back to it would. */
export async function startReplDriver(options: ReplDriverOptions): Promise<ReplDriver> {
  const stateDir = options.stateDir ?? makeStateDir();
  if (options.startAt) {
    // Resume right at the lesson, as a learner coming back to it would.
    const lessons = options.startDone ? { [options.startAt.id]: { status: 'done', hints: {}, failedChecks: 0 } } : {};
    const progress = { formatVersion: PROGRESS_FORMAT_VERSION, current: options.startAt.id, lessons };
    writeFileSync(path.join(stateDir, PROGRESS_FILE), JSON.stringify(progress));
  }
  const streamed = await startStreamedRepl({
    width: 100,
    env: { ...process.env, NO_COLOR: '1' },
    target: options.embedded.target,
    lessons: { lessons: [...options.lessons], problems: [] },
    stateDir,
    fast: options.fast ?? true,
    evalTimeoutMs: options.evalTimeoutMs ?? 5_000,
    ...(options.exerciseTimeoutMs !== undefined ? { exerciseTimeoutMs: options.exerciseTimeoutMs } : {}),
  });
  return { ...streamed, stateDir };
}
