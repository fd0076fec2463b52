import type * as tls from 'node:tls';
import {
  CLIENT_MAX_BODY_LINE,
  CLIENT_MAX_STATUS_LINE,
  COMMANDS,
  isKeyword,
  LineReader,
  LineTooLongError,
  MalformedReplyError,
  MultilineDecoder,
  parseStatusLine,
  type SessionState,
  type ByteTransport,
  type StatusLine,
  type TlsSession,
  type TranscriptEntry,
} from '../protocol';
import { BodyBuffer } from './body-buffer';
import {
  ConnectionClosedError,
  Pop3AbortError,
  Pop3StateError,
  Pop3TimeoutError,
  TlsError,
  UnsolicitedReplyError,
} from './errors';
import { now, ReplyTimers, type TimedReply } from './reply-timers';
import { DEFAULT_CONNECT_DEADLINE_MS, DEFAULT_REPLY_DEADLINE_MS, FAREWELL_GRACE_MS, multilineDeadline } from './timing';
import type { Pop3Reply } from './types';

const LF = 0x0a;
const CR = 0x0d;
/**
 * RFC 1939 §5: "+OK 120 octets", the usual RETR status line, sizes the message buffer up front
 * and lengthens the reply's deadline.
 */
const OCTETS_HINT = /^(\d{1,12}) octets\b/i;

/** Receives the body of a multi-line reply as it arrives, instead of buffering it. */
export interface BodySink {
  /** Called once a +OK status line announced a body. */
  start?(reply: Pop3Reply): void;
  /** Un-stuffed bytes; return false to pause the transport until {@link Connection.resumeReading}. */
  data(chunk: Buffer): boolean;
}

/** Answers SASL continuations (RFC 5034 §4) for a typed AUTH exchange. */
export interface SaslResponder {
  /** Returns the line to send (base64, or `*` to cancel), without CRLF. */
  respond(challenge: string): string;
}

/** A command to send and how to read its reply. */
export interface CommandRequest {
  /** Upper-case keyword; for a raw SASL response line, `AUTH`. */
  keyword: string;
  /** Redacted arguments, for the trace. */
  shownArgs: string[];
  /** The redacted command, for errors: `PASS ***`. */
  label: string;
  /** The redacted line for the trace, when it differs from `label`. */
  traceText?: string;
  /** The exact bytes to write, CRLF included. */
  wire: Buffer;
  /** True when a +OK reply carries a dot-terminated body. */
  multiline: boolean;
  /** Nothing else is written while this command waits (login, STLS, AUTH, QUIT...). */
  barrier: boolean;
  /** For AUTH: answers continuations. Without it a continuation resolves the request with status '+'. */
  sasl?: SaslResponder;
  /** Set only on the pseudo-request that waits for the greeting. */
  greeting?: true;
  /** True for a line that answers a SASL continuation rather than a new command. */
  saslResponse?: boolean;
  /** Streams the body instead of buffering it. */
  sink?: BodySink;
  /** TLS options for STLS, over the connection's. */
  tlsOptions?: tls.ConnectionOptions;
  /** User name to record in the trace. */
  user?: string;
  signal?: AbortSignal;
  timeout?: number;
  /** Deadline in milliseconds, instead of the connection's or the default for its reply. */
  deadline?: number;
}

/** Settings of a {@link Connection}. */
export interface ConnectionSettings {
  session: string;
  /** Where the CONNECT trace line says the connection goes: `to 127.0.0.1:110 (pop3)`. */
  connectedTo: string;
  timeout: number;
  /** Deadline for every exchange, replacing the defaults of src/client/timing.ts. */
  deadline?: number;
  /** When opening the connection began (performance.now()): the greeting's deadline counts from then. */
  openedAt: number;
  maxMessageSize: number;
  /** Base TLS options for STLS: the host name to verify (RFC 2595 §2.4), the CA... */
  tlsOptions: tls.ConnectionOptions;
  trace?: (entry: TranscriptEntry) => void;
  /** Cancels everything, for the connection's whole life. */
  signal?: AbortSignal;
  /** Cancels waiting for the greeting (connect()'s `connectSignal`). */
  connectSignal?: AbortSignal;
}

interface Pending extends TimedReply {
  request: CommandRequest;
  written: boolean;
  settled: boolean;
  resolve(reply: Pop3Reply): void;
  reject(error: unknown): void;
  /** Deadline in milliseconds (the call's or the connection's); undefined: the default for its reply. */
  deadline: number | undefined;
  cleanup?: () => void;
}

