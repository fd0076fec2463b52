import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findApopTimestamp, formatStatusLine, MalformedReplyError, MAX_STATUS_LINE, parseStatusLine } from '../../src/protocol';

/** RFC 1939 §7's example greeting and its timestamp. */
const RFC_GREETING = '+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>';
const RFC_TIMESTAMP = '<1896.697170952@dbc.mtview.ca.us>';

describe('parseStatusLine', () => {
  it('parses +OK with and without text', () => {
    expect(parseStatusLine('+OK 2 320')).toEqual({ kind: 'ok', text: '2 320', line: '+OK 2 320' });
    expect(parseStatusLine('+OK')).toEqual({ kind: 'ok', text: '', line: '+OK' });
    expect(parseStatusLine('+OK ')).toEqual({ kind: 'ok', text: '', line: '+OK ' });
    expect(parseStatusLine(Buffer.from('+OK maildrop has 2 messages (320 octets)'))).toEqual({
      kind: 'ok',
      text: 'maildrop has 2 messages (320 octets)',
      line: '+OK maildrop has 2 messages (320 octets)',
    });
  });

  it('parses -ERR with and without text', () => {
    expect(parseStatusLine('-ERR no such message')).toEqual({ kind: 'err', text: 'no such message', line: '-ERR no such message' });
    expect(parseStatusLine('-ERR')).toEqual({ kind: 'err', text: '', line: '-ERR' });
  });

  it('splits a response code off the text and upper-cases it (RFC 2449 §8: codes are case-insensitive)', () => {
    expect(parseStatusLine('-ERR [IN-USE] maildrop already locked')).toEqual({
      kind: 'err',
      code: 'IN-USE',
      text: 'maildrop already locked',
      line: '-ERR [IN-USE] maildrop already locked',
    });
    expect(parseStatusLine('-ERR [in-use] locked')).toMatchObject({ code: 'IN-USE', text: 'locked' });
    expect(parseStatusLine('-ERR [Login-Delay] wait')).toMatchObject({ code: 'LOGIN-DELAY' });
    expect(parseStatusLine('-ERR [AUTH]')).toMatchObject({ kind: 'err', code: 'AUTH', text: '' });
    expect(parseStatusLine('+OK [UTF8] switched')).toMatchObject({ kind: 'ok', code: 'UTF8', text: 'switched' });
  });

  it('keeps hierarchical codes whole (RFC 3206: SYS/TEMP, SYS/PERM)', () => {
    expect(parseStatusLine('-ERR [SYS/TEMP] try again later')).toMatchObject({ code: 'SYS/TEMP', text: 'try again later' });
    expect(parseStatusLine('-ERR [sys/perm] mailbox damaged')).toMatchObject({ code: 'SYS/PERM', text: 'mailbox damaged' });
    expect(parseStatusLine('-ERR [SYS/TEMP/DISK-FULL] x')).toMatchObject({ code: 'SYS/TEMP/DISK-FULL', text: 'x' });
  });

  it('reads only text shaped like a response code as one (RFC 2449 §8 resp-code)', () => {
    // Spaces, empty levels and empty brackets are not resp-code syntax: the text stays whole.
    for (const text of ['[2 messages] waiting', '[] odd', '[SYS/] odd', '[/TEMP] odd', '[SYS//TEMP] odd', '[unclosed text']) {
      const parsed = parseStatusLine(`+OK ${text}`);
      expect(parsed, text).toEqual({ kind: 'ok', text, line: `+OK ${text}` });
    }
  });

  it('parses SASL continuations "+ data" and "+" (RFC 5034 §4)', () => {
    expect(parseStatusLine('+ ')).toEqual({ kind: 'continuation', data: '', line: '+ ' });
    expect(parseStatusLine('+')).toEqual({ kind: 'continuation', data: '', line: '+' });
    expect(parseStatusLine('+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+')).toEqual({
      kind: 'continuation',
      data: 'PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+',
      line: '+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+',
    });
  });

  it.each(['', 'OK', '+ok', '-err no', '+OKAY', '-ERROR x', ' +OK', '*OK', 'hello', '+OK\tx', '-', '++ x'])(
    'throws MalformedReplyError for %j',
    (line) => {
      expect(() => parseStatusLine(line)).toThrow(MalformedReplyError);
      expect(() => parseStatusLine(line)).toThrow(expect.objectContaining({ code: 'MALFORMED_REPLY' }));
    },
  );

  it('quotes at most the start of a long malformed line in the error', () => {
    let message = '';
    try {
      parseStatusLine(`HTTP/1.1 400 ${'x'.repeat(5000)}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^malformed reply: expected \+OK or -ERR, got "HTTP\/1\.1 400 x+\.\.\."$/);
    expect(message.length).toBeLessThan(120);
  });

  it('decodes bytes as UTF-8, replacing invalid sequences instead of failing', () => {
    expect(parseStatusLine(Buffer.from([0x2b, 0x4f, 0x4b, 0x20, 0xff, 0x41]))).toEqual({ kind: 'ok', text: '\ufffdA', line: '+OK \ufffdA' });
    expect(parseStatusLine(Buffer.from('+OK Grüße', 'utf8'))).toEqual({ kind: 'ok', text: 'Grüße', line: '+OK Grüße' });
  });

  it('property: any bytes either parse or throw MalformedReplyError, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a)),
          fc.tuple(fc.constantFrom('+OK', '-ERR', '+', '+ ', '+OK [', '-ERR ['), fc.string({ unit: 'binary', maxLength: 40 })).map(([h, t]) => Buffer.from(h + t)),
        ),
        (bytes) => {
          try {
            const parsed = parseStatusLine(bytes);
            expect(parsed.line).toBe(bytes.toString('utf8'));
          } catch (error) {
            expect(error).toBeInstanceOf(MalformedReplyError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('formatStatusLine', () => {
  it('formats +OK and -ERR lines with CRLF', () => {
    expect(formatStatusLine(true, '2 320').toString()).toBe('+OK 2 320\r\n');
    expect(formatStatusLine(false, 'no such message, only 2 messages in maildrop').toString()).toBe(
      '-ERR no such message, only 2 messages in maildrop\r\n',
    );
  });

  it('puts a response code in brackets before the text (RFC 2449 §8)', () => {
    expect(formatStatusLine(false, 'maildrop already locked', 'IN-USE').toString()).toBe('-ERR [IN-USE] maildrop already locked\r\n');
    expect(formatStatusLine(false, 'try again later', 'SYS/TEMP').toString()).toBe('-ERR [SYS/TEMP] try again later\r\n');
  });

  it('always follows +OK with a space and some text (RFC 1957)', () => {
    for (const text of ['', ' ', '\r\n']) {
      const line = formatStatusLine(true, text).toString();
      expect(line, JSON.stringify(text)).toMatch(/^\+OK \S.*\r\n$/);
    }
  });

  it('replaces CR and LF inside the text, so one reply stays one line', () => {
    expect(formatStatusLine(false, 'a\r\n+OK injected').toString()).toBe('-ERR a  +OK injected\r\n');
    expect(formatStatusLine(false, 'x', 'IN\nUSE').toString()).toBe('-ERR [IN USE] x\r\n');
  });

  it(`cuts long text so the line is at most ${MAX_STATUS_LINE} octets, CRLF included (RFC 1939 §3)`, () => {
    const exact = formatStatusLine(true, 'x'.repeat(MAX_STATUS_LINE - 6)); // "+OK " + text + CRLF = 512
    expect(exact.length).toBe(MAX_STATUS_LINE);
    expect(exact.toString()).toBe(`+OK ${'x'.repeat(MAX_STATUS_LINE - 6)}\r\n`);
    const over = formatStatusLine(true, 'x'.repeat(MAX_STATUS_LINE - 5));
    expect(over.length).toBe(MAX_STATUS_LINE);
    expect(over.toString()).toBe(`+OK ${'x'.repeat(MAX_STATUS_LINE - 9)}...\r\n`);
  });

  it.each([
    ['3-octet characters', '€'.repeat(400)],
    ['4-octet characters', '😀'.repeat(300)],
    ['a mix', 'aé€😀'.repeat(100)],
  ])('cuts long text of %s at a character boundary', (_name, text) => {
    const line = formatStatusLine(false, text);
    expect(line.length).toBeLessThanOrEqual(MAX_STATUS_LINE);
    const decoded = line.toString('utf8');
    expect(Buffer.from(decoded, 'utf8').equals(line)).toBe(true); // valid UTF-8
    expect(decoded).not.toContain('\ufffd');
    expect(decoded.endsWith('...\r\n')).toBe(true);
    expect(text.startsWith(decoded.slice('-ERR '.length, -'...\r\n'.length))).toBe(true);
  });

  it('property: at most 512 octets, one line, upper-case status, and it parses back', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.string({ unit: 'binary', maxLength: 700 }),
        fc.option(fc.constantFrom('IN-USE', 'LOGIN-DELAY', 'SYS/TEMP', 'SYS/PERM', 'AUTH', 'UTF8'), { nil: undefined }),
        (ok, text, code) => {
          const line = formatStatusLine(ok, text, code);
          expect(line.length).toBeLessThanOrEqual(MAX_STATUS_LINE);
          const s = line.toString('utf8');
          expect(s.endsWith('\r\n')).toBe(true);
          expect(s.slice(0, -2)).not.toMatch(/[\r\n]/);
          expect(s.startsWith(ok ? '+OK ' : '-ERR ')).toBe(true);
          if (ok) expect(s.length).toBeGreaterThan('+OK \r\n'.length);
          const parsed = parseStatusLine(line.subarray(0, -2));
          expect(parsed.kind).toBe(ok ? 'ok' : 'err');
          if (code !== undefined && parsed.kind !== 'continuation') expect(parsed.code).toBe(code);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: short printable text round-trips through parseStatusLine', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.stringMatching(/^[\x21-\x5a\x5c-\x7e][\x20-\x7e]{0,100}$/), (ok, text) => {
        expect(parseStatusLine(formatStatusLine(ok, text).subarray(0, -2))).toEqual({ kind: ok ? 'ok' : 'err', text, line: `${ok ? '+OK' : '-ERR'} ${text}` });
      }),
      { numRuns: 300 },
    );
  });
});

describe('findApopTimestamp', () => {
  it('finds the timestamp of the RFC 1939 §7 example greeting', () => {
    expect(findApopTimestamp(RFC_GREETING)).toBe(RFC_TIMESTAMP);
  });

  it('finds it anywhere in the greeting, skipping other "<" text (curl/curl#3278, MailKit#529)', () => {
    expect(findApopTimestamp(`+OK ${RFC_TIMESTAMP} POP3 server ready`)).toBe(RFC_TIMESTAMP);
    expect(findApopTimestamp(`+OK <b>Welcome</b> ${RFC_TIMESTAMP}`)).toBe(RFC_TIMESTAMP);
    expect(findApopTimestamp(`+OK 3 < 5 and x > 2 ${RFC_TIMESTAMP}`)).toBe(RFC_TIMESTAMP);
    expect(findApopTimestamp(`+OK <<<${RFC_TIMESTAMP}>>>`)).toBe(RFC_TIMESTAMP);
    expect(findApopTimestamp(`+OK <no at sign> <a b@c> ${RFC_TIMESTAMP}`)).toBe(RFC_TIMESTAMP);
  });

  it('returns the first msg-id-shaped "<...@...>" when there are several', () => {
    expect(findApopTimestamp('+OK <1@a> <2@b>')).toBe('<1@a>');
  });

  it.each([
    ['no timestamp', '+OK POP3 server ready'],
    ['no "@"', '+OK <1896.697170952>'],
    ['nothing before "@"', '+OK <@host>'],
    ['nothing after "@"', '+OK <1896@>'],
    ['a space inside', '+OK <1896 x@host>'],
    ['non-ASCII inside', '+OK <1896é@host>'],
    ['no closing ">"', '+OK <1896@host'],
    ['empty brackets', '+OK <>'],
    ['an empty greeting', ''],
  ])('returns undefined for %s', (_name, greeting) => {
    expect(findApopTimestamp(greeting)).toBeUndefined();
  });

  it('completes on a 1 MB greeting of "<" (poplib CVE-2018-1060 test input)', () => {
    expect(findApopTimestamp(`+OK ${'<'.repeat(1_000_000)}`)).toBeUndefined();
  });

  it('completes on a 1 MB bracket full of "@" with one bad character (no regex backtracking)', () => {
    expect(findApopTimestamp(`+OK <${'@'.repeat(1_000_000)} >`)).toBeUndefined();
    expect(findApopTimestamp(`+OK <${'a@'.repeat(500_000)}\u00e9>`)).toBeUndefined();
    expect(findApopTimestamp(`+OK ${'<a'.repeat(500_000)}>`)).toBeUndefined();
  });

  /** Reference: every "<...>" window without "<" or ">" inside, in order; the first with msg-id shape. */
  function referenceTimestamp(greeting: string): string | undefined {
    for (const match of greeting.matchAll(/<([^<>]*)>/g)) {
      if (/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(match[1]!)) return match[0];
    }
    return undefined;
  }

  it('property: never throws, and agrees with a reference scan', () => {
    const greeting = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: fc.constantFrom('<', '>', '@', 'a', '.', ' ', '\x7f', 'é'), maxLength: 40 }),
    );
    fc.assert(
      fc.property(greeting, (g) => {
        const found = findApopTimestamp(g);
        expect(found).toBe(referenceTimestamp(g));
        if (found !== undefined) expect(g).toContain(found);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('APOP digest (RFC 1939 §7 test vector)', () => {
  it('MD5(timestamp + secret) as 32 lower-case hex digits', () => {
    const timestamp = findApopTimestamp(RFC_GREETING);
    expect(timestamp).toBe(RFC_TIMESTAMP);
    const digest = createHash('md5').update(`${timestamp}tanstaaf`).digest('hex');
    expect(digest).toBe('c4c9334bac560ecc979e58001b3e22fb');
  });
});
