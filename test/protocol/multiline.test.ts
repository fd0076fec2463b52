import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_MAX_BODY_LINE,
  LineTooLongError,
  MessageTooLargeError,
  MultilineDecoder,
  stuffMultiline,
  TERMINATOR,
  toCanonicalCrlf,
  unstuffMultiline,
} from '../../src/protocol';
import { cutOffsets, everySplit, everyThreeWaySplit, lineBytes, lineEnding, show, splitAt } from './chunks';

const unlimited = { maxLineLength: Infinity, maxSize: Infinity };
const b = (text: string): Buffer => Buffer.from(text, 'latin1');

/** Feeds chunks to a fresh decoder; returns the decoded body, whether it ended, and every byte after the terminator. */
function decode(chunks: readonly Buffer[], limits = unlimited): { data: Buffer; done: boolean; rest: Buffer } {
  const decoder = new MultilineDecoder(limits);
  const data: Buffer[] = [];
  const rest: Buffer[] = [];
  let done = false;
  for (const chunk of chunks) {
    const result = decoder.push(chunk);
    data.push(result.data);
    rest.push(result.rest);
    done = result.done;
  }
  expect(decoder.done).toBe(done);
  return { data: Buffer.concat(data), done, rest: Buffer.concat(rest) };
}

/** Independent oracle for the wire form: stuff line by line, then add the terminator. */
function stuffByLines(canonical: string): string {
  if (canonical === '') return '.\r\n';
  const lines = canonical.slice(0, -2).split('\r\n');
  return lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n') + '\r\n.\r\n';
}

/** Message text made of lines that like to begin with dots, joined with random line endings. */
const dottyMessage: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('.', '..', '...', '.x', '', 'From x', ' .', 'a.', '.\r', '\r'),
          lineBytes(40).map((l) => l.toString('latin1')),
          lineBytes(20).map((l) => `.${l.toString('latin1')}`),
        ),
        lineEnding,
      ),
      { maxLength: 12 },
    ),
    fc.boolean(),
  )
  .map(([lines, finalEnding]) => {
    const text = lines.map(([l, end]) => l + end).join('');
    // Sometimes drop the last line ending, as a stored message might.
    return b(finalEnding || lines.length === 0 ? text : text.replace(/\r?\n$/, ''));
  });

/** Arbitrary bytes with extra CR, LF and dots mixed in so that line starts are common. */
const rawMessage: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.array(fc.constantFrom(0x2e, 0x0d, 0x0a, 0x61, 0x00, 0xff), { maxLength: 60 }).map((a) => Buffer.from(a)),
  dottyMessage,
);

