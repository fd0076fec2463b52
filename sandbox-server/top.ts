/**
 * The header/body split behind TOP (RFC 1939 §7), as pure functions over canonical CRLF bytes.
 */

const CRLF = Buffer.from('\r\n');
const BLANK_LINE = Buffer.from('\r\n\r\n');

/** A message split at the blank line that ends its header section (RFC 5322 §2.1). */
export interface MessageParts {
  /** Header lines, each with its CRLF; without the blank line. */
  header: Buffer;
  /** The body after the blank line; empty when there is none. */
  body: Buffer;
  /** False for a message with no blank line at all (headers only). */
  hasSeparator: boolean;
}

/** Splits a canonical message into header section and body. */
export function splitMessage(canonical: Buffer): MessageParts {
  if (canonical.subarray(0, 2).equals(CRLF)) {
    // An empty header section: the message starts with the blank line.
    return { header: Buffer.alloc(0), body: canonical.subarray(2), hasSeparator: true };
  }
  const at = canonical.indexOf(BLANK_LINE);
  if (at === -1) return { header: canonical, body: Buffer.alloc(0), hasSeparator: false };
  return { header: canonical.subarray(0, at + 2), body: canonical.subarray(at + 4), hasSeparator: true };
}

/**
 * What `TOP msg n` sends before stuffing (RFC 1939 §7): the header section, the blank line, then
 * the first `lines` lines of the body (the whole body if it is shorter). A headers-only message
 * gets the blank line added, so `TOP msg 0` always ends in an empty line.
 */
export function topOfMessage(canonical: Buffer, lines: number): Buffer {
  const { header, body } = splitMessage(canonical);
  let end = 0;
  for (let taken = 0; taken < lines && end < body.length; taken++) {
    const lf = body.indexOf(0x0a, end);
    end = lf === -1 ? body.length : lf + 1;
  }
  return Buffer.concat([header, CRLF, body.subarray(0, end)]);
}

/** True when the header section holds raw 8-bit octets, which need UTF8 mode (RFC 6856 §2.1). */
export function hasEightBitHeader(canonical: Buffer): boolean {
  const { header } = splitMessage(canonical);
  for (const octet of header) if (octet >= 0x80) return true;
  return false;
}
