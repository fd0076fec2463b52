import { LineTooLongError, MessageTooLargeError } from './errors';

/**
 * The one place that byte-stuffs and un-stuffs multi-line replies (RFC 1939 §3):
 * a line that begins with "." gets another "." in front, and ".CRLF" ends the reply.
 */

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');

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

/**
 * Incrementally un-stuffs a multi-line reply body, correct at every split point.
 * Bare LF line ends are accepted and delivered as CRLF, so `data` is always canonical.
 */
export class MultilineDecoder {
  #partial: Buffer[] = [];
  #partialLength = 0;
  #size = 0;
  #done = false;
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
    if (this.#done) return { data: Buffer.alloc(0), done: true, rest: chunk };
    if (this.#partialLength > 0 && chunk.indexOf(LF) === -1) {
      // Still inside the same line: keep the pieces and join them once, at its line break,
      // so a long line arriving in small pieces costs linear time, not quadratic.
      if (this.#partialLength + chunk.length > this.#limits.maxLineLength) {
        throw new LineTooLongError('message line', this.#limits.maxLineLength);
      }
      this.#partial.push(chunk);
      this.#partialLength += chunk.length;
      return { data: Buffer.alloc(0), done: false, rest: Buffer.alloc(0) };
    }
    let data = chunk;
    if (this.#partialLength > 0) {
      this.#partial.push(chunk);
      data = Buffer.concat(this.#partial, this.#partialLength + chunk.length);
      this.#partial = [];
      this.#partialLength = 0;
    }
    const out: Buffer[] = [];
    let runStart = 0; // start of a run of lines copied through unchanged
    let lineStart = 0;
    let rest: Buffer = Buffer.alloc(0);
    for (;;) {
      const lf = data.indexOf(LF, lineStart);
      if (lf === -1) break;
      if (lf + 1 - lineStart > this.#limits.maxLineLength) {
        throw new LineTooLongError('message line', this.#limits.maxLineLength);
      }
      const bareLf = lf === lineStart || data[lf - 1] !== CR;
      const contentEnd = bareLf ? lf : lf - 1;
      if (data[lineStart] === DOT) {
        if (contentEnd === lineStart + 1) {
          // ".CRLF": the end of the reply.
          out.push(data.subarray(runStart, lineStart));
          rest = data.subarray(lf + 1);
          this.#done = true;
          runStart = lineStart = data.length;
          break;
        }
        out.push(data.subarray(runStart, lineStart), data.subarray(lineStart + 1, contentEnd), CRLF);
        runStart = lf + 1;
      } else if (bareLf) {
        out.push(data.subarray(runStart, lf), CRLF);
        runStart = lf + 1;
      }
      lineStart = lf + 1;
    }
    if (!this.#done) {
      out.push(data.subarray(runStart, lineStart));
      const tail = data.subarray(lineStart);
      if (tail.length > this.#limits.maxLineLength) {
        throw new LineTooLongError('message line', this.#limits.maxLineLength);
      }
      if (tail.length > 0) {
        this.#partial = [tail];
        this.#partialLength = tail.length;
      }
    }
    const decoded = out.length === 1 ? out[0]! : Buffer.concat(out);
    this.#size += decoded.length;
    if (this.#size > this.#limits.maxSize) throw new MessageTooLargeError(this.#limits.maxSize);
    return { data: decoded, done: this.#done, rest };
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
