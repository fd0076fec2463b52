import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineTooLongError, MessageTooLargeError, MultilineDecoder, stuffMultiline, toCanonicalCrlf } from '../../src/protocol';
import { cutOffsets, lineBytes, lineEnding, splitAt } from './chunks';

const unlimited = { maxLineLength: Infinity, maxSize: Infinity };
const b = (text: string): Buffer => Buffer.from(text, 'latin1');

/**
 * Feeds each chunk through one reused buffer, as a socket with a fixed read buffer does, and
 * scribbles over that buffer after every call: pushInto must keep no view of what it was lent.
 */
function decodeLent(chunks: readonly Buffer[], limits = unlimited): { data: Buffer; done: boolean; rest: Buffer } {
  const decoder = new MultilineDecoder(limits);
  const lent = Buffer.alloc(Math.max(1, ...chunks.map((c) => c.length)));
  const data: Buffer[] = [];
  const rest: Buffer[] = [];
  let done = false;
  for (const chunk of chunks) {
    chunk.copy(lent);
    const pieces: Buffer[] = [];
    const result = decoder.pushInto(lent.subarray(0, chunk.length), pieces);
    expect(result.length).toBe(pieces.reduce((sum, p) => sum + p.length, 0));
    data.push(Buffer.concat(pieces));
    rest.push(Buffer.from(result.rest));
    done = result.done;
    lent.fill(0x2e); // dots: the worst bytes to find left behind in a partial line
  }
  return { data: Buffer.concat(data), done, rest: Buffer.concat(rest) };
}

const dotty = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom('.', '..', '.\r', '', 'x'), lineBytes(30).map((l) => l.toString('latin1'))), lineEnding), { maxLength: 12 })
  .map((lines) => b(lines.map(([l, end]) => l + end).join('')));

describe('MultilineDecoder.pushInto', () => {
  it('decodes from a reused buffer at any chunking, exactly as push does (property)', () => {
    fc.assert(
      fc.property(dotty, lineBytes(10), cutOffsets, (raw, after, cuts) => {
        const body = toCanonicalCrlf(raw);
        const stream = Buffer.concat([stuffMultiline(body), after]);
        expect(decodeLent(splitAt(stream, cuts))).toEqual({ data: body, done: true, rest: after });
      }),
      { numRuns: 400 },
    );
  });

  it('hands out views of the chunk, not copies, for lines that need no change', () => {
    const decoder = new MultilineDecoder(unlimited);
    const chunk = b('one\r\ntwo\r\n..three\r\nfour\r\n');
    const pieces: Buffer[] = [];
    decoder.pushInto(chunk, pieces);
    expect(Buffer.concat(pieces).toString()).toBe('one\r\ntwo\r\n.three\r\nfour\r\n');
    expect(pieces[0]!.buffer).toBe(chunk.buffer);
  });

  it('appends nothing when a limit is passed', () => {
    const pieces: Buffer[] = [b('kept')];
    expect(() => new MultilineDecoder({ maxLineLength: 8, maxSize: Infinity }).pushInto(b('ok\r\n123456789\r\n'), pieces)).toThrow(LineTooLongError);
    expect(() => new MultilineDecoder({ maxLineLength: Infinity, maxSize: 4 }).pushInto(b('ab\r\n..cd\r\n'), pieces)).toThrow(MessageTooLargeError);
    // A line completed from the previous chunk is not left behind when a later line fails.
    const decoder = new MultilineDecoder({ maxLineLength: 8, maxSize: Infinity });
    decoder.pushInto(b('ab'), pieces);
    expect(() => decoder.pushInto(b('c\r\n123456789\r\n'), pieces)).toThrow(LineTooLongError);
    expect(pieces).toEqual([b('kept')]);
  });
});
