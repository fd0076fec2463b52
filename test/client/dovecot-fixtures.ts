/**
 * Fixtures of the client-against-Dovecot suite: alice's seed maildrop, the Dovecot accounts
 * seeded with it, what TOP must return, new mail delivered into a Maildir, and a trace recorder.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { TranscriptEntry } from '../../src/protocol';
import type { DovecotUser } from '../helpers/dovecot';
import { loadSeedAccount, type SeedAccount } from '../interop/seed';

/** alice's seed account from sandbox-server/seed/manifest.json, canonical CRLF bytes included. */
export const ALICE: SeedAccount = loadSeedAccount('alice');

/**
 * Dovecot accounts, each a fresh copy of alice's maildrop with her password. `alice` is only
 * read; every test that changes a maildrop has an account of its own, so no test sees another's
 * deletions and no reset is needed between tests.
 */
export const ACCOUNTS = {
  reader: 'alice',
  rset: 'alice-rset',
  quit: 'alice-quit',
  close: 'alice-close',
  fetch: 'alice-fetch',
} as const;

/**
 * An account whose password makes `AUTH PLAIN <initial response>` longer than the 255 octets
 * of a command line (RFC 5034 §4), so the client must wait for the server's empty challenge.
 */
export const LONG_SECRET = { name: 'long-secret', password: 'p'.repeat(200) } as const;

/**
 * The users to start Dovecot with: every account in {@link ACCOUNTS}, seeded with alice's raw
 * files, and {@link LONG_SECRET} with an empty maildrop.
 */
export function dovecotUsers(): DovecotUser[] {
  const seeded = Object.values(ACCOUNTS).map((name) => ({
    name,
    password: ALICE.password,
    messages: ALICE.messages.map((m) => m.raw),
  }));
  return [...seeded, { ...LONG_SECRET }];
}

/**
 * What TOP msg n must return for a canonical message (RFC 1939 §7): the header, the empty line
 * that ends it, and at most `lines` lines of the body.
 */
export function expectedTop(canonical: Buffer, lines: number): Buffer {
  const text = canonical.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return canonical; // header only: the whole message
  const body = text.slice(end + 4).split('\r\n');
  body.pop(); // the empty string after the final CRLF
  const kept = body.slice(0, lines).map((line) => `${line}\r\n`).join('');
  return Buffer.from(text.slice(0, end + 4) + kept, 'latin1');
}

/**
 * Delivers `raw` into a Maildir the way an MTA does: write under tmp/, then rename into new/,
 * so Dovecot never sees half a file. The file gets the Maildir's owner (under root the mail
 * processes run as `nobody`). Names sort after the harness' seed files, so new mail is numbered last.
 */
export async function deliverToMaildir(maildir: string, raw: Buffer, index: number): Promise<void> {
  const owner = await fs.stat(maildir);
  const name = `${2_000_000_000 + index}.M${index}P${process.pid}.delivery`;
  const staged = path.join(maildir, 'tmp', name);
  await fs.writeFile(staged, raw, { mode: 0o600 });
  if (process.getuid?.() === 0) await fs.chown(staged, owner.uid, owner.gid);
  await fs.rename(staged, path.join(maildir, 'new', name));
}

/** Counts the message files of a Maildir (cur/ and new/). */
export async function countMaildirFiles(maildir: string): Promise<number> {
  const [cur, fresh] = await Promise.all([fs.readdir(path.join(maildir, 'cur')), fs.readdir(path.join(maildir, 'new'))]);
  return cur.length + fresh.length;
}

/** Concatenates a stream of buffers. */
export async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

/** A `trace` callback for connect() and the entries it received. */
export function recordTrace(): { entries: TranscriptEntry[]; trace: (entry: TranscriptEntry) => void } {
  const entries: TranscriptEntry[] = [];
  return { entries, trace: (entry) => entries.push(entry) };
}
