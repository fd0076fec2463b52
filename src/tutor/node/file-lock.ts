import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { CodedError } from '../../protocol/errors';

/**
 * A lock older than this is taken over: a holder keeps it for one read-merge-write of a small
 * file (milliseconds), so one this old belongs to a process that hung or died mid-save.
 */
export const LOCK_STALE_MS = 5_000;

/** How long to wait between two tries at a held lock, at most. */
const MAX_RETRY_MS = 25;

/** The lock stayed held past any reasonable save (it should have turned stale first). */
export class LockTimeoutError extends CodedError {
  constructor(lockFile: string) {
    super('FILE_LOCKED', `${lockFile} is held by another process and did not come free`);
  }
}

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** When a held lock counts as abandoned (default {@link LOCK_STALE_MS}). */
  staleMs?: number;
}

interface LockOwner {
  pid?: number;
  token?: string;
}

let tokens = 0;

/**
 * Runs `work` while holding `lockFile`: created exclusively (`wx`), so two processes that do
 * this never run `work` at the same time; released afterwards even when `work` throws. A lock
 * whose process is gone, or older than `staleMs`, is taken over. Waiting blocks the thread,
 * briefly: holders keep the lock for milliseconds.
 * @throws LockTimeoutError when the lock never came free; what `work` throws.
 */
export function withFileLock<T>(lockFile: string, work: () => T, options: FileLockOptions = {}): T {
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const token = `${process.pid}.${Date.now()}.${++tokens}`;
  acquire(lockFile, token, staleMs);
  try {
    return work();
  } finally {
    release(lockFile, token);
  }
}

function acquire(lockFile: string, token: string, staleMs: number): void {
  // Past this, a live holder's lock would be stale: something is wrong with the clock or the disk.
  const deadline = Date.now() + 2 * staleMs + 1_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, token }));
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = readLock(lockFile);
    if (held === undefined) continue; // released meanwhile
    if (isStale(lockFile, held, staleMs)) {
      takeOver(lockFile, held.text);
      continue;
    }
    if (Date.now() > deadline) throw new LockTimeoutError(lockFile);
    sleep(Math.min(MAX_RETRY_MS, 1 << attempt));
  }
}

/** The lock's text and owner, or undefined when there is no lock. */
function readLock(lockFile: string): { text: string; owner: LockOwner; mtimeMs: number } | undefined {
  try {
    const mtimeMs = statSync(lockFile).mtimeMs;
    const text = readFileSync(lockFile, 'utf8');
    let owner: LockOwner = {};
    try {
      owner = JSON.parse(text) as LockOwner;
    } catch {
      // Being written right now, or left half-written by a crash: its age decides.
    }
    return { text, owner, mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function isStale(lockFile: string, held: { owner: LockOwner; mtimeMs: number }, staleMs: number): boolean {
  if (Date.now() - held.mtimeMs > staleMs) return true;
  return typeof held.owner.pid === 'number' && !processAlive(held.owner.pid);
}

/**
 * Removes an abandoned lock, unless it changed since it was judged (another process took it
 * over first). A narrow race remains between that look and the unlink; it needs two
 * processes to find the same abandoned lock in the same instant.
 */
function takeOver(lockFile: string, judged: string): void {
  if (readLock(lockFile)?.text !== judged) return;
  try {
    unlinkSync(lockFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function release(lockFile: string, token: string): void {
  // Only our own: a lock taken over while we were too slow belongs to its new holder.
  if (readLock(lockFile)?.owner.token !== token) return;
  try {
    unlinkSync(lockFile);
  } catch {
    // Already gone.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` (the lock is held for milliseconds, so waits are short). */
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
