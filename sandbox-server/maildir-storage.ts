import { promises as fs, type Dirent } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodedError, InvalidArgumentError, toCanonicalCrlf } from '../src/protocol';
import { createNonce, isOwnerAlive, liveLockOwner, tryLock, waitForLock, type HeldLock } from './maildir-lock';
import type { MailStorage, NewMessage, ReleaseLock, StoredMessage } from './storage';

/**
 * Maildrops kept in real Maildirs (DIR/<account>/{tmp,new,cur}), the format Dovecot, mutt and
 * other mail programs read and write. Messages are stored as canonical CRLF bytes, so a file's
 * size is the message's size (RFC 1939 §11). Unique-ids, message order and committed removals
 * live in `pop3-uidlist` beside cur/, replaced atomically (tmp + fsync + rename + fsync).
 *
 * Crash safety (RFC 1939 §6: every message is either fully there or fully gone):
 * - a message is written and fsynced in tmp/ before anything refers to it;
 * - the uidlist write is the commit point of every change: a removal marks the files as
 *   removed ("-" lines) in the same write that drops their unique-ids, and new messages are
 *   listed while still in tmp/; whatever a crash left half done is rolled forward on the next
 *   open (marked files unlinked, listed files moved from tmp/ into cur/).
 * Mail another program drops into new/ is moved into cur/ and gets a fresh unique-id.
 *
 * A reset (replace) while a session is logged in keeps the old files until that session ends:
 * the session still reads its snapshot (RFC 1939 §4), though new sessions see the new maildrop.
 */

/** Options for {@link createMaildirStorage}. */
export interface MaildirStorageOptions {
  /**
   * The messages of an account whose Maildir does not exist yet (first use), or undefined
   * for an unknown account (its maildrop is then empty and nothing is created on disk).
   */
  seed?: (account: string) => readonly NewMessage[] | undefined | Promise<readonly NewMessage[] | undefined>;
  /** How long a change waits for another process's change to the same Maildir. Default 10 s. */
  lockTimeoutMs?: number;
}

/** The uidlist named a message whose file no longer exists (removed by another program). */
export class MessageGoneError extends CodedError {
  constructor(account: string, uid: string) {
    super('MESSAGE_GONE', `message ${uid} of ${account} is no longer in its Maildir`);
  }
}

/** The unique-id list of one Maildir. */
const UIDLIST = 'pop3-uidlist';
const UIDLIST_HEADER = 'pop3-uidlist 1';
/** The exclusive maildrop lock of a session (RFC 1939 §4). */
const MAILDROP_LOCK = 'pop3-maildrop.lock';
/** The short lock around every change of the uidlist and the folders. */
const UIDLIST_LOCK = 'pop3-uidlist.lock';
/** Maildir convention: a tmp/ file untouched this long is an abandoned delivery. */
const ABANDONED_TMP_MS = 36 * 60 * 60 * 1000;
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** Maildir "info" for a message in cur/: version 2, no flags. */
const NO_FLAGS = ':2,';

interface UidEntry {
  uid: number;
  size: number;
  /** The file name without the ":2,<flags>" info, which other programs may change. */
  base: string;
  seedName?: string;
}

interface UidList {
  validity: number;
  next: number;
  entries: UidEntry[];
  /** Committed removals whose files may still exist. */
  removed: Removal[];
}

interface Removal {
  base: string;
  /** The nonce of the maildrop lock whose session may still read the file; kept until it ends. */
  readerLock?: string;
}

interface Folder {
  root: string;
  tmp: string;
  new: string;
  cur: string;
}

/**
 * Opens (creating if needed) a Maildir tree at `dir` as the sandbox's storage: one Maildir per
 * account, seeded on first use, read back on restart with the same unique-ids and order.
 */
export async function createMaildirStorage(dir: string, options: MaildirStorageOptions = {}): Promise<MaildirStorage> {
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });
  await removeAbandonedStaging(root);
  return new MaildirStorage(root, options);
}

