import type * as tls from 'node:tls';
import { CLIENT_MAX_MESSAGE_SIZE, type ByteTransport, type TranscriptEntry } from '../protocol';
import { Connection } from './connection';
import { CapabilityMissingError, Pop3AbortError, Pop3ReplyError } from './errors';
import type { OpenMessageStream } from './message-stream';
import { Pop3Client } from './pop3-client';
import { DEFAULT_TIMEOUT_MS } from './timing';
import { printTraceEntry } from './trace';
import type { CommandOptions, ConnectOptions } from './types';

let sessions = 0;

/** How a transport was opened, for the session's trace, errors and STLS. */
export interface SessionOrigin {
  /** The server as errors name it. */
  serverName: string;
  /** The port asked for, when one was. */
  port?: number;
  /** Where the CONNECT trace line says the connection goes: `to 127.0.0.1:110 (pop3)`. */
  connectedTo: string;
  /** Base TLS options for STLS: the host name to verify, the CA. */
  tlsOptions: tls.ConnectionOptions;
  /** When connect() began (performance.now()): the deadline for the greeting counts from then. */
  openedAt: number;
  /** Makes retrStream()'s Node stream; absent in the browser build. */
  openMessageStream?: OpenMessageStream;
}

/**
 * Starts a POP3 session on an open transport: reads the greeting (RFC 1939 §4), then upgrades
 * with STLS when `options.starttls` asks (RFC 2595 §4), all within `options.connectSignal`.
 * Closes the transport when that fails.
 * @throws Pop3TimeoutError, Pop3ReplyError (a -ERR greeting), CapabilityMissingError
 *   (`starttls: 'required'` without STLS), TlsError, ConnectionClosedError, Pop3AbortError.
 */
export async function startSession(transport: ByteTransport, options: ConnectOptions, origin: SessionOrigin): Promise<Pop3Client> {
  sessions += 1;
  const trace: ((entry: TranscriptEntry) => void) | undefined =
    options.trace === true ? printTraceEntry : typeof options.trace === 'function' ? options.trace : undefined;
  const connection = new Connection(transport, {
    session: `c${sessions}`,
    connectedTo: origin.connectedTo,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    openedAt: origin.openedAt,
    maxMessageSize: options.maxMessageSize ?? CLIENT_MAX_MESSAGE_SIZE,
    tlsOptions: origin.tlsOptions,
    ...(trace ? { trace } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.connectSignal ? { connectSignal: options.connectSignal } : {}),
  });
  const client = new Pop3Client(connection, {
    host: origin.serverName,
    ...(origin.port !== undefined ? { port: origin.port } : {}),
    allowCleartext: options.allowCleartext ?? false,
    pipelining: options.pipelining ?? true,
    ...(origin.openMessageStream ? { openMessageStream: origin.openMessageStream } : {}),
  });
  try {
    const greeting = await connection.greetingReply;
    if (!greeting.ok) throw new Pop3ReplyError('greeting', greeting);
    if (options.starttls && !connection.secure) {
      const during: CommandOptions = options.connectSignal ? { signal: options.connectSignal } : {};
      const caps = await client.capabilitiesOrNone(during);
      if (caps.stls) await client.stls(undefined, during);
      else if (options.starttls === 'required') {
        throw new CapabilityMissingError('STLS', `${origin.serverName} does not offer STLS (RFC 2595 §4), and starttls is 'required'`);
      }
    }
  } catch (error) {
    connection.close();
    throw error;
  }
  return client;
}

/**
 * Starts a session on a transport the caller opened (`connect({ transport })`). The CONNECT
 * trace line names the transport's kind: `CONNECT over memory (pop3)`, `CONNECT to sandbox over
 * message-port (pop3)`.
 */
export function startTransportSession(
  transport: ByteTransport,
  options: ConnectOptions,
  openMessageStream?: OpenMessageStream,
): Promise<Pop3Client> {
  const openedAt = performance.now();
  throwIfCancelled('connect', options);
  const { remote, kind, secure } = transport.info;
  return startSession(transport, options, {
    openedAt,
    serverName: options.host ?? remote,
    ...(options.port !== undefined ? { port: options.port } : {}),
    connectedTo: `${remote === kind ? '' : `to ${remote} `}over ${kind} (${secure ? 'pop3s' : 'pop3'})`,
    tlsOptions: { host: options.host ?? 'localhost', ...(options.ca !== undefined ? { ca: options.ca } : {}) },
    ...(openMessageStream ? { openMessageStream } : {}),
  });
}

/** Throws Pop3AbortError when connect()'s `signal` or `connectSignal` is already aborted. */
export function throwIfCancelled(what: string, options: Pick<ConnectOptions, 'signal' | 'connectSignal'>): void {
  for (const signal of [options.signal, options.connectSignal]) {
    if (signal?.aborted) throw new Pop3AbortError(what, signal.reason, false);
  }
}
