import * as net from 'node:net';
import type { ClassroomLink } from './classroom-link';

/** Where connections go while the classroom is out of reach and the learner chose to go on alone. */
export interface FallbackAddress {
  host: string;
  port: number;
  tlsPort?: number;
}

/**
 * The REPL's loopback listeners in join mode: `sandbox` is `127.0.0.1:PORT` (and `tlsPort`
 * for implicit TLS) as in every lesson, and each connection to them is forwarded over TLS to
 * the learner's own sandbox in the classroom, or, offline, to the embedded sandbox. Bytes pass
 * unchanged both ways, so STLS and implicit TLS run end to end between the learner's client and
 * the classroom's sandbox (RFC 2595 §4, RFC 8314 §3.1).
 */
export class Forwarder {
  readonly #link: ClassroomLink;
  readonly #servers: net.Server[] = [];
  readonly #sockets = new Set<net.Socket>();
  #fallback: FallbackAddress | undefined;
  port = 0;
  tlsPort = 0;
  /** Set on every byte from the classroom; the target clears it when it syncs. */
  trafficSinceSync = false;
  /** The last reason a forward failed, for the REPL's status line. */
  lastFailure: string | undefined;

  constructor(link: ClassroomLink) {
    this.#link = link;
  }

  /** Starts both loopback listeners on free ports. */
  async listen(): Promise<void> {
    this.port = await this.#listen(false);
    this.tlsPort = await this.#listen(true);
  }

  /** Sends new connections to `fallback` (the embedded sandbox), or back to the classroom with undefined. */
  useFallback(fallback: FallbackAddress | undefined): void {
    this.#fallback = fallback;
  }

  /** True while connections go to the embedded sandbox. */
  get offline(): boolean {
    return this.#fallback !== undefined;
  }

  /** Stops listening and cuts every forwarded connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(this.#servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  #listen(implicitTls: boolean): Promise<number> {
    const server = net.createServer((local) => void this.#forward(local, implicitTls));
    this.#servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((server.address() as net.AddressInfo).port));
    });
  }

  async #forward(local: net.Socket, implicitTls: boolean): Promise<void> {
    this.#track(local);
    local.setNoDelay(true);
    local.pause();
    const fallback = this.#fallback;
    let remote: net.Socket;
    try {
      if (fallback) {
        const port = implicitTls ? fallback.tlsPort : fallback.port;
        if (port === undefined) throw new Error('the embedded sandbox has no implicit-TLS port');
        remote = await connectTo(fallback.host, port);
      } else {
        ({ socket: remote } = await this.#link.openForward(implicitTls));
        remote.on('data', () => {
          this.trafficSinceSync = true;
        });
        this.lastFailure = undefined;
      }
    } catch (error) {
      this.lastFailure = (error as Error).message;
      // A POP3 client reads a greeting first (RFC 1939 §4): a -ERR greeting says why (RFC 3206 SYS/TEMP).
      if (!implicitTls && !local.destroyed) local.end(`-ERR [SYS/TEMP] ${oneLine(this.lastFailure)}; type .classroom for what to do\r\n`);
      else local.destroy();
      return;
    }
    this.#track(remote);
    remote.setNoDelay(true);
    local.pipe(remote);
    remote.pipe(local);
    local.on('error', () => remote.destroy());
    remote.on('error', () => local.destroy());
    local.on('close', () => remote.destroy());
    remote.on('close', () => local.destroy());
    local.resume();
  }

  #track(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
  }
}

function connectTo(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** A status line fits one POP3 line (RFC 1939 §3: 512 octets with CRLF). */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, 400);
}
