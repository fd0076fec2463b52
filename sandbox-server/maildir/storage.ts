import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CodedError, InvalidArgumentError, toCanonicalCrlf } from '../../src/protocol';
import type { MailStorage, NewMessage, ReleaseLock, StoredMessage } from '../storage';
import type { Folder } from './files';
import { exists, findInCur, folderOf, MAILDROP_LOCK, moveIntoCur, UIDLIST_LOCK, unlinkMessages, writeToTmp, writeUidList } from './files';
import type { HeldLock } from './lock';
import { liveLockOwner, tryLock, waitForLock } from './lock';
import { createMaildir, readSettled, removeAbandonedStaging, synchronize } from './sync';
import type { Removal, UidEntry } from './uidlist';
import { formatUid } from './uidlist';

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

const DEFAULT_LOCK_TIMEOUT_MS = 10_000;





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
