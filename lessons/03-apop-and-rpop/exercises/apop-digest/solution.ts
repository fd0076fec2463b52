/**
 * The APOP digest (RFC 1939 §7): MD5 over the greeting's timestamp, angle brackets included,
 * followed by the shared secret, as 32 lower-case hex digits.
 */
import { createHash } from 'node:crypto';

/** The APOP digest for `greeting` (the server's whole first line) and the shared `secret`. */
export function apopDigest(greeting: string, secret: string): string {
  const timestamp = /<[^<>]*@[^<>]*>/.exec(greeting)?.[0];
  if (timestamp === undefined) throw new Error('the greeting has no APOP timestamp <...@...>');
  return createHash('md5').update(timestamp + secret, 'utf8').digest('hex');
}
