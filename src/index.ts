/**
 * pop3-playground: a typed POP3 client (RFC 1939, 2449, 2595, 5034, 6856).
 * The protocol's own errors and types come along, so one import is enough.
 */
export * from './client';
export {
  CodedError,
  InvalidArgumentError,
  LineTooLongError,
  MalformedReplyError,
  MessageTooLargeError,
  Pop3Error,
  ProtocolError,
  TransportError,
  type ByteTransport,
  type SessionState,
  type TranscriptEntry,
} from './protocol';
