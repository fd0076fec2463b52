/**
 * Every size and time limit of the protocol, in one place, each with its reason.
 * Client and server both read these, so their framing cannot drift apart.
 */

/** RFC 2449 §4: a command line, CRLF included, may be up to 255 octets. */
export const MAX_COMMAND_LINE = 255;

/** RFC 5034 §4: SASL lines may exceed the command limit; we accept up to 8 KiB. */
export const MAX_SASL_LINE = 8 * 1024;

/** Project policy: input with no line break at all past this closes the connection. */
export const MAX_UNTERMINATED_INPUT = 64 * 1024;

/** RFC 1939 §3 / RFC 2449 §3: a status line, CRLF included, is at most 512 octets. */
export const MAX_STATUS_LINE = 512;

/** Client tolerance for status lines from servers that exceed 512 octets (poplib allows 2048). */
export const CLIENT_MAX_STATUS_LINE = 8 * 1024;

/** Client limit on one line of a multi-line body: real mail exceeds RFC 5322's 998 octets. */
export const CLIENT_MAX_BODY_LINE = 1024 * 1024;

/** Client cap on one buffered message; streaming retrieval uses the same default. */
export const CLIENT_MAX_MESSAGE_SIZE = 256 * 1024 * 1024;

/** RFC 1939 §3: an autologout timer, if any, must be at least 10 minutes. */
export const AUTOLOGOUT_MS = 10 * 60 * 1000;

/** Project policy: pause after a failed login (RFC 1939 §13 suggests slowing guessers); at most a second. */
export const FAILED_LOGIN_DELAY_MS = 300;

/** Project policy: consecutive bad commands tolerated before closing (Dovecot allows 20 after login). */
export const MAX_BAD_COMMANDS = 20;

/** Project policy: simultaneous connections the sandbox accepts. */
export const MAX_CONNECTIONS = 4000;

/** RFC 2449 §6.8 / RFC 1939 §7: unique-ids are 1 to 70 octets in 0x21..0x7E. */
export const MAX_UID_LENGTH = 70;

/** RFC 1939 §3: each argument may be up to 40 characters (we accept longer, but the client warns nothing). */
export const MAX_ARGUMENT_LENGTH = 40;
