import * as net from 'node:net';
import * as tls from 'node:tls';
import { SandboxError } from './errors';
import type { ServerContext } from './server-context';
import { Session } from './session';

/** After the refusal line to a connection over the cap, how long before the socket is cut. */
const REFUSAL_GRACE_MS = 1000;

function describeRemote(socket: net.Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return `${address.includes(':') ? `[${address}]` : address}:${socket.remotePort ?? 0}`;
}

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
 * The listeners: POP3 on one port (RFC 1939 §3), implicit TLS on another (RFC 8314 §3.1), one
 * {@link Session} per connection, and the connection cap shared by both ports.
 */
export class Pop3Server {
  readonly #context: ServerContext;
  readonly #sessions = new Set<Session>();
  /** Every TCP connection of either port, counted against maxConnections. */
  readonly #sockets = new Set<net.Socket>();
  readonly #servers: net.Server[] = [];
  #closing: Promise<void> | undefined;

  constructor(context: ServerContext) {
    this.#context = context;
  }

  /** Starts listening. @throws SandboxError `LISTEN_FAILED`. */
  async listen(): Promise<{ port: number; tlsPort: number | undefined }> {
    const { host, port, tlsPort } = this.#context.config;
    const plain = net.createServer({ allowHalfOpen: true }, (socket) => this.#accept(socket, false));
    this.#servers.push(plain);
    const boundPort = await listenOn(plain, host, port, 'POP3');
    if (tlsPort === false) return { port: boundPort, tlsPort: undefined };
    // RFC 8314 §3.1: on this port the TLS handshake comes first, then the greeting.
    const secure = tls.createServer({ ...this.#context.tlsOptions, allowHalfOpen: true });
    secure.on('connection', (socket: net.Socket) => {
      if (!this.#admit(socket)) socket.destroy();
    });
    secure.on('secureConnection', (socket: tls.TLSSocket) => this.#startSession(socket, true));
    // A failed handshake never becomes a session; the socket is closed by node:tls.
    secure.on('tlsClientError', () => undefined);
    this.#servers.push(secure);
    const boundTlsPort = await listenOn(secure, host, tlsPort, 'POP3S (implicit TLS)');
    return { port: boundPort, tlsPort: boundTlsPort };
  }

  /** Sessions now open. */
  get sessions(): ReadonlySet<Session> {
    return this.#sessions;
  }

  #admit(socket: net.Socket): boolean {
    if (this.#closing || this.#sockets.size >= this.#context.config.maxConnections) return false;
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    return true;
  }

  #accept(socket: net.Socket, secure: boolean): void {
    socket.on('error', () => undefined);
    if (!this.#admit(socket)) {
      const limit = this.#context.config.maxConnections;
      socket.end(`-ERR [SYS/TEMP] too many connections (the limit is ${limit}); try again later\r\n`);
      setTimeout(() => socket.destroy(), REFUSAL_GRACE_MS).unref();
      return;
    }
    this.#startSession(socket, secure);
  }

  #startSession(socket: net.Socket, secure: boolean): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    const session = new Session(this.#context, socket, { secure, onFinished: (s) => this.#sessions.delete(s) });
    this.#sessions.add(session);
    void session.start(describeRemote(socket));
  }

  /** Stops listening, ends every session without UPDATE, and waits until all are gone. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const stopped = this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      const sessions = [...this.#sessions];
      for (const session of sessions) session.shutdown('server shutting down');
      for (const socket of this.#sockets) socket.destroy();
      await Promise.all([...stopped, ...sessions.map((s) => s.done)]);
    })();
    return this.#closing;
  }
}