interface BodyInProgress {
  pending: Pending;
  status: Pop3Reply;
  decoder: MultilineDecoder;
  /** Where the body goes when no sink streams it. */
  buffer: BodyBuffer | undefined;
  /** Octets the +OK line announced (RETR), at most maxMessageSize: they lengthen the deadline. */
  announced: number;
  /** Octets received for the body so far: they lengthen the deadline. */
  received: number;
  /** Lines so far, counted only while tracing. */
  lines: number;
}

/** Bytes that arrived while no command was waiting for a reply. */
interface Stray {
  data: Buffer;
  /** The first line, once complete (a `-ERR` waits for the server to close: its farewell). */
  line: string | undefined;
  timer: ReturnType<typeof setTimeout>;
}

/** How a connection ends, and what the commands still waiting (or issued later) learn of it. */
interface Ending {
  byClient: boolean;
  /** Why, for ConnectionClosedError and the CLOSE trace line. */
  detail?: string;
  /** Each waiting command's error; by default a ConnectionClosedError naming it. */
  errorFor?: (pending: Pending) => unknown;
  /** The error of a command issued after the end; by default Pop3StateError. */
  closedWith?: (label: string) => unknown;
  cause?: unknown;
  /** The CLOSE trace line, when `by the client` / `by the server` does not say enough. */
  closeText?: string;
}

/**
 * One POP3 connection: a byte transport, the framing from src/protocol, and a FIFO queue that pairs
 * every command with its one reply, strictly in order (RFC 1939 §3), pipelined or not
 * (RFC 2449 §6.6). Replies resolve as values, -ERR included; only transport and protocol
 * failures reject.
 */