/**
 * The folder name of an account inside the Maildir tree: the name itself when it is a safe
 * file name, otherwise percent-encoded (so "../x" or ".hidden" never escape or hide).
 * Throws InvalidArgumentError for an empty name or one too long for a file name.
 */
export function accountFolderName(account: string): string {
  if (account.length === 0) throw new InvalidArgumentError('account name must not be empty');
  let name = '';
  for (const byte of Buffer.from(account, 'utf8')) {
    const char = String.fromCharCode(byte);
    const safe = /[A-Za-z0-9_@+=-]/.test(char) || (char === '.' && name.length > 0);
    name += safe ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (name.length > 200) throw new InvalidArgumentError('account name too long for a Maildir folder');
  return name;
}

/** Maildir storage; see {@link createMaildirStorage}. */
export class MaildirStorage implements MailStorage {
  readonly root: string;
  #options: MaildirStorageOptions;
  #queues = new Map<string, Promise<unknown>>();
  #locks = new Set<HeldLock>();
  #closed = false;

  constructor(root: string, options: MaildirStorageOptions) {
    this.root = root;
    this.#options = options;
  }

  /** The Maildir of an account (it may not exist yet). */
  maildirPath(account: string): string {
    return path.join(this.root, accountFolderName(account));
  }

  /** RFC 1939 §4: the maildrop as a session opens it; mail delivered into new/ is picked up. */
  async list(account: string): Promise<StoredMessage[]> {
    return this.#serialized(account, async (folder) => {
      if (!(await this.#ensure(account, folder, false))) return [];
      // Usually nothing needs doing: read without the lock; if anything does, redo it locked.
      const list = (await readSettled(folder)) ?? (await this.#locked(folder, () => synchronize(folder)));
      return list.entries.map((entry) => storedMessage(account, folder, list.validity, entry));
    });
  }

  /** RFC 1939 §6 UPDATE: all of the messages go, or (after a crash) none of them. */
  async remove(account: string, uids: readonly string[]): Promise<void> {
    if (uids.length === 0) return;
    await this.#serialized(account, async (folder) => {
      if (!(await exists(folder.cur))) return;
      await this.#locked(folder, async () => {
        const list = await synchronize(folder);
        const wanted = new Set(uids);
        const gone = list.entries.filter((entry) => wanted.has(formatUid(entry.uid, list.validity)));
        if (gone.length === 0) return;
        // The commit: the unique-ids go and their files are marked removed, in one atomic write.
        await writeUidList(folder, {
          ...list,
          entries: list.entries.filter((entry) => !gone.includes(entry)),
          removed: gone.map((entry) => ({ base: entry.base })),
        });
        await unlinkMessages(folder, gone.map((entry) => entry.base));
      });
    });
  }

  /** A reset: new messages with fresh unique-ids replace the old ones, atomically. */
  async replace(account: string, messages: readonly NewMessage[]): Promise<void> {
    await this.#serialized(account, async (folder) => {
      if (!(await exists(folder.cur)) && (await createMaildir(this.root, folder, messages))) return;
      await this.#locked(folder, async () => {
        const list = await synchronize(folder);
        const written = await writeToTmp(folder, messages);
        // A logged-in session keeps reading its snapshot: its files go once it has ended.
        const reader = await liveLockOwner(path.join(folder.root, MAILDROP_LOCK));
        const removed = list.entries.map((entry): Removal => (reader ? { base: entry.base, readerLock: reader.nonce } : { base: entry.base }));
        // The commit: new messages listed (still in tmp/), every old one marked removed.
        await writeUidList(folder, {
          validity: list.validity,
          next: list.next + written.length,
          entries: written.map((file, i) => ({ ...file, uid: list.next + i })),
          removed: [...list.removed, ...removed],
        });
        await moveIntoCur(folder, written.map((file) => file.base));
        if (!reader) await unlinkMessages(folder, list.entries.map((entry) => entry.base));
      });
    });
  }

  /** A delivery: the messages follow the existing ones, with fresh unique-ids. */
  async append(account: string, messages: readonly NewMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.#serialized(account, async (folder) => {
      await this.#ensure(account, folder, true);
      await this.#locked(folder, async () => {
        const list = await synchronize(folder);
        const written = await writeToTmp(folder, messages);
        // The commit: the new messages are listed while still in tmp/.
        await writeUidList(folder, {
          ...list,
          next: list.next + written.length,
          entries: [...list.entries, ...written.map((file, i) => ({ ...file, uid: list.next + i }))],
        });
        await moveIntoCur(folder, written.map((file) => file.base));
      });
    });
  }

  /** RFC 1939 §4: the exclusive-access lock, held across processes; a dead holder's lock is taken over. */
  async lock(account: string): Promise<ReleaseLock | undefined> {
    const folder = await this.#serialized(account, async (folder) => {
      await this.#ensure(account, folder, true);
      return folder;
    });
    const held = await tryLock(path.join(folder.root, MAILDROP_LOCK), folder.tmp);
    if (!held) return undefined;
    this.#locks.add(held);
    return async () => {
      this.#locks.delete(held);
      await held.release();
    };
  }

  /** Waits for changes in progress and releases the maildrop locks this instance holds. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#queues.values()]);
    const held = [...this.#locks];
    this.#locks.clear();
    await Promise.all(held.map((lock) => lock.release()));
  }

  /** Runs `task` on the account's folder after earlier tasks on the same account in this process. */
  #serialized<T>(account: string, task: (folder: Folder) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new CodedError('STORAGE_CLOSED', 'the Maildir storage is closed'));
    let folder: Folder;
    try {
      folder = folderOf(this.maildirPath(account));
    } catch (error) {
      return Promise.reject(error);
    }
    const previous = this.#queues.get(account) ?? Promise.resolve();
    const run = previous.then(() => task(folder));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#queues.set(account, settled);
    void settled.then(() => {
      if (this.#queues.get(account) === settled) this.#queues.delete(account);
    });
    return run;
  }

  /** Runs `task` holding the uidlist lock, which other processes sharing the Maildir respect. */
  async #locked<T>(folder: Folder, task: () => Promise<T>): Promise<T> {
    const timeout = this.#options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    const lock = await waitForLock(path.join(folder.root, UIDLIST_LOCK), folder.tmp, timeout);
    try {
      return await task();
    } finally {
      await lock.release();
    }
  }

  /**
   * Makes sure the account's Maildir exists, seeding it on first use. Resolves to false (and
   * creates nothing) for an account without a seed when `always` is false.
   */
  async #ensure(account: string, folder: Folder, always: boolean): Promise<boolean> {
    if (await exists(folder.cur)) return true;
    const seed = this.#options.seed ? await this.#options.seed(account) : undefined;
    if (seed === undefined && !always) return false;
    await createMaildir(this.root, folder, seed ?? []);
    return true;
  }
}

