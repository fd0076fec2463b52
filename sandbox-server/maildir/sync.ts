import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toCanonicalCrlf } from '../../src/protocol';
import type { NewMessage } from '../storage';
import type { Folder } from './files';
import {
  baseOf,
  folderOf,
  ignoreMissing,
  MAILDROP_LOCK,
  NO_FLAGS,
  readUidList,
  syncDirectory,
  uniqueBase,
  visibleNames,
  writeDurably,
  writeUidList,
} from './files';
import { createNonce, isOwnerAlive, liveLockOwner } from './lock';
import type { Removal, UidEntry, UidList } from './uidlist';

/**
 * Bringing a Maildir and its uidlist into agreement: rolling forward what a crash left half
 * done (RFC 1939 §6: every message fully there or fully gone), picking up mail other programs
 * delivered, and creating a Maildir atomically.
 */

/** Maildir convention: a tmp/ file untouched this long is an abandoned delivery. */
const ABANDONED_TMP_MS = 36 * 60 * 60 * 1000;

/**
 * Brings the uidlist and the folders into agreement, rolling forward whatever a crash left half
 * done, and picks up mail delivered into new/ (or cur/) by other programs. Writes the uidlist
 * only when something changed. Must run under the uidlist lock.
 */
export async function synchronize(folder: Folder): Promise<UidList> {
  const stored = await readUidList(folder);
  const list: UidList = stored ?? { validity: Math.floor(Date.now() / 1000), next: 1, entries: [], removed: [] };
  let changed = stored === undefined;
  let curChanged = false;

  // Arrivals in new/ move to cur/ (Maildir: a reader that has seen a message moves it).
  for (const name of await visibleNames(folder.new)) {
    const target = name.includes(':') ? name : name + NO_FLAGS;
    await fs.rename(path.join(folder.new, name), path.join(folder.cur, target)).catch(ignoreMissing);
    curChanged = true;
  }
  if (curChanged) await syncDirectory(folder.new);

  const inCur = new Map<string, string>();
  for (const name of await visibleNames(folder.cur)) inCur.set(baseOf(name), name);

  // Committed removals a crash interrupted, or kept for a session that has ended since.
  const reader = list.removed.some((removal) => removal.readerLock !== undefined)
    ? await liveLockOwner(path.join(folder.root, MAILDROP_LOCK))
    : undefined;
  const stillRead: Removal[] = [];
  for (const removal of list.removed) {
    const name = inCur.get(removal.base);
    if (name === undefined) continue;
    inCur.delete(removal.base);
    if (removal.readerLock !== undefined && removal.readerLock === reader?.nonce) {
      stillRead.push(removal);
      continue;
    }
    await fs.unlink(path.join(folder.cur, name)).catch(ignoreMissing);
    curChanged = true;
  }
  if (stillRead.length !== list.removed.length) {
    list.removed = stillRead;
    changed = true;
  }

  // Committed additions still in tmp/ move on; entries whose file is gone everywhere were
  // removed by another program.
  const kept: UidEntry[] = [];
  for (const entry of list.entries) {
    if (inCur.has(entry.base)) {
      kept.push(entry);
      continue;
    }
    try {
      await fs.rename(path.join(folder.tmp, entry.base), path.join(folder.cur, entry.base + NO_FLAGS));
      inCur.set(entry.base, entry.base + NO_FLAGS);
      kept.push(entry);
      curChanged = true;
    } catch (error) {
      ignoreMissing(error);
      changed = true;
    }
  }
  const known = new Set(kept.map((entry) => entry.base));

  // New arrivals get fresh unique-ids, oldest delivery first.
  const arrivals = [...inCur.keys()].filter((base) => !known.has(base)).sort(byDelivery);
  for (const base of arrivals) {
    const name = inCur.get(base) as string;
    const bytes = await fs.readFile(path.join(folder.cur, name));
    kept.push({ uid: list.next, size: toCanonicalCrlf(bytes).length, base });
    list.next += 1;
    changed = true;
  }
  list.entries = kept;

  if (curChanged) await syncDirectory(folder.cur);
  await removeAbandonedTmp(folder, known);
  if (changed) await writeUidList(folder, list);
  return list;
}

/**
 * The uidlist when it agrees exactly with the folders (nothing in new/, every listed message
 * in cur/, nothing else there but files kept for a live session, no crash leftovers in tmp/),
 * else undefined. Safe without
 * the lock: a change in progress always leaves a disagreement (the uidlist is written before
 * files appear and before files go), so a half-done change is never taken as settled.
 */
