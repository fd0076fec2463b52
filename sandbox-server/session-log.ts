import type { TranscriptEntry } from '../src/protocol';

/** Entries a log keeps by default: far more than any lesson or workshop produces. */
export const DEFAULT_LOG_LIMIT = 100_000;

/** The events of a {@link SessionLog} and their listeners. */
export interface SessionLogEvents {
  /** An entry was appended, before the reply it describes is written. */
  entry: (entry: TranscriptEntry) => void;
  /** A handler failed unexpectedly; the session answered -ERR and carried on. */
  'internal-error': (error: Error, session: string) => void;
}

/**
 * Every TranscriptEntry of every session of one sandbox, in the order they happened.
 * Lessons read it to see what the server saw (`C`), said (`S`) and did (`*` events).
 * Listeners subscribe with on/off as to an EventEmitter (this runs without Node, too).
 */
export class SessionLog {
  #entries: TranscriptEntry[] = [];
  readonly #limit: number;
  #onEntry: SessionLogEvents['entry'][] = [];
  #onInternalError: SessionLogEvents['internal-error'][] = [];

  /** @param limit entries kept; past it the oldest tenth is dropped, so a long benchmark cannot exhaust memory. */
  constructor(limit = DEFAULT_LOG_LIMIT) {
    this.#limit = Math.max(1, limit);
  }

  /** Every entry so far, oldest first. */
  get entries(): readonly TranscriptEntry[] {
    return this.#entries;
  }

  /** Calls `listener` for each later event of that name. */
  on<E extends keyof SessionLogEvents>(event: E, listener: SessionLogEvents[E]): this {
    this.#listeners(event).push(listener);
    return this;
  }

  /** Stops calling a listener given to {@link on}. */
  off<E extends keyof SessionLogEvents>(event: E, listener: SessionLogEvents[E]): this {
    const listeners = this.#listeners(event);
    const at = listeners.indexOf(listener);
    if (at !== -1) listeners.splice(at, 1);
    return this;
  }

  /** Appends an entry and tells the `'entry'` listeners. */
  append(entry: TranscriptEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit) this.#entries.splice(0, Math.ceil(this.#limit / 10));
    // The usual case is one listener or none: no copy of the list for them.
    const listeners = this.#onEntry;
    if (listeners.length === 1) listeners[0]!(entry);
    else if (listeners.length > 1) for (const listener of [...listeners]) listener(entry);
  }

  /** Tells the `'internal-error'` listeners that a handler of `session` failed. */
  reportInternalError(error: Error, session: string): void {
    for (const listener of [...this.#onInternalError]) listener(error, session);
  }

  /** The entries of one session (e.g. `s3`). */
  session(id: string): TranscriptEntry[] {
    return this.#entries.filter((e) => e.session === id);
  }

  /** Forgets every entry (sessions keep numbering where they were). */
  clear(): void {
    this.#entries = [];
  }

  #listeners<E extends keyof SessionLogEvents>(event: E): SessionLogEvents[E][] {
    return (event === 'entry' ? this.#onEntry : this.#onInternalError) as SessionLogEvents[E][];
  }
}
