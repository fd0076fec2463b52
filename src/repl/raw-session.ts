import { parseCommandLine, REDACTED, redactArgs, stuffMultiline } from '../protocol';
import type { ReplClient } from './client-tracker';

/** What a raw exchange printed: the lines, and whether the connection is now closed. */
export interface RawExchange {
  lines: string[];
  closed: boolean;
}

/**
 * Raw mode: POP3 commands typed as over telnet. The client's `send()` frames each reply with
 * the shared command table (RFC 1939 §3: multi-line replies end with a line holding only
 * "."), so `LIST` waits for the terminator and `LIST 1` does not.
 */
export class RawSession {
  readonly #client: ReplClient;
  /** True after a `+` continuation: the next line is a SASL response, not a command (RFC 5034 §4). */
  #saslResponseDue = false;

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

  /** True while the server waits for a SASL response: the next line typed is a credential. */
  get awaitingSaslResponse(): boolean {
    return this.#saslResponseDue;
  }

  /** Sends one line and returns what to print: the status line, then any body and its ".". */
  async send(line: string): Promise<RawExchange> {
    const reply = await this.#client.send(line);
    this.#saslResponseDue = reply.status === '+';
    const lines = [reply.line];
    // Shown as it crossed the wire: dot-stuffed, then the terminator (RFC 1939 §3).
    if (reply.body !== undefined) lines.push(...stuffMultiline(reply.body).toString('utf8').replace(/\r\n$/, '').split('\r\n'));
    return { lines, closed: this.closed };
  }

  /**
   * A line about to be sent, as the lesson's facts record it: a SASL response is `***` (it is
   * a credential in base64; a lone `*` cancels and is kept), any other line goes through
   * {@link redactRawLine}.
   */
  recordable(line: string): string {
    if (this.#saslResponseDue) return line === '*' ? '*' : REDACTED;
    return redactRawLine(line);
  }

  /** Closes the connection without QUIT (no UPDATE: marked messages stay, RFC 1939 §6). */
  close(): void {
    if (!this.closed) this.#client.close();
  }
}

/**
 * A typed raw command line as recorded in the lesson's facts: the keyword upper-cased, and the
 * arguments the command table marks secret (PASS, APOP's digest, AUTH's initial response)
 * redacted.
 */
export function redactRawLine(line: string): string {
  try {
    const { keyword, args } = parseCommandLine(line);
    return [keyword, ...redactArgs(keyword, args)].join(' ');
  } catch {
    return line.trim().split(/\s+/)[0]?.toUpperCase() ?? '';
  }
}
