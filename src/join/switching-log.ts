import type { TranscriptEntry } from '../protocol/transcript';
import type { TranscriptLog } from '../repl/target';

/**
 * A session log that reads from one source at a time: the classroom's stream, or the embedded
 * sandbox's log while the learner works offline. Listeners stay subscribed across a switch.
 */
export class SwitchingLog implements TranscriptLog {
  #source: TranscriptLog;
  readonly #listeners = new Set<(entry: TranscriptEntry) => void>();
  readonly #relay = (entry: TranscriptEntry): void => {
    for (const listener of [...this.#listeners]) listener(entry);
  };

  constructor(source: TranscriptLog) {
    this.#source = source;
    source.on('entry', this.#relay);
  }

  get entries(): readonly TranscriptEntry[] {
    return this.#source.entries;
  }

  /** Reads from `source` from now on. */
  switchTo(source: TranscriptLog): void {
    if (source === this.#source) return;
    this.#source.off('entry', this.#relay);
    this.#source = source;
    source.on('entry', this.#relay);
  }

  on(_event: 'entry', listener: (entry: TranscriptEntry) => void): this {
    this.#listeners.add(listener);
    return this;
  }

  off(_event: 'entry', listener: (entry: TranscriptEntry) => void): this {
    this.#listeners.delete(listener);
    return this;
  }
}
