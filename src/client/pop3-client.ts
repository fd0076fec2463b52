import type * as tls from 'node:tls';
import {
  CodedError,
  COMMANDS,
  describeCommand,
  expectsMultiline,
  findApopTimestamp,
  formatCommand,
  InvalidArgumentError,
  lookupCommand,
  MAX_COMMAND_LINE,
  parseCommandLine,
  redactArgs,
  type Keyword,
  type SessionState,
} from '../protocol';
import { emptyCapabilities, parseCapabilities, type Capabilities } from './capabilities';
import { cannotStartTls, type CommandRequest, type Connection, type SaslResponder } from './connection';
import {
  CapabilityMissingError,
  CleartextRefusedError,
  Pop3ReplyError,
  Pop3StateError,
} from './errors';
import {
  bodyLines,
  parseDropListing,
  parseScanListing,
  parseUniqueIdListing,
  type DropListing,
  type ScanListing,
  type UniqueIdListing,
} from './listing';
import { INSPECT, type Inspect, type InspectOptions } from './inspect';
import { Pop3Message } from './message';
import type { MessageStream, OpenMessageStream } from './message-stream';
import { apopDigest, findSaslMechanism, type SaslCredentials, type SaslMechanism } from './sasl';
import type { CommandOptions, Pop3Reply } from './types';

/** Built-in SASL mechanism names; others can be registered with registerSaslMechanism(). */
export type SaslMechanismName = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'XOAUTH2';

/** What {@link Pop3Client} needs from connect(). @internal */
export interface ClientSettings {
  /** The server as error messages name it. */
  host: string;
  /** The port asked for, when one was (a transport opened by the caller may have none). */
  port?: number;
  allowCleartext: boolean;
  pipelining: boolean;
  /** Makes retrStream()'s Node stream; absent where there are no Node streams. */
  openMessageStream?: OpenMessageStream;
}

/**
 * A connected POP3 client (RFC 1939), made by {@link connect}. Every method sends one command
 * and resolves once its reply is complete; replies are matched to commands strictly in order.
 *
 * The client leaves the POP3 state rules to the server: a command in the wrong state is sent,
 * and the server's `-ERR` comes back as a {@link Pop3ReplyError}. Only what would corrupt the
 * session is refused locally: CR, LF or NUL in an argument, a message-number that is not a
 * positive integer, a command on a closed connection.
 */
export class Pop3Client {
  readonly #conn: Connection;
  readonly #settings: ClientSettings;
  #capabilities: Capabilities | undefined;
  #capabilitiesKey = '';
  #rawSaslMechanism: SaslMechanism | undefined;
  readonly #deleted = new Set<number>();

  /** @internal Use {@link connect}. */
  constructor(connection: Connection, settings: ClientSettings) {
    this.#conn = connection;
    this.#settings = settings;
  }

  /** The server's greeting line, `+OK ...` (poplib's getwelcome). */
  get greeting(): string {
    return this.#conn.greeting;
  }

  /** The session state as this client tracks it (RFC 1939 §3), CLOSED once the connection ended. */
  get state(): SessionState {
    return this.#conn.state;
  }

  /** True once the connection runs over TLS (implicit or after STLS). */
  get secure(): boolean {
    return this.#conn.secure;
  }

  /** The server's host, as given to connect() (or the transport's peer). */
  get host(): string {
    return this.#settings.host;
  }

  /** The server's port, as given to connect() or its default; undefined over a transport opened without one. */
  get port(): number | undefined {
    return this.#settings.port;
  }

  /** The name sent with USER, APOP or AUTH, once sent (it says nothing about whether the login succeeded). */
  get userName(): string | undefined {
    return this.#conn.user;
  }

  /** The trace session id, e.g. `c1`. */
  get session(): string {
    return this.#conn.session;
  }

  /** True once UTF8 succeeded (RFC 6856 §2). */
  get utf8Enabled(): boolean {
    return this.#conn.utf8;
  }

  /** The capabilities read last for the current state, if any (see {@link capa}). */
  get capabilities(): Capabilities | undefined {
    return this.#capabilitiesKey === this.#stateKey() ? this.#capabilities : undefined;
  }

  /** Message-numbers marked for deletion in this session (cleared by RSET). */
  get deleted(): ReadonlySet<number> {
    return this.#deleted;
  }