describe('toCanonicalCrlf', () => {
  it('turns bare LF into CRLF', () => {
    expect(toCanonicalCrlf(b('a\nb\n')).toString('latin1')).toBe('a\r\nb\r\n');
    expect(toCanonicalCrlf(b('\n\n')).toString('latin1')).toBe('\r\n\r\n');
  });

  it('handles mixed line endings', () => {
    expect(toCanonicalCrlf(b('a\r\nb\nc\r\n\nd')).toString('latin1')).toBe('a\r\nb\r\nc\r\n\r\nd\r\n');
  });

  it('adds a missing final CRLF, and only then', () => {
    expect(toCanonicalCrlf(b('abc')).toString('latin1')).toBe('abc\r\n');
    expect(toCanonicalCrlf(b('a\r\n.')).toString('latin1')).toBe('a\r\n.\r\n');
    expect(toCanonicalCrlf(b('a\r\n.\r\n')).toString('latin1')).toBe('a\r\n.\r\n');
  });

  it('keeps a lone CR as data: only LF ends a line', () => {
    expect(toCanonicalCrlf(b('a\rb')).toString('latin1')).toBe('a\rb\r\n');
    expect(toCanonicalCrlf(b('a\r')).toString('latin1')).toBe('a\r\r\n');
  });

  it('leaves empty input empty', () => {
    expect(toCanonicalCrlf(Buffer.alloc(0))).toHaveLength(0);
  });

  it('returns already canonical input unchanged, without copying it', () => {
    const canonical = b('Subject: hi\r\n\r\n.body\r\n');
    const out = toCanonicalCrlf(canonical);
    expect(out.equals(canonical)).toBe(true);
    expect(out).toBe(canonical);
  });

  it('property: output is canonical, idempotent, and the same text read line by line', () => {
    fc.assert(
      fc.property(rawMessage, (raw) => {
        const out = toCanonicalCrlf(raw);
        const text = out.toString('latin1');
        // Every LF is preceded by CR, and the text is empty or ends in CRLF.
        expect(/(^|[^\r])\n/.test(text)).toBe(false);
        expect(text === '' || text.endsWith('\r\n')).toBe(true);
        expect(toCanonicalCrlf(out).equals(out)).toBe(true);
        // Oracle: with CRLF read as LF, input and output hold the same lines.
        const inLf = raw.toString('latin1').replaceAll('\r\n', '\n');
        expect(text.replaceAll('\r\n', '\n')).toBe(inLf === '' || inLf.endsWith('\n') ? inLf : `${inLf}\n`);
      }),
      { numRuns: 400 },
    );
  });

  it('property (RFC 1939 §11): the size is the input with each bare LF counted as two octets and a final CRLF if missing', () => {
    fc.assert(
      fc.property(rawMessage, (raw) => {
        let bareLf = 0;
        for (let i = 0; i < raw.length; i++) if (raw[i] === 0x0a && raw[i - 1] !== 0x0d) bareLf++;
        const endsWithLf = raw.length === 0 || raw[raw.length - 1] === 0x0a;
        expect(toCanonicalCrlf(raw).length).toBe(raw.length + bareLf + (endsWithLf ? 0 : 2));
      }),
      { numRuns: 400 },
    );
  });
});

describe('stuffMultiline', () => {
  it('doubles a leading dot on every line and appends the terminator', () => {
    expect(stuffMultiline(b('a\r\n.\r\n..b\r\n.c\r\n')).toString('latin1')).toBe('a\r\n..\r\n...b\r\n..c\r\n.\r\n');
    expect(stuffMultiline(b('.first\r\nmid.dle\r\n')).toString('latin1')).toBe('..first\r\nmid.dle\r\n.\r\n');
  });

  it('sends an empty body as the terminator alone', () => {
    expect(stuffMultiline(Buffer.alloc(0)).equals(TERMINATOR)).toBe(true);
    expect(TERMINATOR.toString('latin1')).toBe('.\r\n');
  });

  it('keeps a blank last line without adding another before the terminator', () => {
    expect(stuffMultiline(b('Subject: x\r\n\r\n')).toString('latin1')).toBe('Subject: x\r\n\r\n.\r\n');
  });

  it('property: matches a line-by-line oracle, and the only "." line is the last', () => {
    fc.assert(
      fc.property(rawMessage, (raw) => {
        const canonical = toCanonicalCrlf(raw);
        const wire = stuffMultiline(canonical).toString('latin1');
        expect(wire).toBe(stuffByLines(canonical.toString('latin1')));
        const lines = wire.slice(0, -2).split('\r\n');
        expect(lines.indexOf('.')).toBe(lines.length - 1);
      }),
      { numRuns: 400 },
    );
  });
});

