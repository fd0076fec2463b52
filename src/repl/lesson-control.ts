import type { Lesson, LessonSession } from '../tutor';
import type { ClientTracker, ReplClient, TrackedConnectOptions } from './client-tracker';
import type { Evaluator } from './evaluator';
import type { RawMode } from './raw-mode';
import type { Screen } from './screen';
import { frozenConnection, SANDBOX_SCOPE_TYPE } from './target';
import type { PlaygroundTarget } from './target';

/** What moving between lessons works with. */
export interface LessonControlOptions<C extends ReplClient, O extends object> {
  session: LessonSession;
  screen: Screen;
  evaluator: Evaluator;
  tracker: ClientTracker<C, O>;
  raw: RawMode<C, O>;
  target: PlaygroundTarget;
  /** Absolute path of the client module: the checker's types for `connect` and client exports in a lesson's scope, and their values. */
  clientModule: string;
}

/**
 * Moves the REPL between lessons and back to a lesson's start: closes the sessions the REPL
 * opened, enters the lesson in the session, gives the prompt the lesson's scope, puts the
 * mailboxes in the lesson's start state.
 */
export class LessonControl<C extends ReplClient, O extends object> {
  readonly #options: LessonControlOptions<C, O>;
  readonly #sandbox: unknown;
  #client: Promise<Record<string, unknown>> | undefined;

  constructor(options: LessonControlOptions<C, O>) {
    this.#options = options;
    this.#sandbox = frozenConnection(options.target.connection);
  }

  /** Goes to `lesson`: the REPL's sessions closed, then {@link enter}, and the lesson shown when `announce`. */
  async start(lesson: Lesson, announce = true): Promise<void> {
    await this.closeSessions();
    await this.enter(lesson);
    if (announce) this.show(lesson);
  }

  /** Makes `lesson` current with a fresh scope and its mailboxes in their start state. */
  async enter(lesson: Lesson): Promise<void> {
    this.#options.session.enter(lesson);
    await this.injectScope(lesson);
    await this.applyState(lesson);
  }

  /** Prints the lesson: heading, prose (with `intro`, only its opening, for a first screen), goals. */
  show(lesson: Lesson, intro = false): void {
    this.#options.screen.lesson(this.#options.session, lesson, intro);
  }

  /**
   * A fresh scope for the prompt: `connect`, `sandbox` and the lesson's own names.
   * Client exports the lesson names come from the client module, loaded the first time one is.
   */
  async injectScope(lesson: Lesson | undefined): Promise<void> {
    const { evaluator, tracker, clientModule } = this.#options;
    const scope = lesson?.definition.scope ?? [];
    const client = scope.some((entry) => 'clientExport' in entry) ? await this.#loadClient() : {};
    const clientType = (name: string): string => `typeof import(${JSON.stringify(clientModule)}).${name}`;
    evaluator.reset();
    const connect = (connectOptions: O & TrackedConnectOptions): Promise<C> => tracker.connect(connectOptions, 'prompt');
    evaluator.inject('connect', clientType('connect'), connect);
    evaluator.inject('sandbox', SANDBOX_SCOPE_TYPE, this.#sandbox);
    for (const entry of scope) {
      if ('clientExport' in entry) evaluator.inject(entry.name, clientType(entry.clientExport), tracker.recordedExport(entry.clientExport, client[entry.clientExport]));
      else evaluator.inject(entry.name, entry.type, entry.value);
    }
  }

  /** Puts the mailboxes and faults in the lesson's start state, where the server allows it. */
  async applyState(lesson: Lesson): Promise<void> {
    const { target, screen } = this.#options;
    if (!target.applyState) return;
    try {
      await target.applyState(lesson.definition.start);
    } catch (error) {
      screen.mailboxNotPrepared(error);
    }
  }

  /** Closes raw mode and every client the REPL opened, and waits for the server to let go. */
  async closeSessions(): Promise<void> {
    const { raw, tracker, screen, target } = this.#options;
    if (raw.active) raw.leave(false);
    screen.sessionsClosed(tracker.closeAll());
    await target.settle?.();
  }

  /** The client module's exports (loaded once; the prompt's `connect` does not need it loaded). */
  #loadClient(): Promise<Record<string, unknown>> {
    this.#client ??= import(this.#options.clientModule) as Promise<Record<string, unknown>>;
    return this.#client;
  }
}