  /** The TLS socket once secure over Node's socket transport (certificate, protocol), else undefined. */
  get tlsSocket(): tls.TLSSocket | undefined {
    // Node's socket transport shows the socket the bytes travel through: a TLSSocket once secure.
    const socket = (this.#conn.transport as { socket?: unknown }).socket;
    return this.secure && isTlsSocket(socket) ? socket : undefined;
  }

  /** The REPL form: a summary of the session, never the socket and queues inside. */
  [INSPECT](depth: number, options: InspectOptions, show: Inspect): string {
    const name = 'Pop3Client';
    if (depth < 0) return options.stylize(`[${name}]`, 'special');
    const summary: Record<string, unknown> = { state: this.state, host: this.host };
    if (this.port !== undefined) summary.port = this.port;
    summary.secure = this.secure;
    if (this.userName !== undefined) summary.user = this.userName;
    return `${name} ${show(summary, options)}`;
  }

  // ---- capabilities --------------------------------------------------------------------

  /**
   * CAPA (RFC 2449 §5): the server's capabilities, parsed. Cached; read again after STLS and
   * after login, since both may change them (RFC 2595 §4, RFC 2449 §5).
   * @throws Pop3ReplyError when the server has no CAPA command (RFC 2449 §7).
   */
  async capa(options?: CommandOptions): Promise<Capabilities> {
    const cached = this.capabilities;
    if (cached) return cached;
    const key = this.#stateKey();
    const reply = await this.#expectOk('CAPA', [], options);
    const caps = parseCapabilities(bodyLines(reply.body ?? Buffer.alloc(0)));
    if (this.#stateKey() === key) {
      this.#capabilities = caps;
      this.#capabilitiesKey = key;
    }
    this.#conn.pipelining = this.#settings.pipelining && caps.pipelining;
    return caps;
  }

  /** @internal CAPA, or no capabilities for a server without it (RFC 2449 §7). */
  async capabilitiesOrNone(options?: CommandOptions): Promise<Capabilities> {
    try {
      return await this.capa(options);
    } catch (error) {
      if (error instanceof Pop3ReplyError) return emptyCapabilities();
      throw error;
    }
  }

  // ---- AUTHORIZATION -------------------------------------------------------------------

  /** USER (RFC 1939 §7): names the maildrop; follow with {@link pass}. */
  user(name: string, options?: CommandOptions): Promise<Pop3Reply> {
    return this.#expectOk('USER', [name], options, { user: name });
  }

  /**
   * PASS (RFC 1939 §7): the password, after USER. Refused in cleartext to a host that is not
   * loopback unless `allowCleartext` (RFC 2595 §6).
   * @throws CleartextRefusedError, Pop3ReplyError (e.g. `[AUTH]`, `[IN-USE]`, `[LOGIN-DELAY]`).
   */
  async pass(password: string, options?: CommandOptions): Promise<Pop3Reply> {
    this.#refuseCleartext('PASS');
    return this.#expectOk('PASS', [password], options);
  }

  /**
   * APOP (RFC 1939 §7): logs in with MD5(timestamp + password), so the password itself never
   * travels; allowed in cleartext for that reason (the digest still invites offline guessing).
   * @throws CapabilityMissingError when the greeting has no `<...@...>` timestamp.
   */
  async apop(name: string, password: string, options?: CommandOptions): Promise<Pop3Reply> {
    const timestamp = findApopTimestamp(this.greeting);
    if (timestamp === undefined) {
      throw new CapabilityMissingError('APOP', 'the greeting has no APOP timestamp <...@...> (RFC 1939 §7)');
    }
    return this.#expectOk('APOP', [name, apopDigest(timestamp, password)], options, { user: name });
  }

  /**
   * AUTH (RFC 5034): SASL login with a registered mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2)
   * or your own {@link SaslMechanism}. The initial response goes on the AUTH line when the
   * line fits in 255 octets (RFC 5034 §4); if the mechanism cannot answer a challenge, the
   * exchange is cancelled with `*` and its error thrown. Mechanisms that reveal the secret are
   * refused in cleartext off loopback. AUTH is sent even when CAPA does not list the mechanism:
   * the server's -ERR says why.
   * @throws Pop3ReplyError, CleartextRefusedError, InvalidArgumentError (unknown mechanism,
   *   missing credentials), or the mechanism's own error after a cancelled exchange.
   */
  async auth(
    mechanism: SaslMechanismName | (string & {}) | SaslMechanism,
    credentials: SaslCredentials,
    options?: CommandOptions,
  ): Promise<Pop3Reply> {
    const mech = typeof mechanism === 'string' ? findSaslMechanism(mechanism) : mechanism;
    if (!mech) throw new InvalidArgumentError(`unknown SASL mechanism ${JSON.stringify(mechanism)}; register it with registerSaslMechanism()`);
    const name = mech.name.toUpperCase();
    if (mech.revealsSecret) this.#refuseCleartext(`AUTH ${name}`);
    const exchange = mech.start(credentials);
    const args = [name];
    if (exchange.initialResponse !== undefined) {
      // RFC 5034 §4: "=" stands for an empty initial response.
      const ir = exchange.initialResponse.length === 0 ? '=' : exchange.initialResponse.toString('base64');
      if (`AUTH ${name} ${ir}\r\n`.length <= MAX_COMMAND_LINE) args.push(ir);
    }
    let failure: unknown;
    const sasl: SaslResponder = {
      respond(challenge) {
        try {
          return exchange.respond(Buffer.from(challenge, 'base64')).toString('base64');
        } catch (error) {
          failure = error;
          return '*'; // RFC 5034 §4: cancel; the server answers -ERR
        }
      },
    };
    const reply = await this.#request('AUTH', args, options, { sasl, user: credentials.username });
    if (failure !== undefined) throw failure;
    if (!reply.ok) throw new Pop3ReplyError(describeCommand('AUTH', args), reply);
    return reply;
  }

  /**
   * STLS (RFC 2595 §4): upgrades this connection to TLS. The certificate is verified against
   * the connection's `ca` (or the system's) and the host name sent as SNI; bytes received
   * after the +OK and before the handshake are discarded. Capabilities are read again after.
   * @throws Pop3StateError (WRONG_STATE) when already secure or after UTF8 (RFC 6856 §2.1),
   *   Pop3ReplyError, TlsError (also, before sending anything, on a transport that cannot start TLS).
   */
  async stls(tlsOptions?: tls.ConnectionOptions, options?: CommandOptions): Promise<Pop3Reply> {
    if (this.secure) throw new Pop3StateError('the connection already runs over TLS', 'WRONG_STATE');
    if (this.utf8Enabled) throw new Pop3StateError('STLS cannot follow UTF8 (RFC 6856 §2.1)', 'WRONG_STATE');
    if (!this.#conn.transport.upgradeToTls) throw cannotStartTls(this.#conn.transport);
    const reply = await this.#expectOk('STLS', [], options, tlsOptions ? { tlsOptions } : {});
    await this.capabilitiesOrNone(options);
    return reply;
  }

  /** UTF8 (RFC 6856 §2): switches the session to UTF-8 for names, passwords and messages. */
  utf8(options?: CommandOptions): Promise<Pop3Reply> {
    return this.#expectOk('UTF8', [], options);
  }

  /**
   * RPOP (RFC 1081 §5), for parity with poplib. Obsolete: RFC 1460 removed it (and added APOP)
   * because it trusted the client's privileged port, which anyone can fake; expect `-ERR`.
   * @deprecated Use APOP, AUTH or USER/PASS over TLS.
   */
  rpop(user: string, options?: CommandOptions): Promise<Pop3Reply> {
    return this.#expectOk('RPOP', [user], options, { user });
  }

  // ---- TRANSACTION ---------------------------------------------------------------------

  /** STAT (RFC 1939 §5): the drop listing, message count and total size in octets. */
  async stat(options?: CommandOptions): Promise<DropListing> {
    const reply = await this.#expectOk('STAT', [], options);
    return parseDropListing(reply.text);
  }

  /** LIST (RFC 1939 §5): the scan listing of every message, or of message `n`. */
  list(n?: undefined, options?: CommandOptions): Promise<ScanListing[]>;
  list(n: number, options?: CommandOptions): Promise<ScanListing>;
  async list(n?: number, options?: CommandOptions): Promise<ScanListing[] | ScanListing> {
    if (n === undefined) {
      const reply = await this.#expectOk('LIST', [], options);
      return bodyLines(reply.body ?? Buffer.alloc(0)).map(parseScanListing);
    }
    const reply = await this.#expectNumbered('LIST', [messageNumber(n)], options);
    return parseScanListing(reply.text);
  }

  /** UIDL (RFC 1939 §7): the unique-id listing of every message, or of message `n`. */
  uidl(n?: undefined, options?: CommandOptions): Promise<UniqueIdListing[]>;
  uidl(n: number, options?: CommandOptions): Promise<UniqueIdListing>;
  async uidl(n?: number, options?: CommandOptions): Promise<UniqueIdListing[] | UniqueIdListing> {
    if (n === undefined) {
      const reply = await this.#expectOk('UIDL', [], options);
      return bodyLines(reply.body ?? Buffer.alloc(0)).map(parseUniqueIdListing);
    }
    const reply = await this.#expectNumbered('UIDL', [messageNumber(n)], options);
    return parseUniqueIdListing(reply.text);
  }

  /** RETR (RFC 1939 §5): the whole message, buffered (at most `maxMessageSize` octets). */
  async retr(n: number, options?: CommandOptions): Promise<Pop3Message> {
    const reply = await this.#expectNumbered('RETR', [messageNumber(n)], options);
    return new Pop3Message(reply.body ?? Buffer.alloc(0), n);
  }

  /** TOP (RFC 1939 §7): the header and the first `lines` lines of the body. */
  async top(n: number, lines: number, options?: CommandOptions): Promise<Pop3Message> {
    if (!Number.isSafeInteger(lines) || lines < 0) {
      throw new InvalidArgumentError(`TOP needs a line count of 0 or more, got ${String(lines)}`);
    }
    const reply = await this.#expectNumbered('TOP', [messageNumber(n), String(lines)], options);
    return new Pop3Message(reply.body ?? Buffer.alloc(0), n);
  }

  /**
   * RETR as a stream of un-stuffed bytes, with bounded memory: the transport pauses while the
   * consumer is slow. The stream ends with the message, or errors on -ERR (Pop3ReplyError),
   * timeout, abort or hang-up. Destroying it early drains the rest of the reply, so the
   * connection stays usable. A Node stream: the browser build has no retrStream (use retr()).
   * @throws InvalidArgumentError at once for a bad message-number; CodedError `NOT_SUPPORTED`
   *   in the browser build.
   */
  retrStream(n: number, options?: CommandOptions): MessageStream {
    const args = [messageNumber(n)];
    const open = this.#settings.openMessageStream;
    if (!open) throw new CodedError('NOT_SUPPORTED', 'retrStream() makes a Node.js stream, which this build of the client leaves out; use retr()');
    return open({
      label: describeCommand('RETR', args),
      start: (sink) => this.#request('RETR', args, options, { sink }),
      resume: () => this.#conn.resumeReading(),
    });
  }

  /** DELE (RFC 1939 §5): marks message `n` for deletion at QUIT. */
  async dele(n: number, options?: CommandOptions): Promise<Pop3Reply> {
    const reply = await this.#expectNumbered('DELE', [messageNumber(n)], options);
    this.#deleted.add(n);
    return reply;
  }

  /** RSET (RFC 1939 §5): unmarks every message marked for deletion. */
  async rset(options?: CommandOptions): Promise<Pop3Reply> {
    const reply = await this.#expectOk('RSET', [], options);
    this.#deleted.clear();
    return reply;
  }

  /** NOOP (RFC 1939 §5): does nothing; keeps the session alive. */
  noop(options?: CommandOptions): Promise<Pop3Reply> {
    return this.#expectOk('NOOP', [], options);
  }

  /**
   * QUIT (RFC 1939 §6): in TRANSACTION the server enters UPDATE and removes the messages marked
   * for deletion before it replies. Resolves after that reply, with the connection closed.
   * @throws Pop3ReplyError when the server could not remove every marked message.
   */
  quit(options?: CommandOptions): Promise<Pop3Reply> {
    return this.#expectOk('QUIT', [], options);
  }

  /** Calls `listener` once the connection has ended, whoever ended it (at once if it has). */
  onClose(listener: () => void): void {
    this.#conn.onClose(listener);
  }

  /** Drops the connection without QUIT (no UPDATE: nothing is deleted). Pending calls reject. */
  close(): void {
    this.#conn.close();
  }

  /** `await using pop = await connect(...)`: QUIT at the end of the block, or close if that fails. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#conn.closed) return;
    try {
      await this.quit();
    } catch {
      this.close();
    }
  }

  /**
   * Sends a raw command line and resolves with the reply, `-ERR` included (never throws on
   * it). A multi-line body is read exactly when the command table says one follows a +OK.
   * During an AUTH exchange a SASL continuation resolves with `status: '+'` (and `ok: false`);
   * the next `send()` line is then the SASL response, redacted in the trace.
   * @throws InvalidArgumentError for CR, LF or NUL; CleartextRefusedError for a password in
   *   cleartext off loopback; Pop3StateError on a closed connection.
   */
  async send(line: string, options?: CommandOptions): Promise<Pop3Reply> {
    if (this.#conn.saslOpen) {
      const shown = line === '*' ? '*' : '***';
      if (/[\r\n\0]/.test(line)) throw new InvalidArgumentError('a SASL response cannot contain CR, LF or NUL');
      return this.#conn.request({
        keyword: 'AUTH', shownArgs: [], label: `SASL response ${shown}`, traceText: shown, wire: Buffer.from(`${line}\r\n`, 'utf8'),
        multiline: false, barrier: true, saslResponse: true, ...signalOptions(options),
      });
    }
    if (/[\r\n\0]/.test(line)) {
      // RFC 1939 §3: one command per line. Name only a known keyword: the rest may be a secret.
      const word = lookupCommand(line.split(/[ \r\n\0]/, 1)[0] ?? '')?.keyword;
      throw new InvalidArgumentError(`the ${word ?? 'command'} line contains CR, LF or NUL, which would split it into two commands`);
    }
    const { keyword, args } = parseCommandLine(line);
    const label = describeCommand(keyword, args);
    if (keyword === 'PASS') this.#refuseCleartext('PASS');
    if (keyword === 'AUTH') {
      this.#rawSaslMechanism = findSaslMechanism(args[0] ?? '');
      if (this.#rawSaslMechanism?.revealsSecret) this.#refuseCleartext(label);
    }
    const request: CommandRequest = {
      keyword, shownArgs: redactArgs(keyword, args), label, wire: Buffer.from(`${line}\r\n`, 'utf8'),
      multiline: expectsMultiline(keyword, args), barrier: !(lookupCommand(keyword)?.spec.pipelinable ?? false),
      ...signalOptions(options),
    };
    if (keyword === 'USER' || keyword === 'APOP') request.user = args[0];
    return this.#conn.request(request);
  }

  // ---- internals -----------------------------------------------------------------------


  #stateKey(): string {
    return `${this.#conn.state}/${this.#conn.secure ? 'tls' : 'plain'}`;
  }

