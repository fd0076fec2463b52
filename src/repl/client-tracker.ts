import type { TranscriptEntry } from '../protocol/transcript';
import type { SessionState } from '../protocol/states';

/** What the REPL needs of a client: enough to close it and to show raw replies. */
export interface ReplClient {
  readonly greeting: string;
  readonly state: SessionState;
  send(line: string): Promise<ReplReply>;
  quit(): Promise<unknown>;
  close(): void;
}

/** The parts of a reply the raw mode prints. */
export interface ReplReply {
  ok: boolean;
  status: string;
  line: string;
  body?: Buffer;
}

/** The connection options the REPL adds to every connect: trace and cancellation. */
export interface TrackedConnectOptions {
  trace?: boolean | ((entry: TranscriptEntry) => void);
  signal?: AbortSignal;
}

/** The client's connect, as the REPL receives it. */
export type ConnectFunction<C extends ReplClient = ReplClient, O extends object = Record<string, unknown>> = (options: O & TrackedConnectOptions) => Promise<C>;

/** Where a connection was opened: at the prompt (`connect(...)`) or by `.raw`. */
export type ClientOrigin = 'prompt' | 'raw';

/** Options of {@link createClientTracker}. */
export interface ClientTrackerOptions<C extends ReplClient, O extends object> {
  connect: ConnectFunction<C, O>;
  /** Every trace entry of every tracked client, with where the client came from. */
  onTrace(entry: TranscriptEntry, origin: ClientOrigin): void;
  /** Called once per client created. */
  onClient?(origin: ClientOrigin): void;
}

/**
 * Wraps the client's connect so every client the REPL creates is known (and closed on
 * `.next`, `.lesson`, `.reset` and exit, so no forgotten session holds a maildrop lock), is
 * traced, and obeys the REPL's abort signal (Ctrl-C during a pending await).
 */
export class ClientTracker<C extends ReplClient, O extends object> {
  readonly #options: ClientTrackerOptions<C, O>;
  readonly #clients = new Set<C>();
  #controller = new AbortController();
  /** Counts closeAll calls, so a connect that outlives one is closed when it lands. */
  #generation = 0;

  constructor(options: ClientTrackerOptions<C, O>) {
    this.#options = options;
  }

  /** The signal applied to clients created now; replaced after each {@link abort}. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Clients still open. */
  get open(): number {
    return [...this.#clients].filter((c) => c.state !== 'CLOSED').length;
  }

  /** The connect learners call: their options plus the REPL's trace and signal. */
  connect(options: O & TrackedConnectOptions, origin: ClientOrigin = 'prompt'): Promise<C> {
    const generation = this.#generation;
    const own = options?.trace;
    const trace = (entry: TranscriptEntry): void => {
      this.#options.onTrace(entry, origin);
      if (typeof own === 'function') own(entry);
    };
    const signal = options?.signal ? AbortSignal.any([options.signal, this.signal]) : this.signal;
    return this.#options.connect({ ...options, trace, signal }).then((client) => {
      // A connect nobody awaited that finishes after closeAll (a lesson change, the REPL's
      // exit) would otherwise keep its session open until the server's autologout.
      if (generation !== this.#generation) {
        client.close();
        return client;
      }
      this.#clients.add(client);
      this.#options.onClient?.(origin);
      return client;
    });
  }

  /** Cancels everything pending on every client (which closes them) and arms a fresh signal. */
  abort(reason: unknown): void {
    const old = this.#controller;
    this.#controller = new AbortController();
    old.abort(reason);
    this.#clients.clear();
  }

  /** Closes every client without QUIT: marked deletions are not applied (RFC 1939 §6). */
  closeAll(): number {
    this.#generation++;
    let closed = 0;
    for (const client of this.#clients) {
      if (client.state !== 'CLOSED') {
        closed++;
        try {
          client.close();
        } catch {
          // Already gone.
        }
      }
    }
    this.#clients.clear();
    return closed;
  }
}
