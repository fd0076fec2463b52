import { Pop3Error, ProtocolError, TransportError } from '../protocol';
import { makeVisible } from '../protocol/visible';
import type { Pop3Reply } from './types';

/**
 * The client's errors, each with a stable `code`. Protocol errors (LineTooLongError,
 * MalformedReplyError, MessageTooLargeError, InvalidArgumentError) come from src/protocol.
 * No message ever contains a secret: commands are named with describeCommand(). Text that came
 * from the server is made visible (makeVisible), so printing a message cannot drive a terminal.
 */

/** The server answered `-ERR`. Carries the reply and its response code (RFC 2449 §8). */
export class Pop3ReplyError extends Pop3Error {
  /** Response code without brackets, e.g. `IN-USE`, `LOGIN-DELAY`, `SYS/TEMP`. */
  readonly responseCode: string | undefined;
  /** The command that was refused, secrets redacted. */
  readonly command: string;
  readonly reply: Pop3Reply;
  constructor(command: string, reply: Pop3Reply) {
    super('ERR_REPLY', `${command} failed: ${makeVisible(reply.line)}`);
    this.command = command;
    this.reply = reply;
    this.responseCode = reply.code;
  }

  /**
   * True when the response code is `code` or one of its sub-levels: `hasResponseCode('SYS')`
   * matches `SYS/TEMP` (RFC 2449 §8: codes are hierarchical, unknown sub-levels are ignored).
   */
  hasResponseCode(code: string): boolean {
    const mine = this.responseCode;
    if (mine === undefined) return false;
    const want = code.toUpperCase();
    return mine === want || mine.startsWith(`${want}/`);
  }
}

/** The connection closed while a command waited for its reply. */
export class ConnectionClosedError extends TransportError {
  /** The command in flight, secrets redacted, or `greeting`. */
  readonly command: string | undefined;
  /**
   * The line the server said goodbye with, as received, when it sent one while no command was
   * waiting and then closed: `-ERR Disconnected for inactivity.`
   */
  readonly serverMessage: string | undefined;
  constructor(command: string | undefined, detail: string, options?: { cause?: unknown; serverMessage?: string }) {
    const said = options?.serverMessage === undefined ? detail : `${detail}, saying "${makeVisible(options.serverMessage)}"`;
    super('CONNECTION_CLOSED', command ? `${said} while waiting for the reply to ${command}` : said, options);
    this.command = command;
    this.serverMessage = options?.serverMessage;
  }
}

/** Which clock ran out: no data for the idle timeout, or the whole exchange past its deadline. */
export type TimeoutKind = 'idle' | 'deadline';

/**
 * A reply (or the connection, or the greeting) took too long: no data arrived within the idle
 * timeout (`kind: 'idle'`), or the exchange did not complete by its deadline (`kind: 'deadline'`).
 * The connection is closed, since a late reply would be read as the next command's.
 */
export class Pop3TimeoutError extends TransportError {
  /** The command that timed out, secrets redacted, or `connect to HOST:PORT` / `greeting`. */
  readonly command: string;
  /** The limit that ran out, in milliseconds. */
  readonly timeout: number;
  readonly kind: TimeoutKind;
  constructor(command: string, timeout: number, kind: TimeoutKind = 'idle') {
    super(
      'TIMEOUT',
      kind === 'idle'
        ? `no reply to ${command} within ${timeout} ms; the connection was closed`
        : `${command} did not complete within its ${timeout} ms deadline; the connection was closed`,
    );
    this.command = command;
    this.timeout = timeout;
    this.kind = kind;
  }
}

/**
 * An AbortSignal cancelled the call (or the connection). `cause` is the signal's reason. A call
 * cancelled before it was sent leaves the connection open; one cancelled while its reply was on
 * the way closes it, since that reply would be read as the next command's.
 */
export class Pop3AbortError extends TransportError {
  /** The cancelled command, secrets redacted, or `connect to HOST:PORT` / `greeting` / `fetchNew`. */
  readonly command: string;
  constructor(command: string, reason: unknown, closed: boolean) {
    const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
    super('ABORTED', `${command} cancelled: ${makeVisible(why)}${closed ? '; the connection was closed' : ''}`, { cause: reason });
    this.command = command;
  }
}

/**
 * The server sent a line while no command was waiting for a reply (RFC 1939 §3: each command
 * gets one reply, in order). Taken as the next command's reply it would shift every reply after
 * it by one, so the connection is closed instead.
 */
export class UnsolicitedReplyError extends ProtocolError {
  /** The line, control characters made visible (cut at the status-line limit). */
  readonly line: string;
  constructor(line: string) {
    const shown = makeVisible(line);
    super(
      'UNSOLICITED_REPLY',
      `unsolicited reply "${shown}": the server sent it while no command was waiting for a reply (RFC 1939 §3); the connection was closed`,
    );
    this.line = shown;
  }
}

/**
 * Nothing can be sent: the connection is closed or closing (code `NOT_CONNECTED`), or the
 * command would break the session on this connection (code `WRONG_STATE`, e.g. a second STLS).
 */
export class Pop3StateError extends Pop3Error {
  constructor(message: string, code: 'NOT_CONNECTED' | 'WRONG_STATE' = 'NOT_CONNECTED') {
    super(code, message);
  }
}

/** The operation needs a capability the server does not offer (RFC 2449 §5). */
export class CapabilityMissingError extends Pop3Error {
  readonly capability: string;
  constructor(capability: string, detail: string) {
    super('CAPABILITY_MISSING', detail);
    this.capability = capability;
  }
}

/** A password would travel in cleartext to a host that is not loopback (RFC 2595 §6). */
export class CleartextRefusedError extends Pop3Error {
  readonly command: string;
  constructor(command: string, host: string) {
    super(
      'CLEARTEXT_REFUSED',
      `refusing to send ${command} in cleartext to ${host}: use tls, starttls, or allowCleartext: true`,
    );
    this.command = command;
  }
}

/** The TLS handshake failed (certificate not trusted, wrong name, protocol error...). */
export class TlsError extends TransportError {
  constructor(detail: string, options?: { cause?: unknown }) {
    // Node's messages quote the server's certificate names.
    super('TLS_FAILED', `TLS failed: ${makeVisible(detail)}`, options);
  }
}
