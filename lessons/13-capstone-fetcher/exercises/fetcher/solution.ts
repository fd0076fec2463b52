/**
 * The capstone (lesson 13): a fetcher that leaves mail on the server (the official solution).
 *
 * Each run logs in, asks for the unique-id listing (UIDL, RFC 1939 §7), retrieves only the
 * messages it has not stored before, and delivers each one into a local Maildir the safe way
 * (written to tmp/, then renamed into new/). The unique-ids it has stored are remembered in a
 * file, one per line, written as it goes: a run cut short keeps what it stored, and the next
 * run carries on from there. On request it deletes, on the server, stored messages older than
 * N days, and QUITs so that the deletions take effect (RFC 1939 §6).
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { connect } from 'pop3-playground';

/** What the check passes in (and what a script of yours would pass). */
export interface FetchOptions {
  /** The server: host, port and CA, like `sandbox` at the prompt. */
  server: { host: string; port: number; ca?: string };
  user: string;
  password: string;
  /** The local Maildir; created with tmp/, new/ and cur/ when missing. */
  maildir: string;
  /** "Now", for file names and the age of messages. The check passes a fixed clock. */
  now: Date;
  /** Delete on the server the stored messages older than this many days (by their Date: field). */
  deleteOlderThanDays?: number;
  /** Where the progress bar goes (default: standard output). */
  output?: { write(text: string): unknown };
}

/** What one run did. */
export interface FetchReport {
  /** Messages retrieved and stored by this run. */
  fetched: number;
  /** Messages deleted on the server by this run. */
  deleted: number;
}

/** The file, inside the Maildir, that lists the unique-ids already stored (one per line). */
export const SEEN_FILE = '.seen-uids';

const DAY_MS = 24 * 60 * 60 * 1000;
const BAR_WIDTH = 20;

/** Syncs new messages into the Maildir, then deletes old ones on the server when asked. */
export async function fetchMail(options: FetchOptions): Promise<FetchReport> {
  const output = options.output ?? process.stdout;
  createMaildir(options.maildir);
  const seen = readSeen(options.maildir);
  const pop = await connect(options.server);
  try {
    await pop.user(options.user);
    await pop.pass(options.password);

    // Message-numbers last one session; unique-ids last across sessions (RFC 1939 §7).
    const listing = await pop.uidl();
    const wanted = listing.filter((entry) => !seen.has(entry.uid));
    output.write(progressBar(0, wanted.length));
    let fetched = 0;
    for (const entry of wanted) {
      const message = await pop.retr(entry.n);
      deliver(options.maildir, message.bytes, options.now, fetched);
      // Remembered at once, so an interrupted run keeps everything stored so far.
      remember(options.maildir, entry.uid);
      seen.add(entry.uid);
      fetched++;
      output.write(`\r${progressBar(fetched, wanted.length)}`);
    }
    output.write('\n');

    let deleted = 0;
    if (options.deleteOlderThanDays !== undefined) {
      const cutoff = options.now.getTime() - options.deleteOlderThanDays * DAY_MS;
      for (const entry of listing) {
        // Never delete what is not safely stored here.
        if (!seen.has(entry.uid)) continue;
        const head = await pop.top(entry.n, 0);
        const date = Date.parse(head.header('date') ?? '');
        if (Number.isFinite(date) && date < cutoff) {
          await pop.dele(entry.n);
          deleted++;
        }
      }
    }
    // DELE only marks; the server removes the marked messages in the UPDATE state, after QUIT.
    await pop.quit();
    return { fetched, deleted };
  } catch (error) {
    pop.close();
    throw error;
  }
}

/** A Maildir is three folders: tmp/ (being written), new/ (delivered, unread) and cur/ (seen). */
function createMaildir(dir: string): void {
  for (const sub of ['tmp', 'new', 'cur']) mkdirSync(path.join(dir, sub), { recursive: true });
}

function readSeen(dir: string): Set<string> {
  const file = path.join(dir, SEEN_FILE);
  if (!existsSync(file)) return new Set();
  return new Set(readFileSync(file, 'utf8').split('\n').filter((line) => line !== ''));
}

function remember(dir: string, uid: string): void {
  appendFileSync(path.join(dir, SEEN_FILE), `${uid}\n`);
}

/**
 * Delivers one message: written completely into tmp/, then renamed into new/. A rename is
 * atomic, so a reader of new/ never sees half a message, even if this process dies mid-write.
 */
function deliver(dir: string, bytes: Buffer, now: Date, sequence: number): void {
  // Maildir names are time.unique.host; process id, counter and random bytes make them unique.
  const name = `${Math.floor(now.getTime() / 1000)}.P${process.pid}Q${sequence}R${randomBytes(6).toString('hex')}.pop3-playground`;
  const temporary = path.join(dir, 'tmp', name);
  writeFileSync(temporary, bytes);
  renameSync(temporary, path.join(dir, 'new', name));
}

/** `[#########-----------] 9/20`: the bar, then how many of how many. */
export function progressBar(done: number, total: number): string {
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
}
