import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { FaultSpec } from '../src/protocol';
import type { HeldLock } from '../sandbox-server/maildir/lock';
import { liveLockOwner, tryLock } from '../sandbox-server/maildir/lock';
import { WorkshopError } from './errors';
import { readJsonFile, writeJsonFile } from './files';
import { newJoinCode, newToken } from './join-codes';
import type { RosterEntry } from './roster';
import { LEARNER_ID } from './roster';

/** Which lessons are open: all (self-paced), or those up to a number the instructor released. */
export type Release = { mode: 'self-paced' } | { mode: 'paced'; upTo: number };

/** The classroom's own settings (`classroom.json`): tokens, pacing, faults, room view. */
export interface ClassroomSettings {
  formatVersion: 1;
  /** Secret of the instructor URL. */
  instructorToken: string;
  /** Secret of the read-only room view URL (never the instructor's). */
  roomToken: string;
  createdAt: string;
  release: Release;
  /** Show learner numbers instead of names on the room view. */
  hideNames: boolean;
  /** Faults the instructor switched on: for the whole room, and per learner id. */
  faults: { room?: FaultSpec; learners: Record<string, FaultSpec> };
}

/** One learner as the data folder keeps them (`learners.json`). */
export interface LearnerEntry {
  id: string;
  name: string;
  /** The join code on their slip. */
  code: string;
  /** Codes replaced by the instructor: refused with a message that says so. */
  revokedCodes: string[];
  /** The REPL that joined with the code last (its own random id), if any. */
  device?: string;
  /** Lessons up to this number are open to them even when not released to the room (skip-ahead). */
  unlockedUpTo?: number;
}

/** Where everything lives inside `--data`. */
export interface DataPaths {
  root: string;
  settings: string;
  learners: string;
  activity: string;
  tls: string;
  mail: (id: string) => string;
  progress: (id: string) => string;
  slips: string;
}

/** The layout of a data folder (docs/workshop.md, "What --data holds"). */
export function dataPaths(root: string): DataPaths {
  const dir = path.resolve(root);
  return {
    root: dir,
    settings: path.join(dir, 'classroom.json'),
    learners: path.join(dir, 'learners.json'),
    activity: path.join(dir, 'activity.json'),
    tls: path.join(dir, 'tls'),
    mail: (id) => path.join(dir, 'mail', id),
    progress: (id) => path.join(dir, 'progress', `${id}.json`),
    slips: path.join(dir, 'slips.html'),
  };
}

/** A data folder opened by one classroom process. */
export interface OpenedData {
  paths: DataPaths;
  settings: ClassroomSettings;
  learners: LearnerEntry[];
  /** Learners the roster added in this start (all of them the first time). */
  added: LearnerEntry[];
  /** Releases the folder's lock. */
  release(): Promise<void>;
}

/**
 * Opens (creating) a classroom's data folder, locked against a second classroom process,
 * with the roster merged in: learners already there keep their id and join code, new ones
 * get a code, none is removed (a roster that drops a name keeps that learner's work).
 * Everything is checked before anything is written.
 * @throws WorkshopError `DATA_IN_USE` (another classroom serves the folder), `DATA_UNREADABLE`,
 *   or `ROSTER_INVALID` when there is no roster and no learner yet.
 */