  #refuseCleartext(command: string): void {
    // A local transport (loopback, in-memory, a page's MessagePort) never leaves the machine.
    if (this.#conn.secure || this.#settings.allowCleartext || this.#conn.transport.info.local) return;
    throw new CleartextRefusedError(command, this.#settings.host);
  }

  #request(
    keyword: Keyword,
    args: string[],
    options: CommandOptions | undefined,
    extra: Partial<CommandRequest> = {},
  ): Promise<Pop3Reply> {
    const wire = formatCommand(keyword, args); // throws on CR, LF or NUL, never echoing secrets
    return this.#conn.request({
      keyword,
      shownArgs: redactArgs(keyword, args),
      label: describeCommand(keyword, args),
      wire,
      multiline: expectsMultiline(keyword, args),
      barrier: !COMMANDS[keyword].pipelinable,
      ...signalOptions(options),
      ...extra,
    });
  }

  /**
   * A command whose arguments are all numbers (RETR, DELE, TOP, LIST n, UIDL n): nothing in them
   * can split the line or needs redacting, so the line is built as it is shown. This is the path
   * of every message in a sweep, kept short so that there is little to compile and run.
   */
  async #expectNumbered(keyword: Keyword, args: string[], options: CommandOptions | undefined): Promise<Pop3Reply> {
    const label = `${keyword} ${args.join(' ')}`;
    const request: CommandRequest = {
      keyword,
      shownArgs: args,
      label,
      wire: Buffer.from(`${label}\r\n`, 'latin1'),
      multiline: expectsMultiline(keyword, args),
      barrier: !COMMANDS[keyword].pipelinable,
    };
    const reply = await this.#conn.request(options ? Object.assign(request, signalOptions(options)) : request);
    if (!reply.ok) throw new Pop3ReplyError(label, reply);
    return reply;
  }

  async #expectOk(
    keyword: Keyword,
    args: string[],
    options: CommandOptions | undefined,
    extra: Partial<CommandRequest> = {},
  ): Promise<Pop3Reply> {
    const reply = await this.#request(keyword, args, options, extra);
    if (!reply.ok) throw new Pop3ReplyError(describeCommand(keyword, args), reply);
    return reply;
  }
}

/** The per-call options a request carries: cancellation, idle timeout, deadline. */
function signalOptions(options: CommandOptions | undefined): Pick<CommandRequest, 'signal' | 'timeout' | 'deadline'> {
  const out: Pick<CommandRequest, 'signal' | 'timeout' | 'deadline'> = {};
  if (options?.signal) out.signal = options.signal;
  if (options?.timeout !== undefined) out.timeout = options.timeout;
  if (options?.deadline !== undefined) out.deadline = options.deadline;
  return out;
}

function isTlsSocket(socket: unknown): socket is tls.TLSSocket {
  return typeof socket === 'object' && socket !== null && typeof (socket as Partial<tls.TLSSocket>).getPeerCertificate === 'function';
}

/** RFC 1939 §3: a message-number is a positive decimal integer. @throws InvalidArgumentError */
function messageNumber(n: number): string {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`a message-number is a whole number from 1, got ${typeof n === 'string' ? JSON.stringify(n) : String(n)}`);
  }
  return String(n);
}
