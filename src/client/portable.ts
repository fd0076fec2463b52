/** What the client exports wherever it runs: all but connect(), which each build brings (index.ts, browser.ts). */
export { DEFAULT_CONNECT_DEADLINE_MS, DEFAULT_REPLY_DEADLINE_MS, DEADLINE_OCTETS_PER_SECOND, DEFAULT_TIMEOUT_MS } from './timing';
export { isLoopback } from '../protocol/address';
export { Pop3Client, type SaslMechanismName } from './pop3-client';
export type { MessageStream } from './message-stream';
export { Pop3Message, decodeEncodedWords } from './message';
export type { CommandOptions, ConnectOptions, Pop3Reply, TransportConnectOptions } from './types';
export { parseCapabilities, emptyCapabilities, type Capabilities, type PerUserValue } from './capabilities';
export type { DropListing, ScanListing, UniqueIdListing } from './listing';
export {
  CapabilityMissingError,
  CleartextRefusedError,
  ConnectionClosedError,
  Pop3AbortError,
  Pop3ReplyError,
  Pop3StateError,
  Pop3TimeoutError,
  TlsError,
  UnsolicitedReplyError,
  type TimeoutKind,
} from './errors';
export {
  apopDigest,
  CRAM_MD5,
  findSaslMechanism,
  LOGIN,
  PLAIN,
  registerSaslMechanism,
  XOAUTH2,
  type SaslCredentials,
  type SaslExchange,
  type SaslMechanism,
} from './sasl';
export { fetchNew, type FetchedMessage, type FetchNewOptions, type FetchNewResult, type SyncProgress } from './sync';
export { formatTraceLine, printTraceEntry } from './trace';
export { makeVisible } from '../protocol/visible';
