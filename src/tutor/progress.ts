import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodedError } from '../protocol/errors';

/** The version of the progress file format. */
export const PROGRESS_FORMAT_VERSION = 1;

/** The progress file's name inside the state directory. */
export const PROGRESS_FILE = 'progress.json';

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

/** Thrown when the progress file exists but cannot be read as progress. */
export class ProgressFileError extends CodedError {
  constructor(file: string, detail: string) {
    super('PROGRESS_FILE', `${file}: ${detail}`);
  }
}

/**
 * The state directory: `--state-dir` when given, else `$XDG_STATE_HOME/pop3-playground`,
 * else `~/.local/state/pop3-playground` (XDG Base Directory Specification).
 */
export function resolveStateDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  const xdg = env.XDG_STATE_HOME;
  // The spec says relative paths are invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'pop3-playground');
}

/** A fresh, empty progress value. */
export function emptyProgress(): Progress {
  return { formatVersion: PROGRESS_FORMAT_VERSION, lessons: {} };
}

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
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ProgressFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  return normaliseProgress(file, parsed);
}

function normaliseProgress(file: string, parsed: unknown): Progress {
  if (typeof parsed !== 'object' || parsed === null) throw new ProgressFileError(file, 'expected a JSON object');
  const p = parsed as Record<string, unknown>;
  if (p.formatVersion !== PROGRESS_FORMAT_VERSION) throw new ProgressFileError(file, `formatVersion must be ${PROGRESS_FORMAT_VERSION}`);
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

/** Writes the progress file atomically (a temp file renamed over it), creating the directory. */
export function writeProgress(file: string, progress: Progress): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(progress, null, 2)}\n`, 'utf8');
  renameSync(temp, file);
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
