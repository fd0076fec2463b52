import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodedError } from '../../src/protocol';

/**
 * Lock files shared by every process that opens one Maildir (RFC 1939 §4: the maildrop is
 * locked for the whole session). A lock file is made complete in a scratch file first and
 * then hard-linked into place, so it never exists half written; link() fails with EEXIST
 * when the lock is taken, which makes the create atomic across processes.
 *
 * A lock whose owner died (SIGKILL, power cut) is stale: its pid no longer exists, is a
 * zombie, or belongs to a younger process that reused the pid (Linux start time differs).
 * Stale locks are taken over, so a restart never finds its own maildrop stuck at [IN-USE].
 */

/** The owner recorded in a lock file. */
export interface LockOwner {
  pid: number;
  /** The owner's start time in clock ticks since boot (Linux), to detect pid reuse. */
  startTime: string | undefined;
  host: string;
  /** Distinguishes two locks taken by one process. */
  nonce: string;
}

/** A lock this process holds. */
export interface HeldLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

/** A lock could not be taken within the time allowed. */
export class LockTimeoutError extends CodedError {
  readonly lockPath: string;
  constructor(lockPath: string, waitedMs: number) {
    super('LOCK_TIMEOUT', `lock ${lockPath} still held by another process after ${waitedMs} ms`);
    this.lockPath = lockPath;
  }
}

// Lock paths held by this process (any storage instance), so a second holder in the same
// process is refused without touching the disk, and our own pid in a lock file is only
// ours if the nonce is listed here.
const heldInProcess = new Map<string, string>();

// A lock file without a parseable owner is foreign or damaged; treat it as stale after this.
const UNREADABLE_LOCK_STALE_MS = 10_000;

// Tries per call: a takeover can race another process doing the same.
const MAX_ATTEMPTS = 5;

let ownStartTime: string | undefined | null = null;

/** This process's start time (Linux), read once. */
function processStartTime(): string | undefined {
  if (ownStartTime === null) ownStartTime = readProcStat(process.pid)?.startTime;
  return ownStartTime;
}

/** Reads state and start time from /proc/<pid>/stat; undefined off Linux or if gone. */
function readProcStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: parse after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  if (state === undefined || startTime === undefined) return undefined;
  return { state, startTime };
}

/** A fresh random nonce, also used for unique scratch names. */
export function createNonce(): string {
  return randomBytes(8).toString('hex');
}

function formatOwner(owner: LockOwner): string {
  return `pid=${owner.pid} start=${owner.startTime ?? '-'} host=${owner.host} nonce=${owner.nonce}\n`;
}

function parseOwner(text: string): LockOwner | undefined {
  const match = /^pid=(\d+) start=(\S+) host=(\S+) nonce=([0-9a-f]+)\n$/.exec(text);
  if (!match) return undefined;
  const [, pid, start, host, nonce] = match as unknown as [string, string, string, string, string];
  return { pid: Number(pid), startTime: start === '-' ? undefined : start, host, nonce };
}

/** True when the process that wrote `owner` may still be running. */
export function isOwnerAlive(owner: LockOwner): boolean {
  // Another machine (a shared file system): its processes cannot be checked from here.
  if (owner.host !== os.hostname()) return true;
  if (owner.pid === process.pid) return [...heldInProcess.values()].includes(owner.nonce);
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the pid exists but belongs to another user; ESRCH: no such process.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readProcStat(owner.pid);
  if (stat) {
    // A killed process not yet reaped by its parent is a zombie: it holds nothing.
    if (stat.state === 'Z' || stat.state === 'X') return false;
    // The pid was reused by a younger process.
    if (owner.startTime !== undefined && stat.startTime !== owner.startTime) return false;
  }
  return true;
}

/**
 * Tries once to take the lock file at `lockPath`. Resolves to the held lock, or to undefined
 * when a live process (this one included) holds it. A stale lock is taken over.
 * `scratchDir` (same file system) holds the short-lived file that is linked into place.
 */
