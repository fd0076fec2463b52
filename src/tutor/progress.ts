import { CodedError } from '../protocol/errors';

/** The version of the progress file format. */
export const PROGRESS_FORMAT_VERSION = 1;

/** Where one lesson stands. */
export interface LessonProgress {
  status: 'started' | 'done';
  /** ISO time the lesson was first passed. */
  completedAt?: string;
  /** Hint tiers already shown, per goal id. */
  hints: Record<string, number>;
  /** `.check` runs that found unmet goals (unlocks the solution gradually). */
  failedChecks: number;
}

/**
 * The whole progress file: small, human-readable JSON that can be copied between machines.
 * Unknown lessons in it are kept, so switching lesson packs loses nothing.
 */
export interface Progress {
  formatVersion: 1;
  /** The lesson to resume at (a folder name). */
  current?: string;
  lessons: Record<string, LessonProgress>;
}

/** Thrown when stored progress exists but cannot be read as progress. */
export class ProgressFileError extends CodedError {
  constructor(source: string, detail: string) {
    super('PROGRESS_FILE', `${source}: ${detail}`);
  }
}

/** A fresh, empty progress value. */
export function emptyProgress(): Progress {
  return { formatVersion: PROGRESS_FORMAT_VERSION, lessons: {} };
}

/**
 * Reads progress from its JSON text; malformed entries are dropped rather than failing.
 * @throws ProgressFileError (naming `source`) when the text is not progress.
 */
export function parseProgress(text: string, source: string): Progress {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ProgressFileError(source, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new ProgressFileError(source, 'expected a JSON object');
  const p = parsed as Record<string, unknown>;
  if (p.formatVersion !== PROGRESS_FORMAT_VERSION) throw new ProgressFileError(source, `formatVersion must be ${PROGRESS_FORMAT_VERSION}`);
  const progress = emptyProgress();
  if (typeof p.current === 'string') progress.current = p.current;
  const lessons = typeof p.lessons === 'object' && p.lessons !== null ? (p.lessons as Record<string, unknown>) : {};
  for (const [id, raw] of Object.entries(lessons)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const l = raw as Record<string, unknown>;
    const hints: Record<string, number> = {};
    if (typeof l.hints === 'object' && l.hints !== null) {
      for (const [goal, n] of Object.entries(l.hints)) if (typeof n === 'number' && n >= 0) hints[goal] = Math.floor(n);
    }
    progress.lessons[id] = {
      status: l.status === 'done' ? 'done' : 'started',
      ...(typeof l.completedAt === 'string' ? { completedAt: l.completedAt } : {}),
      hints,
      failedChecks: typeof l.failedChecks === 'number' && l.failedChecks >= 0 ? Math.floor(l.failedChecks) : 0,
    };
  }
  return progress;
}

/** Progress as the JSON text it is stored in. */
export function formatProgress(progress: Progress): string {
  return `${JSON.stringify(progress, null, 2)}\n`;
}

/** The entry for a lesson, created as `started` when missing. */
export function lessonProgress(progress: Progress, id: string): LessonProgress {
  let entry = progress.lessons[id];
  if (!entry) {
    entry = { status: 'started', hints: {}, failedChecks: 0 };
    progress.lessons[id] = entry;
  }
  return entry;
}

/** Marks a lesson done (once; the first completion time is kept). */
export function markDone(progress: Progress, id: string, now: Date = new Date()): void {
  const entry = lessonProgress(progress, id);
  if (entry.status !== 'done') {
    entry.status = 'done';
    entry.completedAt = now.toISOString();
  }
}
