/**
 * Scan listings and unique-id listings (RFC 1939 §5, §7): the message-number, one space, then
 * the size in octets or the unique-id. A server may add text after the size; a unique-id is
 * 1 to 70 printable characters and is kept exactly as sent.
 */

/** One scan listing: which message, and how big it is. */
export interface ScanEntry {
  messageNumber: number;
  octets: number;
}

/** One unique-id listing: which message, and its unique-id. */
export interface UniqueIdEntry {
  messageNumber: number;
  uid: string;
}

/** Parses one line of LIST's answer, e.g. `2 200`. */
export function parseScanLine(line: string): ScanEntry {
  const [n = '', size = ''] = line.split(' ');
  return { messageNumber: Number(n), octets: Number(size) };
}

/** Parses one line of UIDL's answer, e.g. `2 QhdPYR:00WBw1Ph7x7`. */
export function parseUniqueIdLine(line: string): UniqueIdEntry {
  const [n = '', uid = ''] = line.split(' ');
  return { messageNumber: Number(n), uid };
}
