/**
 * The POP3 client for a browser or a Web Worker: what src/client/index.ts exports, with a
 * connect() over a transport the page opened (an in-memory pair to a sandbox in the same page,
 * a MessagePort to one in a worker) instead of TCP. retrStream() needs Node's streams and
 * throws here; retr() works. Bundles with the npm `buffer` package as its one polyfill.
 */
import type { Pop3Client } from './pop3-client';
import { startTransportSession } from './start-session';
import type { TransportConnectOptions } from './types';

export * from './portable';

/**
 * Starts a POP3 session over `options.transport` and reads the greeting (RFC 1939 §4); with
 * `starttls`, upgrades with STLS when the transport can start TLS (RFC 2595 §4).
 * @throws Pop3TimeoutError, Pop3ReplyError (a -ERR greeting), TlsError, CapabilityMissingError,
 *   ConnectionClosedError, Pop3AbortError (`signal` or `connectSignal` aborted).
 */
export function connect(options: TransportConnectOptions): Promise<Pop3Client> {
  return startTransportSession(options.transport, options);
}
