/**
 * How long the client waits, in one place. Two clocks bound every exchange: an idle timeout,
 * restarted whenever data arrives, and a deadline, which data does not restart, so a server
 * that drips a byte now and then cannot hold a command (or the greeting) forever.
 */

/** Project policy: a command waits at most this long for data before it fails. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Project policy: opening the connection (TCP, and TLS for port 995) takes at most this long. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/**
 * Project policy: deadline for opening the connection and reading the greeting (RFC 1939 §4),
 * and for an STLS handshake (RFC 2595 §4). A greeting is one short line.
 */
export const DEFAULT_CONNECT_DEADLINE_MS = 30_000;

/** Project policy: deadline for a single-line reply, and the base for a multi-line one. */
export const DEFAULT_REPLY_DEADLINE_MS = 60_000;

/**
 * Project policy: a multi-line reply gets 1 s more per this many octets received or announced
 * (`+OK n octets`, RFC 1939 §5), so a body that flows at 64 KiB/s or faster always completes:
 * a 256 MiB message at that rate takes 4,096 s, and its deadline is 60 s longer.
 */
export const DEADLINE_OCTETS_PER_SECOND = 64 * 1024;

/**
 * Project policy: a `-ERR` that arrives while no command waits is the server's farewell when
 * the server closes within this time (Dovecot sends `-ERR Disconnected for inactivity.`, then
 * closes); otherwise it is an unsolicited reply.
 */
export const FAREWELL_GRACE_MS = 1_000;

/** The default deadline of a multi-line reply after `octets` received or announced. */
export function multilineDeadline(octets: number): number {
  return DEFAULT_REPLY_DEADLINE_MS + Math.floor(octets / DEADLINE_OCTETS_PER_SECOND) * 1_000;
}
