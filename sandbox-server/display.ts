const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes are valid UTF-8 (RFC 3629). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Shows untrusted input inside a reply: printable ASCII kept, every other octet as \xNN, cut to
 * `max` characters. Outside UTF-8 mode a reply may not carry raw 8-bit octets (RFC 6856 §2.1),
 * and control characters have no place in a status line.
 */
export function printable(latin1: string, max = 40): string {
  const cut = latin1.length > max ? latin1.slice(0, max) : latin1;
  const shown = cut.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return latin1.length > max ? `${shown}...` : shown;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Shows received octets (held as a latin1 string) in the session log: decoded as UTF-8 when they
 * are valid UTF-8, control characters as \xNN, so a log line never carries a raw CR or escape.
 */
export function readable(latin1: string): string {
  // Most commands are plain printable ASCII: shown as they are, without a round trip through bytes.
  if (PRINTABLE_ASCII.test(latin1)) return latin1;
  const bytes = Buffer.from(latin1, 'latin1');
  const text = isUtf8(bytes) ? bytes.toString('utf8') : latin1;
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
