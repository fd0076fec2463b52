/**
 * Typed errors with stable codes. The REPL's hints key on `code`, whichever side raised the error.
 */
import { makeVisible } from './visible';

/**
 * Root of every error this project throws on purpose: a message for people and a stable `code`
 * for programs (the REPL's hints, lessons' checks). The REPL, the tutor and the lesson format
 * raise these directly; POP3 failures raise {@link Pop3Error}.
 */
export class CodedError extends Error {
  /** A stable, machine-readable code such as `LINE_TOO_LONG` or `ERR_REPLY`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Something went wrong speaking POP3: the transport, the wire format, or the server said no. */
export class Pop3Error extends CodedError {}

/**
 * The bytes stopped flowing: the connection closed, a timeout, a TLS failure (docs/DESIGN's
 * transport family). The client's ConnectionClosedError, Pop3TimeoutError and TlsError extend it.
 */
export class TransportError extends Pop3Error {}

/** The peer broke the wire format. */
export class ProtocolError extends Pop3Error {}

/** A line exceeded its limit (status line, body line or command line). */
export class LineTooLongError extends ProtocolError {
  readonly limit: number;
  constructor(what: string, limit: number) {
    super('LINE_TOO_LONG', `${what} longer than ${limit} octets`);
    this.limit = limit;
  }
}

/**
 * A reply was not `+OK`, `-ERR` or a SASL continuation, or a listing line was malformed. The
 * detail quotes the peer, so its control characters are made visible: printing the message
 * cannot drive a terminal.
 */
export class MalformedReplyError extends ProtocolError {
  constructor(detail: string) {
    super('MALFORMED_REPLY', `malformed reply: ${makeVisible(detail)}`);
  }
}

/** A message exceeded the configured maximum size. */
export class MessageTooLargeError extends ProtocolError {
  readonly limit: number;
  constructor(limit: number) {
    super('MESSAGE_TOO_LARGE', `message larger than the ${limit}-octet maximum`);
    this.limit = limit;
  }
}

/** An argument that would corrupt the session (CR, LF or NUL, a non-numeric message number...). */
export class InvalidArgumentError extends Pop3Error {
  constructor(detail: string) {
    super('INVALID_ARGUMENT', detail);
  }
}
