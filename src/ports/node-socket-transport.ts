import * as net from 'node:net';
import * as tls from 'node:tls';
import { TransportError } from '../protocol/errors';
import { describePeer } from '../protocol/transport';
import type { ByteTransport, TlsDetails, TlsSession, TlsUpgradeOptions, TransportEvents, TransportInfo } from '../protocol/transport';
import { TransportListeners, WRITTEN } from './listeners';
import type { SocketReads } from './node-socket-reads';

/** Options of {@link NodeSocketTransport}. */
export interface NodeSocketTransportOptions {
  /** True when the peer is on this machine (the owner decides, e.g. by its loopback rule). */
  local: boolean;
  /** The reused read buffer the socket was opened with (`net.connect({ onread })`): chunks are then lent. */
  reads?: SocketReads;
  /** How logs name the peer; default its address and port. */
  remote?: string;
  /**
   * The socket is the end of a tunnel (a classroom's join forward, itself TLS): that TLS
   * protects the tunnel, not this POP3 connection, so the transport starts as plaintext (STLS
   * is offered and runs inside the tunnel), and `kind` names the tunnel in CONNECT lines.
   */
  tunnel?: { kind: string };
}

/**
 * A `net.Socket` or `tls.TLSSocket` as a {@link ByteTransport}, for the sandbox's listeners
 * and the client's TCP connections. STLS (RFC 2595 §4) wraps the same TCP connection in TLS in
 * place, for either role.
 */
export class NodeSocketTransport implements ByteTransport {
  #socket: net.Socket;
  /** The TCP socket underneath: its 'close' is the transport's. */
  readonly #raw: net.Socket;
  readonly #reads: SocketReads | undefined;
  readonly #local: boolean;
  readonly #remote: string;
  readonly #plainKind: string;
  readonly #listeners = new TransportListeners();
  #tls: TlsSession | undefined;
  #lending: boolean;
  #pausedByOwner = false;
  #closed = false;