export async function tryLock(lockPath: string, scratchDir: string): Promise<HeldLock | undefined> {
  const key = path.resolve(lockPath);
  if (heldInProcess.has(key)) return undefined;
  const owner: LockOwner = { pid: process.pid, startTime: processStartTime(), host: os.hostname(), nonce: createNonce() };
  // Claimed before the first await, so a concurrent call in this process sees it.
  heldInProcess.set(key, owner.nonce);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await createLockFile(key, owner, scratchDir)) return heldLock(key, owner);
      const found = await readLockFile(key);
      if (found === 'gone') continue;
      if (!isStale(found)) {
        heldInProcess.delete(key);
        return undefined;
      }
      await takeOverStale(key, found.text, owner.nonce);
    }
  } catch (error) {
    heldInProcess.delete(key);
    throw error;
  }
  heldInProcess.delete(key);
  return undefined;
}

/**
 * Takes the lock at `lockPath`, waiting (polling with back-off) while a live process holds it.
 * Throws {@link LockTimeoutError} after `timeoutMs`.
 */
export async function waitForLock(lockPath: string, scratchDir: string, timeoutMs: number): Promise<HeldLock> {
  const started = Date.now();
  let pause = 1;
  for (;;) {
    const held = await tryLock(lockPath, scratchDir);
    if (held) return held;
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new LockTimeoutError(lockPath, waited);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 50);
  }
}

async function createLockFile(lockPath: string, owner: LockOwner, scratchDir: string): Promise<boolean> {
  const scratch = path.join(scratchDir, `${Math.floor(Date.now() / 1000)}.P${process.pid}N${owner.nonce}.lock`);
  await fs.writeFile(scratch, formatOwner(owner), { flag: 'wx' });
  try {
    await fs.link(scratch, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await fs.unlink(scratch).catch(() => undefined);
  }
}

type FoundLock = { text: string; owner: LockOwner | undefined; mtimeMs: number };

async function readLockFile(lockPath: string): Promise<FoundLock | 'gone'> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockPath, 'latin1'), fs.stat(lockPath)]);
    return { text, owner: parseOwner(text), mtimeMs: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

/** The owner of the lock at `lockPath` when a live process holds it, else undefined. */
export async function liveLockOwner(lockPath: string): Promise<LockOwner | undefined> {
  const found = await readLockFile(lockPath);
  if (found === 'gone' || !found.owner || isStale(found)) return undefined;
  return found.owner;
}

function isStale(found: FoundLock): boolean {
  if (found.owner) return !isOwnerAlive(found.owner);
  return Date.now() - found.mtimeMs > UNREADABLE_LOCK_STALE_MS;
}

/**
 * Removes a stale lock file, but only the one judged stale: it is renamed aside (atomic, so
 * one taker wins) and checked; if a new owner had replaced it meanwhile, it is put back.
 */
async function takeOverStale(lockPath: string, staleText: string, nonce: string): Promise<void> {
  const aside = `${lockPath}.stale-${nonce}`;
  try {
    await fs.rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await fs.readFile(aside, 'latin1');
  if (moved !== staleText) {
    // Another process took the stale lock over first: restore its live lock.
    await fs.link(aside, lockPath).catch(() => undefined);
  }
  await fs.unlink(aside);
}

function heldLock(lockPath: string, owner: LockOwner): HeldLock {
  let released = false;
  return {
    path: lockPath,
    owner,
    async release() {
      if (released) return;
      released = true;
      try {
        const found = await readLockFile(lockPath);
        // Only remove our own lock: it may have been judged stale and taken over by now.
        if (found !== 'gone' && found.owner?.nonce === owner.nonce) await fs.unlink(lockPath);
      } finally {
        if (heldInProcess.get(lockPath) === owner.nonce) heldInProcess.delete(lockPath);
      }
    },
  };
}
