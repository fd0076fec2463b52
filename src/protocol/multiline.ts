import { LineTooLongError, MessageTooLargeError } from './errors';

/**
 * The one place that byte-stuffs and un-stuffs multi-line replies (RFC 1939 §3):
 * a line that begins with "." gets another "." in front, and ".CRLF" ends the reply.
 */

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);

/** The line that ends every multi-line reply. */
export const TERMINATOR = Buffer.from('.\r\n');

/**
 * Rewrites a message into canonical form: every line ends in CRLF (bare LF becomes CRLF)
 * and the last line has a line break. RFC 1939 §11 counts sizes in these octets.
 */
export function toCanonicalCrlf(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let lf = raw.indexOf(LF); lf !== -1; lf = raw.indexOf(LF, lf + 1)) {
    if (lf > 0 && raw[lf - 1] === CR) continue;
    parts.push(raw.subarray(start, lf), CRLF);
    start = lf + 1;
  }
  parts.push(raw.subarray(start));
  const body = parts.length === 1 ? raw : Buffer.concat(parts);
  if (body.length === 0 || (body.length >= 2 && body[body.length - 2] === CR && body[body.length - 1] === LF)) {
    return body;
  }
  return Buffer.concat([body, CRLF]);
}

/**
 * Byte-stuffs canonical CRLF text for a multi-line reply (RFC 1939 §3) and appends ".CRLF".
 * The input must be canonical (see {@link toCanonicalCrlf}); the output is ready for the wire.
 */
export function stuffMultiline(canonical: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  if (canonical.length > 0 && canonical[0] === DOT) {
    parts.push(Buffer.from('.'));
  }
  for (let at = canonical.indexOf('\n.'); at !== -1; at = canonical.indexOf('\n.', at + 1)) {
    parts.push(canonical.subarray(start, at + 1), Buffer.from('.'));
    start = at + 1;
  }
  parts.push(canonical.subarray(start), TERMINATOR);
  return Buffer.concat(parts);
}

/** What a {@link MultilineDecoder} produced from one chunk. */
export interface DecodeResult {
  /** Un-stuffed CRLF bytes decoded from this chunk (possibly empty). */
  data: Buffer;
  /** True once the ".CRLF" terminator has been seen. */
  done: boolean;
  /** Bytes that followed the terminator in this chunk (the start of the next reply). */
  rest: Buffer;
}

/** Limits for {@link MultilineDecoder}. */
export interface DecoderLimits {
  /** Longest body line accepted, terminator included. */
  maxLineLength: number;
  /** Largest decoded body accepted. */
  maxSize: number;
}

/** What {@link MultilineDecoder.pushInto} produced from one chunk. */
export interface DecodePiecesResult {
  /** Octets appended to the pieces array. */
  length: number;
  /** True once the ".CRLF" terminator has been seen. */
  done: boolean;
  /** Bytes that followed the terminator in this chunk (a view of the chunk). */
  rest: Buffer;
}

/**
 * Incrementally un-stuffs a multi-line reply body, correct at every split point.
 * Bare LF line ends are accepted and delivered as CRLF, so `data` is always canonical.
 * Only complete lines are delivered; the start of a line waits (copied) for its line break.
 */
export class MultilineDecoder {
  #partial: Buffer[] = [];
  #partialLength = 0;
  #size = 0;
  #done = false;
  /** Octets appended by the last #decodeLines. */
  #appended = 0;
  readonly #limits: DecoderLimits;

  constructor(limits: DecoderLimits) {
    this.#limits = limits;
  }

  /** Octets of un-stuffed body delivered so far. */
  get size(): number {
    return this.#size;
  }

  get done(): boolean {
    return this.#done;
  }

  /** True while part of a line is waiting for its line break. */
  get midLine(): boolean {
    return this.#partialLength > 0;
  }

  /** Feeds received bytes; throws LineTooLongError or MessageTooLargeError past a limit. */
  push(chunk: Buffer): DecodeResult {
    const pieces: Buffer[] = [];
    const { length, done, rest } = this.pushInto(chunk, pieces);
    // One piece is returned as it is, unless it is the shared CRLF, which must not be handed out.
    const data = pieces.length === 1 && pieces[0] !== CRLF ? pieces[0]! : Buffer.concat(pieces, length);
    return { data, done, rest };
  }

