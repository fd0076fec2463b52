import { createHash } from 'node:crypto';
import { MAX_UID_LENGTH } from '../src/protocol';

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
 */
export function deriveUid(account: string, generation: number, sequence: number, digest: Buffer): string {
  return createHash('sha256')
    .update(`${account}\0${generation}\0${sequence}\0`)
    .update(digest)
    .digest('hex')
    .slice(0, UID_HEX_DIGITS);
}

/** The SHA-256 of a message's canonical bytes, the content part of {@link deriveUid}. */
export function contentDigest(canonical: Buffer): Buffer {
  return createHash('sha256').update(canonical).digest();
}

/** True for a valid unique-id: 1 to 70 octets in 0x21-0x7E (RFC 1939 §7). */
export function isValidUid(uid: string): boolean {
  return uid.length >= 1 && uid.length <= MAX_UID_LENGTH && /^[\x21-\x7e]+$/.test(uid);
}
