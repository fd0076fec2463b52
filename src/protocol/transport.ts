/**
 * POP3 over any byte stream: the one interface the sandbox session and the client read and
 * write through. TCP and TLS sockets, an in-memory pair and a browser `MessagePort` each have
 * an adapter in `src/transport/`; nothing here depends on Node.
 */

/** What a transport tells about itself, for logs, traces and the cleartext rule. */
export interface TransportInfo {
  /** The peer as a log shows it: `127.0.0.1:40110`, `[::1]:995`, `memory`, `message-port`. */
  readonly remote: string;
  /**
   * True when the peer is on this machine or in this process (loopback, an in-memory pair, a
   * worker's port): a password may cross it in cleartext without leaving the machine.
   */
  readonly local: boolean;
  /** True once the bytes are encrypted (implicit TLS, or after {@link ByteTransport.upgradeToTls}). */
  readonly secure: boolean;
  /** What carries the bytes: `tcp`, `tls`, `memory`, `message-port`. Named in CONNECT trace lines. */
  readonly kind: string;
  /** What the TLS handshake negotiated, once secure. */
  readonly tls?: TlsSession;
}

/** A negotiated TLS session, for `*  TLS` log and trace lines. */
export interface TlsSession {
  /** e.g. `TLSv1.3`. */
  readonly protocol: string;
  /** e.g. `TLS_AES_256_GCM_SHA384`. */
  readonly cipher?: string;
  /** The common name of the peer's certificate, when the peer sent one (a server, to a client). */
  readonly peerName?: string;
}

/** How to start TLS on a transport that was plaintext until now (RFC 2595 §4). */
export type TlsUpgradeOptions =
  | {
      readonly role: 'client';
      /** The name the certificate must carry (RFC 2595 §2.4); also sent as SNI when it is not an address. */
      readonly host: string;
      /** PEM of the CAs to trust instead of the system's. */
      readonly ca?: string | readonly string[];
      /** Further options for the TLS implementation (Node's `tls.connect` options in Node). */
      readonly extra?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly role: 'server';
      /** The server's key and certificate as the TLS implementation holds them (Node: a `SecureContext`). */
      readonly context: unknown;
    };

/** What an upgrade negotiated, and what it threw away. */
export interface TlsDetails extends TlsSession {
  /**
   * Plaintext octets the transport had received but not yet delivered when the upgrade began,
   * thrown away unread (RFC 2595 §4: they were not protected, so they are never commands or
   * replies). Bytes already delivered and still buffered by the caller are the caller's to drop.
   */
  readonly discarded: number;
}

/** The events a transport emits. */
export interface TransportEvents {
  /**
   * Received bytes, in order: a `Buffer` from Node's socket adapter, a plain `Uint8Array` from
   * the others. When {@link ByteTransport.lendsChunks} is true the chunk's memory is reused
   * once the listener returns: copy what you keep.
   */
  data: (chunk: Uint8Array) => void;
  /** The peer finished sending (half-close); writing may still be possible. */
  end: () => void;
  /** The transport is gone for good; emitted once. */
  close: () => void;
  /** A failure; `close` follows. */
  error: (error: Error) => void;
}

/**
 * A duplex byte stream. Writes keep their order; `write` resolves once the chunk has been
 * handed on (the next write may follow at once) and, when the transport is full, only after it
 * drains, so a writer that awaits each write keeps memory bounded.
 */
export interface ByteTransport {
  readonly info: TransportInfo;
  /** True when `data` chunks are views of a reused buffer, valid only during the listener call. */
  readonly lendsChunks: boolean;
  /** Queues bytes; rejects when the transport is closed. */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends our side once queued bytes are sent (half-close); `close` follows when the peer ends too. */
  end(): void;
  /** Closes at once, dropping unsent bytes; `reason` becomes the `error` event when given. */
  destroy(reason?: Error): void;
  /** Stops `data` events until {@link resume} (backpressure towards the peer). */
  pause(): void;
  resume(): void;
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void;
  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void;
  /**
   * Starts TLS on this transport (STLS, RFC 2595 §4): plaintext received and not yet delivered
   * is discarded and counted, then the handshake runs; afterwards `data` carries decrypted
   * bytes and `info.secure` is true. Absent on a transport that cannot upgrade: a server then
   * does not offer STLS, and a client's STLS fails with a clear error.
   * @throws when the handshake fails (the transport is then closed).
   */
  upgradeToTls?(options: TlsUpgradeOptions): Promise<TlsDetails>;
}

/** Formats a peer address and port as logs show it: IPv6 in brackets (RFC 3986 §3.2.2). */
export function describePeer(address: string | undefined, port: number | undefined): string {
  const host = address ?? 'unknown';
  return `${host.includes(':') ? `[${host}]` : host}:${port ?? 0}`;
}
