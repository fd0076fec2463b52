import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineReader, MAX_COMMAND_LINE, MAX_STATUS_LINE, MAX_UNTERMINATED_INPUT, type LineResult } from '../../src/protocol';
import { cutOffsets, everySplit, everyThreeWaySplit, lineBytes, lineEnding, splitAt } from './chunks';

/** A LineResult with the line as latin1 text, so whole results compare with toEqual. */
type Seen =
  | { kind: 'line'; line: string; octets: number }
  | { kind: 'too-long'; limit: number }
  | { kind: 'unterminated'; octets: number };

function view(result: LineResult): Seen {
  return result.kind === 'line' ? { kind: 'line', line: result.line.toString('latin1'), octets: result.octets } : result;
}

/** Reads every result available now; stops after 'unterminated', which the caller treats as fatal. */
function drain(reader: LineReader, maxLength: number): Seen[] {
  const seen: Seen[] = [];
  for (let r = reader.next(maxLength); r !== undefined; r = reader.next(maxLength)) {
    seen.push(view(r));
    if (r.kind === 'unterminated') break;
  }
  return seen;
}

/** Pushes each chunk and drains after it, as a socket 'data' handler would. */
function feed(chunks: readonly Buffer[], maxLength: number, reader = new LineReader()): Seen[] {
  const seen: Seen[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    seen.push(...drain(reader, maxLength));
  }
  return seen;
}

const line = (text: string, octets: number): Seen => ({ kind: 'line', line: text, octets });

describe('LineReader: framing', () => {
  it('splits CRLF lines and counts each terminator in octets', () => {
    expect(feed([Buffer.from('USER alice\r\nPASS open sesame\r\n')], MAX_COMMAND_LINE)).toEqual([
      line('USER alice', 12),
      line('PASS open sesame', 18),
    ]);
  });

  it('gives the same lines at every split point of CRLF input, including between CR and LF', () => {
    const wire = Buffer.from('+OK ready\r\nSTAT\r\n\r\nX\r\n');
    const expected = [line('+OK ready', 11), line('STAT', 6), line('', 2), line('X', 3)];
    for (const chunks of everyThreeWaySplit(wire)) {
      expect(feed(chunks, MAX_STATUS_LINE), chunks.map((c) => c.toString()).join('|')).toEqual(expected);
    }
  });

  it('returns nothing for a line whose LF has not arrived, even after its CR', () => {
    const reader = new LineReader();
    reader.push(Buffer.from('NOOP\r'));
    expect(reader.next(MAX_COMMAND_LINE)).toBeUndefined();
    expect(reader.buffered).toBe(5);
    reader.push(Buffer.from('\n'));
    expect(drain(reader, MAX_COMMAND_LINE)).toEqual([line('NOOP', 6)]);
    expect(reader.buffered).toBe(0);
  });

  it('tolerates bare LF, counting one octet for it', () => {
    expect(feed([Buffer.from('STAT\nLIST 1\r\nNOOP\n\n')], MAX_COMMAND_LINE)).toEqual([
      line('STAT', 5),
      line('LIST 1', 8),
      line('NOOP', 5),
      line('', 1),
    ]);
  });

  it('ends a line only at LF: a lone CR stays in the line, a CR before CRLF too', () => {
    expect(feed([Buffer.from('a\rb\r\nc\r\r\n')], MAX_COMMAND_LINE)).toEqual([line('a\rb', 5), line('c\r', 4)]);
  });

  it('passes every byte value through unchanged', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i).filter((b) => b !== 0x0a && b !== 0x0d));
    const reader = new LineReader();
    reader.push(Buffer.concat([all, Buffer.from('\r\n')]));
    const result = reader.next(1000);
    expect(result?.kind === 'line' && result.line.equals(all)).toBe(true);
  });

  it('ignores empty chunks', () => {
    const reader = new LineReader();
    reader.push(Buffer.alloc(0));
    expect(reader.next(MAX_COMMAND_LINE)).toBeUndefined();
    expect(reader.buffered).toBe(0);
  });

  it('property: lines joined with random CRLF/LF endings and cut into random chunks come back as sent', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(lineBytes(300), lineEnding), { maxLength: 20 }), cutOffsets, (lines, cuts) => {
        const wire = Buffer.concat(lines.flatMap(([l, end]) => [l, Buffer.from(end)]));
        const expected = lines.map(([l, end]) => line(l.toString('latin1'), l.length + end.length));
        expect(feed(splitAt(wire, cuts), 10_000)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps returned lines intact while later bytes arrive (no shared buffer is overwritten)', () => {
    const reader = new LineReader();
    reader.push(Buffer.from('first\r\nsec'));
    const first = reader.next(100);
    reader.push(Buffer.from('ond\r\n'));
    const second = reader.next(100);
    reader.push(Buffer.from('third line that is longer than both\r\n'));
    reader.next(100);
    expect(first?.kind === 'line' && first.line.toString()).toBe('first');
    expect(second?.kind === 'line' && second.line.toString()).toBe('second');
  });
});