function folderOf(root: string): Folder {
  return { root, tmp: path.join(root, 'tmp'), new: path.join(root, 'new'), cur: path.join(root, 'cur') };
}

/** Dovecot's default UIDL format (%08Xu%08Xv): the uid, then the uid validity, in hex. */
function formatUid(uid: number, validity: number): string {
  return uid.toString(16).toUpperCase().padStart(8, '0') + validity.toString(16).toUpperCase().padStart(8, '0');
}

function storedMessage(account: string, folder: Folder, validity: number, entry: UidEntry): StoredMessage {
  const uid = formatUid(entry.uid, validity);
  const message: StoredMessage = {
    uid,
    size: entry.size,
    async read() {
      const file = await findInCur(folder, entry.base);
      if (file === undefined) throw new MessageGoneError(account, uid);
      return toCanonicalCrlf(await fs.readFile(path.join(folder.cur, file)));
    },
  };
  if (entry.seedName !== undefined) message.seedName = entry.seedName;
  return message;
}

/** The current name in cur/ of a message: its flags may have been changed by a mail reader. */
async function findInCur(folder: Folder, base: string): Promise<string | undefined> {
  const likely = base + NO_FLAGS;
  if (await exists(path.join(folder.cur, likely))) return likely;
  const names = await fs.readdir(folder.cur);
  return names.find((name) => baseOf(name) === base);
}

