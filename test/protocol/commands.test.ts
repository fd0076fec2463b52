import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMMANDS,
  describeCommand,
  expectsMultiline,
  formatCommand,
  InvalidArgumentError,
  isKeyword,
  KEYWORDS,
  lookupCommand,
  parseCommandLine,
  POP3_STATES,
  REDACTED,
  redactArgs,
  type Keyword,
} from '../../src/protocol';

const ALL_KEYWORDS: readonly Keyword[] = [
  'USER', 'PASS', 'APOP', 'QUIT', 'STAT', 'LIST', 'RETR', 'DELE', 'NOOP',
  'RSET', 'TOP', 'UIDL', 'CAPA', 'STLS', 'AUTH', 'UTF8', 'RPOP', 'LAST',
];

/** Catches what `fn` throws, so a test can look at the whole error. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('command table', () => {
  it('has a row for every Keyword and nothing else', () => {
    expect([...KEYWORDS].sort()).toEqual([...ALL_KEYWORDS].sort());
    for (const keyword of ALL_KEYWORDS) expect(isKeyword(keyword)).toBe(true);
  });

  it('gives every row sane arity, valid states, an RFC section and a summary', () => {
    for (const keyword of KEYWORDS) {
      const spec = COMMANDS[keyword];
      expect(spec.minArgs, keyword).toBeLessThanOrEqual(spec.maxArgs);
      for (const state of spec.states) expect(POP3_STATES, keyword).toContain(state);
      expect(spec.rfc, keyword).toMatch(/^RFC \d+ §\d/);
      expect(spec.summary.startsWith(keyword), keyword).toBe(true);
    }
  });

  it('allows each command in the states its RFC names', () => {
    const statesOf = (k: Keyword): readonly string[] => COMMANDS[k].states;
    for (const k of ['USER', 'PASS', 'APOP', 'STLS', 'AUTH', 'UTF8'] as const) expect(statesOf(k), k).toEqual(['AUTHORIZATION']);
    for (const k of ['STAT', 'LIST', 'RETR', 'DELE', 'NOOP', 'RSET', 'TOP', 'UIDL'] as const) expect(statesOf(k), k).toEqual(['TRANSACTION']);
    for (const k of ['QUIT', 'CAPA'] as const) expect(statesOf(k), k).toEqual(['AUTHORIZATION', 'TRANSACTION']);
  });

  it('marks RPOP (removed by RFC 1460) and LAST (removed by RFC 1725) obsolete and valid in no state', () => {
    for (const k of ['RPOP', 'LAST'] as const) expect(COMMANDS[k].states).toEqual([]);
    expect(COMMANDS.RPOP.obsolete).toMatch(/RFC 1460/);
    expect(COMMANDS.LAST.obsolete).toMatch(/RFC 1725/);
    const obsolete = KEYWORDS.filter((k) => 'obsolete' in COMMANDS[k]);
    expect(obsolete.sort()).toEqual(['LAST', 'RPOP']);
  });

  it('looks keywords up in any case, but isKeyword wants the upper-case form', () => {
    expect(lookupCommand('uSeR')?.keyword).toBe('USER');
    expect(lookupCommand('top')?.spec).toBe(COMMANDS.TOP);
    expect(isKeyword('user')).toBe(false);
    expect(lookupCommand('STARTTLS')).toBeUndefined();
  });

  it('does not mistake Object.prototype names for commands', () => {
    for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(isKeyword(word), word).toBe(false);
      expect(lookupCommand(word), word).toBeUndefined();
    }
  });

  it('upper-cases ASCII letters only (RFC 1939 §3): no Unicode case mapping turns a word into a keyword', () => {
    // "ß" upper-cases to "SS" and "ſ" (long s) to "S" under Unicode rules.
    expect(lookupCommand('PAß')).toBeUndefined();
    expect(lookupCommand('ſtat')).toBeUndefined();
    expect(lookupCommand('lıst')).toBeUndefined(); // dotless i
  });
});

describe('state transitions and pipelining in the table', () => {
  it('moves a session to TRANSACTION on a +OK to any login from AUTHORIZATION (RFC 1939 §4, RFC 5034 §4)', () => {
    for (const k of ['PASS', 'APOP', 'AUTH', 'RPOP'] as const) expect(COMMANDS[k].onOk, k).toEqual({ AUTHORIZATION: 'TRANSACTION' });
  });

  it('ends the session with QUIT: CLOSED from AUTHORIZATION, UPDATE from TRANSACTION (RFC 1939 §4, §6)', () => {
    expect(COMMANDS.QUIT.onOk).toEqual({ AUTHORIZATION: 'CLOSED', TRANSACTION: 'UPDATE' });
  });

  it('leaves the state alone for every other command', () => {
    const moving = KEYWORDS.filter((k) => Object.keys(COMMANDS[k].onOk).length > 0);
    expect(moving.sort()).toEqual(['APOP', 'AUTH', 'PASS', 'QUIT', 'RPOP']);
  });

  it('only moves from a state the command is valid in, to a state a session can be in', () => {
    for (const keyword of KEYWORDS) {
      const spec = COMMANDS[keyword];
      for (const [from, to] of Object.entries(spec.onOk)) {
        if (spec.states.length > 0) expect(spec.states, keyword).toContain(from);
        expect([...POP3_STATES, 'CLOSED'], keyword).toContain(to);
      }
    }
  });

  it('lets a client pipeline the TRANSACTION commands and CAPA, nothing that logs in, secures or ends the session (RFC 2449 §6.6)', () => {
    const pipelinable = KEYWORDS.filter((k) => COMMANDS[k].pipelinable);
    expect(pipelinable.sort()).toEqual(['CAPA', 'DELE', 'LIST', 'NOOP', 'RETR', 'RSET', 'STAT', 'TOP', 'UIDL']);
    for (const k of ['USER', 'PASS', 'APOP', 'AUTH', 'STLS', 'UTF8', 'QUIT'] as const) expect(COMMANDS[k].pipelinable, k).toBe(false);
  });
});

describe('expectsMultiline', () => {
  it.each([
    ['LIST', [], true],
    ['LIST', ['1'], false],
    ['UIDL', [], true],
    ['UIDL', ['3'], false],
    ['RETR', ['1'], true],
    ['TOP', ['1', '0'], true],
    ['CAPA', [], true],
    ['list', [], true],
    ['STAT', [], false],
    ['AUTH', ['PLAIN'], false],
    ['USER', ['alice'], false],
    ['XYZZY', [], false],
  ] as const)('%s %j → %s', (keyword, args, multi) => {
    expect(expectsMultiline(keyword, args)).toBe(multi);
  });

  it('matches the reply shape of every row', () => {
    for (const keyword of KEYWORDS) {
      const shape = COMMANDS[keyword].reply;
      expect(expectsMultiline(keyword, []), keyword).toBe(shape === 'multi' || shape === 'multi-if-no-arg');
      expect(expectsMultiline(keyword, ['1']), keyword).toBe(shape === 'multi');
    }
  });
});

describe('redaction', () => {
  it('redacts the PASS password, the APOP digest and the AUTH initial response', () => {
    expect(redactArgs('PASS', ['open sesame'])).toEqual([REDACTED]);
    expect(redactArgs('APOP', ['alice', 'c4c9334bac560ecc979e58001b3e22fb'])).toEqual(['alice', REDACTED]);
    expect(redactArgs('AUTH', ['PLAIN', 'dGVzdAB0ZXN0AHRlc3Q='])).toEqual(['PLAIN', REDACTED]);
    expect(redactArgs('auth', ['PLAIN', '='])).toEqual(['PLAIN', REDACTED]);
    expect(redactArgs('pass', ['x'])).toEqual([REDACTED]);
    expect(REDACTED).toBe('***');
  });

  it('leaves other arguments alone', () => {
    expect(redactArgs('USER', ['alice'])).toEqual(['alice']);
    expect(redactArgs('AUTH', ['PLAIN'])).toEqual(['PLAIN']);
    expect(redactArgs('TOP', ['1', '10'])).toEqual(['1', '10']);
    expect(redactArgs('XYZZY', ['a'])).toEqual(['a']);
  });

  it('redacts words past the last argument when that argument is a secret (a split password, extra AUTH words)', () => {
    expect(redactArgs('PASS', ['open', 'sesame'])).toEqual([REDACTED, REDACTED]);
    expect(redactArgs('AUTH', ['PLAIN', 'abc', 'def'])).toEqual(['PLAIN', REDACTED, REDACTED]);
    expect(redactArgs('APOP', ['alice', 'digest', 'extra'])).toEqual(['alice', REDACTED, REDACTED]);
    expect(redactArgs('TOP', ['1', '2', '3'])).toEqual(['1', '2', '3']);
  });

  it('describes commands as a trace shows them', () => {
    expect(describeCommand('PASS', ['open sesame'])).toBe('PASS ***');
    expect(describeCommand('APOP', ['alice', 'c4c9334bac560ecc979e58001b3e22fb'])).toBe('APOP alice ***');
    expect(describeCommand('AUTH', ['PLAIN', 'dGVzdAB0ZXN0AHRlc3Q='])).toBe('AUTH PLAIN ***');
    expect(describeCommand('USER', ['alice'])).toBe('USER alice');
    expect(describeCommand('QUIT', [])).toBe('QUIT');
  });
});

describe('parseCommandLine', () => {
  it('upper-cases the keyword and keeps arguments as sent (RFC 1939 §3)', () => {
    expect(parseCommandLine('user Alice')).toEqual({ keyword: 'USER', args: ['Alice'] });
    expect(parseCommandLine('Top 1 10')).toEqual({ keyword: 'TOP', args: ['1', '10'] });
    expect(parseCommandLine('noop')).toEqual({ keyword: 'NOOP', args: [] });
    expect(parseCommandLine(Buffer.from('uidl 3'))).toEqual({ keyword: 'UIDL', args: ['3'] });
  });

  it('property: any mix of case in a keyword parses to the keyword', () => {
    fc.assert(
      fc.property(fc.mixedCase(fc.constantFrom(...ALL_KEYWORDS)), (word) => {
        expect(parseCommandLine(word).keyword).toBe(word.toUpperCase());
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the whole rest of a PASS line, spaces included, as the password (RFC 1939 §7)', () => {
    expect(parseCommandLine('PASS open sesame')).toEqual({ keyword: 'PASS', args: ['open sesame'] });
    expect(parseCommandLine('pass  two  spaces ')).toEqual({ keyword: 'PASS', args: [' two  spaces '] });
    expect(parseCommandLine('USER mary jane')).toEqual({ keyword: 'USER', args: ['mary jane'] });
    expect(parseCommandLine('PASS')).toEqual({ keyword: 'PASS', args: [] });
    expect(parseCommandLine('PASS ')).toEqual({ keyword: 'PASS', args: [] });
  });

  it('accepts runs of spaces between the arguments of other commands', () => {
    expect(parseCommandLine('TOP   1    10  ')).toEqual({ keyword: 'TOP', args: ['1', '10'] });
    expect(parseCommandLine('LIST ')).toEqual({ keyword: 'LIST', args: [] });
    expect(parseCommandLine('APOP alice  c4c9')).toEqual({ keyword: 'APOP', args: ['alice', 'c4c9'] });
  });

  it('parses an empty line and a line of spaces to an empty keyword', () => {
    expect(parseCommandLine('')).toEqual({ keyword: '', args: [] });
    expect(parseCommandLine(Buffer.alloc(0))).toEqual({ keyword: '', args: [] });
    expect(parseCommandLine('   ')).toEqual({ keyword: '', args: [] });
  });

  it('reads bytes as latin1, so no byte sequence fails to decode', () => {
    expect(parseCommandLine(Buffer.from([0xff, 0xfe, 0x20, 0x80, 0xc3]))).toEqual({ keyword: 'ÿþ', args: ['\x80Ã'] });
    expect(parseCommandLine(Buffer.from('USER jürgen', 'utf8')).args).toEqual([Buffer.from('jürgen').toString('latin1')]);
  });

  it('does not read a non-ASCII word as a keyword', () => {
    // 0xDF is "ß" in latin1; Unicode upper-casing would turn "PAß" into "PASS".
    expect(parseCommandLine(Buffer.from([0x50, 0x41, 0xdf, 0x20, 0x78]))).toEqual({ keyword: 'PAß', args: ['x'] });
    expect(parseCommandLine('ſtat').keyword).not.toBe('STAT');
  });

  it('property: never throws on any bytes, and the keyword is the first word', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        const parsed = parseCommandLine(buffer);
        const text = buffer.toString('latin1');
        const word = text.split(' ')[0] ?? '';
        expect(parsed.keyword.length).toBe(word.length);
        expect(parsed.keyword.toLowerCase()).toBe(word.toLowerCase());
        expect(parsed.keyword).not.toMatch(/[a-z ]/);
        if (!['USER', 'PASS'].includes(parsed.keyword)) expect(parsed.args).not.toContain('');
      }),
      { numRuns: 500 },
    );
  });

  it('property: formatCommand then parseCommandLine gives back keyword and arguments', () => {
    const arg = fc.stringMatching(/^[\x21-\x7e]{1,20}$/);
    fc.assert(
      fc.property(fc.constantFrom(...ALL_KEYWORDS), fc.array(arg, { maxLength: 3 }), (keyword, args) => {
        const spec = COMMANDS[keyword];
        const expected = 'rest' in spec && args.length > 0 ? [args.join(' ')] : args;
        const line = formatCommand(keyword, args);
        expect(line.subarray(-2).toString()).toBe('\r\n');
        expect(parseCommandLine(line.subarray(0, -2))).toEqual({ keyword, args: expected });
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatCommand', () => {
  it('writes the keyword, single spaces and CRLF', () => {
    expect(formatCommand('USER', ['alice']).toString()).toBe('USER alice\r\n');
    expect(formatCommand('STAT').toString()).toBe('STAT\r\n');
    expect(formatCommand('TOP', ['1', '0']).toString()).toBe('TOP 1 0\r\n');
    expect(formatCommand('PASS', ['open sesame']).toString()).toBe('PASS open sesame\r\n');
  });

  it('encodes arguments as UTF-8 (for UTF8 mode, RFC 6856)', () => {
    expect(formatCommand('USER', ['zoë']).equals(Buffer.from('USER zo\xc3\xab\r\n', 'latin1'))).toBe(true);
  });

  it.each([
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['CRLF', 'x\r\nDELE 1'],
    ['NUL', 'a\0b'],
  ])('refuses %s in an argument with InvalidArgumentError (RFC 1939 §3)', (_name, arg) => {
    const error = thrown(() => formatCommand('USER', [arg]));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', name: 'InvalidArgumentError' });
    expect((error as Error).message).toMatch(/argument 1 of USER .*CR, LF or NUL/);
  });

  it('refuses an empty keyword, or one with a space, CR, LF or NUL', () => {
    for (const keyword of ['', 'LIST 1', 'ST\r\nAT', 'NO\0OP', 'QUIT\n']) {
      expect(() => formatCommand(keyword), JSON.stringify(keyword)).toThrow(InvalidArgumentError);
    }
  });

  it('never repeats the secret in the error, not even when the whole line is passed as the keyword', () => {
    const error = thrown(() => formatCommand('PASS hunter2\r\n'));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('property: the error for a bad secret argument never contains any part of the secret', () => {
    const secretCall = fc.constantFrom(
      (s: string) => ['PASS', [s]] as const,
      (s: string) => ['pass', [s]] as const,
      (s: string) => ['APOP', ['alice', s]] as const,
      (s: string) => ['AUTH', ['PLAIN', s]] as const,
      (s: string) => ['PASS', ['first', s]] as const,
    );
    const part = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `Zq${s}`);
    fc.assert(
      fc.property(secretCall, part, fc.constantFrom('\r', '\n', '\0', '\r\n'), part, (call, before, bad, after) => {
        const [keyword, args] = call(`${before}${bad}${after}`);
        const error = thrown(() => formatCommand(keyword, args));
        expect(error).toBeInstanceOf(InvalidArgumentError);
        const message = (error as Error).message;
        expect(message).not.toContain('Zq');
        expect(message).toContain(REDACTED);
      }),
      { numRuns: 300 },
    );
  });
});