describe('MultilineDecoder', () => {
  const message = b('.first\r\n..\r\n.\r\n\r\nmid.dle\r\n.\r\nlast');
  const canonical = toCanonicalCrlf(message);
  const wire = stuffMultiline(canonical);
  const next = b('+OK 2 320\r\n');

  it('round-trips a dot-heavy message at every split point, with the next reply left in rest', () => {
    const stream = Buffer.concat([wire, next]);
    for (const [x, y] of everySplit(stream)) {
      expect(decode([x, y]), `cut at ${x.length}`).toEqual({ data: canonical, done: true, rest: next });
    }
  });

  it('round-trips at every pair of split points around the terminator', () => {
    const tail = Buffer.concat([b('x\r\n..\r\n'), TERMINATOR, b('+OK')]);
    for (const chunks of everyThreeWaySplit(tail)) {
      expect(decode(chunks), chunks.map(show).join('|')).toEqual({ data: b('x\r\n.\r\n'), done: true, rest: b('+OK') });
    }
  });

  it('decodes one byte at a time', () => {
    const bytes = [...Buffer.concat([wire, next])].map((x) => Buffer.from([x]));
    expect(decode(bytes)).toEqual({ data: canonical, done: true, rest: next });
  });

  it('property: random messages round-trip through stuffing and decoding at random chunk boundaries', () => {
    fc.assert(
      fc.property(rawMessage, lineBytes(20), cutOffsets, (raw, after, cuts) => {
        const body = toCanonicalCrlf(raw);
        const stream = Buffer.concat([stuffMultiline(body), after]);
        expect(decode(splitAt(stream, cuts))).toEqual({ data: body, done: true, rest: after });
      }),
      { numRuns: 400 },
    );
  });

  it('accepts bare-LF wire input and delivers CRLF', () => {
    const lfWire = b('a\n..b\n.\r\nc\r\n..\n.\n+OK');
    const expected = { data: b('a\r\n.b\r\n'), done: true, rest: b('c\r\n..\n.\n+OK') };
    for (const [x, y] of everySplit(lfWire)) expect(decode([x, y]), `cut at ${x.length}`).toEqual(expected);
    expect(decode([b('one\ntwo\n..three\n.\n')]).data.toString('latin1')).toBe('one\r\ntwo\r\n.three\r\n');
  });

  it('property: a bare-LF wire decodes to the CRLF body', () => {
    fc.assert(
      fc.property(dottyMessage, cutOffsets, (raw, cuts) => {
        const body = toCanonicalCrlf(raw);
        const lfWire = b(stuffMultiline(body).toString('latin1').replaceAll('\r\n', '\n'));
        // Lone CRs before a line end would read as CRLF once the CR of CRLF is gone; leave those out.
        fc.pre(!body.toString('latin1').includes('\r\r\n'));
        expect(decode(splitAt(lfWire, cuts)).data.toString('latin1')).toBe(body.toString('latin1'));
      }),
      { numRuns: 300 },
    );
  });

  it('returns exactly the bytes after the terminator as rest, and passes later chunks through', () => {
    const decoder = new MultilineDecoder(unlimited);
    const first = decoder.push(b('a\r\n.\r\n+OK 1'));
    expect(first).toEqual({ data: b('a\r\n'), done: true, rest: b('+OK 1') });
    expect(decoder.push(b(' 120\r\n'))).toEqual({ data: Buffer.alloc(0), done: true, rest: b(' 120\r\n') });
    expect(decoder.push(Buffer.alloc(0)).rest).toHaveLength(0);
  });

  it('reports progress: size, midLine and done', () => {
    const decoder = new MultilineDecoder(unlimited);
    expect(decoder.push(b('ab\r\n..c'))).toEqual({ data: b('ab\r\n'), done: false, rest: Buffer.alloc(0) });
    expect(decoder.size).toBe(4);
    expect(decoder.midLine).toBe(true);
    expect(decoder.done).toBe(false);
    expect(decoder.push(b('\r\n.\r\n')).data.toString()).toBe('.c\r\n');
    expect(decoder.size).toBe(8);
    expect(decoder.midLine).toBe(false);
    expect(decoder.done).toBe(true);
  });

  it('decodes a long line arriving one byte at a time (linear buffering of a partial line)', () => {
    const long = Buffer.alloc(256 * 1024, 0x61);
    const decoder = new MultilineDecoder({ maxLineLength: CLIENT_MAX_BODY_LINE, maxSize: Infinity });
    let early = 0;
    for (let i = 0; i < long.length; i++) early += decoder.push(long.subarray(i, i + 1)).data.length;
    expect(early).toBe(0); // nothing is delivered before the line ends
    const end = decoder.push(b('\r\n.\r\n'));
    expect(end.done).toBe(true);
    expect(end.data.equals(Buffer.concat([long, b('\r\n')]))).toBe(true);
    expect(decoder.size).toBe(long.length + 2);
  });
});

