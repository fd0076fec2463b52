import * as net from 'node:net';
import * as tls from 'node:tls';
import { NodeSocketTransport } from '../src/ports/node-socket-transport';
import type { ByteTransport } from '../src/protocol';
import { SandboxError } from './errors';
import type { SandboxConfig } from './options';
import { isLoopback } from '../src/protocol/address';
import { unref } from './timers';

/** After the refusal line to a connection over the cap, how long before the socket is cut. */
const REFUSAL_GRACE_MS = 1000;

function listenOn(server: net.Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const detail =
        error.code === 'EADDRINUSE'
          ? `port ${port} on ${host} is already in use`
          : error.code === 'EACCES'
            ? `no permission to listen on port ${port} of ${host}`
            : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
              ? `${host} is not an address of this machine`
              : error.message;
      reject(new SandboxError('LISTEN_FAILED', `cannot start the ${what} listener: ${detail}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/**
 * The Node listeners: POP3 on one port (RFC 1939 §3), implicit TLS on another (RFC 8314 §3.1),
 * and the connection cap shared by both ports. Each accepted connection becomes a transport
 * handed to `accept`, which runs the session.
 */
export class Pop3Server {
  readonly #config: SandboxConfig;
  readonly #tlsOptions: tls.TlsOptions;
  readonly #accept: (transport: ByteTransport) => void;
  /** Every TCP connection of either port, counted against maxConnections. */
  readonly #sockets = new Set<net.Socket>();
  readonly #servers: net.Server[] = [];
  #closing: Promise<void> | undefined;

  constructor(config: SandboxConfig, tlsOptions: tls.TlsOptions, accept: (transport: ByteTransport) => void) {
    this.#config = config;
    this.#tlsOptions = tlsOptions;
    this.#accept = accept;
  }

  /** Starts listening. @throws SandboxError `LISTEN_FAILED`. */
  async listen(): Promise<{ port: number; tlsPort: number | undefined }> {
    const { host, port, tlsPort } = this.#config;
    const plain = net.createServer({ allowHalfOpen: true }, (socket) => this.#acceptPlain(socket));
    this.#servers.push(plain);
    const boundPort = await listenOn(plain, host, port, 'POP3');
    if (tlsPort === false) return { port: boundPort, tlsPort: undefined };
    // RFC 8314 §3.1: on this port the TLS handshake comes first, then the greeting.
    const secure = tls.createServer({ ...this.#tlsOptions, allowHalfOpen: true });
    secure.on('connection', (socket: net.Socket) => {
      if (!this.#admit(socket)) socket.destroy();
    });
    secure.on('secureConnection', (socket: tls.TLSSocket) => this.#startSession(socket));
    // A failed handshake never becomes a session; the socket is closed by node:tls.
    secure.on('tlsClientError', () => undefined);
    this.#servers.push(secure);
    const boundTlsPort = await listenOn(secure, host, tlsPort, 'POP3S (implicit TLS)');
    return { port: boundPort, tlsPort: boundTlsPort };
  }

  #admit(socket: net.Socket): boolean {
    if (this.#closing || this.#sockets.size >= this.#config.maxConnections) return false;
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    return true;
  }

  #acceptPlain(socket: net.Socket): void {
    socket.on('error', () => undefined);
    if (!this.#admit(socket)) {
      const limit = this.#config.maxConnections;
      socket.end(`-ERR [SYS/TEMP] too many connections (the limit is ${limit}); try again later\r\n`);
      unref(setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS));
      return;
    }
    this.#startSession(socket);
  }

  #startSession(socket: net.Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    // Each reply leaves as soon as it is written: POP3 is a conversation of short lines.
    socket.setNoDelay(true);
    this.#accept(new NodeSocketTransport(socket, { local: isLoopback(socket.remoteAddress ?? '') }));
  }

  /** Stops listening and cuts every connection (their sessions end without UPDATE); resolves once the listeners are closed. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const stopped = this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      for (const socket of this.#sockets) socket.destroy();
      await Promise.all(stopped);
    })();
    return this.#closing;
  }
}