function baseOf(fileName: string): string {
  const colon = fileName.indexOf(':');
  return colon === -1 ? fileName : fileName.slice(0, colon);
}

let deliveries = 0;
let lastMicros = 0n;
const clockOrigin = { wallMs: BigInt(Date.now()), hrtime: process.hrtime.bigint() };

/** Wall-clock microseconds, strictly increasing within this process. */
function deliveryMicros(): bigint {
  let micros = clockOrigin.wallMs * 1000n + (process.hrtime.bigint() - clockOrigin.hrtime) / 1000n;
  if (micros <= lastMicros) micros = lastMicros + 1n;
  lastMicros = micros;
  return micros;
}

/**
 * A Maildir file name, `<seconds>.M<micros>P<pid>Q<count>R<random>.<host>,S=<size>`: unique,
 * and (microseconds zero-padded) sorting in delivery order for readers that sort by name.
 */
function uniqueBase(size: number): string {
  const micros = deliveryMicros();
  deliveries += 1;
  // The Maildir spec escapes "/" and ":" in the host name.
  const host = os.hostname().replace(/\//g, '\\057').replace(/:/g, '\\072');
  const seconds = micros / 1_000_000n;
  const fraction = String(micros % 1_000_000n).padStart(6, '0');
  return `${seconds}.M${fraction}P${process.pid}Q${deliveries}R${createNonce()}.${host},S=${size}`;
}

/** Writes messages (canonical CRLF) into tmp/, each fsynced, then fsyncs tmp/. */
async function writeToTmp(folder: Folder, messages: readonly NewMessage[]): Promise<Omit<UidEntry, 'uid'>[]> {
  const written: Omit<UidEntry, 'uid'>[] = [];
  for (const message of messages) {
    const bytes = toCanonicalCrlf(message.bytes);
    const base = uniqueBase(bytes.length);
    await writeDurably(path.join(folder.tmp, base), bytes);
    const entry: Omit<UidEntry, 'uid'> = { size: bytes.length, base };
    if (message.seedName !== undefined) entry.seedName = message.seedName;
    written.push(entry);
  }
  if (written.length > 0) await syncDirectory(folder.tmp);
  return written;
}

async function moveIntoCur(folder: Folder, bases: readonly string[]): Promise<void> {
  if (bases.length === 0) return;
  for (const base of bases) await fs.rename(path.join(folder.tmp, base), path.join(folder.cur, base + NO_FLAGS));
  await syncDirectory(folder.cur);
  await syncDirectory(folder.tmp);
}

async function unlinkMessages(folder: Folder, bases: readonly string[]): Promise<void> {
  if (bases.length === 0) return;
  const wanted = new Set(bases);
  for (const name of await fs.readdir(folder.cur)) {
    if (wanted.has(baseOf(name))) await fs.unlink(path.join(folder.cur, name)).catch(ignoreMissing);
  }
  await syncDirectory(folder.cur);
}

/**
 * Brings the uidlist and the folders into agreement, rolling forward whatever a crash left half
 * done, and picks up mail delivered into new/ (or cur/) by other programs. Writes the uidlist
 * only when something changed. Must run under the uidlist lock.
 */
async function synchronize(folder: Folder): Promise<UidList> {
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
async function readSettled(folder: Folder): Promise<UidList | undefined> {
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
async function createMaildir(root: string, folder: Folder, messages: readonly NewMessage[]): Promise<boolean> {
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
async function removeAbandonedStaging(root: string): Promise<void> {
  const host = os.hostname();
  for (const entry of await fs.readdir(root, { withFileTypes: true })) {
    const pid = /^\..+\.creating\.P(\d+)\.[0-9a-f]+$/.exec(entry.name)?.[1];
    if (!entry.isDirectory() || pid === undefined) continue;
    if (Number(pid) === process.pid || isOwnerAlive({ pid: Number(pid), startTime: undefined, host, nonce: '' })) continue;
    await fs.rm(path.join(root, entry.name), { recursive: true, force: true });
  }
}

// The uidlist, one line per message in order:
//   pop3-uidlist 1 validity=<n> next=<n>
//   <uid> <size> <base> [<seed name>]
//   - <base> [<lock nonce>]              (a committed removal whose file may remain, for the
//                                         session holding that maildrop lock)
// Fields are percent-encoded where they hold "%", spaces or control characters.

async function readUidList(folder: Folder): Promise<UidList | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(folder.root, UIDLIST), 'utf8');
  } catch (error) {
    ignoreMissing(error);
    return undefined;
  }
  return parseUidList(text);
}

/** Parses a uidlist; undefined when it is damaged (the Maildir then gets a new uid validity). */
function parseUidList(text: string): UidList | undefined {
  const lines = text.split('\n');
  const header = /^pop3-uidlist 1 validity=(\d+) next=(\d+)$/.exec(lines[0] ?? '');
  if (!header || lines[lines.length - 1] !== '') return undefined;
  const list: UidList = { validity: Number(header[1]), next: Number(header[2]), entries: [], removed: [] };
  for (const line of lines.slice(1, -1)) {
    const fields = line.split(' ');
    if (fields[0] === '-' && (fields.length === 2 || fields.length === 3)) {
      const removal: Removal = { base: decodeField(fields[1] as string) };
      if (fields[2] !== undefined) removal.readerLock = fields[2];
      list.removed.push(removal);
      continue;
    }
    const [uid, size, base, seedName] = fields;
    if (uid === undefined || size === undefined || base === undefined || fields.length > 4) return undefined;
    if (!/^\d+$/.test(uid) || !/^\d+$/.test(size)) return undefined;
    const entry: UidEntry = { uid: Number(uid), size: Number(size), base: decodeField(base) };
    if (seedName !== undefined) entry.seedName = decodeField(seedName);
    list.entries.push(entry);
  }
  return list;
}

function formatUidList(list: UidList): string {
  const lines = [`${UIDLIST_HEADER} validity=${list.validity} next=${list.next}`];
  for (const entry of list.entries) {
    const seed = entry.seedName === undefined ? '' : ` ${encodeField(entry.seedName)}`;
    lines.push(`${entry.uid} ${entry.size} ${encodeField(entry.base)}${seed}`);
  }
  for (const removal of list.removed) {
    lines.push(`- ${encodeField(removal.base)}${removal.readerLock === undefined ? '' : ` ${removal.readerLock}`}`);
  }
  return lines.join('\n') + '\n';
}

function encodeField(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[%\x00-\x20\x7f]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function decodeField(value: string): string {
  return value.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Replaces the uidlist atomically: write a scratch copy in tmp/, fsync, rename, fsync. */
async function writeUidList(folder: Folder, list: UidList): Promise<void> {
  const scratch = path.join(folder.tmp, `${Math.floor(Date.now() / 1000)}.P${process.pid}N${createNonce()}.uidlist`);
  await writeDurably(scratch, Buffer.from(formatUidList(list), 'utf8'));
  await fs.rename(scratch, path.join(folder.root, UIDLIST));
  await syncDirectory(folder.root);
}

async function writeDurably(file: string, bytes: Buffer): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames and unlinks in a folder durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** File names in a Maildir folder, without dot files (Maildir: those are not messages). */
async function visibleNames(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    ignoreMissing(error);
    return [];
  }
  return entries.filter((entry) => !entry.name.startsWith('.') && !entry.isDirectory()).map((entry) => entry.name);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
