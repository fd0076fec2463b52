import { PassThrough } from 'node:stream';
import * as readline from 'node:readline';

/**
 * Serialises piped input: node:repl evaluates the next line while an `await` is still
 * pending, so `const r = await ...` then `r` would see `undefined`. The gate holds the
 * lines and lets one through only when the REPL is idle, so a transcript replays the same
 * every time.
 */
export class LineGate {
  /** The stream to give node:repl as its input. */
  readonly stream = new PassThrough();
  readonly #queue: string[] = [];
  #ended = false;
  #inFlight = false;
  #busy: () => boolean;
  #scheduled = false;

  /** `busy` says whether the REPL is still working on the last line. */
  constructor(source: NodeJS.ReadableStream, busy: () => boolean) {
    this.#busy = busy;
    const lines = readline.createInterface({ input: source, crlfDelay: Infinity, terminal: false });
    lines.on('line', (line) => {
      this.#queue.push(line);
      this.pump();
    });
    lines.on('close', () => {
      this.#ended = true;
      this.pump();
    });
  }

  /** The REPL took the line it was given (its 'line' event). */
  lineTaken(): void {
    this.#inFlight = false;
    this.pump();
  }

  /** Lets the next line through if the REPL is idle; call whenever that may have changed. */
  pump(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Deferred, so a prompt shown in the middle of a command's work cannot release a line early.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#inFlight || this.#busy()) return;
      const line = this.#queue.shift();
      if (line !== undefined) {
        this.#inFlight = true;
        this.stream.write(`${line}\n`);
      } else if (this.#ended && !this.stream.writableEnded) {
        this.stream.end();
      }
    });
  }
}
