/**
 * The `pop3-uidlist` file beside a Maildir's cur/, as pure text: one line per message, in
 * maildrop order, with what RFC 1939 §7 needs kept across sessions (the unique-id) and what
 * the storage needs to commit changes atomically (removals not yet carried out):
 *
 *   pop3-uidlist 1 validity=<n> next=<n>
 *   <uid> <size> <base> [<seed name>]
 *   - <base> [<lock nonce>]      a committed removal whose file may remain, for the session
 *                                holding that maildrop lock
 *
 * Fields are percent-encoded where they hold "%", spaces or control characters.
 */

const UIDLIST_HEADER = 'pop3-uidlist 1';

/** One message of the maildrop, in order. */
export interface UidEntry {
  /** The number its unique-id is made of (see {@link formatUid}); never reused in one validity. */
  uid: number;
  /** Octets of the canonical CRLF bytes (RFC 1939 §11). */
  size: number;
  /** The file name without the ":2,<flags>" info, which other programs may change. */
  base: string;
  seedName?: string;
}

/** A whole uidlist. */
export interface UidList {
  /** Chosen when the Maildir is created (or its uidlist was lost): part of every unique-id. */
  validity: number;
  /** The uid the next new message gets. */
  next: number;
  entries: UidEntry[];
  /** Committed removals whose files may still exist. */
  removed: Removal[];
}

/** A message whose removal is committed while its file may still exist. */
export interface Removal {
  base: string;
  /** The nonce of the maildrop lock whose session may still read the file; kept until it ends. */
  readerLock?: string;
}

/** Dovecot's default UIDL format (%08Xu%08Xv): the uid, then the uid validity, in hex. */
export function formatUid(uid: number, validity: number): string {
  return uid.toString(16).toUpperCase().padStart(8, '0') + validity.toString(16).toUpperCase().padStart(8, '0');
}

/** Parses a uidlist; undefined when it is damaged (the Maildir then gets a new uid validity). */
export function parseUidList(text: string): UidList | undefined {
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

/** Formats a uidlist; {@link parseUidList} reads it back unchanged. */
export function formatUidList(list: UidList): string {
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

/** Percent-encodes what would break the space-separated line. */
function encodeField(value: string): string {
  return value.replace(/[%\x00-\x20\x7f]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function decodeField(value: string): string {
  return value.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
