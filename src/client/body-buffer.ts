/**
 * A body buffered as it arrives grows in segments of at most this size, joined once at the end.
 * Growing one buffer by doubling held the old and the new copy at once: about twice the limit for
 * a reply that never ends. With segments, a body of n octets peaks at 2n + 1 MiB (the segments
 * and their join), one that exceeds maxMessageSize at the limit + 1 MiB.
 */
export const MAX_SEGMENT = 1024 * 1024;

const EMPTY = Buffer.alloc(0);

/**
 * The body of a multi-line reply being buffered (RETR without a stream, TOP, listings). When the
 * +OK line announced its size (RFC 1939 §5: `+OK 120 octets`), the first segment has that size,
 * so each octet is copied once and nothing is joined.
 */
export class BodyBuffer {
  /** Full segments, in order. */
  readonly #segments: Buffer[] = [];
  /** Octets in #segments. */
  #filled = 0;
  /** The segment being filled, its first #length octets used. */
  #bytes = EMPTY;
  #length = 0;
  readonly #announced: number;
  readonly #maxSize: number;

  /**
   * @param announced octets the +OK line announced (0 when it did not), at most `maxSize`
   * @param maxSize the largest body accepted; no segment reaches past it
   */
  constructor(announced: number, maxSize: number) {
    this.#announced = announced;
    this.#maxSize = maxSize;
  }

  /** Octets allocated for the body so far: what it holds, and room not yet filled. */
  get allocated(): number {
    return this.#filled + this.#bytes.length;
  }

  /** Copies decoded pieces to the end of the body. */
  append(pieces: readonly Buffer[]): void {
    for (const piece of pieces) {
      let from = 0;
      while (from < piece.length) {
        if (this.#length === this.#bytes.length) this.#nextSegment(piece.length - from);
        const n = Math.min(piece.length - from, this.#bytes.length - this.#length);
        this.#bytes.set(n === piece.length ? piece : piece.subarray(from, from + n), this.#length);
        this.#length += n;
        from += n;
      }
    }
  }

  /** The body in one Buffer: the segments joined, or the one segment trimmed to its length. */
  finish(): Buffer {
    const bytes = this.#bytes;
    const length = this.#length;
    if (this.#segments.length > 0) return Buffer.concat([...this.#segments, bytes.subarray(0, length)], this.#filled + length);
    if (length === bytes.length) return bytes;
    if (length === 0) return Buffer.alloc(0);
    // A size announced too large leaves room: a view would keep it all, so copy when it is a lot.
    return bytes.length - length <= length / 4 ? bytes.subarray(0, length) : Buffer.from(bytes.subarray(0, length));
  }

  /** Files the full segment and starts the next: at least `needed` octets, at most what maxSize leaves. */
  #nextSegment(needed: number): void {
    if (this.#bytes.length > 0) {
      this.#segments.push(this.#bytes);
      this.#filled += this.#bytes.length;
    }
    const size = this.#filled === 0 && this.#announced > 0
      ? this.#announced
      : Math.min(this.#filled, MAX_SEGMENT, this.#maxSize - this.#filled);
    this.#bytes = Buffer.allocUnsafe(Math.max(size, needed));
    this.#length = 0;
  }
}