describe('MultilineDecoder limits', () => {
  it('accepts a line of exactly maxLineLength octets (CRLF included) and throws LineTooLongError past it', () => {
    const limits = { maxLineLength: 10, maxSize: Infinity };
    expect(decode([b('12345678\r\n.\r\n')], limits).data.toString()).toBe('12345678\r\n');
    const error = (() => {
      try {
        decode([b('123456789\r\n.\r\n')], limits);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(LineTooLongError);
    expect(error).toMatchObject({ code: 'LINE_TOO_LONG', limit: 10 });
  });

  it('throws as soon as a partial line exceeds maxLineLength, without waiting for its LF', () => {
    const decoder = new MultilineDecoder({ maxLineLength: 10, maxSize: Infinity });
    decoder.push(b('12345'));
    expect(() => decoder.push(b('67890x'))).toThrow(LineTooLongError);
    const fresh = new MultilineDecoder({ maxLineLength: 10, maxSize: Infinity });
    expect(() => fresh.push(b('a\r\n12345678901'))).toThrow(LineTooLongError);
  });

  it('accepts a body of exactly maxSize octets and throws MessageTooLargeError past it', () => {
    const limits = { maxLineLength: Infinity, maxSize: 8 };
    expect(decode([b('abc\r\n.\r\n'), b('xy\r\n.\r\n')], limits).data.toString()).toBe('abc\r\n');
    expect(decode([b('abcdef\r\n.\r\n')], limits).data).toHaveLength(8);
    expect(() => decode([b('abcdefg\r\n.\r\n')], limits)).toThrow(MessageTooLargeError);
    expect(() => decode([b('abcd\r\n'), b('efg\r\n.\r\n')], limits)).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_LARGE', limit: 8 }));
  });

  it('counts the size after un-stuffing: stuffing dots are not part of the message', () => {
    expect(decode([b('..\r\n..\r\n.\r\n')], { maxLineLength: Infinity, maxSize: 6 }).data.toString()).toBe('.\r\n.\r\n');
  });
});

describe('unstuffMultiline', () => {
  it('un-stuffs a complete reply body with its terminator', () => {
    expect(unstuffMultiline(b('a\r\n...b\r\n..\r\n.\r\n')).toString('latin1')).toBe('a\r\n..b\r\n.\r\n');
  });

  it('accepts a body without terminator, ending its last line', () => {
    expect(unstuffMultiline(b('a\r\n..b')).toString('latin1')).toBe('a\r\n.b\r\n');
    expect(unstuffMultiline(b('a\r\n..b\r\n')).toString('latin1')).toBe('a\r\n.b\r\n');
    expect(unstuffMultiline(Buffer.alloc(0))).toHaveLength(0);
  });

  it('ignores bytes after the terminator', () => {
    expect(unstuffMultiline(b('a\r\n.\r\n+OK next\r\n')).toString('latin1')).toBe('a\r\n');
  });

  it('round-trips a last line "." with or without a final CRLF in the original', () => {
    for (const raw of ['a\r\n.', 'a\r\n.\r\n', 'a\n.', '.', '.\r\n', '..', '..\r\n']) {
      const canonical = toCanonicalCrlf(b(raw));
      expect(unstuffMultiline(stuffMultiline(canonical)).toString('latin1'), JSON.stringify(raw)).toBe(canonical.toString('latin1'));
    }
  });

  it('property: unstuff(stuff(canonical)) === canonical, and its size is the RETR octets after un-stuffing (RFC 1939 §11)', () => {
    fc.assert(
      fc.property(rawMessage, (raw) => {
        const canonical = toCanonicalCrlf(raw);
        const wire = stuffMultiline(canonical);
        const retrieved = unstuffMultiline(wire);
        expect(retrieved.equals(canonical)).toBe(true);
        // The size a scan listing reports equals the octets RETR sends less stuffing dots and the terminator.
        const stuffingDots = canonical.toString('latin1').split('\r\n').filter((l) => l.startsWith('.')).length;
        expect(retrieved.length).toBe(canonical.length);
        expect(wire.length - stuffingDots - TERMINATOR.length).toBe(canonical.length);
      }),
      { numRuns: 400 },
    );
  });
});