  constructor(socket: net.Socket, options: NodeSocketTransportOptions) {
    this.#socket = socket;
    this.#raw = socket;
    this.#reads = options.reads;
    this.#local = options.local;
    this.#remote = options.remote ?? describePeer(socket.remoteAddress, socket.remotePort);
    this.#plainKind = options.tunnel?.kind ?? 'tcp';
    this.#tls = socket instanceof tls.TLSSocket && !options.tunnel ? sessionOf(socket) : undefined;
    this.#lending = this.#reads !== undefined && this.#tls === undefined;
    this.#attach(socket);
    socket.on('close', this.#onClose);
    if (socket.destroyed) queueMicrotask(this.#onClose);
  }

  get info(): TransportInfo {
    const secure = this.#tls !== undefined;
    return { remote: this.#remote, local: this.#local, secure, kind: secure ? 'tls' : this.#plainKind, ...(this.#tls ? { tls: this.#tls } : {}) };
  }

  get lendsChunks(): boolean {
    return this.#lending;
  }

  /** The socket bytes now travel through (the TLS socket after an upgrade), for its peer certificate and tests. */
  get socket(): net.Socket {
    return this.#socket;
  }

  write(chunk: Uint8Array): Promise<void> {
    const socket = this.#socket;
    if (this.#closed || socket.destroyed || socket.writableEnded) {
      return Promise.reject(new TransportError('CONNECTION_CLOSED', `cannot write to ${this.#remote}: the connection is closed`));
    }
    if (socket.write(chunk)) return WRITTEN;
    return new Promise((resolve) => {
      const done = (): void => {
        socket.off('drain', done);
        this.#raw.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      this.#raw.on('close', done);
    });
  }

  end(): void {
    if (!this.#closed) this.#socket.end();
  }

  destroy(reason?: Error): void {
    if (this.#closed) return;
    this.#socket.destroy(reason);
    if (this.#raw !== this.#socket) this.#raw.destroy();
  }

  pause(): void {
    this.#pausedByOwner = true;
    this.#socket.pause();
  }

  resume(): void {
    this.#pausedByOwner = false;
    if (!this.#closed) this.#socket.resume();
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#listeners.on(event, listener);
  }

  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#listeners.off(event, listener);
  }

  async upgradeToTls(options: TlsUpgradeOptions): Promise<TlsDetails> {
    if (this.#tls) throw new TransportError('TLS_ACTIVE', `TLS is already active on the connection to ${this.#remote}`);
    const plain = this.#socket;
    plain.pause();
    this.#detach(plain);
    this.#lending = false;
    // RFC 2595 §4: plaintext that arrived after the STLS exchange was not protected; it is
    // dropped unread, never taken as a command or a reply.
    let discarded = 0;
    for (let chunk = plain.read() as Buffer | null; chunk !== null; chunk = plain.read() as Buffer | null) discarded += chunk.length;
    plain.on('error', ignore); // failures surface on the TLS socket that wraps it
    const secured =
      options.role === 'server'
        ? new tls.TLSSocket(plain, { isServer: true, secureContext: options.context as tls.SecureContext })
        : tls.connect({
            ...options.extra,
            host: options.host,
            // RFC 6066 §3: SNI carries a host name, never an address.
            ...(net.isIP(options.host) === 0 ? { servername: options.host } : {}),
            ...(options.ca !== undefined ? { ca: typeof options.ca === 'string' ? options.ca : [...options.ca] } : {}),
            socket: plain,
          });
    this.#socket = secured;
    try {
      await handshake(secured, options.role === 'server' ? 'secure' : 'secureConnect');
    } catch (error) {
      secured.destroy();
      plain.destroy();
      throw error;
    }
    // Delivered from the next turn on, so the owner has seen this promise settle first.
    secured.pause();
    this.#tls = sessionOf(secured);
    this.#attach(secured);
    setImmediate(() => {
      if (!this.#pausedByOwner && !this.#closed) secured.resume();
    });
    return { ...this.#tls, discarded };
  }

  #attach(socket: net.Socket): void {
    if (this.#lending) this.#reads!.attach(this.#onData);
    else socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
  }

  #detach(socket: net.Socket): void {
    if (this.#lending) this.#reads!.detach();
    else socket.off('data', this.#onData);
    socket.off('end', this.#onEnd);
    socket.off('error', this.#onError);
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#listeners.emitData(chunk);
  };

  readonly #onEnd = (): void => {
    this.#listeners.emit('end');
  };

  readonly #onError = (error: Error): void => {
    this.#listeners.emit('error', error);
  };

  readonly #onClose = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.emit('close');
  };
}

function ignore(): void {}

/** Waits for the handshake's end; rejects with the TLS error, or when the connection closes first. */
function handshake(socket: tls.TLSSocket, secureEvent: 'secure' | 'secureConnect'): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      socket.off(secureEvent, onSecure);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('end', onClose);
    };
    const onSecure = (): void => {
      cleanup();
      // RFC 2595 §2.5: check what was negotiated before trusting the channel.
      if (socket.encrypted && socket.getProtocol()) resolve();
      else reject(new Error('no TLS protocol was negotiated'));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('the connection closed during the TLS handshake'));
    };
    socket.once(secureEvent, onSecure);
    socket.once('error', onError);
    socket.once('close', onClose);
    // A peer that gives up mid-handshake may only half-close (the sandbox allows half-open sockets).
    socket.once('end', onClose);
  });
}

function sessionOf(socket: tls.TLSSocket): TlsSession {
  const cipher = socket.getCipher?.();
  const certificate = socket.getPeerCertificate?.();
  const name: unknown = certificate && typeof certificate.subject === 'object' ? certificate.subject.CN : undefined;
  const peerName = Array.isArray(name) ? String(name[0]) : typeof name === 'string' ? name : undefined;
  return {
    protocol: socket.getProtocol?.() ?? 'unknown',
    ...(cipher ? { cipher: cipher.standardName ?? cipher.name } : {}),
    ...(peerName ? { peerName } : {}),
  };
}
