import { MAX_UNTERMINATED_INPUT } from './limits';

const LF = 0x0a;
const CR = 0x0d;

/** What {@link LineReader.next} found. */
export type LineResult =
  /** A complete line without its terminator; `octets` counts the line and its terminator as received. */
  | { kind: 'line'; line: Buffer; octets: number }
  /** The current line passed `maxLength`; the rest of it, up to its line break, is being discarded. */
  | { kind: 'too-long'; limit: number }
  /** More than `discardLimit` octets arrived with no line break at all. */
  | { kind: 'unterminated'; octets: number };

/**
 * Splits a byte stream into lines, whatever way the network cut it.
 * CRLF and bare LF both end a line (RFC 1939 §3 says CRLF; tolerating LF costs nothing).
 * The caller passes a limit with every read, so one reader can take status lines and
 * body lines with different limits. Pure: bytes in, lines out.
 */
export class LineReader {
  #chunks: Buffer[] = [];
  #length = 0;
  /** Octets of an over-long line still being discarded up to its line break. */
  #discarding = false;
  #discarded = 0;
  readonly #discardLimit: number;

  constructor(options: { discardLimit?: number } = {}) {
    this.#discardLimit = options.discardLimit ?? MAX_UNTERMINATED_INPUT;
  }

  /** Adds received bytes. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Octets received but not yet returned as lines. */
  get buffered(): number {
    return this.#length;
  }

  /**
   * Returns the next line, or undefined when more bytes are needed.
   * @param maxLength the longest line accepted, terminator included.
   */
  next(maxLength: number): LineResult | undefined {
    const data = this.#flatten();
    const lf = data.indexOf(LF);
    if (this.#discarding) {
      if (lf === -1) {
        this.#discarded += data.length;
        this.#reset(Buffer.alloc(0));
        if (this.#discarded > this.#discardLimit) return { kind: 'unterminated', octets: this.#discarded };
        return undefined;
      }
      this.#discarding = false;
      this.#discarded = 0;
      this.#reset(data.subarray(lf + 1));
      return this.next(maxLength);
    }
    if (lf === -1) {
      if (data.length > maxLength) {
        // The line cannot fit any more: report it once, then drop it up to its line break.
        this.#discarding = true;
        this.#discarded = data.length;
        this.#reset(Buffer.alloc(0));
        if (this.#discarded > this.#discardLimit) return { kind: 'unterminated', octets: this.#discarded };
        return { kind: 'too-long', limit: maxLength };
      }
      return undefined;
    }
    const octets = lf + 1;
    if (octets > maxLength) {
      this.#reset(data.subarray(octets));
      return { kind: 'too-long', limit: maxLength };
    }
    const end = lf > 0 && data[lf - 1] === CR ? lf - 1 : lf;
    const line = data.subarray(0, end);
    this.#reset(data.subarray(octets));
    return { kind: 'line', line, octets };
  }

  /** Removes and returns every buffered byte (for a switch to TLS or to a body decoder). */
  takeBuffered(): Buffer {
    const data = this.#flatten();
    this.#reset(Buffer.alloc(0));
    return data;
  }

  /** Forgets everything buffered, including a line being discarded. */
  clear(): void {
    this.#reset(Buffer.alloc(0));
    this.#discarding = false;
    this.#discarded = 0;
  }

  #flatten(): Buffer {
    if (this.#chunks.length === 1) return this.#chunks[0]!;
    const data = Buffer.concat(this.#chunks, this.#length);
    this.#chunks = data.length > 0 ? [data] : [];
    return data;
  }

  #reset(rest: Buffer): void {
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#length = rest.length;
  }
}
