import type * as tls from 'node:tls';
import type { ByteTransport, TranscriptEntry } from '../protocol';

/**
 * One reply from the server. `status` is `+OK` or `-ERR`, or `+` for a SASL continuation
 * (RFC 5034 §4) that `send()` returns while an AUTH exchange waits for the next line.
 */
export interface Pop3Reply {
  /** True only for `+OK`. */
  ok: boolean;
  status: '+OK' | '-ERR' | '+';
  /** Response code without brackets, upper-case (RFC 2449 §8), e.g. `IN-USE`. */
  code?: string;
  /** The text after the status and response code; for `+`, the base64 challenge. */
  text: string;
  /** The whole status line as received, without CRLF. */
  line: string;
  /** The un-stuffed CRLF body of a multi-line reply. */
  body?: Buffer;
}

/** Options that apply to one call. */
export interface CommandOptions {
  /**
   * Cancels this call with Pop3AbortError (code `ABORTED`, `cause` the signal's reason); a call
   * cancelled mid-reply closes the connection.
   */
  signal?: AbortSignal;
  /** Idle timeout for this call in milliseconds, instead of the connection's. */
  timeout?: number;
  /**
   * Deadline for this call's reply in milliseconds, instead of the connection's or the default
   * (60 s for a single-line reply; 60 s plus 1 s per 64 KiB for a multi-line one). It counts
   * from when the reply is due: when the command is sent, or, behind pipelined commands, when
   * the replies before it are complete. Time a stream waits for a slow consumer does not count.
   */
  deadline?: number;
}

/** Options of {@link connect}. Extra fields are ignored, so `connect(sandbox)` works. */
export interface ConnectOptions {
  /**
   * An open byte stream to speak POP3 over (an in-memory pair, a MessagePort, a socket you
   * opened) instead of a TCP connection to `host` and `port`; `port`, `tls` and
   * `connectTimeout` then do not apply. Its `info.local` decides whether a password may go in
   * cleartext; STLS needs a transport that can start TLS.
   */
  transport?: ByteTransport;
  /** Default `localhost`. With `transport`, the name STLS verifies and errors show (default: the transport's peer). */
  host?: string;
  /** Default 110, or 995 with `tls` (RFC 8314 §3.1: the pop3s port, TLS from the first octet). */
  port?: number;
  /** Implicit TLS (RFC 8314): `true`, or Node TLS options. */
  tls?: boolean | tls.ConnectionOptions;
  /** Upgrade with STLS (RFC 2595 §4) after the greeting: always, when offered, or never (default). */
  starttls?: 'required' | 'if-available' | false;
  /** PEM of a CA to trust instead of the system's (the sandbox exposes its own as `ca`). */
  ca?: string | Buffer;
  /** Idle timeout per command in milliseconds, reset whenever data arrives. Default 30 s. */
  timeout?: number;
  /**
   * Deadline in milliseconds for each exchange, however steadily data arrives: opening the
   * connection and reading the greeting, each command's reply (see {@link CommandOptions.deadline}),
   * an STLS handshake. Replaces the defaults: 30 s to connect and greet, 30 s for a TLS
   * handshake, 60 s for a single-line reply, 60 s plus 1 s per 64 KiB for a multi-line one.
   */
  deadline?: number;
  /** Timeout for the TCP (and TLS) connection in milliseconds. Default 15 s. */
  connectTimeout?: number;
  /** Receives every trace entry; `true` prints them (`C:` / `S:` lines, secrets redacted). */
  trace?: boolean | ((entry: TranscriptEntry) => void);
  /**
   * Bounds the connection's whole life: aborting it cancels every call on the connection, and
   * closes it (calls reject with Pop3AbortError). To bound only connect(), use `connectSignal`.
   */
  signal?: AbortSignal;
  /**
   * Bounds only connect(): opening the connection, the greeting and, with `starttls`, the
   * upgrade. Once connect() has resolved it has no effect, so `AbortSignal.timeout(ms)` belongs
   * here, not in `signal`, where it would close the connection `ms` after it opened.
   */
  connectSignal?: AbortSignal;
  /** Allow a password in cleartext to a host that is not loopback. Default false. */
  allowCleartext?: boolean;
  /** Largest message accepted, in octets (default CLIENT_MAX_MESSAGE_SIZE, 256 MiB). */
  maxMessageSize?: number;
  /** Set false to never pipeline, even when the server advertises PIPELINING (RFC 2449 §6.6). */
  pipelining?: boolean;
}

/** Options of the browser build's `connect()` (src/client/browser.ts): a transport, never TCP. */
export type TransportConnectOptions = Omit<ConnectOptions, 'transport' | 'port' | 'tls' | 'connectTimeout'> & {
  transport: ByteTransport;
};
