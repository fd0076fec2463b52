import * as net from 'node:net';
import * as tls from 'node:tls';
import { CLIENT_MAX_MESSAGE_SIZE, type TranscriptEntry } from '../protocol';
import { Connection } from './connection';
import { CapabilityMissingError, ConnectionClosedError, Pop3ReplyError, Pop3TimeoutError, TlsError } from './errors';
import { Pop3Client } from './pop3-client';
import { SocketReads } from './socket-reads';
import { printTraceEntry } from './trace';
import type { ConnectOptions } from './types';

/** Project policy: a command waits at most this long for data before it fails. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Project policy: opening the connection (TCP, and TLS for port 995) takes at most this long. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

let sessions = 0;

/**
 * Opens a POP3 connection and reads the greeting (RFC 1939 §4). With `tls`, TLS starts at once
 * (RFC 8314); with `starttls`, the client reads CAPA and upgrades with STLS (RFC 2595 §4).
 * Certificates are always verified, against `ca` when given.
 * @throws Pop3TimeoutError, TlsError, Pop3ReplyError (a -ERR greeting),
 *   CapabilityMissingError (`starttls: 'required'` without STLS), ConnectionClosedError, or
 *   the socket's own error (e.g. ECONNREFUSED); the signal's reason when aborted.
 */
export async function connect(options: ConnectOptions = {}): Promise<Pop3Client> {
  const host = options.host ?? 'localhost';
  const implicitTls = options.tls !== undefined && options.tls !== false;
  const port = options.port ?? (implicitTls ? 995 : 110);
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
  const tlsOptions: tls.ConnectionOptions = {
    host,
    // RFC 6066 §3: SNI carries a host name, never an address.
    ...(net.isIP(host) === 0 ? { servername: host } : {}),
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(typeof options.tls === 'object' ? options.tls : {}),
  };
  options.signal?.throwIfAborted();
  // A plain socket reads into one reused buffer (TLS sockets decrypt into buffers of their own).
  const reads = implicitTls ? undefined : new SocketReads();
  const socket = await openSocket(host, port, implicitTls ? tlsOptions : undefined, options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS, options.signal, reads);
  sessions += 1;
  const trace: ((entry: TranscriptEntry) => void) | undefined =
    options.trace === true ? printTraceEntry : typeof options.trace === 'function' ? options.trace : undefined;
  const connection = new Connection(socket, {
    session: `c${sessions}`,
    host,
    timeout,
    maxMessageSize: options.maxMessageSize ?? CLIENT_MAX_MESSAGE_SIZE,
    secure: implicitTls,
    tlsOptions,
    ...(trace ? { trace } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(reads ? { reads } : {}),
  });
  const client = new Pop3Client(connection, {
    host,
    allowCleartext: options.allowCleartext ?? false,
    pipelining: options.pipelining ?? true,
  });
  try {
    const greeting = await connection.greetingReply;
    if (!greeting.ok) throw new Pop3ReplyError('greeting', greeting);
    if (options.starttls && !implicitTls) {
      const caps = await client.capabilitiesOrNone();
      if (caps.stls) await client.stls();
      else if (options.starttls === 'required') {
        throw new CapabilityMissingError('STLS', `${host} does not offer STLS (RFC 2595 §4), and starttls is 'required'`);
      }
    }
  } catch (error) {
    connection.close();
    throw error;
  }
  return client;
}

/** Opens the TCP connection, and the TLS session for implicit TLS, within `timeout`. */
function openSocket(
  host: string,
  port: number,
  tlsOptions: tls.ConnectionOptions | undefined,
  timeout: number,
  signal: AbortSignal | undefined,
  reads: SocketReads | undefined,
): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const socket: net.Socket = tlsOptions
      ? tls.connect({ ...tlsOptions, host, port })
      : net.connect({ host, port, ...(reads ? { onread: reads.onread } : {}) });
    let tcpUp = false;
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const fail = (error: unknown): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = (): void => fail(signal?.reason);
    const onError = (error: Error): void => {
      fail(tlsOptions && tcpUp ? new TlsError(`${error.message} (${host}:${port})`, { cause: error }) : error);
    };
    const onClose = (): void => fail(new ConnectionClosedError('connect', `the connection to ${host}:${port} closed during set-up`));
    const timer = setTimeout(() => fail(new Pop3TimeoutError(`connect to ${host}:${port}`, timeout)), timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once('connect', () => {
      tcpUp = true;
      socket.setNoDelay(true); // commands are small and latency-bound
    });
    socket.once(tlsOptions ? 'secureConnect' : 'connect', () => {
      cleanup();
      resolve(socket);
    });
  });
}