describe('LineReader: limits', () => {
  it('takes a separate limit with every read (status line vs command line)', () => {
    const long = `+OK ${'x'.repeat(300)}`; // 306 octets with CRLF: fine for a status line, too long for a command
    const reader = new LineReader();
    reader.push(Buffer.from(`${long}\r\n${long}\r\nNOOP\r\n`));
    expect(view(reader.next(MAX_STATUS_LINE)!)).toEqual(line(long, 306));
    expect(reader.next(MAX_COMMAND_LINE)).toEqual({ kind: 'too-long', limit: MAX_COMMAND_LINE });
    expect(view(reader.next(MAX_COMMAND_LINE)!)).toEqual(line('NOOP', 6));
  });

  it('accepts a line of exactly the limit, terminator included, and refuses one octet more', () => {
    const fits = 'a'.repeat(MAX_COMMAND_LINE - 2);
    const over = 'b'.repeat(MAX_COMMAND_LINE - 1);
    expect(feed([Buffer.from(`${fits}\r\n${over}\r\n${fits}\n`)], MAX_COMMAND_LINE)).toEqual([
      line(fits, MAX_COMMAND_LINE),
      { kind: 'too-long', limit: MAX_COMMAND_LINE },
      line(fits, MAX_COMMAND_LINE - 1),
    ]);
    // With a bare LF the terminator is one octet, so one more character fits.
    const fitsLf = 'c'.repeat(MAX_COMMAND_LINE - 1);
    expect(feed([Buffer.from(`${fitsLf}\n`)], MAX_COMMAND_LINE)).toEqual([line(fitsLf, MAX_COMMAND_LINE)]);
  });

  it('reports an over-long line once, discards it up to its LF, and keeps the following lines', () => {
    const long = Buffer.from(`USER ${'z'.repeat(1000)}\r\n`);
    const wire = Buffer.concat([long, Buffer.from('USER alice\r\nPASS x\r\n')]);
    const expected = [{ kind: 'too-long', limit: MAX_COMMAND_LINE }, line('USER alice', 12), line('PASS x', 8)];
    // Every chunk boundary: before the limit is reached, after it, inside the CRLF, after it.
    for (const [a, b] of everySplit(wire)) {
      expect(feed([a, b], MAX_COMMAND_LINE), `cut at ${a.length}`).toEqual(expected);
    }
    // And one byte at a time, draining after each byte.
    expect(feed([...wire].map((b) => Buffer.from([b])), MAX_COMMAND_LINE)).toEqual(expected);
  });

  it('reports the over-long line only once however often next() is called while it is discarded', () => {
    const reader = new LineReader();
    reader.push(Buffer.alloc(300, 0x41));
    expect(reader.next(MAX_COMMAND_LINE)).toEqual({ kind: 'too-long', limit: MAX_COMMAND_LINE });
    expect(reader.next(MAX_COMMAND_LINE)).toBeUndefined();
    reader.push(Buffer.alloc(300, 0x41));
    expect(reader.next(MAX_COMMAND_LINE)).toBeUndefined();
    expect(reader.buffered).toBe(0); // discarded bytes are not kept
    reader.push(Buffer.from('AAA\r\nSTAT\r\n'));
    expect(drain(reader, MAX_COMMAND_LINE)).toEqual([line('STAT', 6)]);
  });

  it('property: with a limit, each line comes back or is reported too-long, in order, at any chunking', () => {
    const limit = 40;
    fc.assert(
      fc.property(fc.array(fc.tuple(lineBytes(120), lineEnding), { maxLength: 15 }), cutOffsets, (lines, cuts) => {
        const wire = Buffer.concat(lines.flatMap(([l, end]) => [l, Buffer.from(end)]));
        const expected = lines.map(([l, end]): Seen => {
          const octets = l.length + end.length;
          return octets <= limit ? line(l.toString('latin1'), octets) : { kind: 'too-long', limit };
        });
        expect(feed(splitAt(wire, cuts), limit)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it(`reports input of more than ${MAX_UNTERMINATED_INPUT} octets with no LF as unterminated`, () => {
    const reader = new LineReader();
    reader.push(Buffer.alloc(MAX_UNTERMINATED_INPUT, 0x41));
    // Exactly the limit is still an ordinary over-long line being discarded...
    expect(reader.next(MAX_COMMAND_LINE)).toEqual({ kind: 'too-long', limit: MAX_COMMAND_LINE });
    reader.push(Buffer.from('A'));
    // ...one octet more with still no LF is not.
    expect(reader.next(MAX_COMMAND_LINE)).toEqual({ kind: 'unterminated', octets: MAX_UNTERMINATED_INPUT + 1 });
  });

  it('reports unterminated input arriving in one chunk directly, and in pieces after the too-long report', () => {
    const oneChunk = new LineReader();
    oneChunk.push(Buffer.alloc(MAX_UNTERMINATED_INPUT + 1, 0x41));
    expect(oneChunk.next(MAX_COMMAND_LINE)).toEqual({ kind: 'unterminated', octets: MAX_UNTERMINATED_INPUT + 1 });

    const pieces = Array.from({ length: 17 }, () => Buffer.alloc(4096, 0x41)); // 69,632 octets
    expect(feed(pieces, MAX_COMMAND_LINE)).toEqual([
      { kind: 'too-long', limit: MAX_COMMAND_LINE },
      { kind: 'unterminated', octets: 17 * 4096 },
    ]);
  });

  it('takes the unterminated threshold from the constructor', () => {
    const reader = new LineReader({ discardLimit: 100 });
    expect(feed([Buffer.alloc(60, 0x41), Buffer.alloc(41, 0x41)], 50, reader)).toEqual([
      { kind: 'too-long', limit: 50 },
      { kind: 'unterminated', octets: 101 },
    ]);
  });
});

describe('LineReader: takeBuffered and clear', () => {
  it('takeBuffered returns exactly the bytes not yet read as lines (STLS: discard what follows)', () => {
    const reader = new LineReader();
    reader.push(Buffer.from('STLS\r\nCA'));
    reader.push(Buffer.from('PA\r\nUSER x'));
    expect(view(reader.next(MAX_COMMAND_LINE)!)).toEqual(line('STLS', 6));
    expect(reader.buffered).toBe(12);
    expect(reader.takeBuffered().toString()).toBe('CAPA\r\nUSER x');
    expect(reader.buffered).toBe(0);
    expect(reader.next(MAX_COMMAND_LINE)).toBeUndefined();
    expect(reader.takeBuffered()).toHaveLength(0);
    reader.push(Buffer.from('NOOP\r\n'));
    expect(drain(reader, MAX_COMMAND_LINE)).toEqual([line('NOOP', 6)]);
  });

  it('clear forgets buffered bytes and an over-long line being discarded', () => {
    const reader = new LineReader();
    reader.push(Buffer.alloc(300, 0x41));
    expect(reader.next(MAX_COMMAND_LINE)).toEqual({ kind: 'too-long', limit: MAX_COMMAND_LINE });
    reader.push(Buffer.from('still the long line'));
    reader.clear();
    expect(reader.buffered).toBe(0);
    reader.push(Buffer.from('NOOP\r\n'));
    expect(drain(reader, MAX_COMMAND_LINE)).toEqual([line('NOOP', 6)]);
  });

  it('clear drops a partial line', () => {
    const reader = new LineReader();
    reader.push(Buffer.from('USER al'));
    reader.clear();
    reader.push(Buffer.from('QUIT\r\n'));
    expect(drain(reader, MAX_COMMAND_LINE)).toEqual([line('QUIT', 6)]);
  });
});
