/**
 * The capstone (lesson 13): a fetcher that leaves mail on the server.
 *
 * Write `fetchMail` below, then run `npm run exercises -- watch fetcher` (or `.exercise watch
 * fetcher` in the playground): on every save it imports this file, calls
 * `fetchMail` against the sandbox several times (a first sync, a second run, runs the server
 * cuts short, a clean-up of old mail) with a fixed clock, and judges the Maildir folders it
 * wrote and what the server saw. The Maildirs of the last check stay in `check-runs/`, beside
 * this file, for a look.
 *
 * Work through the TODOs in order; each step is small. `npm run exercises -- hint fetcher` (or
 * `.exercise hint fetcher`) helps with the first goal not met.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { connect } from 'pop3-playground';

/** What the check passes in (and what a script of yours would pass). */
export interface FetchOptions {
  /** The server: host, port and CA, like `sandbox` at the prompt. */
  server: { host: string; port: number; ca?: string };
  user: string;
  password: string;
  /** The local Maildir; create it, with tmp/, new/ and cur/, when it is missing. */
  maildir: string;
  /** "Now", for file names and the age of messages. The check passes a fixed clock: use it, not `new Date()`. */
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

/** Syncs new messages into the Maildir, then deletes old ones on the server when asked. */
export async function fetchMail(options: FetchOptions): Promise<FetchReport> {
  const output = options.output ?? process.stdout;
  createMaildir(options.maildir);

  // TODO 1: Read the unique-ids this Maildir already holds (see readSeen below).

  // TODO 2: Connect, `const pop = await connect(options.server)`, and log in with USER and
  //         PASS (options.user, options.password). Close the connection if anything fails
  //         (`pop.close()` in a catch), so no session is left holding the maildrop.

  // TODO 3: Ask for the unique-id listing, `await pop.uidl()`, and keep the entries whose
  //         uid you have not seen. Message-numbers (entry.n) last one session; unique-ids
  //         last across sessions (RFC 1939 §7), so remember the uids, never the numbers.

  // TODO 4: For each new entry: `await pop.retr(entry.n)`, deliver `message.bytes` (see
  //         deliver below), remember the uid at once, and write the progress bar:
  //         `output.write('\r' + progressBar(done, total))`. Write a final '\n'.

  // TODO 5: If options.deleteOlderThanDays is set: for every stored message still on the
  //         server, read its Date: field (`(await pop.top(entry.n, 0)).header('date')`) and
  //         `pop.dele(entry.n)` those older than options.now minus that many days.

  // TODO 6: QUIT, so that the server commits the deletions (RFC 1939 §6), and report.
  void output;
  void connect;
  throw new Error('fetchMail is not written yet: start with TODO 1 in fetcher.ts');
}

/** A Maildir is three folders: tmp/ (being written), new/ (delivered, unread) and cur/ (seen). */
function createMaildir(dir: string): void {
  for (const sub of ['tmp', 'new', 'cur']) mkdirSync(path.join(dir, sub), { recursive: true });
}

/**
 * The unique-ids already stored. Suggestion: a file `.seen-uids` in the Maildir, one uid per
 * line, that `remember` appends to as each message is stored. Returns an empty set when the
 * file does not exist yet.
 */
function readSeen(dir: string): Set<string> {
  // TODO: read path.join(dir, '.seen-uids') when it exists.
  void dir;
  return new Set();
}

/** Adds one unique-id to the remembered ones, on disk, right away. */
function remember(dir: string, uid: string): void {
  // TODO: append `${uid}\n` to path.join(dir, '.seen-uids') (appendFileSync).
  void dir;
  void uid;
}

/**
 * Delivers one message the Maildir way: written completely into tmp/, then renamed into new/.
 * A rename is atomic, so a reader of new/ never sees half a message. Name the file
 * `time.unique.host`, e.g. `${seconds}.P${process.pid}Q${n}R${random}.pop3-playground`.
 */
function deliver(dir: string, bytes: Buffer, now: Date, sequence: number): void {
  // TODO: writeFileSync into tmp/, then renameSync into new/.
  void dir;
  void bytes;
  void now;
  void sequence;
}

/** `[#########-----------] 9/20`: a bar, then how many of how many. */
function progressBar(done: number, total: number): string {
  // TODO: draw the bar; the check looks for "done/total" after each message.
  return `${done}/${total}`;
}

// Used once the TODOs are done; these lines keep the unused helpers quiet until then.
void readSeen;
void remember;
void deliver;
void progressBar;
