import type { CryptoPort } from '../src/protocol';
import { MAX_UID_LENGTH, toHex, utf8Bytes } from '../src/protocol';

/** Hex digits in a unique-id: 64 bits, so collisions within a maildrop are not a practical concern. */
const UID_HEX_DIGITS = 16;

/**
 * Derives a unique-id (RFC 1939 §7) for a stored message.
 *
 * Deterministic, so the first seeding of a fresh sandbox always yields the same unique-ids and
 * lesson outputs are reproducible; `generation` counts mailbox resets and `sequence` counts
 * messages stored within one generation, so a reset or a delivery issues ids never seen before.
 * The content digest ({@link contentDigest}) is part of the input: if a restarted sandbox ever produced the same id
 * again, it would name the same bytes, which is what a client keeping a UIDL cache expects.
 * Every {@link CryptoPort} gives the same ids: they do not depend on where the sandbox runs.
 */
export function deriveUid(crypto: CryptoPort, account: string, generation: number, sequence: number, digest: Uint8Array): string {
  return toHex(crypto.sha256(utf8Bytes(`${account}\0${generation}\0${sequence}\0`), digest)).slice(0, UID_HEX_DIGITS);
}

/** The SHA-256 of a message's canonical bytes, the content part of {@link deriveUid}. */
export function contentDigest(crypto: CryptoPort, canonical: Uint8Array): Uint8Array {
  return crypto.sha256(canonical);
}

/** True for a valid unique-id: 1 to 70 octets in 0x21-0x7E (RFC 1939 §7). */
export function isValidUid(uid: string): boolean {
  return uid.length >= 1 && uid.length <= MAX_UID_LENGTH && /^[\x21-\x7e]+$/.test(uid);
}
