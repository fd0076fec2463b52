import { lookupCommand, parseCommandLine, REDACTED, redactArgs, stuffMultiline } from '../protocol';
import type { SessionState } from '../protocol/states';
import type { ReplClient, ReplReply } from './client-tracker';

type CommandEntry = NonNullable<ReturnType<typeof lookupCommand>>;

/** What a raw exchange printed: the lines, and whether the connection is now closed. */
export interface RawExchange {
  lines: string[];
  closed: boolean;
}

/**
 * Raw mode: POP3 commands typed as over telnet. The client's `send()` frames each reply with
 * the shared command table (RFC 1939 §3: multi-line replies end with a line holding only
 * "."), so `LIST` waits for the terminator and `LIST 1` does not. The session's state follows
 * the same table, which raw mode's completion and pipelining read.
 */
export class RawSession {
  readonly #client: ReplClient;
  /** True after a `+` continuation: the next line is a SASL response, not a command (RFC 5034 §4). */
  #saslResponseDue = false;
  #state: SessionState = 'AUTHORIZATION';
  /** The command whose exchange is open: the last one sent, or the AUTH a SASL response continues. */
  #exchange: CommandEntry | undefined;

  constructor(client: ReplClient) {
    this.#client = client;
  }

  /** The greeting, as the server sent it. */
  get greeting(): string {
    return this.#client.greeting;
  }

  get closed(): boolean {
    return this.#client.state === 'CLOSED';
  }

  /** The session's state as the command table moves it (RFC 1939 §3). */
  get state(): SessionState {
    return this.closed ? 'CLOSED' : this.#state;
  }

  /** True while the server waits for a SASL response: the next line typed is a credential. */
  get awaitingSaslResponse(): boolean {
    return this.#saslResponseDue;
  }

  /**
   * True when the command on `line` may be followed by the next one before its reply is
   * complete (the table's `pipelinable`, RFC 2449 §6.6). A SASL response never may: what
   * follows depends on its reply.
   */
  pipelinable(line: string): boolean {
    if (this.#saslResponseDue) return false;
    return lookupCommand(line.trim().split(/\s+/)[0] ?? '')?.spec.pipelinable ?? false;
  }

  /** Sends one line and returns what to print: the status line, then any body and its ".". */
  async send(line: string): Promise<RawExchange> {
    // A SASL response continues the AUTH exchange it answers (RFC 5034 §4).
    const command = this.#saslResponseDue ? this.#exchange : lookupCommand(line.trim().split(/\s+/)[0] ?? '');
    this.#exchange = command;
    const reply = await this.#client.send(line);
    this.#saslResponseDue = reply.status === '+';
    if (reply.status !== '+') this.#advance(command, reply);
    const lines = [reply.line];
    // Shown as it crossed the wire: dot-stuffed, then the terminator (RFC 1939 §3).
    if (reply.body !== undefined) lines.push(...stuffMultiline(reply.body).toString('utf8').replace(/\r\n$/, '').split('\r\n'));
    return { lines, closed: this.closed };
  }

  /**
   * Moves the state as the command table says: a +OK leads to the row's `onOk` state; so does
   * QUIT's -ERR, which RFC 1939 §6 sends from UPDATE and which ends the session all the same.
   */
  #advance(command: CommandEntry | undefined, reply: ReplReply): void {
    const state = this.#state;
    if (!command || state === 'CLOSED') return;
    if (reply.ok || command.keyword === 'QUIT') this.#state = command.spec.onOk[state] ?? state;
  }

  /**
   * A line about to be sent, as the lesson's facts record it: a SASL response is `***` (it is
   * a credential in base64; a lone `*` cancels and is kept), any other line goes through
   * {@link redactRawLine}.
   */
  recordable(line: string, passwords: readonly string[] = []): string {
    if (this.#saslResponseDue) return line === '*' ? '*' : REDACTED;
    return redactRawLine(line, passwords);
  }

  /** Closes the connection without QUIT (no UPDATE: marked messages stay, RFC 1939 §6). */
  close(): void {
    if (!this.closed) this.#client.close();
  }
}

/**
 * What an APOP digest is recorded as when it was an account's password itself: the password
 * never enters the facts, but a lesson can tell the learner sent it (RFC 1939 §7 keeps it off
 * the wire).
 */
export const PASSWORD_AS_DIGEST = `${REDACTED} (the password)`;

/**
 * A typed raw command line as recorded in the lesson's facts: the keyword upper-cased, and the
 * arguments the command table marks secret (PASS, APOP's digest, AUTH's initial response)
 * redacted; an APOP digest that is one of `passwords` as {@link PASSWORD_AS_DIGEST}.
 */
export function redactRawLine(line: string, passwords: readonly string[] = []): string {
  try {
    const { keyword, args } = parseCommandLine(line);
    const shown = redactArgs(keyword, args);
    if (keyword === 'APOP' && args[1] !== undefined && passwords.includes(args[1])) shown[1] = PASSWORD_AS_DIGEST;
    return [keyword, ...shown].join(' ');
  } catch {
    return line.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  }
}