  /**
   * Like {@link push}, but appends the decoded bytes to `pieces` instead of joining them: views
   * of `chunk` (or of a line that spans chunks) and a shared CRLF, to be copied, never written
   * to. The caller copies each byte once, straight to where it belongs. The decoder keeps no
   * view of `chunk`: once the caller has used `pieces` and `rest`, the chunk's memory may be
   * reused for the next read.
   * Throws LineTooLongError or MessageTooLargeError past a limit, leaving `pieces` as it was.
   */
  pushInto(chunk: Buffer, pieces: Buffer[]): DecodePiecesResult {
    if (this.#done) return { length: 0, done: true, rest: chunk };
    const first = pieces.length;
    try {
      return this.#decodeChunk(chunk, pieces);
    } catch (error) {
      pieces.length = first;
      throw error;
    }
  }

  #decodeChunk(chunk: Buffer, pieces: Buffer[]): DecodePiecesResult {
    const maxLine = this.#limits.maxLineLength;
    let scanFrom = 0;
    let length = 0;
    if (this.#partialLength > 0) {
      const lf = chunk.indexOf(LF);
      if (lf === -1) {
        // Still inside the same line: keep copies of the pieces and join them once, at its line
        // break, so a long line arriving in small pieces costs linear time, not quadratic.
        if (this.#partialLength + chunk.length > maxLine) throw new LineTooLongError('message line', maxLine);
        this.#partial.push(Buffer.from(chunk));
        this.#partialLength += chunk.length;
        return { length: 0, done: false, rest: EMPTY };
      }
      // Join the waiting start of the line with this chunk's first line only, not the whole chunk.
      this.#partial.push(chunk.subarray(0, lf + 1));
      const line = Buffer.concat(this.#partial, this.#partialLength + lf + 1);
      this.#partial = [];
      this.#partialLength = 0;
      this.#decodeLines(line, 0, pieces);
      length = this.#appended;
      if (this.#done) return this.#finish(length, chunk.subarray(lf + 1));
      scanFrom = lf + 1;
    }
    const end = this.#decodeLines(chunk, scanFrom, pieces);
    length += this.#appended;
    if (this.#done) return this.#finish(length, chunk.subarray(end));
    const tail = chunk.length - end;
    if (tail > maxLine) throw new LineTooLongError('message line', maxLine);
    if (tail > 0) {
      this.#partial = [Buffer.from(chunk.subarray(end))];
      this.#partialLength = tail;
    }
    return this.#finish(length, EMPTY);
  }

  /**
   * Decodes the complete lines of `data` from `from`, appending pieces; returns the offset after
   * the last line consumed (after the terminator once it is seen).
   */
  #decodeLines(data: Buffer, from: number, pieces: Buffer[]): number {
    const maxLine = this.#limits.maxLineLength;
    let appended = 0;
    let runStart = from; // start of a run of lines copied through unchanged
    let lineStart = from;
    for (;;) {
      const lf = data.indexOf(LF, lineStart);
      if (lf === -1) break;
      if (lf + 1 - lineStart > maxLine) throw new LineTooLongError('message line', maxLine);
      const bareLf = lf === lineStart || data[lf - 1] !== CR;
      if (data[lineStart] === DOT) {
        const contentEnd = bareLf ? lf : lf - 1;
        if (runStart < lineStart) {
          pieces.push(data.subarray(runStart, lineStart));
          appended += lineStart - runStart;
        }
        if (contentEnd === lineStart + 1) {
          // ".CRLF": the end of the reply.
          this.#done = true;
          this.#appended = appended;
          return lf + 1;
        }
        if (lineStart + 1 < contentEnd) pieces.push(data.subarray(lineStart + 1, contentEnd));
        pieces.push(CRLF);
        appended += contentEnd - lineStart - 1 + 2;
        runStart = lf + 1;
      } else if (bareLf) {
        if (runStart < lf) pieces.push(data.subarray(runStart, lf));
        pieces.push(CRLF);
        appended += lf - runStart + 2;
        runStart = lf + 1;
      }
      lineStart = lf + 1;
    }
    if (runStart < lineStart) {
      pieces.push(data.subarray(runStart, lineStart));
      appended += lineStart - runStart;
    }
    this.#appended = appended;
    return lineStart;
  }

  /** Counts the decoded octets against maxSize. */
  #finish(length: number, rest: Buffer): DecodePiecesResult {
    this.#size += length;
    if (this.#size > this.#limits.maxSize) throw new MessageTooLargeError(this.#limits.maxSize);
    return { length, done: this.#done, rest };
  }
}

/** Un-stuffs a complete multi-line body (terminator included or not); for tests and small replies. */
export function unstuffMultiline(wire: Buffer): Buffer {
  const decoder = new MultilineDecoder({ maxLineLength: Infinity, maxSize: Infinity });
  const result = decoder.push(wire);
  if (result.done) return result.data;
  // No terminator: end the last line if needed, then terminate.
  const flushed = decoder.push(decoder.midLine ? Buffer.from('\r\n.\r\n') : TERMINATOR);
  return Buffer.concat([result.data, flushed.data]);
}
