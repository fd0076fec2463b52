import { KEYWORDS } from '../protocol/commands';
import type { LessonSession } from '../tutor';
import type { ClientTracker, ReplClient, TrackedConnectOptions } from './client-tracker';
import { RawSession } from './raw-session';
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

  /** Sends one typed line and prints the reply; leaves raw mode when the server closed. */
  async line(line: string): Promise<void> {
    const raw = this.#raw;
    if (!raw || line.trim() === '') return;
    const { session, screen } = this.#options;
    session.recordRawLine(raw.recordable(line));
    try {
      const exchange = await raw.send(line);
      for (const l of exchange.lines) screen.printSafe(l);
      if (exchange.closed) {
        screen.rawClosedByServer();
        this.leave();
      }
    } catch (error) {
      this.#options.reportError(error);
      if (raw.closed) this.leave();
    }
  }

  /** Tab in raw mode: the command keywords (without the obsolete ones), for the first word only. */
  complete(line: string): [string[], string] {
    const word = line.trim().toUpperCase();
    if (line.includes(' ')) return [[], line];
    return [KEYWORDS.filter((k) => k.startsWith(word) && !k.startsWith('RPOP') && k !== 'LAST'), line];
  }
}
