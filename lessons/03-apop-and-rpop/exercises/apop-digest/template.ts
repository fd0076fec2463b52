/**
 * The APOP digest (RFC 1939 §7). A server that offers APOP puts a timestamp in its greeting,
 * e.g. `+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>`. The client proves it knows
 * the shared secret without sending it: it sends `APOP name digest`, where digest is the MD5
 * of the timestamp followed by the secret, written as 32 lower-case hex digits.
 *
 * Write `apopDigest` below, then `npm run exercises -- watch apop-digest` (or `.exercise watch
 * apop-digest` in the playground): every save runs it on the RFC's example, other greetings,
 * and the sandbox's own.
 */
import { createHash } from 'node:crypto';

/** The APOP digest for `greeting` (the server's whole first line) and the shared `secret`. */
export function apopDigest(greeting: string, secret: string): string {
  // TODO 1: find the timestamp in the greeting: from `<` to `>`, brackets included.
  // TODO 2: return createHash('md5').update(timestamp + secret).digest('hex').
  void createHash;
  throw new Error(`apopDigest is not written yet (greeting ${greeting.length} characters, secret ${secret.length})`);
}
