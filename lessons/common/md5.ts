import { md5 } from '@noble/hashes/legacy';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * MD5 of a string's UTF-8 octets as 32 lower-case hex digits: the form of APOP's digest
 * (RFC 1939 §7), so a check can compute the digest a learner should have. Pure JavaScript, so
 * the lesson runs wherever the tutor does.
 */
export function md5Hex(text: string): string {
  return bytesToHex(md5(utf8ToBytes(text)));
}