export async function openDataFolder(root: string, roster: readonly RosterEntry[] | undefined): Promise<OpenedData> {
  const paths = dataPaths(root);
  try {
    mkdirSync(paths.root, { recursive: true });
  } catch (error) {
    throw new WorkshopError('DATA_UNREADABLE', `cannot create the data folder ${paths.root}: ${(error as Error).message}`, { cause: error });
  }
  const lockPath = path.join(paths.root, 'classroom.lock');
  const lock: HeldLock | undefined = await tryLock(lockPath, paths.root);
  if (!lock) {
    const owner = await liveLockOwner(lockPath);
    throw new WorkshopError('DATA_IN_USE', `another classroom${owner ? ` (process ${owner.pid} on ${owner.host})` : ''} is serving ${paths.root}; stop it first, or give another --data folder`);
  }
  try {
    const settings = readSettings(paths.settings) ?? freshSettings();
    const known = readLearners(paths.learners);
    const added: LearnerEntry[] = [];
    const byId = new Map(known.map((l) => [l.id, l]));
    for (const entry of roster ?? []) {
      const existing = byId.get(entry.id);
      if (existing) existing.name = entry.name;
      else {
        const learner: LearnerEntry = { id: entry.id, name: entry.name, code: uniqueCode(byId), revokedCodes: [] };
        byId.set(learner.id, learner);
        added.push(learner);
      }
    }
    const learners = [...byId.values()];
    if (learners.length === 0) {
      throw new WorkshopError('ROSTER_INVALID', `${paths.root} has no learners yet: give --roster FILE (a CSV with the header "name" or "name,id") or --learners N`);
    }
    writeJsonFile(paths.settings, settings);
    writeJsonFile(paths.learners, { formatVersion: 1, learners });
    return { paths, settings, learners, added, release: () => lock.release() };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** Saves the settings (atomically). */
export function saveSettings(paths: DataPaths, settings: ClassroomSettings): void {
  writeJsonFile(paths.settings, settings);
}

/** Saves the learners (atomically). */
export function saveLearners(paths: DataPaths, learners: readonly LearnerEntry[]): void {
  writeJsonFile(paths.learners, { formatVersion: 1, learners });
}

/** A code no learner has, nor had. */
export function uniqueCode(learners: ReadonlyMap<string, LearnerEntry>): string {
  const taken = new Set([...learners.values()].flatMap((l) => [l.code, ...l.revokedCodes]));
  for (;;) {
    const code = newJoinCode();
    if (!taken.has(code)) return code;
  }
}

function freshSettings(): ClassroomSettings {
  return {
    formatVersion: 1,
    instructorToken: newToken(),
    roomToken: newToken(),
    createdAt: new Date().toISOString(),
    release: { mode: 'self-paced' },
    hideNames: false,
    faults: { learners: {} },
  };
}

function readSettings(file: string): ClassroomSettings | undefined {
  const raw = readJsonFile(file);
  if (raw === undefined) return undefined;
  const s = raw as Partial<ClassroomSettings>;
  if (s.formatVersion !== 1 || typeof s.instructorToken !== 'string' || typeof s.roomToken !== 'string') {
    throw new WorkshopError('DATA_UNREADABLE', `${file} is not a classroom settings file of format 1`);
  }
  const release: Release = s.release?.mode === 'paced' && Number.isInteger(s.release.upTo) ? { mode: 'paced', upTo: s.release.upTo } : { mode: 'self-paced' };
  return {
    formatVersion: 1,
    instructorToken: s.instructorToken,
    roomToken: s.roomToken,
    createdAt: typeof s.createdAt === 'string' ? s.createdAt : new Date().toISOString(),
    release,
    hideNames: s.hideNames === true,
    faults: { ...(s.faults?.room ? { room: s.faults.room } : {}), learners: { ...(s.faults?.learners ?? {}) } },
  };
}

function readLearners(file: string): LearnerEntry[] {
  const raw = readJsonFile(file) as { formatVersion?: unknown; learners?: unknown } | undefined;
  if (raw === undefined) return [];
  if (raw.formatVersion !== 1 || !Array.isArray(raw.learners)) throw new WorkshopError('DATA_UNREADABLE', `${file} is not a learner list of format 1`);
  return raw.learners.map((item: Partial<LearnerEntry>, i) => {
    if (typeof item.id !== 'string' || !LEARNER_ID.test(item.id) || typeof item.name !== 'string' || typeof item.code !== 'string') {
      throw new WorkshopError('DATA_UNREADABLE', `${file}: learner ${i + 1} lacks a valid id, name or code`);
    }
    return {
      id: item.id,
      name: item.name,
      code: item.code,
      revokedCodes: Array.isArray(item.revokedCodes) ? item.revokedCodes.filter((c): c is string => typeof c === 'string') : [],
      ...(typeof item.device === 'string' ? { device: item.device } : {}),
      ...(Number.isInteger(item.unlockedUpTo) ? { unlockedUpTo: item.unlockedUpTo } : {}),
    };
  });
}
