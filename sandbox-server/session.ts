import type { ByteTransport, FaultSpec, Keyword, LineResult, Pop3State, TlsDetails, TlsSession, TranscriptEntry, TranscriptEvent, TransportInfo } from '../src/protocol';
import {
  formatStatusLine,
  isKeyword,
  LineReader,
  MAX_BAD_COMMANDS,
  MAX_COMMAND_LINE,
  MAX_SASL_LINE,
  MAX_UNTERMINATED_INPUT,
  parseCommandLine,
  REDACTED,
  redactArgs,
  toHex,
} from '../src/protocol';
import { checkCommand, runHandler } from './dispatch';
import { readable } from './display';
import type { FaultProgress } from './fault-injector';
import { afterReply, beforeDispatch, beforeReply, midBody } from './fault-injector';
import type { SaslState, SessionContext } from './handlers';
import { continueSasl } from './handlers';
import type { Maildrop } from './maildrop';
import type { Reply, StatusReply } from './reply';
import { err, ok } from './reply';
import type { ServerContext } from './server-context';
import type { ReleaseLock } from './storage';
import { redactUnknownArgs } from './suggest';
import { Countdown, unref } from './timers';

/** Bodies are written in pieces of this size, each waiting while the transport is full. */
const WRITE_CHUNK = 64 * 1024;
/** A status line and a body up to this size leave in one write (one TCP segment on loopback). */
const ONE_WRITE = 16 * 1024;
/** Stop reading while this much pipelined input waits: memory stays bounded if replies are not read. */
const INPUT_HIGH_WATER = MAX_UNTERMINATED_INPUT + MAX_SASL_LINE;
/** After our FIN (QUIT, too many bad commands), how long the peer has to close before we cut it. */
const CLOSE_GRACE_MS = 2000;

/** True for a QUIT command line: the one command that can still lead to UPDATE (RFC 1939 §6). */
function isQuitLine(line: Buffer | string): boolean {
  return parseCommandLine(line).keyword === 'QUIT';
}

const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** RFC 6856 §2.1: outside UTF-8 mode no reply carries raw non-ASCII; a stray character becomes "?". */
function asciiOnly(text: string): string {
  if (PLAIN_ASCII.test(text)) return text;
  return text.replace(/§/g, 'section ').replace(/[^\x20-\x7e]/g, '?');
}

/** Called once a session's connection is gone and its maildrop lock released. */
export type SessionFinished = (session: Session) => void;

