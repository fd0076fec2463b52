/**
 * Keeping UIDL sync state across runs (RFC 1939 §7): the unique-ids seen are kept in a file;
 * each run compares the unique-id listing with it, and writes the listing back, so unique-ids
 * of messages deleted meanwhile are forgotten.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Pop3Client } from 'pop3-playground';

/**
 * The unique-ids of the messages on the server that earlier runs did not report. `pop` is
 * logged in (the caller QUITs); `stateFile` is where the unique-ids seen are kept between runs.
 */
export async function newMessages(pop: Pop3Client, stateFile: string): Promise<string[]> {
  const seen = new Set(existsSync(stateFile) ? readFileSync(stateFile, 'utf8').split('\n').filter(Boolean) : []);
  const listing = await pop.uidl();
  const fresh = listing.filter((entry) => !seen.has(entry.uid)).map((entry) => entry.uid);
  writeFileSync(stateFile, listing.map((entry) => `${entry.uid}\n`).join(''));
  return fresh;
}
