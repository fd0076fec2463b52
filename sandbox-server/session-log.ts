import { EventEmitter } from 'node:events';
import type { TranscriptEntry } from '../src/protocol';

/** Entries a log keeps by default: far more than any lesson or workshop produces. */
export const DEFAULT_LOG_LIMIT = 100_000;

/**
 * Every TranscriptEntry of every session of one sandbox, in the order they happened.
 * Lessons read it to see what the server saw (`C`), said (`S`) and did (`*` events).
 *
 * Events: `'entry'` (entry: TranscriptEntry), emitted as each entry is appended, before the
 * reply it describes is written; `'internal-error'` (error: Error, session: string) when a
 * handler failed unexpectedly (the session answered -ERR and carried on).
 */
export class SessionLog extends EventEmitter {
  #entries: TranscriptEntry[] = [];
  readonly #limit: number;

  /** @param limit entries kept; past it the oldest tenth is dropped, so a long benchmark cannot exhaust memory. */
  constructor(limit = DEFAULT_LOG_LIMIT) {
    super();
    this.#limit = Math.max(1, limit);
  }

  /** Every entry so far, oldest first. */
  get entries(): readonly TranscriptEntry[] {
    return this.#entries;
  }

  /** Appends an entry and emits `'entry'`. */
  append(entry: TranscriptEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#limit) this.#entries.splice(0, Math.ceil(this.#limit / 10));
    this.emit('entry', entry);
  }

  /** The entries of one session (e.g. `s3`). */
  session(id: string): TranscriptEntry[] {
    return this.#entries.filter((e) => e.session === id);
  }

  /** Forgets every entry (sessions keep numbering where they were). */
  clear(): void {
    this.#entries = [];
  }
}