/** Received bytes as a Buffer the line reader can keep: copied when the transport lends them. */
function keepable(chunk: Uint8Array, lent: boolean): Buffer {
  if (lent) return Buffer.from(chunk);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** How the CONNECT event names the connection: TCP and implicit TLS (RFC 8314) as ever, others by kind. */
function describeConnection({ kind, secure }: TransportInfo): string {
  if (kind === 'tcp') return 'pop3';
  if (kind === 'tls' || secure) return 'pop3s, implicit TLS';
  return `pop3 over ${kind}`;
}

type EntryFields = Omit<TranscriptEntry, 'session' | 'seq' | 'time'>;

/**
 * One POP3 session (RFC 1939 §3): reads command lines, dispatches them strictly in order,
 * writes exactly one reply per command, and logs everything. Handlers return replies; this
 * class is the one place that writes them.
 */
export class Session implements SessionContext {
  readonly id: string;
  readonly server: ServerContext;
  state: Pop3State = 'AUTHORIZATION';
  utf8 = false;
  user: string | undefined;
  pendingUser: string | undefined;
  maildrop: Maildrop | undefined;
  releaseLock: ReleaseLock | undefined;
  sasl: SaslState | undefined;
  failedLogins = 0;
  readonly timestamp: string;

  readonly #transport: ByteTransport;
  #secure: boolean;
  readonly #reader = new LineReader();
  readonly #onFinished: SessionFinished;
  /** True while reading is paused: too much input waiting, or STLS about to start. */
  #paused = false;
  #seq = 0;
  #busy = false;
  #closed = false;
  #peerEnded = false;
  /** The peer has closed its side with no QUIT left to answer: UPDATE can no longer happen. */
  #updateRuledOut = false;
  /** The line being handled now. */
  #current: LineResult | undefined;
  #transportError: string | undefined;
  readonly #progress: FaultProgress = { answered: 0, stalled: false };
  #badInARow = 0;
  readonly #idle: Countdown;
  #finished = false;
  #releasing: Promise<void> = Promise.resolve();
  readonly #done: Promise<void>;
  #resolveDone!: () => void;

  constructor(server: ServerContext, transport: ByteTransport, onFinished: SessionFinished) {
    this.server = server;
    this.id = server.nextSessionId();
    this.#transport = transport;
    this.#secure = transport.info.secure;
    this.#onFinished = onFinished;
    this.timestamp = `<${server.processId}.${Date.now()}.${toHex(server.random.take(4))}@${server.timestampHost}>`;
    const ms = server.config.autologoutMs;
    // RFC 1939 §3: on expiry, close without a response and without entering UPDATE.
    this.#idle = new Countdown(ms, () => this.#close(`autologout after ${ms} ms without a command`, 'destroy'));
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  get secure(): boolean {
    return this.#secure;
  }

  get stlsRefusal(): string | undefined {
    if (this.#secure) return 'TLS is already active on this connection (RFC 2595 section 4)';
    if (!this.#transport.upgradeToTls) return `this connection (${this.#transport.info.kind}) cannot carry TLS, so STLS is not offered (RFC 2595 section 4)`;
    if (this.server.stlsContext === undefined) return 'this sandbox has no TLS certificate, so STLS is not offered (RFC 2595 section 4)';
    return undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves once the connection is gone and the maildrop lock released. */
  get done(): Promise<void> {
    return this.#done;
  }

  faults(): FaultSpec {
    return this.server.faults.forAccount(this.user);
  }

  logEvent(keyword: TranscriptEvent, text: string, extras: { uids?: string[]; fault?: string } = {}): void {
    this.#log({ direction: '*', keyword, args: [], text, stateBefore: this.state, stateAfter: this.state, ...extras });
  }

  /** Logs the connection, sends the greeting (RFC 1939 §4) and starts reading commands. */
  async start(): Promise<void> {
    const transport = this.#transport;
    transport.on('data', this.#onData);
    transport.on('end', this.#onEnd);
    transport.on('error', this.#onError);
    transport.on('close', this.#onClose);
    const info = transport.info;
    this.#log({
      direction: '*',
      keyword: 'CONNECT',
      args: [],
      text: `CONNECT from ${info.remote} (${describeConnection(info)})`,
      stateBefore: 'CLOSED',
      stateAfter: 'AUTHORIZATION',
    });
    if (this.#secure) this.#logTls(info.tls, 'implicit TLS');
    this.#resetIdle();
    this.#busy = true;
    try {
      // RFC 1939 §7 / RFC 2449 §3: the APOP timestamp is the greeting's last and only "<...>".
      const banner = this.server.config.requireTls && !this.#secure ? 'POP3 sandbox ready; send STLS before logging in' : 'POP3 sandbox ready';
      await this.#send(ok(`${banner} ${this.timestamp}`), 'GREETING', 'AUTHORIZATION');
      this.#afterReply();
    } catch (error) {
      this.#internalError(error);
      this.#close('internal error while greeting', 'destroy');
    } finally {
      this.#busy = false;
    }
    void this.#run();
  }

  /** Ends the session at once, as when the server shuts down: no reply, no UPDATE. */
  shutdown(reason: string): void {
    this.#close(reason, 'destroy');
  }

  // ---- input ------------------------------------------------------------------------------

  readonly #onData = (chunk: Uint8Array): void => {
    this.#reader.push(keepable(chunk, this.#transport.lendsChunks));
    if (this.#reader.buffered > INPUT_HIGH_WATER && !this.#paused) {
      this.#paused = true;
      this.#transport.pause();
    }
    void this.#run();
  };

  readonly #onEnd = (): void => {
    this.#peerEnded = true;
    // Nothing more will arrive. Unless a QUIT is in hand, the session can never reach UPDATE, so
    // the lock is released now: replies still pending (a delay fault, a slow handler, a peer that
    // is gone altogether) must not keep other sessions out of the maildrop. They are still sent.
    const current = this.#current;
    if (!(current?.kind === 'line' && isQuitLine(current.line)) && !this.#quitBuffered()) {
      this.#updateRuledOut = true;
      this.#unlock();
    }
    void this.#run();
  };

  readonly #onError = (error: Error): void => {
    this.#transportError ??= (error as Error & { code?: unknown }).code?.toString() ?? error.message;
  };

  readonly #onClose = (): void => {
    this.#close(this.#transportError ? `connection lost (${this.#transportError})` : 'client closed the connection', 'destroy');
    this.#finish();
  };

  /** Processes buffered lines strictly in order (RFC 2449 §6.6), one at a time. */
  async #run(): Promise<void> {
    if (this.#busy || this.#closed) return;
    this.#busy = true;
    try {
      while (!this.#closed) {
        const item = this.#reader.next(MAX_SASL_LINE);
        if (!item) break;
        this.#current = item;
        await this.#handle(item);
        this.#current = undefined;
      }
    } catch (error) {
      this.#internalError(error);
      this.#close('internal error', 'destroy');
    } finally {
      this.#current = undefined;
      this.#busy = false;
    }
    if (this.#closed) return;
    // A client may pipe its commands and half-close (printf ... | nc): answer them all, then close.
    if (this.#peerEnded) {
      this.#close('client closed the connection', 'end');
      return;
    }
    this.#resumeReading();
  }

  #resumeReading(): void {
    if (!this.#paused || this.#closed) return;
    this.#paused = false;
    this.#transport.resume();
  }

  /** True when a complete QUIT line waits among the received, unhandled input. */
  #quitBuffered(): boolean {
    // Peek: take the bytes and give them straight back, so the reader's state is unchanged.
    const pending = this.#reader.takeBuffered();
    this.#reader.push(pending);
    const lines = pending.toString('latin1').split('\n');
    // The last piece has no line break: it never becomes a command.
    lines.pop();
    return lines.some((line) => isQuitLine(line.replace(/\r$/, '')));
  }

  async #handle(item: LineResult): Promise<void> {
    this.#resetIdle();
    const stateBefore = this.state;
    if (item.kind === 'unterminated') {
      this.#logCommand('', [], `<${item.octets} octets without a line break>`);
      await this.#answer(
        err(`no line break in ${MAX_UNTERMINATED_INPUT} octets of input; closing the connection`, {
          after: 'close',
          closeReason: 'no line break in 64 KiB of input',
        }),
        '',
        stateBefore,
      );
      return;
    }
    if (this.sasl) {
      await this.#handleSaslLine(item, stateBefore);
      return;
    }
    if (item.kind === 'too-long') {
      if (this.#intercept('', [], `<line longer than ${item.limit} octets, discarded>`) === 'stall') return;
      await this.#answer(
        err(`line too long: a command line may have ${MAX_COMMAND_LINE} octets including CRLF (RFC 2449 section 4), an AUTH line ${MAX_SASL_LINE}; the line was discarded`, {
          bad: true,
        }),
        '',
        stateBefore,
      );
      return;
    }
    const latin1 = item.line.toString('latin1');
    const parsed = parseCommandLine(latin1);
    const known = isKeyword(parsed.keyword);
    // RFC 2449 §4: 255 octets for a command line; only AUTH lines may be longer (RFC 5034 §4).
    if (item.octets > MAX_COMMAND_LINE && parsed.keyword !== 'AUTH') {
      const keyword = known ? parsed.keyword : '';
      if (this.#intercept(keyword, [], `<${item.octets}-octet line, over the ${MAX_COMMAND_LINE}-octet limit, discarded>`) === 'stall') return;
      await this.#answer(
        err(`command line too long: ${item.octets} octets, the limit is ${MAX_COMMAND_LINE} including CRLF (RFC 2449 section 4); the line was discarded`, {
          bad: true,
        }),
        keyword,
        stateBefore,
      );
      return;
    }
    const args = known ? redactArgs(parsed.keyword, parsed.args) : redactUnknownArgs(parsed.keyword, parsed.args);
    const space = latin1.indexOf(' ');
    const word = space === -1 ? latin1 : latin1.slice(0, space);
    let text = readable(word);
    // Only a line with a space has arguments (the check also spares V8 a look at an empty array).
    if (space !== -1) for (const arg of args) text += ` ${readable(arg)}`;
    const checked = checkCommand(parsed, this);
    const fault = this.#intercept(parsed.keyword, args, text, 'kind' in checked ? undefined : checked.keyword);
    if (fault === 'stall') return;
    const reply = fault ?? ('kind' in checked ? checked : await this.#safely(() => runHandler(checked, this)));
    await this.#answer(reply, parsed.keyword, stateBefore);
  }

  /** A line received while a SASL exchange waits for the client (RFC 5034 §4). */
  async #handleSaslLine(item: Exclude<LineResult, { kind: 'unterminated' }>, stateBefore: Pop3State): Promise<void> {
    if (item.kind === 'too-long') {
      if (this.#intercept('AUTH', [], `<SASL response longer than ${MAX_SASL_LINE} octets, discarded>`) === 'stall') return;
      this.sasl = undefined;
      await this.#answer(err(`SASL response longer than ${MAX_SASL_LINE} octets; AUTH cancelled`, { bad: true }), 'AUTH', stateBefore);
      return;
    }
    const line = item.line.toString('latin1');
    // The response may carry a password (PLAIN, LOGIN): only the cancel `*` is shown.
    if (this.#intercept('AUTH', [], line === '*' ? '*' : REDACTED) === 'stall') return;
    const reply = await this.#safely(() => continueSasl(line, this));
    await this.#answer(reply, 'AUTH', stateBefore);
  }

  /**
   * Logs a received line after the `before-dispatch` faults had their say: `'stall'` (the line
   * is marked and never answered), a refusal to send instead of running `command`'s handler,
   * or undefined.
   */
  #intercept(keyword: string, args: string[], text: string, command?: Keyword): 'stall' | StatusReply | undefined {
    const fault = beforeDispatch(this, this.#progress, command);
    this.#logCommand(keyword, args, text, fault === 'stall' ? 'stall' : undefined);
    return fault;
  }

  #logCommand(keyword: string, args: string[], text: string, fault?: string): void {
    this.#log({ direction: 'C', keyword, args, text, stateBefore: this.state, stateAfter: this.state, ...(fault ? { fault } : {}) });
  }

  /** Runs a handler; an unexpected exception is logged and answered with -ERR, and the session goes on. */
  async #safely(handler: () => Reply | Promise<Reply>): Promise<Reply> {
    try {
      return await handler();
    } catch (error) {
      this.#internalError(error);
      this.sasl = undefined;
      return err('internal server error; the command was not carried out, the session continues', { code: 'SYS/TEMP' });
    }
  }

  #internalError(error: unknown): void {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.server.internalErrors.push(failure);
    this.server.log.reportInternalError(failure, this.id);
  }

  // ---- output ------------------------------------------------------------------------------

  /** Writes a reply to a command, then does what the reply asks (close, STLS) and what faults ask. */
  async #answer(reply: Reply, keyword: string, stateBefore: Pop3State): Promise<void> {
    // A login piped before the half-close gives up its lock before its reply: no QUIT follows it.
    if (this.#updateRuledOut) this.#unlock();
    let final = reply;
    if (final.kind === 'status') {
      this.#badInARow = final.bad ? this.#badInARow + 1 : 0;
      if (this.#badInARow >= MAX_BAD_COMMANDS && final.after !== 'close') {
        final = {
          ...final,
          text: `${final.text}; ${MAX_BAD_COMMANDS} bad commands in a row, closing the connection`,
          after: 'close',
          closeReason: `${MAX_BAD_COMMANDS} bad commands in a row`,
        };
      }
    }
    const starttls = final.kind === 'status' && final.after === 'starttls';
    // RFC 2595 §4: bytes sent after STLS, before the handshake, are never commands.
    const discarded = starttls ? this.#stopReadingForTls() : 0;
    await this.#send(final, keyword, stateBefore);
    if (final.kind === 'status') this.#progress.answered += 1;
    if (this.#closed || final.kind !== 'status') return;
    if (final.after === 'close') {
      this.#close(final.closeReason ?? 'closing', 'end');
      return;
    }
    if (starttls) await this.#startTls(discarded);
    this.#afterReply();
  }

  /** The `after-reply` faults: `drop-after=N`. */
  #afterReply(): void {
    if (this.#closed) return;
    const dropped = afterReply(this, this.#progress);
    if (dropped !== undefined) this.#close(dropped, 'destroy');
  }

  /** Logs and writes one reply, with its body; applies the delay and drop-mid-retr faults. */
  async #send(reply: Reply, keyword: string, stateBefore: Pop3State): Promise<void> {
    // A handler that finished after the connection ended has no one to answer.
    if (this.#closed) return;
    const marks: string[] = [];
    if (reply.kind === 'status' && reply.fault) marks.push(reply.fault);
    const delayed = beforeReply(this);
    if (delayed !== undefined) {
      marks.push(await delayed);
      if (this.#closed) return;
    }
    const body = reply.kind === 'status' ? reply.body : undefined;
    const cut = body ? midBody(this, keyword, body.wire.length) : undefined;
    if (cut) marks.push(cut.mark);
    const line: Buffer =
      reply.kind === 'continuation'
        ? Buffer.from(`+ ${reply.data}\r\n`, 'latin1')
        : formatStatusLine(reply.ok, this.utf8 ? reply.text : asciiOnly(reply.text), reply.code);
    const fields: EntryFields = {
      direction: 'S',
      keyword,
      args: [],
      status: reply.kind === 'continuation' ? '+' : reply.ok ? '+OK' : '-ERR',
      text: line.subarray(0, line.length - 2).toString('utf8'),
      stateBefore,
      stateAfter: this.state,
    };
    if (reply.kind === 'status') {
      if (reply.code) fields.code = reply.code.toUpperCase();
      if (reply.uids) fields.uids = reply.uids;
      if (body) fields.octets = body.octets;
    }
    if (marks.length > 0) fields.fault = marks.join(', ');
    this.#log(fields);

    if (!body) {
      await this.#write(line);
      return;
    }
    if (cut) {
      await this.#write(Buffer.concat([line, body.wire.subarray(0, cut.octets)]));
      this.#close(cut.drop(), 'destroy');
      return;
    }
    const wire = body.wire;
    if (line.length + wire.length <= ONE_WRITE) {
      await this.#write(Buffer.concat([line, wire], line.length + wire.length));
      return;
    }
    // Larger bodies are not copied: the status line goes ahead (the transport keeps the order),
    // then the body in pieces, each waiting while the transport is full (backpressure).
    void this.#write(line);
    for (let at = 0; at < wire.length && !this.#closed; at += WRITE_CHUNK) {
      await this.#write(wire.subarray(at, at + WRITE_CHUNK));
    }
  }

  /** Writes bytes; resolves once the transport can take more. A connection already gone takes nothing. */
  async #write(data: Uint8Array): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#transport.write(data);
    } catch {
      // The connection is gone: its 'close' ends the session.
    }
  }

  // ---- STLS --------------------------------------------------------------------------------

  /**
   * Stops reading plaintext and throws away every line received after the STLS line; the
   * transport discards what it has not delivered yet when the upgrade starts.
   */
  #stopReadingForTls(): number {
    this.#paused = true;
    this.#transport.pause();
    const discarded = this.#reader.buffered;
    this.#reader.clear();
    return discarded;
  }

  /** RFC 2595 §4: the handshake starts right after the +OK; the session stays in AUTHORIZATION. */
  async #startTls(discarded: number): Promise<void> {
    const upgrade = this.#transport.upgradeToTls;
    let details: TlsDetails;
    try {
      // The STLS handler replied +OK only where the transport can upgrade and there is a context.
      if (!upgrade) throw new Error('the transport cannot start TLS');
      details = await upgrade.call(this.#transport, { role: 'server', context: this.server.stlsContext });
    } catch (error) {
      // RFC 2595 §2.5: the negotiation failed; the connection cannot be trusted with anything.
      this.#close(`TLS handshake failed after STLS: ${(error as Error).message}`, 'destroy');
      return;
    }
    if (this.#closed) return;
    this.#secure = true;
    // Nothing learnt from the client before TLS is kept.
    this.pendingUser = undefined;
    const total = discarded + details.discarded;
    this.#logTls(details, total > 0 ? `after STLS; discarded ${total} octets received after the STLS line` : 'after STLS');
    this.#resumeReading();
  }

  #logTls(tls: TlsSession | undefined, how: string): void {
    this.logEvent('TLS', `TLS ${tls?.protocol ?? 'unknown'} ${tls?.cipher ?? ''} (${how})`.replace('  ', ' '));
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  #resetIdle(): void {
    if (!this.#closed) this.#idle.restart();
  }

  /** Ends the session once: no UPDATE unless QUIT already did it (RFC 1939 §6). */
  #close(reason: string, mode: 'end' | 'destroy'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idle.stop();
    this.sasl = undefined;
    this.#unlock();
    this.#log({ direction: '*', keyword: 'CLOSE', args: [], text: `CLOSE ${reason}`, stateBefore: this.state, stateAfter: 'CLOSED' });
    const transport = this.#transport;
    if (mode === 'end') {
      transport.end();
      unref(setTimeout(() => transport.destroy(), CLOSE_GRACE_MS));
    } else {
      transport.destroy();
    }
  }

  /** Releases the maildrop lock without UPDATE, if it is still held; the session finishes only once that is done. */
  #unlock(): void {
    const release = this.releaseLock;
    if (!release) return;
    this.releaseLock = undefined;
    const released = release().catch((error: unknown) => this.#internalError(error));
    this.#releasing = Promise.all([this.#releasing, released]).then(() => undefined);
    // A login to this maildrop meanwhile waits for the release (Maildir locks are files).
    const owner = this.user;
    if (owner === undefined) return;
    const { releasing } = this.server;
    releasing.set(owner, released);
    void released.then(() => {
      if (releasing.get(owner) === released) releasing.delete(owner);
    });
  }

  /** Reports the session finished once the connection is gone and the lock released. */
  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    void this.#releasing.then(() => {
      this.#onFinished(this);
      this.#resolveDone();
    });
  }

  #log(fields: EntryFields): void {
    const entry: TranscriptEntry = { session: this.id, seq: ++this.#seq, time: Date.now(), ...fields };
    if (entry.user === undefined && this.user !== undefined) entry.user = this.user;
    this.server.log.append(entry);
  }
}

