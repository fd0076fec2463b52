/**
 * Keeping UIDL sync state across runs (RFC 1939 §7). A mail client that leaves mail on the
 * server asks, at every visit, which messages are new. Message-numbers last one session;
 * unique-ids last as long as the message does. So the client keeps the unique-ids it has seen
 * in a file, and compares.
 *
 * Write `newMessages` below, then `npm run exercises -- watch uidl-sync` (or `.exercise watch
 * uidl-sync` in the playground): every save runs it five times in a row, your file loaded
 * afresh each time, with mail deleted and arriving between runs.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Pop3Client } from 'pop3-playground';

/**
 * The unique-ids of the messages on the server that earlier runs did not report. `pop` is
 * logged in (the caller QUITs); `stateFile` is where the unique-ids seen are kept between runs.
 */
export async function newMessages(pop: Pop3Client, stateFile: string): Promise<string[]> {
  // TODO 1: read the unique-ids seen so far from stateFile (none when it does not exist yet).
  // TODO 2: `await pop.uidl()`, and keep the entries whose uid was not seen.
  // TODO 3: write the unique-ids of the whole listing to stateFile, and return the new ones.
  void existsSync;
  void readFileSync;
  void writeFileSync;
  throw new Error(`newMessages is not written yet (${pop.state}, ${stateFile})`);
}
