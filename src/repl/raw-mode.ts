import { COMMANDS, KEYWORDS, REDACTED } from '../protocol/commands';
import type { LessonSession } from '../tutor';
import type { ClientTracker, ReplClient, TrackedConnectOptions } from './client-tracker';
import { RawSession, redactRawLine } from './raw-session';
import type { RawExchange } from './raw-session';
import type { Screen } from './screen';
import type { PlaygroundTarget } from './target';

/** The TypeScript prompt. */
export const PROMPT = '> ';
/** The prompt in raw mode, where lines go to the server as they are. */
export const RAW_PROMPT = 'pop3> ';

/** What raw mode works with. */
export interface RawModeOptions<C extends ReplClient, O extends object> {
  target: PlaygroundTarget;
  tracker: ClientTracker<C, O>;
  session: LessonSession;
  screen: Screen;
  /** Switches node:repl's prompt. */
  setPrompt(prompt: string): void;
  reportError(error: unknown): void;
  /** Called once connected, so the goals see the new raw session. */
  entered(): void;
}

/**
 * `.raw`: POP3 typed by hand, as over telnet, on a connection of its own. Lines are recorded in
 * the lesson's facts with their secrets redacted; replies are printed as they crossed the wire.
 */
export class RawMode<C extends ReplClient, O extends object> {
  readonly #options: RawModeOptions<C, O>;
  #raw: RawSession | undefined;

  constructor(options: RawModeOptions<C, O>) {
    this.#options = options;
  }

  /** True while lines go to the server. */
  get active(): boolean {
    return this.#raw !== undefined;
  }

  /** True while the server waits for a SASL response: the next line typed is a credential. */
  get awaitingSaslResponse(): boolean {
    return this.#raw?.awaitingSaslResponse === true;
  }

  /** Connects (to the target's plain port) and switches the prompt. */
  async enter(): Promise<void> {
    const { target, tracker, session, screen } = this.#options;
    let client: C;
    try {
      client = await tracker.connect(target.connection as unknown as O & TrackedConnectOptions, 'raw');
    } catch (error) {
      this.#options.reportError(error);
      return;
    }
    this.#raw = new RawSession(client);
    session.recordRawSession();
    screen.rawEntered(target.connection.host, target.connection.port, client.greeting);
    this.#options.setPrompt(RAW_PROMPT);
    this.#options.entered();
  }

  /** Closes the connection without QUIT and goes back to TypeScript. */
  leave(announce = true): void {
    this.#raw?.close();
    this.#raw = undefined;
    this.#options.setPrompt(PROMPT);
    if (announce) this.#options.screen.rawLeft();
  }

  /** `.raw` again: leaves once every reply still on its way is printed (pipelined lines of a paste). */
  async leaveAfterReplies(): Promise<void> {
    await this.#printed;
    if (this.active) this.leave();
  }

  /** Ctrl-C or Ctrl-D in raw mode: closes the connection without QUIT, says so, back to TypeScript. */
  interrupt(): void {
    if (!this.active) return;
    this.leave(false);
    this.#options.screen.rawClosedWithoutQuit();
  }

  /** How the terminal shows a typed line once entered: with its secrets as `***`, like its trace line; undefined when it holds none. */
  maskedEcho(line: string, rawAhead = false): string | undefined {
    // A line pasted after a `.raw` that has not run yet goes out in raw mode too: masked by its words alone.
    const masked = this.#raw ? this.#raw.recordable(line) : rawAhead ? redactRawLine(line, []) : undefined;
    return masked !== undefined && masked !== line && masked.includes(REDACTED) ? masked : undefined;
  }

  /**
   * Sends one typed line and prints the reply; leaves raw mode when the server closed. When
   * `more` says pasted lines are waiting (asked a turn later, once a paste's lines have all
   * arrived), a command the table marks pipelinable resolves as soon as it is handed to the
   * client, so the next line goes out before this reply is complete (RFC 2449 §6.6); replies
   * are printed in order all the same.
   */
  async line(line: string, more: () => boolean = () => false): Promise<void> {
    const raw = this.#raw;
    if (!raw || line.trim() === '') return;
    this.#options.session.recordRawLine(raw.recordable(line, passwordsOf(this.#options.target)));
    const pipelinable = raw.pipelinable(line);
    if (pipelinable) await new Promise((resolve) => setImmediate(resolve));
    const early = pipelinable && more();
    const exchange = raw.send(line);
    // Printed after every earlier reply, whether or not this line waited for them.
    const printed = this.#printed.then(() => this.#print(raw, exchange));
    this.#printed = printed;
    if (!early) await printed;
  }

  /** Raw lines whose replies are still being printed, in order. */
  #printed: Promise<void> = Promise.resolve();

  async #print(raw: RawSession, pending: Promise<RawExchange>): Promise<void> {
    const { screen } = this.#options;
    try {
      const exchange = await pending;
      for (const l of exchange.lines) screen.printSafe(l);
      if (exchange.closed && this.#raw === raw) {
        screen.rawClosedByServer();
        this.leave();
      }
    } catch (error) {
      this.#options.reportError(error);
      if (raw.closed && this.#raw === raw) this.leave();
    }
  }

  /**
   * Tab in raw mode, for the first word only: the keywords the command table allows in the
   * session's state (RFC 1939 §3), without the obsolete ones.
   */
  complete(line: string): [string[], string] {
    const word = line.trim().toUpperCase();
    if (line.includes(' ')) return [[], line];
    const state = this.#raw?.state ?? 'AUTHORIZATION';
    const allowed = KEYWORDS.filter((k) => (COMMANDS[k].states as readonly string[]).includes(state));
    return [allowed.filter((k) => k.startsWith(word)), line];
  }
}

/** The accounts' passwords the target knows, so a digest that is one of them can be told apart. */
export function passwordsOf(target: PlaygroundTarget): string[] {
  return target.connection.accounts.flatMap((a) => (a.password !== undefined ? [a.password] : []));
}
