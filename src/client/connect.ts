import * as net from 'node:net';
import * as tls from 'node:tls';
import { isLoopback } from '../protocol/address';
import { SocketReads } from '../ports/node-socket-reads';
import { NodeSocketTransport } from '../ports/node-socket-transport';
import { ConnectionClosedError, Pop3AbortError, Pop3TimeoutError, TlsError } from './errors';
import { openMessageStream } from './message-stream';
import type { Pop3Client } from './pop3-client';
import { startSession, startTransportSession, throwIfCancelled } from './start-session';
import { DEFAULT_CONNECT_DEADLINE_MS, DEFAULT_CONNECT_TIMEOUT_MS } from './timing';
import type { ConnectOptions } from './types';

/**
 * Opens a POP3 connection and reads the greeting (RFC 1939 §4), over TCP to `host` and `port`,
 * or over `transport` when given. With `tls`, TLS starts at once (RFC 8314); with `starttls`,
 * the client reads CAPA and upgrades with STLS (RFC 2595 §4). Certificates are always
 * verified, against `ca` when given. Opening the connection and reading the greeting share one
 * deadline (`deadline`, default DEFAULT_CONNECT_DEADLINE_MS); all of it obeys `connectSignal`.
 * @throws Pop3TimeoutError, TlsError, Pop3ReplyError (a -ERR greeting),
 *   CapabilityMissingError (`starttls: 'required'` without STLS), ConnectionClosedError,
 *   Pop3AbortError (`signal` or `connectSignal` aborted), or the socket's own error (e.g. ECONNREFUSED).
 */
export async function connect(options: ConnectOptions = {}): Promise<Pop3Client> {
  if (options.transport) return startTransportSession(options.transport, options, openMessageStream);
  const openedAt = performance.now();
  const host = options.host ?? 'localhost';
  const implicitTls = options.tls !== undefined && options.tls !== false;
  const port = options.port ?? (implicitTls ? 995 : 110);
  const tlsOptions: tls.ConnectionOptions = {
    host,
    // RFC 6066 §3: SNI carries a host name, never an address.
    ...(net.isIP(host) === 0 ? { servername: host } : {}),
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(typeof options.tls === 'object' ? options.tls : {}),
  };
  throwIfCancelled(`connect to ${host}:${port}`, options);
  // A plain socket reads into one reused buffer (TLS sockets decrypt into buffers of their own).
  const reads = implicitTls ? undefined : new SocketReads();
  const limit = Math.min(options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS, options.deadline ?? DEFAULT_CONNECT_DEADLINE_MS);
  const signals = [options.signal, options.connectSignal].filter((s) => s !== undefined);
  const socket = await openSocket(host, port, implicitTls ? tlsOptions : undefined, limit, signals, reads);
  const transport = new NodeSocketTransport(socket, { local: isLoopback(socket.remoteAddress ?? host), ...(reads ? { reads } : {}) });
  return startSession(transport, options, {
    openedAt,
    serverName: host,
    port,
    connectedTo: `to ${host}:${socket.remotePort ?? '?'} (${implicitTls ? 'pop3s, implicit TLS' : 'pop3'})`,
    tlsOptions,
    openMessageStream,
  });
}

/** Opens the TCP connection, and the TLS session for implicit TLS, within `timeout`, unless a signal aborts. */
function openSocket(
  host: string,
  port: number,
  tlsOptions: tls.ConnectionOptions | undefined,
  timeout: number,
  signals: readonly AbortSignal[],
  reads: SocketReads | undefined,
): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const socket: net.Socket = tlsOptions
      ? tls.connect({ ...tlsOptions, host, port })
      : net.connect({ host, port, ...(reads ? { onread: reads.onread } : {}) });
    let tcpUp = false;
    const cleanup = (): void => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const fail = (error: unknown): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = (): void => {
      const reason = signals.find((signal) => signal.aborted)?.reason;
      fail(new Pop3AbortError(`connect to ${host}:${port}`, reason, true));
    };
    const onError = (error: Error): void => {
      fail(tlsOptions && tcpUp ? new TlsError(`${error.message} (${host}:${port})`, { cause: error }) : error);
    };
    const onClose = (): void => fail(new ConnectionClosedError('connect', `the connection to ${host}:${port} closed during set-up`));
    const timer = setTimeout(() => fail(new Pop3TimeoutError(`connect to ${host}:${port}`, timeout, 'deadline')), timeout);
    for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
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
