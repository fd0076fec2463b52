/**
 * Scan listings and unique-id listings (RFC 1939 §5, §7). `LIST` answers with one scan listing
 * per message, e.g. `2 200` (message 2 is 200 octets); `UIDL` with one unique-id listing per
 * message, e.g. `2 QhdPYR:00WBw1Ph7x7`.
 *
 * Write both parsers, then `npm run exercises -- watch scan-listing` (or `.exercise watch
 * scan-listing` in the playground): every save runs them on the sandbox's own listings and on
 * lines other servers send.
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
  // TODO: split the line into its words; the first is the message-number, the second the size.
  throw new Error(`parseScanLine is not written yet (${line})`);
}

/** Parses one line of UIDL's answer, e.g. `2 QhdPYR:00WBw1Ph7x7`. */
export function parseUniqueIdLine(line: string): UniqueIdEntry {
  // TODO: the first word is the message-number, the second the unique-id, unchanged.
  throw new Error(`parseUniqueIdLine is not written yet (${line})`);
}