export class Connection {
  readonly session: string;
  readonly #transport: ByteTransport;
  readonly #settings: ConnectionSettings;
  readonly #reader = new LineReader();
  /** Pieces of decoded body from one chunk, reused for every chunk. */
  readonly #pieces: Buffer[] = [];
  readonly #queue: Pending[] = [];
  #body: BodyInProgress | undefined;
  #state: SessionState = 'AUTHORIZATION';
  #secure: boolean;
  #utf8 = false;
  #saslOpen = false;
  #upgrading = false;
  #quitting = false;
  #closed = false;
  #paused = false;
  /** When the transport was paused for a slow stream consumer (performance.now()). */
  #pausedAt = 0;
  /** True while received bytes are being processed: commands are written afterwards, never mid-chunk. */
  #processing = false;
  #pumpLater = false;
  /** Unsolicited bytes being read; nothing is written meanwhile. */
  #stray: Stray | undefined;
  /** The error of commands issued after the end, when the end said more than "closed". */
  #closedWith: ((label: string) => unknown) | undefined;
  /** Command lines waiting for the end of this turn of the event loop, to leave in one write. */
  #outgoing: Buffer[] = [];
  #transportError: Error | undefined;
  readonly #timers = new ReplyTimers<Pending>({
    deadlineOf: (pending) => this.#deadlineOf(pending),
    // The reply may still come; the connection is out of sync, so it is closed.
    expired: (pending, kind, limit) => this.#fail(new Pop3TimeoutError(pending.request.label, limit, kind), pending),
  });
  #seq = 0;
  #user: string | undefined;
  #greeting = '';
  /** Allows several commands on the wire at once; set once CAPA shows PIPELINING. */
  pipelining = false;
  readonly greetingReply: Promise<Pop3Reply>;
  readonly #closeListeners: (() => void)[] = [];

  constructor(transport: ByteTransport, settings: ConnectionSettings) {
    this.#transport = transport;
    this.#settings = settings;
    this.session = settings.session;
    this.#secure = transport.info.secure;
    // The greeting is the reply to the connection itself (RFC 1939 §4), due since it was opened.
    this.greetingReply = new Promise<Pop3Reply>((resolve, reject) => {
      const request: CommandRequest = {
        keyword: 'GREETING', shownArgs: [], label: 'greeting', wire: Buffer.alloc(0), multiline: false, barrier: true, greeting: true,
      };
      const pending: Pending = {
        request, written: true, settled: false, resolve, reject, timeout: settings.timeout,
        deadline: settings.deadline ?? DEFAULT_CONNECT_DEADLINE_MS, dueFrom: settings.openedAt, pausedMs: 0,
      };
      if (settings.connectSignal) this.#watch(pending, settings.connectSignal);
      this.#queue.push(pending);
    });
    this.greetingReply.catch(() => undefined);
    transport.on('data', this.#onData);
    transport.on('end', this.#onTransportClose);
    transport.on('close', this.#onTransportClose);
    transport.on('error', this.#onError);
    // Event texts start with the event's name, as in the sandbox's session log.
    this.#trace('*', 'CONNECT', [], `CONNECT ${settings.connectedTo}`, { before: 'CLOSED' });
    this.#timeHead();
    const signal = settings.signal;
    if (signal) {
      const cancelled = (label: string): Pop3AbortError => new Pop3AbortError(label, signal.reason, true);
      const onAbort = (): void => this.#destroy({ byClient: true, errorFor: (p) => cancelled(p.request.label), closedWith: cancelled });
      if (signal.aborted) queueMicrotask(onAbort);
      else signal.addEventListener('abort', onAbort, { once: true });
      this.#closeListeners.push(() => signal.removeEventListener('abort', onAbort));
    }
  }

  get state(): SessionState {
    return this.#state;
  }

  get secure(): boolean {
    return this.#secure;
  }

  /** True once UTF8 succeeded (RFC 6856 §2). */
  get utf8(): boolean {
    return this.#utf8;
  }

  /** True when no more commands can be sent. */
  get closed(): boolean {
    return this.#closed || this.#quitting;
  }

  get greeting(): string {
    return this.#greeting;
  }

  /** The name sent with USER, APOP or AUTH, once written. */
  get user(): string | undefined {
    return this.#user;
  }

  /** What the bytes travel over: its `info` says whether the peer is local, and what TLS negotiated. */
  get transport(): ByteTransport {
    return this.#transport;
  }

  /** Calls `listener` once the connection has closed for good. */
  onClose(listener: () => void): void {
    if (this.#closed) queueMicrotask(listener);
    else this.#closeListeners.push(listener);
  }

  /**
   * Queues a command. Resolves with its reply (+OK, -ERR, or '+' for an unanswered SASL
   * continuation); rejects on timeout, abort, closed connection or a protocol violation.
   */
  request(request: CommandRequest): Promise<Pop3Reply> {
    if (this.#closed && this.#closedWith) return Promise.reject(this.#closedWith(request.label));
    if (this.#closed || this.#quitting) {
      return Promise.reject(new Pop3StateError(`cannot send ${request.label}: the connection is ${this.#closed ? 'closed' : 'closing after QUIT'}`));
    }
    if (request.signal?.aborted) return Promise.reject(new Pop3AbortError(request.label, request.signal.reason, false));
    return new Promise<Pop3Reply>((resolve, reject) => {
      const pending: Pending = {
        request, written: false, settled: false, resolve, reject, timeout: request.timeout ?? this.#settings.timeout,
        deadline: request.deadline ?? this.#settings.deadline, dueFrom: undefined, pausedMs: 0,
      };
      if (request.signal) this.#watch(pending, request.signal);
      this.#queue.push(pending);
      this.#pump();
      // In an open SASL exchange, a line the server sent early answers this response (RFC 5034 §4).
      if (this.#reader.buffered > 0 && !this.#body && pending.written) this.#run(undefined, false);
    });
  }

  /** Cancels `pending` when `signal` aborts, until it settles. */
  #watch(pending: Pending, signal: AbortSignal): void {
    const onAbort = (): void => this.#abortPending(pending, signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    pending.cleanup = () => signal.removeEventListener('abort', onAbort);
  }

  /** True while an AUTH exchange sent through `send()` waits for the next client line. */
  get saslOpen(): boolean {
    return this.#saslOpen;
  }

  /** Resumes a transport paused for a slow stream consumer. */
  resumeReading(): void {
    if (!this.#paused || this.#closed) return;
    this.#paused = false;
    const head = this.#queue[0];
    if (head) head.pausedMs += now() - this.#pausedAt;
    this.#transport.resume();
    this.#timeHead();
  }

  /** Closes at once, without QUIT: pending commands reject with ConnectionClosedError. */
  close(): void {
    this.#destroy({ byClient: true });
  }

  // ---- writing -------------------------------------------------------------------------

  #pump(): void {
    if (this.#processing) {
      this.#pumpLater = true;
      return;
    }
    // Unsolicited bytes hold everything back: the server may be closing (FAREWELL_GRACE_MS).
    if (this.#upgrading || this.#closed || this.#quitting || this.#stray) return;
    let inFlight = 0;
    let barrierInFlight = false;
    for (const pending of this.#queue) {
      if (pending.written) {
        inFlight += 1;
        barrierInFlight ||= pending.request.barrier;
        continue;
      }
      if (barrierInFlight) return;
      if (inFlight > 0 && (pending.request.barrier || !this.pipelining)) return;
      this.#write(pending);
      inFlight += 1;
      barrierInFlight ||= pending.request.barrier;
    }
  }

  #write(pending: Pending): void {
    const { request } = pending;
    pending.written = true;
    if (request.user !== undefined) this.#user = request.user;
    if (request.keyword === 'QUIT') this.#quitting = true;
    this.#trace('C', request.keyword, request.shownArgs, request.traceText ?? request.label);
    // Commands written in the same turn of the event loop (a pipeline refilled as several
    // replies complete) leave in one write: one system call, one segment for the server.
    this.#outgoing.push(request.wire);
    if (this.#outgoing.length === 1) afterThisTurn(this.#flush);
    if (this.#timers.current === undefined) this.#timeHead();
  }

  readonly #flush = (): void => {
    const wires = this.#outgoing;
    this.#outgoing = [];
    if (this.#closed || wires.length === 0) return;
    this.#send(wires.length === 1 ? wires[0]! : Buffer.concat(wires));
  };

  /** Writes bytes; a failed write surfaces as the transport's 'error' and 'close'. */
  #send(bytes: Buffer): void {
    this.#transport.write(bytes).catch(ignore);
  }

  // ---- reading -------------------------------------------------------------------------

  readonly #onData = (data: Uint8Array): void => {
    if (this.#closed) return;
    this.#timers.touch();
    // Node's socket adapter hands out Buffers; other transports' plain bytes are viewed as one.
    const chunk = data instanceof Buffer ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.#run(chunk, this.#transport.lendsChunks);
  };

  /**
   * Processes input; a protocol violation fails the command being answered and closes.
   * `lent`: the chunk's memory is reused after this call, so whatever is kept is copied.
   */
  #run(chunk: Buffer | undefined, lent: boolean): void {
    const outermost = !this.#processing;
    this.#processing = true;
    try {
      this.#process(chunk, lent);
    } catch (error) {
      this.#fail(error);
    } finally {
      if (outermost) this.#processing = false;
    }
    // Commands go out once the chunk is read: bytes received before a command was written are
    // never its reply.
    if (outermost && this.#pumpLater) {
      this.#pumpLater = false;
      this.#pump();
    }
  }

  readonly #onError = (error: Error): void => {
    this.#transportError ??= error;
  };

  /** The peer ended or the transport closed: the session is over (RFC 1939 §3: one TCP connection). */
  readonly #onTransportClose = (): void => {
    // During STLS the handshake's own failure says more; the upgrade reports it.
    if (this.#closed || this.#upgrading) return;
    if (this.#stray) {
      this.#endStray(this.#stray);
      return;
    }
    const detail = this.#quitting ? 'the server closed the connection after QUIT' : 'the server closed the connection';
    this.#destroy({ byClient: false, detail });
  };

  /**
   * Feeds received bytes through the body decoder or the line reader, completing replies in
   * order. A body is decoded straight from the chunk; only bytes that must wait (a partial
   * status line, bytes during STLS or an open SASL exchange) go to the line reader, copied when
   * the chunk is lent. Bytes that arrive while no command waits go to #onUnsolicited.
   */
  #process(chunk: Buffer | undefined, lent: boolean): void {
    let input = chunk !== undefined && chunk.length > 0 ? chunk : undefined;
    for (;;) {
      if (this.#closed) return;
      if (this.#body) {
        if (input === undefined) return;
        const rest = this.#feedBody(this.#body, input, lent);
        if (rest === undefined || rest.length === 0) return;
        input = rest;
        continue;
      }
      const head = this.#queue[0];
      if (!head?.written && !this.#saslOpen) {
        // No command is waiting for a reply (RFC 1939 §3: each reply answers one command).
        const waiting = this.#reader.buffered > 0 ? this.#reader.takeBuffered() : undefined;
        const stray = waiting && input ? Buffer.concat([waiting, input]) : (waiting ?? input);
        if (stray) this.#onUnsolicited(stray);
        return;
      }
      if (input !== undefined) {
        if (this.#upgrading || !head?.written || head.request.keyword === 'STLS') {
          // A SASL exchange waiting for the client's next line (RFC 5034 §4), or STLS, after whose
          // +OK everything received is discarded (RFC 2595 §4): the bytes wait in the reader.
          this.#reader.push(lent ? Buffer.from(input) : input);
          input = undefined;
        } else if (this.#reader.buffered === 0) {
          // The usual case: a status line starts the chunk; read it in place.
          const lf = input.indexOf(LF);
          if (lf !== -1 && lf < CLIENT_MAX_STATUS_LINE) {
            const line = input.subarray(0, lf > 0 && input[lf - 1] === CR ? lf - 1 : lf);
            input = lf + 1 < input.length ? input.subarray(lf + 1) : undefined;
            this.#onStatus(head, parseStatusLine(line));
            continue;
          }
          this.#reader.push(lent ? Buffer.from(input) : input);
          input = undefined;
        } else {
          // Complete the waiting line with this chunk's first line; the rest may be a body.
          const lf = input.indexOf(LF);
          const end = lf === -1 ? input.length : lf + 1;
          const line = input.subarray(0, end);
          this.#reader.push(lent ? Buffer.from(line) : line);
          input = end < input.length ? input.subarray(end) : undefined;
        }
      }
      if (this.#upgrading || !head?.written) return;
      const result = this.#reader.next(CLIENT_MAX_STATUS_LINE);
      if (result === undefined) {
        if (input === undefined) return;
        continue;
      }
      if (result.kind !== 'line') throw new LineTooLongError('status line', CLIENT_MAX_STATUS_LINE);
      if (this.#onStatus(head, parseStatusLine(result.line)) && this.#reader.buffered > 0) {
        // Bytes that waited in the reader come before the rest of the chunk.
        const waiting = this.#reader.takeBuffered();
        if (input === undefined) {
          input = waiting;
          lent = false;
        } else {
          this.#process(waiting, false);
        }
      }
    }
  }

  /** Handles one status line; returns true when a body follows. */
  #onStatus(pending: Pending, status: StatusLine): boolean {
    const { request } = pending;
    if (status.kind === 'continuation') {
      // RFC 5034 §4: only AUTH may be answered with "+ ".
      if (request.keyword !== 'AUTH') {
        throw new MalformedReplyError(`a SASL continuation "+ " answered ${request.label}`);
      }
      const reply: Pop3Reply = { ok: false, status: '+', text: status.data, line: status.line };
      this.#trace('S', request.keyword, request.shownArgs, status.line, { status: '+' });
      if (request.sasl) {
        const line = request.sasl.respond(status.data);
        this.#trace('C', 'AUTH', [], line === '*' ? '*' : '***');
        this.#send(Buffer.from(`${line}\r\n`, 'utf8'));
        return false;
      }
      this.#saslOpen = true;
      this.#settle(pending, reply);
      return false;
    }
    const reply: Pop3Reply = {
      ok: status.kind === 'ok', status: status.kind === 'ok' ? '+OK' : '-ERR', text: status.text, line: status.line,
    };
    if (status.code !== undefined) reply.code = status.code;
    if (reply.ok && request.multiline) {
      this.#trace('S', request.keyword, request.shownArgs, status.line, { status: '+OK', code: reply.code });
      const maxSize = this.#settings.maxMessageSize;
      const decoder = new MultilineDecoder({ maxLineLength: CLIENT_MAX_BODY_LINE, maxSize });
      const hint = request.keyword === 'RETR' ? OCTETS_HINT.exec(reply.text) : null;
      const announced = hint ? Math.min(Number(hint[1]), maxSize) : 0;
      this.#body = {
        pending, status: reply, decoder, buffer: request.sink ? undefined : new BodyBuffer(announced, maxSize), announced, received: 0, lines: 0,
      };
      request.sink?.start?.(reply);
      return true;
    }
    this.#complete(pending, reply);
    return false;
  }

  /**
   * Feeds body bytes; returns the bytes after the terminator once the body is complete.
   * Decoded bytes are copied once: into the message buffer, or into the chunk for the sink.
   */
  #feedBody(body: BodyInProgress, input: Buffer, lent: boolean): Buffer | undefined {
    const pieces = this.#pieces;
    body.received += input.length;
    try {
      const { length, done, rest } = body.decoder.pushInto(input, pieces);
      if (length > 0) {
        if (this.#settings.trace) for (const piece of pieces) body.lines += countLines(piece);
        const sink = body.pending.request.sink;
        if (sink) {
          // A view of a chunk that is not lent can be handed on as it is; anything else is copied.
          const chunk = pieces.length === 1 && !lent && pieces[0]!.buffer === input.buffer ? pieces[0]! : joinPieces(pieces, length);
          pieces.length = 0;
          if (!sink.data(chunk) && !done && !this.#paused) {
            // Back-pressure: stop reading until the consumer catches up (neither clock runs meanwhile).
            this.#paused = true;
            this.#pausedAt = now();
            this.#transport.pause();
            this.#timers.time(undefined);
          }
        } else {
          body.buffer?.append(pieces);
        }
      }
      if (!done) return undefined;
      this.#completeBody(body);
      return rest;
    } finally {
      pieces.length = 0; // keep no view of a lent chunk
    }
  }

  #completeBody(body: BodyInProgress): void {
    this.#body = undefined;
    const { pending, status } = body;
    if (body.buffer) status.body = body.buffer.finish();
    this.#trace('S', pending.request.keyword, pending.request.shownArgs, `(${body.lines} ${body.lines === 1 ? 'line' : 'lines'})`, {
      octets: body.decoder.size,
    });
    if (this.#paused) this.resumeReading();
    this.#complete(pending, status);
  }

  /** A reply is complete: update the session state, settle, and write what may follow. */
  #complete(pending: Pending, reply: Pop3Reply): void {
    const { request } = pending;
    const before = this.#state;
    // RFC 5034 §4: +OK or -ERR ends a SASL exchange, whatever line the client sent last.
    this.#saslOpen = false;
    // The command table says where a +OK leads. QUIT's -ERR leads there too: RFC 1939 §6 sends
    // it from UPDATE, when some deletions failed, and either reply ends the session.
    if ((reply.ok || request.keyword === 'QUIT') && isKeyword(request.keyword) && before !== 'CLOSED') {
      this.#state = COMMANDS[request.keyword].onOk[before] ?? before;
    }
    if (reply.ok && request.keyword === 'UTF8') this.#utf8 = true;
    if (request.greeting) this.#greeting = reply.line;
    // A multi-line reply's status line was traced when it arrived, its body just now.
    if (!(request.multiline && reply.ok)) {
      this.#trace('S', request.keyword, request.shownArgs, reply.line, { status: reply.status, code: reply.code, before });
    }
    if (request.keyword === 'STLS' && reply.ok) {
      this.#startTls(pending, reply);
      return;
    }
    this.#settle(pending, reply);
    if (request.keyword === 'QUIT') {
      // RFC 1939 §6: the session ends with this reply; the server closes, and so do we.
      this.#destroy({ byClient: true, detail: 'the session ended with QUIT' });
      return;
    }
    this.#pump();
  }

  #settle(pending: Pending, reply: Pop3Reply): void {
    const index = this.#queue.indexOf(pending);
    if (index !== -1) this.#queue.splice(index, 1);
    if (this.#timers.current === pending) this.#timers.time(undefined);
    this.#timeHead();
    if (pending.settled) return;
    pending.settled = true;
    pending.cleanup?.();
    pending.resolve(reply);
    this.#pump();
  }

  // ---- STLS (RFC 2595 §4) --------------------------------------------------------------

  #startTls(pending: Pending, reply: Pop3Reply): void {
    this.#upgrading = true;
    // The handshake has a deadline of its own, counted from the +OK.
    pending.deadline = pending.request.deadline ?? this.#settings.deadline ?? DEFAULT_CONNECT_DEADLINE_MS;
    pending.dueFrom = now();
    this.#timers.deadlineChanged(pending);
    // RFC 2595 §4 / dinhvh/libetpan#386: bytes after the +OK were not protected; drop them.
    const injected = this.#reader.takeBuffered();
    this.#reader.clear();
    if (injected.length > 0) this.#traceDiscarded(injected.length);
    const transport = this.#transport;
    if (!transport.upgradeToTls) {
      this.#fail(cannotStartTls(transport), pending);
      return;
    }
    const options: tls.ConnectionOptions = { ...this.#settings.tlsOptions, ...pending.request.tlsOptions };
    transport
      // The name to verify is the one SNI carries (RFC 6066 §3), else the host.
      .upgradeToTls({ role: 'client', host: options.servername ?? options.host ?? 'localhost', extra: { ...options } })
      .then(
        (details) => {
          if (this.#closed) return;
          if (details.discarded > 0) this.#traceDiscarded(details.discarded);
          this.#secure = true;
          this.#upgrading = false;
          this.#trace('*', 'TLS', [], describeTls(details));
          // What the server sent after its handshake answers nothing: the next command is not sent yet.
          const early = this.#reader.takeBuffered();
          if (early.length > 0) this.#onUnsolicited(early);
          this.#settle(pending, reply);
        },
        (error: unknown) => {
          this.#upgrading = false;
          const detail = error instanceof Error ? error.message : String(error);
          this.#fail(error instanceof TlsError ? error : new TlsError(detail, { cause: error }), pending);
        },
      );
  }

  #traceDiscarded(octets: number): void {
    this.#trace('*', 'TLS', [], `TLS discarded ${octets} plaintext octets received after the STLS reply (RFC 2595 §4)`);
  }

  // ---- unsolicited replies (RFC 1939 §3) -----------------------------------------------

  /**
   * Bytes arrived while no command was waiting for a reply. Read as the next command's reply,
   * they would shift every reply after them by one; so nothing more is written, and once the
   * line is complete the connection ends: with ConnectionClosedError carrying the line as
   * `serverMessage` when it is a `-ERR` and the server closes within FAREWELL_GRACE_MS (its
   * farewell), else with UnsolicitedReplyError.
   */
  #onUnsolicited(bytes: Buffer): void {
    let stray = this.#stray;
    if (!stray) {
      stray = { data: EMPTY, line: undefined, timer: setTimeout(this.#onStrayTimer, FAREWELL_GRACE_MS) };
      this.#stray = stray;
    }
    if (stray.line !== undefined) {
      // More after a -ERR: not a farewell.
      this.#failUnsolicited(stray.line);
      return;
    }
    stray.data = Buffer.concat([stray.data, bytes]); // a copy: the chunk may be lent
    const lf = stray.data.indexOf(LF);
    if (lf === -1 || lf >= CLIENT_MAX_STATUS_LINE) {
      if (stray.data.length >= CLIENT_MAX_STATUS_LINE) this.#failUnsolicited(strayLine(stray.data.subarray(0, CLIENT_MAX_STATUS_LINE)));
      return;
    }
    const line = strayLine(stray.data.subarray(0, lf));
    stray.line = line;
    this.#trace('S', '', [], line, { status: statusOf(line) });
    if (lf + 1 < stray.data.length || statusOf(line) !== '-ERR') this.#failUnsolicited(line);
  }

  readonly #onStrayTimer = (): void => {
    const stray = this.#stray;
    if (stray && !this.#closed) this.#failUnsolicited(stray.line ?? strayLine(stray.data));
  };

  /** The server closed after unsolicited bytes: its farewell if they were a `-ERR`. */
  #endStray(stray: Stray): void {
    const line = stray.line ?? strayLine(stray.data);
    if (statusOf(line) !== '-ERR') {
      this.#failUnsolicited(line);
      return;
    }
    if (stray.line === undefined) this.#trace('S', '', [], line, { status: '-ERR' });
    const detail = 'the server closed the connection';
    const closed = (label: string): ConnectionClosedError => new ConnectionClosedError(label, detail, { serverMessage: line });
    this.#destroy({
      byClient: false, detail, errorFor: (p) => closed(p.request.label), closedWith: closed, closeText: 'CLOSE by the server after its farewell',
    });
  }

  #failUnsolicited(line: string): void {
    if (this.#stray?.line === undefined) this.#trace('S', '', [], line, { status: statusOf(line) });
    const error = new UnsolicitedReplyError(line);
    this.#destroy({
      byClient: true, errorFor: () => error, closedWith: () => error, closeText: 'CLOSE by the client: unsolicited reply (RFC 1939 §3)',
    });
  }

  // ---- timeouts, aborts, closing -------------------------------------------------------

  /** Times the reply being read: the first command sent, unless reading is paused. */
  #timeHead(): void {
    const head = this.#queue[0];
    this.#timers.time(head?.written && !this.#paused && !this.#closed ? head : undefined);
  }

  /** The deadline of `pending`'s reply in milliseconds: its own, or the default for its reply (src/client/timing.ts). */
  #deadlineOf(pending: Pending): number {
    if (pending.deadline !== undefined) return pending.deadline;
    if (!pending.request.multiline) return DEFAULT_REPLY_DEADLINE_MS;
    const body = this.#body?.pending === pending ? this.#body : undefined;
    return multilineDeadline(body ? Math.max(body.received, body.announced) : 0);
  }

  #abortPending(pending: Pending, reason: unknown): void {
    if (pending.settled) return;
    if (!pending.written) {
      const index = this.#queue.indexOf(pending);
      if (index !== -1) this.#queue.splice(index, 1);
      this.#rejectPending(pending, new Pop3AbortError(pending.request.label, reason, false));
      return;
    }
    // Cancelled after it was sent: its reply would be read as the next command's.
    this.#fail(new Pop3AbortError(pending.request.label, reason, true), pending);
  }

  /** Fails `culprit` (default: the command being answered) with `error` and closes. */
  #fail(error: unknown, culprit?: Pending): void {
    if (this.#closed) return;
    const target = culprit ?? this.#queue.find((p) => p.written) ?? this.#queue[0];
    if (target) this.#rejectPending(target, error);
    const what = error instanceof Error ? error.message : String(error);
    this.#destroy({ byClient: true, detail: `the connection was closed after an error (${what})`, cause: error });
  }

  /**
   * Closes the transport and rejects everything still queued: by default with
   * ConnectionClosedError naming each command (Pop3StateError for what QUIT left unsent).
   */
  #destroy(ending: Ending): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timers.stop();
    if (this.#stray) clearTimeout(this.#stray.timer);
    this.#stray = undefined;
    this.#closedWith = ending.closedWith;
    const before = this.#state;
    this.#state = 'CLOSED';
    const text = ending.detail ?? (ending.byClient ? 'the connection was closed by the client' : 'the server closed the connection');
    const quitDone = this.#quitting && !this.#queue.some((p) => p.request.keyword === 'QUIT' && !p.settled);
    for (const pending of this.#queue.splice(0)) {
      if (pending.settled) continue;
      if (ending.errorFor) this.#rejectPending(pending, ending.errorFor(pending));
      else if (!pending.written && quitDone) {
        this.#rejectPending(pending, new Pop3StateError(`cannot send ${pending.request.label}: the session ended with QUIT`));
      } else {
        this.#rejectPending(pending, new ConnectionClosedError(pending.request.label, text, { cause: ending.cause ?? this.#transportError }));
      }
    }
    if (this.#body) this.#body = undefined;
    this.#transport.destroy();
    const by = quitDone ? 'after QUIT' : ending.byClient ? 'by the client' : 'by the server';
    this.#trace('*', 'CLOSE', [], ending.closeText ?? `CLOSE ${by}`, { before });
    for (const listener of this.#closeListeners.splice(0)) listener();
  }

  #rejectPending(pending: Pending, error: unknown): void {
    const index = this.#queue.indexOf(pending);
    if (index !== -1) this.#queue.splice(index, 1);
    if (this.#body?.pending === pending) this.#body = undefined;
    if (pending.settled) return;
    pending.settled = true;
    pending.cleanup?.();
    pending.reject(error);
  }

  // ---- trace ---------------------------------------------------------------------------

  #trace(
    direction: TranscriptEntry['direction'],
    keyword: string,
    args: string[],
    text: string,
    extra: { status?: TranscriptEntry['status']; code?: string | undefined; octets?: number; before?: SessionState } = {},
  ): void {
    const sink = this.#settings.trace;
    if (!sink) return;
    this.#seq += 1;
    const entry: TranscriptEntry = {
      session: this.session,
      seq: this.#seq,
      time: Date.now(),
      direction,
      keyword,
      args,
      text,
      stateBefore: extra.before ?? this.#state,
      stateAfter: this.#state,
    };
    if (extra.status !== undefined) entry.status = extra.status;
    if (extra.code !== undefined) entry.code = extra.code;
    if (extra.octets !== undefined) entry.octets = extra.octets;
    if (this.#user !== undefined) entry.user = this.#user;
    try {
      sink(entry);
    } catch {
      // A broken trace callback must not break the session.
    }
  }
}

const EMPTY = Buffer.alloc(0);

/** Copies decoded pieces into a new chunk of `length` octets. */
function joinPieces(pieces: readonly Buffer[], length: number): Buffer {
  const chunk = Buffer.allocUnsafe(length);
  let at = 0;
  for (const piece of pieces) {
    chunk.set(piece, at);
    at += piece.length;
  }
  return chunk;
}

function countLines(data: Buffer): number {
  let count = 0;
  for (let at = data.indexOf(0x0a); at !== -1; at = data.indexOf(0x0a, at + 1)) count += 1;
  return count;
}

/** A stray line as text, without its CR. */
function strayLine(data: Buffer): string {
  const end = data.length > 0 && data[data.length - 1] === CR ? data.length - 1 : data.length;
  return data.toString('utf8', 0, end);
}

/** The status of a line, when it has the shape of one (RFC 1939 §3, RFC 5034 §4). */
function statusOf(line: string): TranscriptEntry['status'] {
  try {
    const { kind } = parseStatusLine(line);
    return kind === 'ok' ? '+OK' : kind === 'err' ? '-ERR' : '+';
  } catch {
    return undefined;
  }
}

function describeTls(session: TlsSession): string {
  return `TLS ${session.protocol}${session.peerName ? `, certificate for ${session.peerName}` : ''}`;
}

/** The error for STLS on a transport that cannot start TLS (an in-memory pair, a MessagePort). */
export function cannotStartTls(transport: ByteTransport): TlsError {
  return new TlsError(`the ${transport.info.kind} transport cannot start TLS (STLS, RFC 2595 §4); connect over TCP to use STLS`);
}

/** Node's nextTick where there is one (it runs before promise callbacks), else a microtask. */
const afterThisTurn: (callback: () => void) => void =
  typeof process === 'object' && typeof process.nextTick === 'function' ? process.nextTick : queueMicrotask;

function ignore(): void {}