export async function readSettled(folder: Folder): Promise<UidList | undefined> {
  const list = await readUidList(folder);
  if (!list || (await visibleNames(folder.new)).length > 0) return undefined;
  const inCur = new Set((await visibleNames(folder.cur)).map(baseOf));
  const kept = list.removed.filter((removal) => inCur.has(removal.base));
  if (kept.length > 0) {
    const reader = await liveLockOwner(path.join(folder.root, MAILDROP_LOCK));
    if (kept.some((removal) => removal.readerLock === undefined || removal.readerLock !== reader?.nonce)) return undefined;
    for (const removal of kept) inCur.delete(removal.base);
  }
  if (inCur.size !== list.entries.length || !list.entries.every((entry) => inCur.has(entry.base))) return undefined;
  // Leftovers of a crash are tidied under the lock.
  return (await abandonedTmp(folder, new Set())).length > 0 ? undefined : list;
}

/** Maildir file names start with the delivery time in seconds. */
function byDelivery(a: string, b: string): number {
  const time = (name: string) => Number.parseInt(name, 10) || 0;
  return time(a) - time(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** tmp/ files nobody will finish: from dead processes of ours, or older than 36 hours. */
async function abandonedTmp(folder: Folder, referenced: ReadonlySet<string>): Promise<string[]> {
  const host = os.hostname();
  const abandoned: string[] = [];
  for (const name of await visibleNames(folder.tmp)) {
    if (referenced.has(name)) continue;
    const pid = /^\d+\.[^.]*P(\d+)[QN]/.exec(name)?.[1];
    const ours = pid !== undefined && Number(pid) !== process.pid && (name.includes(`.${host},S=`) || name.endsWith('.lock') || name.endsWith('.uidlist'));
    if (ours && !isOwnerAlive({ pid: Number(pid), startTime: undefined, host, nonce: '' })) {
      abandoned.push(name);
      continue;
    }
    const stat = await fs.stat(path.join(folder.tmp, name)).catch(() => undefined);
    if (stat !== undefined && Date.now() - stat.mtimeMs > ABANDONED_TMP_MS) abandoned.push(name);
  }
  return abandoned;
}

async function removeAbandonedTmp(folder: Folder, referenced: ReadonlySet<string>): Promise<void> {
  for (const name of await abandonedTmp(folder, referenced)) await fs.unlink(path.join(folder.tmp, name)).catch(ignoreMissing);
}

/**
 * Creates a Maildir holding `messages`, atomically: it is built in a staging folder beside the
 * tree and renamed into place, so a crash never leaves a half-seeded maildrop. Resolves to
 * false when another process created the Maildir first (ours is discarded).
 */
export async function createMaildir(root: string, folder: Folder, messages: readonly NewMessage[]): Promise<boolean> {
  const staging = folderOf(path.join(root, `.${path.basename(folder.root)}.creating.P${process.pid}.${createNonce()}`));
  try {
    for (const dir of [staging.root, staging.tmp, staging.new, staging.cur]) await fs.mkdir(dir);
    const entries: UidEntry[] = [];
    for (const message of messages) {
      const bytes = toCanonicalCrlf(message.bytes);
      const base = uniqueBase(bytes.length);
      await writeDurably(path.join(staging.cur, base + NO_FLAGS), bytes);
      const entry: UidEntry = { uid: entries.length + 1, size: bytes.length, base };
      if (message.seedName !== undefined) entry.seedName = message.seedName;
      entries.push(entry);
    }
    const list: UidList = { validity: Math.floor(Date.now() / 1000), next: entries.length + 1, entries, removed: [] };
    await syncDirectory(staging.cur);
    await writeUidList(staging, list);
    try {
      await fs.rename(staging.root, folder.root);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      // The folder exists: made by another process, or by hand without tmp/new/cur.
      for (const dir of [folder.tmp, folder.new, folder.cur]) await fs.mkdir(dir, { recursive: true });
      return false;
    }
    await syncDirectory(root);
    return true;
  } finally {
    await fs.rm(staging.root, { recursive: true, force: true });
  }
}

/** Removes staging folders left by processes that died while creating a Maildir. */
export async function removeAbandonedStaging(root: string): Promise<void> {
  const host = os.hostname();
  for (const entry of await fs.readdir(root, { withFileTypes: true })) {
    const pid = /^\..+\.creating\.P(\d+)\.[0-9a-f]+$/.exec(entry.name)?.[1];
    if (!entry.isDirectory() || pid === undefined) continue;
    if (Number(pid) === process.pid || isOwnerAlive({ pid: Number(pid), startTime: undefined, host, nonce: '' })) continue;
    await fs.rm(path.join(root, entry.name), { recursive: true, force: true });
  }
}
