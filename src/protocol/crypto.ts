/**
 * The cryptography POP3 needs, as a port: MD5 for APOP (RFC 1939 §7), HMAC-MD5 for CRAM-MD5
 * (RFC 2195), SHA-256 for the sandbox's unique-ids, random bytes for timestamps and
 * challenges, and a timing-safe compare for secrets. All synchronous. Node passes
 * `node:crypto` (src/ports/node-crypto.ts); a browser passes the pure implementation
 * (src/ports/pure-crypto.ts). Both give byte-identical digests, so unique-ids never depend on
 * where the sandbox runs.
 */
export interface CryptoPort {
  md5(data: Uint8Array): Uint8Array;
  hmacMd5(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** SHA-256 of the parts, as if concatenated. */
  sha256(...parts: Uint8Array[]): Uint8Array;
  randomBytes(length: number): Uint8Array;
  /** True when both hold the same bytes; compares in time that does not depend on where they differ. False for different lengths. */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a string (RFC 1939 §7 digests a string's octets; RFC 6856 makes them UTF-8). */
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lower-case hex, as APOP and CRAM-MD5 digests are sent (RFC 1939 §7, RFC 2195 §2). */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte];
  return out;
}
