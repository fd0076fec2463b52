import { promises as fs, type Dirent } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toCanonicalCrlf } from '../../src/protocol';
import type { NewMessage } from '../storage';
import { createNonce } from './lock';
import type { UidEntry, UidList } from './uidlist';
import { formatUidList, parseUidList } from './uidlist';

/**
 * The file operations of a Maildir (tmp/, new/, cur/ and the files beside them): names that
 * sort in delivery order, durable writes (fsync of the file, then of its folder), atomic
 * replacement by rename.
 */

/** The unique-id list of one Maildir, beside cur/ (format: uidlist.ts). */
export const UIDLIST = 'pop3-uidlist';

/** The exclusive maildrop lock of a session (RFC 1939 §4). */
export const MAILDROP_LOCK = 'pop3-maildrop.lock';

/** The short lock around every change of the uidlist and the folders. */
export const UIDLIST_LOCK = 'pop3-uidlist.lock';

/** Maildir "info" for a message in cur/: version 2, no flags. */
export const NO_FLAGS = ':2,';

/** The paths of one account's Maildir. */
export interface Folder {
  root: string;
  tmp: string;
  new: string;
  cur: string;
}

/** The folders of the Maildir at `root`. */
export function folderOf(root: string): Folder {
  return { root, tmp: path.join(root, 'tmp'), new: path.join(root, 'new'), cur: path.join(root, 'cur') };
}

/** The current name in cur/ of a message: its flags may have been changed by a mail reader. */
export async function findInCur(folder: Folder, base: string): Promise<string | undefined> {
  const likely = base + NO_FLAGS;
  if (await exists(path.join(folder.cur, likely))) return likely;
  const names = await fs.readdir(folder.cur);
  return names.find((name) => baseOf(name) === base);
}

/** A file name without its Maildir info (`:2,<flags>`), which mail readers may change. */
export function baseOf(fileName: string): string {
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
export function uniqueBase(size: number): string {
  const micros = deliveryMicros();
  deliveries += 1;
  // The Maildir spec escapes "/" and ":" in the host name.
  const host = os.hostname().replace(/\//g, '\\057').replace(/:/g, '\\072');
  const seconds = micros / 1_000_000n;
  const fraction = String(micros % 1_000_000n).padStart(6, '0');
  return `${seconds}.M${fraction}P${process.pid}Q${deliveries}R${createNonce()}.${host},S=${size}`;
}

/** Writes messages (canonical CRLF) into tmp/, each fsynced, then fsyncs tmp/. */
export async function writeToTmp(folder: Folder, messages: readonly NewMessage[]): Promise<Omit<UidEntry, 'uid'>[]> {
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

/** Moves written messages from tmp/ into cur/ (Maildir delivery), durably. */
export async function moveIntoCur(folder: Folder, bases: readonly string[]): Promise<void> {
  if (bases.length === 0) return;
  for (const base of bases) await fs.rename(path.join(folder.tmp, base), path.join(folder.cur, base + NO_FLAGS));
  await syncDirectory(folder.cur);
  await syncDirectory(folder.tmp);
}

/** Deletes the files of these messages from cur/, whatever their flags, durably. */
export async function unlinkMessages(folder: Folder, bases: readonly string[]): Promise<void> {
  if (bases.length === 0) return;
  const wanted = new Set(bases);
  for (const name of await fs.readdir(folder.cur)) {
    if (wanted.has(baseOf(name))) await fs.unlink(path.join(folder.cur, name)).catch(ignoreMissing);
  }
  await syncDirectory(folder.cur);
}

/** The uidlist of a Maildir; undefined when there is none or it is damaged. */
export async function readUidList(folder: Folder): Promise<UidList | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(folder.root, UIDLIST), 'utf8');
  } catch (error) {
    ignoreMissing(error);
    return undefined;
  }
  return parseUidList(text);
}

/** Replaces the uidlist atomically: write a scratch copy in tmp/, fsync, rename, fsync. */
export async function writeUidList(folder: Folder, list: UidList): Promise<void> {
  const scratch = path.join(folder.tmp, `${Math.floor(Date.now() / 1000)}.P${process.pid}N${createNonce()}.uidlist`);
  await writeDurably(scratch, Buffer.from(formatUidList(list), 'utf8'));
  await fs.rename(scratch, path.join(folder.root, UIDLIST));
  await syncDirectory(folder.root);
}

/** Creates a file that must not exist yet and fsyncs it. */
export async function writeDurably(file: string, bytes: Buffer): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames and unlinks in a folder durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** File names in a Maildir folder, without dot files (Maildir: those are not messages). */
export async function visibleNames(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    ignoreMissing(error);
    return [];
  }
  return entries.filter((entry) => !entry.name.startsWith('.') && !entry.isDirectory()).map((entry) => entry.name);
}

/** True when the path exists. */
export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Swallows "no such file"; rethrows anything else. */
export function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
