import { MalformedReplyError } from '../protocol';

/** One line of a scan listing (RFC 1939 §5 LIST): message-number and size in octets. */
export interface ScanListing {
  n: number;
  size: number;
}

/** One line of a unique-id listing (RFC 1939 §7 UIDL). */
export interface UniqueIdListing {
  n: number;
  uid: string;
}

/** The maildrop's drop listing (RFC 1939 §5 STAT). */
export interface DropListing {
  count: number;
  size: number;
}

const NUMBER = /^\d+$/;

function toNumber(word: string | undefined, what: string, line: string): number {
  const n = Number(word);
  if (word === undefined || !NUMBER.test(word) || !Number.isSafeInteger(n)) {
    throw new MalformedReplyError(`${what} is not a number in ${JSON.stringify(shorten(line))}`);
  }
  return n;
}

function shorten(line: string): string {
  return line.length > 60 ? `${line.slice(0, 60)}...` : line;
}

/** RFC 1939 §5: "+OK nn mm" (more text may follow). @throws MalformedReplyError */
export function parseDropListing(text: string): DropListing {
  const [count, size] = text.trim().split(/\s+/);
  return { count: toNumber(count, 'message count', text), size: toNumber(size, 'maildrop size', text) };
}

/** RFC 1939 §5: "msg octets" (more text may follow). @throws MalformedReplyError */
export function parseScanListing(line: string): ScanListing {
  const [n, size] = line.trim().split(/\s+/);
  return { n: toNumber(n, 'message-number', line), size: toNumber(size, 'size', line) };
}

/**
 * RFC 1939 §7: "msg unique-id". The unique-id is everything after the number, so uids with
 * characters outside 0x21..0x7E (seen in the wild) survive intact. @throws MalformedReplyError
 */
export function parseUniqueIdListing(line: string): UniqueIdListing {
  const match = /^\s*(\S+)\s+(.*?)\s*$/.exec(line);
  if (!match || match[2] === '') throw new MalformedReplyError(`no unique-id in ${JSON.stringify(shorten(line))}`);
  return { n: toNumber(match[1], 'message-number', line), uid: match[2]! };
}

/** Splits a listing body (CRLF lines) into its lines. */
export function bodyLines(body: Buffer): string[] {
  const text = body.toString('utf8');
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
